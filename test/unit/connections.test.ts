/**
 * Connection choices made outside the file: the file's `connection:` wins over
 * $SNOWFLAKE_DEFAULT_CONNECTION_NAME, which only fills in where the file names none; only
 * `--connection` moves a target, with a warning naming the target, where it was and where it goes.
 */
import { describe, expect, it } from 'vitest';
import { chooseConnections } from '../../src/config/connections.js';
import { desired, target } from '../support/desired.js';

const config = desired([
  target({ name: 'named', connection: 'local', connectionDeclared: true }),
  target({ name: 'unnamed', connection: 'local', connectionDeclared: false }),
]);

const connections = (choice: Parameters<typeof chooseConnections>[1]) => chooseConnections(config, choice);

describe('connection choices', () => {
  it('the environment default only fills in where the file names no connection, silently', () => {
    const chosen = connections({ environmentDefault: 'demo' });
    expect(chosen.desired.targets.map((t) => [t.name, t.connection])).toEqual([
      ['named', 'local'],
      ['unnamed', 'demo'],
    ]);
    expect(chosen.warnings).toEqual([]);
  });

  it('--connection moves every target, with a warning naming the target, its connection and the override', () => {
    const chosen = connections({ override: 'prod', environmentDefault: 'demo' });
    expect(chosen.desired.targets.map((t) => t.connection)).toEqual(['prod', 'prod']);
    expect(chosen.warnings).toEqual([
      '--connection prod overrides the connection of target named (the file says local): it reads and writes on prod',
      '--connection prod overrides the connection of target unnamed ($SNOWFLAKE_DEFAULT_CONNECTION_NAME says demo): it reads and writes on prod',
    ]);
  });

  it('an override that changes nothing says nothing', () => {
    expect(connections({ override: 'local' }).warnings).toEqual([]);
    expect(connections({}).desired).toEqual(config);
  });
});

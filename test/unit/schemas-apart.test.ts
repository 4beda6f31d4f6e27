/**
 * Each schema once across connection names (src/config/schemas-apart.ts): where a connection
 * leads is read from connections.toml and the environment without the driver (connectionPlace),
 * and two targets that reach one account's schema through two connection names are refused at
 * the second one's line, whatever spells the database (the file, or the connection's default).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { schemasApart, type ConnectionPlace } from '../../src/config/schemas-apart.js';
import { chooseConnections } from '../../src/config/connections.js';
import type { Desired } from '../../src/model/desired.js';
import { connectionPlace } from '../../src/warehouse/snowflake/snowflake-connection.js';
import { tempDir } from '../support/temp-dir.js';

function load(targets: string): Desired {
  const result = loadConfigText(`version: 1\ntargets:\n${targets}`, '/work/checkpoints.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.desired;
}

const places: Record<string, ConnectionPlace | null> = {
  prod: { host: 'acme.snowflakecomputing.com', port: 443, database: 'analytics' },
  prod_again: { host: 'acme.snowflakecomputing.com', port: 443, database: null },
  other_account: { host: 'globex.snowflakecomputing.com', port: 443, database: 'ANALYTICS' },
  no_database: { host: 'acme.snowflakecomputing.com', port: 443, database: null },
  proxy: { host: 'sf.proxy.example', port: 8443, database: 'ANALYTICS' },
  proxy_again: { host: 'sf.proxy.example', port: 8443, database: null },
  unreadable: null,
};
const place = (name: string) => places[name] ?? null;

describe('each schema once, across connection names', () => {
  it('refuses the second target that reaches the same account, database and schema, at its line', () => {
    const desired = load(
      '  - name: a\n    connection: prod\n    schema: DEMO\n' +
        '  - name: b\n    connection: prod_again\n    database: ANALYTICS\n    schema: demo\n',
    );
    expect(schemasApart(desired, place)).toEqual([
      {
        severity: 'error',
        file: '/work/checkpoints.yaml',
        line: 6,
        col: 5,
        pointer: '/targets/1',
        message:
          'target `b` reaches ANALYTICS.DEMO on acme.snowflakecomputing.com, as target `a` at line 3 does: connections prod and ' +
          'prod_again lead to the same account, so each target would drop what the other keeps; declare each schema once and merge the two targets',
      },
    ]);
  });

  it('lets targets apart: another schema, another database, another account, a quoted name that differs in case', () => {
    const base = '  - name: a\n    connection: prod\n    schema: DEMO\n';
    for (const b of [
      '  - name: b\n    connection: prod_again\n    database: ANALYTICS\n    schema: OTHER\n',
      '  - name: b\n    connection: prod_again\n    database: STAGING\n    schema: DEMO\n',
      '  - name: b\n    connection: other_account\n    schema: DEMO\n',
      '  - name: b\n    connection: prod_again\n    database: \'"analytics"\'\n    schema: DEMO\n',
    ]) {
      expect(schemasApart(load(base + b), place), b).toEqual([]);
    }
  });

  it('says the port when it is not 443', () => {
    const desired = load(
      '  - name: a\n    connection: proxy\n    schema: DEMO\n  - name: b\n    connection: proxy_again\n    database: ANALYTICS\n    schema: DEMO\n',
    );
    expect(schemasApart(desired, place).map((d) => d.message)).toEqual([
      expect.stringMatching(
        /^target `b` reaches ANALYTICS\.DEMO on sf\.proxy\.example:8443, as target `a` at line 3 does: connections proxy and proxy_again/,
      ),
    ]);
  });

  it('never takes the embedded warehouse for an account, even when a Snowflake connection is named local', () => {
    const everywhere = () => places.prod ?? null;
    expect(
      schemasApart(
        load('  - name: a\n    connection: local\n    schema: DEMO\n  - name: b\n    connection: prod\n    schema: DEMO\n'),
        everywhere,
      ),
    ).toEqual([]);
  });

  it('does not compare what it cannot know: a connection that does not resolve, a database no one names, the embedded warehouse', () => {
    expect(
      schemasApart(
        load('  - name: a\n    connection: no_database\n    schema: DEMO\n  - name: b\n    connection: prod_again\n    schema: DEMO\n'),
        place,
      ),
    ).toEqual([]);
    expect(
      schemasApart(
        load('  - name: a\n    connection: unreadable\n    schema: DEMO\n  - name: b\n    connection: prod\n    schema: DEMO\n'),
        place,
      ),
    ).toEqual([]);
    expect(
      schemasApart(
        load('  - name: a\n    connection: prod_again\n    schema: DEMO\n  - name: b\n    connection: prod_again\n    schema: OTHER\n'),
        place,
      ),
    ).toEqual([]);
    expect(
      schemasApart(load('  - name: a\n    connection: local\n    schema: A\n  - name: b\n    connection: local\n    schema: B\n'), place),
    ).toEqual([]);
  });

  it('reads where each connection leads once, however many targets use it', () => {
    const asked: string[] = [];
    const desired = load(
      ['A', 'B', 'C'].map((schema) => `  - name: ${schema}\n    connection: prod\n    schema: ${schema}\n`).join('') +
        '  - name: d\n    connection: prod_again\n    database: X\n    schema: D\n',
    );
    expect(schemasApart(desired, (name) => (asked.push(name), place(name)))).toEqual([]);
    expect(asked).toEqual(['prod', 'prod_again']);
  });

  it('catches two targets that --connection moved onto one connection', () => {
    const desired = load(
      '  - name: a\n    connection: prod\n    schema: DEMO\n' + '  - name: b\n    connection: other_account\n    schema: DEMO\n',
    );
    expect(schemasApart(desired, place)).toEqual([]);
    const moved = chooseConnections(desired, { override: 'prod' }).desired;
    expect(schemasApart(moved, place).map((d) => d.message)).toEqual([
      expect.stringContaining('as target `a` at line 3 does: both on connection prod, so each target would drop what the other keeps'),
    ]);
  });
});

describe('where a connection leads, without the driver', () => {
  it('reads host (else the account URL), port and database from connections.toml and the environment', async () => {
    const dir = await tempDir('ckpt-place-');
    await writeFile(
      join(dir, 'connections.toml'),
      '[a]\naccount = "Acme-Prod"\nuser = "u"\ndatabase = "analytics"\n[b]\naccount = "x"\nhost = "LOCALHOST"\nport = 8080\n[c]\nuser = "u"\n',
      { mode: 0o600 },
    );
    const environment = (env: Record<string, string> = {}) => ({ env: { SNOWFLAKE_HOME: dir, ...env }, home: '/nowhere' });
    expect(connectionPlace('a', environment())).toEqual({ host: 'acme-prod.snowflakecomputing.com', port: 443, database: 'analytics' });
    expect(connectionPlace('b', environment())).toEqual({ host: 'localhost', port: 8080, database: null });
    expect(connectionPlace('b', environment({ SNOWFLAKE_CONNECTIONS_B_PORT: '9090', SNOWFLAKE_DATABASE: 'DB' }))).toEqual({
      host: 'localhost',
      port: 9090,
      database: 'DB',
    });
    // No account and no host, an unknown name, no file: nothing to compare.
    expect(connectionPlace('c', environment())).toBeNull();
    expect(connectionPlace('nope', environment())).toBeNull();
    expect(connectionPlace('a', { env: { SNOWFLAKE_HOME: join(dir, 'missing') }, home: '/nowhere' })).toBeNull();
  });
});

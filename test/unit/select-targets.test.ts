/**
 * `--target`: one name, several (`-t a -t b`, or `-t a,b`), a name holding a comma, and
 * unknown names, listed with the known ones.
 */
import { describe, expect, it } from 'vitest';
import { selectTargets, singleTarget, targetNamed } from '../../src/engine/session.js';
import { desired, target } from '../support/desired.js';

const config = desired(['a', 'b', 'c', 'DB.X,Y'].map((name) => target({ name, schema: name })));
/** What `run` throws. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

const names = (...selection: string[]) => selectTargets(config, selection).map((t) => t.name);

describe('selecting targets', () => {
  it('all without a selection; one name; several in the file order, each once', () => {
    expect(names()).toEqual(['a', 'b', 'c', 'DB.X,Y']);
    expect(names('b')).toEqual(['b']);
    expect(names('c,a,c')).toEqual(['a', 'c']);
    expect(names('c', 'a')).toEqual(['a', 'c']);
    expect(names('c', 'b,a')).toEqual(['a', 'b', 'c']);
  });

  it('a name holding a comma, by that name in full', () => {
    expect(names('DB.X,Y')).toEqual(['DB.X,Y']);
  });

  it('unknown names: one error naming each, with the known ones', () => {
    expect(() => names('a,nope', 'zz')).toThrow('no targets named nope, zz in /tmp/checkpoints.yaml');
    expect(() => targetNamed(config, 'a,b')).toThrow('no target named a,b in /tmp/checkpoints.yaml');
    expect(thrown(() => names('nope'))).toMatchObject({ code: 'TARGET_UNKNOWN', hint: 'known targets: a, b, c, DB.X,Y' });
  });

  it('a single-target command refuses several', () => {
    expect(singleTarget(selectTargets(config, ['b']), config.file).name).toBe('b');
    expect(() => singleTarget(selectTargets(config, ['a', 'b']), config.file)).toThrow(
      'this command acts on one target, and 2 targets of /tmp/checkpoints.yaml are selected',
    );
  });
});

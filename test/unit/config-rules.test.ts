/**
 * The config's cross-entry rules (src/config/rules.ts), through loadConfigText as `ckpt validate`
 * reads a file: each schema once per connection (compared as its warehouse compares names), each
 * target name once, checkpoint, action and schedule ids once per target, restore objects once,
 * and a warning for an action's checkpoint the file does not declare. Every repeat is reported,
 * each naming the first occurrence.
 */
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import type { Diagnostic } from '../../src/model/errors.js';

/** The diagnostics of a config text, as [severity, line, col, pointer, message]. */
function diagnostics(lines: string[]): [string, number, number, string, string][] {
  const result = loadConfigText(`${lines.join('\n')}\n`, 'checkpoints.yaml');
  const all: Diagnostic[] = result.ok ? result.warnings : result.diagnostics;
  return all.map((d) => [d.severity, d.line, d.col, d.pointer, d.message]);
}

describe('each schema once, each target name once', () => {
  it('reports every repeat of a schema, each naming the first target that declared it', () => {
    const found = diagnostics([
      'version: 1',
      'connection: dev',
      'targets:',
      '  - name: a',
      '    database: DB',
      '    schema: S',
      '  - name: b',
      '    schema: S',
      '  - name: c',
      '    database: db',
      '    schema: s',
      '  - name: d',
      '    database: DB',
      '    schema: S',
    ]);
    expect(found).toEqual([
      [
        'error',
        11,
        13,
        '/targets/2/schema',
        'DB.S on connection dev is already declared by target `a` at line 4; declare each schema once and merge the two targets',
      ],
      [
        'error',
        14,
        13,
        '/targets/3/schema',
        'DB.S on connection dev is already declared by target `a` at line 4; declare each schema once and merge the two targets',
      ],
    ]);
  });

  it('compares Snowflake names exactly as stored: a quoted lower-case schema is another schema', () => {
    const found = diagnostics([
      'version: 1',
      'connection: dev',
      'targets:',
      '  - name: upper',
      '    schema: DEMO',
      '  - name: lower',
      '    schema: \'"demo"\'',
    ]);
    expect(found).toEqual([]);
  });

  it('a schema without a database repeated on the embedded warehouse names no database', () => {
    const found = diagnostics(['version: 1', 'targets:', '  - name: one', '    schema: DEMO', '  - name: two', '    schema: \'"Demo"\'']);
    expect(found).toEqual([
      [
        'error',
        6,
        13,
        '/targets/1/schema',
        'Demo on connection local is already declared by target `one` at line 3; declare each schema once and merge the two targets',
      ],
    ]);
  });

  it('the same schema on two connections is two targets, which need two names', () => {
    const found = diagnostics([
      'version: 1',
      'targets:',
      '  - schema: DEMO',
      '    connection: dev',
      '  - schema: DEMO',
      '    connection: prod',
    ]);
    // Neither target writes a name (both are named DEMO after their schema): the error points at the target.
    expect(found).toEqual([
      ['error', 5, 5, '/targets/1', 'target name `DEMO` is already used by the target at line 3; give each target a distinct `name`'],
    ]);
  });

  it('reports a repeated name at the name, naming the first target of that name, every time', () => {
    const found = diagnostics([
      'version: 1',
      'targets:',
      '  - name: x',
      '    schema: A',
      '  - name: y',
      '    schema: A',
      '  - name: y',
      '    schema: B',
      '  - name: x',
      '    schema: C',
      '  - name: y',
      '    schema: D',
    ]);
    // Target 1 repeats a schema (one error for it, not two); its name still counts as taken, and the
    // first target of a name stays the one repeats are compared with.
    expect(found).toEqual([
      [
        'error',
        6,
        13,
        '/targets/1/schema',
        'A on connection local is already declared by target `x` at line 3; declare each schema once and merge the two targets',
      ],
      ['error', 7, 11, '/targets/2/name', 'target name `y` is already used by the target at line 5; give each target a distinct `name`'],
      ['error', 9, 11, '/targets/3/name', 'target name `x` is already used by the target at line 3; give each target a distinct `name`'],
      ['error', 11, 11, '/targets/4/name', 'target name `y` is already used by the target at line 5; give each target a distinct `name`'],
    ]);
  });
});

describe('ids once within a target', () => {
  it('reports every repeat of a checkpoint, action or schedule id, naming the first', () => {
    const found = diagnostics([
      'version: 1',
      'targets:',
      '  - schema: A',
      '    checkpoints:',
      '      - id: b',
      '      - id: b',
      '      - id: c',
      '      - id: b',
      '    actions:',
      '      - id: t',
      '        full_cleanup: { confirm: DELETE_ALL }',
      '      - id: t',
      '        full_cleanup: { confirm: DELETE_ALL }',
      '    schedules:',
      '      - id: s',
      '        cron: "0 * * * *"',
      '      - id: s',
      '        cron: "0 * * * *"',
      '  - schema: B',
      '    checkpoints:',
      '      - id: b',
      '    actions:',
      '      - id: t',
      '        full_cleanup: { confirm: DELETE_ALL }',
    ]);
    expect(found).toEqual([
      [
        'error',
        6,
        13,
        '/targets/0/checkpoints/1/id',
        'checkpoint id `b` is already declared at line 5 in this target; give each checkpoint a distinct id',
      ],
      [
        'error',
        8,
        13,
        '/targets/0/checkpoints/3/id',
        'checkpoint id `b` is already declared at line 5 in this target; give each checkpoint a distinct id',
      ],
      [
        'error',
        12,
        13,
        '/targets/0/actions/1/id',
        'action id `t` is already used at line 10 in this target; give each action a distinct id (an applied id is never applied again)',
      ],
      [
        'error',
        17,
        13,
        '/targets/0/schedules/1/id',
        'schedule id `s` is already used at line 15 in this target; give each schedule a distinct id',
      ],
    ]);
  });
});

describe('action references', () => {
  it('reports every repeat of a restore object, with the item number of the first', () => {
    const found = diagnostics([
      'version: 1',
      'targets:',
      '  - schema: A',
      '    checkpoints:',
      '      - id: b',
      '    actions:',
      '      - id: r',
      '        restore: { from: b, objects: [X, Y, X, Y, X] }',
    ]);
    expect(found).toEqual([
      ['error', 8, 45, '/targets/0/actions/0/restore/objects/2', '`X` is already listed as item 1 of `objects`; list each object once'],
      ['error', 8, 48, '/targets/0/actions/0/restore/objects/3', '`Y` is already listed as item 2 of `objects`; list each object once'],
      ['error', 8, 51, '/targets/0/actions/0/restore/objects/4', '`X` is already listed as item 1 of `objects`; list each object once'],
    ]);
  });

  it('warns, at the field that names it, about each checkpoint the target does not declare', () => {
    const found = diagnostics([
      'version: 1',
      'targets:',
      '  - schema: A',
      '    checkpoints:',
      '      - id: known',
      '    actions:',
      '      - id: c',
      '        cleanup: { since: monday }',
      '      - id: r',
      '        restore: { from: tuesday }',
      '      - id: z',
      '        reset: { to: known }',
      '      - id: w',
      '        reset: { to: wednesday }',
      '      - id: f',
      '        full_cleanup: { confirm: DELETE_ALL }',
      '  - schema: B',
      '    actions:',
      '      - id: c',
      '        cleanup: { since: known }',
    ]);
    const warning = (line: number, col: number, ptr: string, id: string) =>
      ['warning', line, col, ptr, `checkpoint \`${id}\` is not declared in this file; ckpt will look for it in the audit table`] as const;
    expect(found).toEqual([
      warning(8, 27, '/targets/0/actions/0/cleanup/since', 'monday'),
      warning(10, 26, '/targets/0/actions/1/restore/from', 'tuesday'),
      warning(14, 22, '/targets/0/actions/3/reset/to', 'wednesday'),
      // Declared in another target is not declared in this one.
      warning(20, 27, '/targets/1/actions/0/cleanup/since', 'known'),
    ]);
  });
});

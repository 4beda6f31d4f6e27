import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/config/format.js';
import { loadConfigFile, loadConfigText, type LoadResult } from '../../src/config/load.js';
import type { Diagnostic } from '../../src/model/errors.js';

const DIR = 'test/fixtures/config/invalid';

/** fixture, line, col, a substring of the message, and the pointer (when the problem has one). */
const CASES: [string, number, number, string, string][] = [
  ['unclosed-quote.yaml', 4, 1, 'missing closing "quote', ''],
  ['unclosed-flow.yaml', 5, 1, 'flow sequence', ''],
  ['connection-number.yaml', 2, 13, '`connection` must be a string, got number', '/connection'],
  ['connection-empty.yaml', 2, 13, '`connection` cannot be empty', '/connection'],
  ['checkpoint-no-id.yaml', 5, 9, 'this checkpoint is missing `id`', '/targets/0/checkpoints/0'],
  ['checkpoint-string.yaml', 5, 9, 'item 1 of `checkpoints` must be a mapping, got string', '/targets/0/checkpoints/0'],
  ['description-number.yaml', 6, 22, '`description` must be a string, got a list', '/targets/0/checkpoints/0/description'],
  ['cleanup-no-since.yaml', 6, 18, '`cleanup` is missing `since`', '/targets/0/actions/0/cleanup'],
  ['restore-objects-string.yaml', 8, 45, '`objects` must be a list, got string', '/targets/0/actions/0/restore/objects'],
  ['restore-bad-object.yaml', 8, 54, '"9lives" is not a valid unquoted identifier', '/targets/0/actions/0/restore/objects/1'],
  ['allow-large-string.yaml', 9, 22, '`allow_large` must be true or false, got string', '/targets/0/actions/0/allow_large'],
  ['bad-action-id.yaml', 5, 13, 'got "-starts-with-dash"', '/targets/0/actions/0/id'],
  ['full-cleanup-extra.yaml', 6, 46, 'unknown key `force` in `full_cleanup`', '/targets/0/actions/0/full_cleanup/force'],
  ['bad-audit-table.yaml', 4, 18, '"audit table" is not a valid unquoted identifier', '/targets/0/audit_table'],
  ['bad-database.yaml', 4, 15, '"1DB" is not a valid unquoted identifier', '/targets/0/database'],
  ['quoted-unclosed-identifier.yaml', 3, 13, 'opens a double quote it does not close', '/targets/0/schema'],
  ['reset-wrong-type.yaml', 6, 16, '`reset` must be a mapping, got string', '/targets/0/actions/0/reset'],
  ['schedule-no-cron.yaml', 5, 9, 'this schedule is missing `cron`', '/targets/0/schedules/0'],
  ['target-name-bad.yaml', 3, 11, 'got "retail demo!"', '/targets/0/name'],
  ['max-drop-float.yaml', 4, 15, '`max_drop` must be an integer, got number', '/targets/0/max_drop'],
  ['yaml-syntax.yaml', 5, 1, 'invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]', ''],
  ['tab-indent.yaml', 3, 1, 'YAML does not allow tabs for indentation; indent with spaces', ''],
  ['duplicate-key.yaml', 5, 5, 'key `max_drop` appears twice in this mapping; keep only one', ''],
  ['multiple-docs.yaml', 4, 1, 'more than one YAML document', ''],
  ['unknown-top-key.yaml', 2, 1, 'unknown key `conection` in the file; did you mean `connection`?', '/conection'],
  ['misspelt-targets.yaml', 2, 1, 'unknown key `targts` in the file; did you mean `targets`?', '/targts'],
  ['unknown-target-key.yaml', 4, 5, 'unknown key `databse` in this target; did you mean `database`?', '/targets/0/databse'],
  [
    'unknown-action-key.yaml',
    9,
    9,
    'unknown key `allow-large` in this action; did you mean `allow_large`?',
    '/targets/0/actions/0/allow-large',
  ],
  ['misspelt-kind.yaml', 6, 9, 'unknown key `clean` in this action; did you mean `cleanup`?', '/targets/0/actions/0/clean'],
  ['unknown-cleanup-key.yaml', 6, 37, 'unknown key `until` in `cleanup`; known keys here: since', '/targets/0/actions/0/cleanup/until'],
  ['version-string.yaml', 1, 10, '`version` must be an integer, got string; remove the quotes', '/version'],
  ['schema-number.yaml', 3, 13, '`schema` must be a string, got number (for example `schema: RETAIL`)', '/targets/0/schema'],
  ['schema-empty.yaml', 4, 5, '`schema` must be a string, got an empty value', '/targets/0/schema'],
  ['protect-not-list.yaml', 4, 14, '`protect` must be a list, got string', '/targets/0/protect'],
  ['max-drop-string.yaml', 4, 15, '`max_drop` must be an integer, got string', '/targets/0/max_drop'],
  ['max-drop-zero.yaml', 4, 15, '`max_drop` must be at least 1, got 0', '/targets/0/max_drop'],
  ['max-drop-rows-negative.yaml', 4, 20, '`max_drop_rows` must be at least 0, got -1', '/targets/0/max_drop_rows'],
  ['max-drop-bytes-size.yaml', 4, 21, '`max_drop_bytes` must be an integer, got string', '/targets/0/max_drop_bytes'],
  ['max-drop-bytes-float.yaml', 5, 21, '`max_drop_bytes` must be an integer, got number', '/targets/0/max_drop_bytes'],
  ['version-2.yaml', 1, 10, '`version` must be exactly 1: this version of ckpt reads version 1 files only', '/version'],
  ['missing-schema.yaml', 3, 5, 'this target is missing `schema` (the schema to manage); add e.g. `schema: RETAIL`', '/targets/0'],
  ['missing-targets.yaml', 2, 1, 'the file is missing `targets`', ''],
  ['empty-targets.yaml', 2, 10, '`targets` is empty: list at least one schema to manage', '/targets'],
  ['targets-mapping.yaml', 3, 3, '`targets` must be a list, got a mapping', '/targets'],
  ['duplicate-target-names.yaml', 5, 11, 'target name `demo` is already used by the target at line 3', '/targets/1/name'],
  ['duplicate-checkpoint-ids.yaml', 7, 13, 'checkpoint id `baseline` is already declared at line 5', '/targets/0/checkpoints/2/id'],
  ['duplicate-action-ids.yaml', 9, 13, 'action id `tidy` is already used at line 7', '/targets/0/actions/1/id'],
  ['action-no-kind.yaml', 5, 9, 'an action needs exactly one of cleanup, restore, reset, full_cleanup', '/targets/0/actions/0'],
  [
    'action-two-kinds.yaml',
    9,
    9,
    'has both `cleanup` and `reset`: an action needs exactly one of cleanup, restore, reset, full_cleanup',
    '/targets/0/actions/0/reset',
  ],
  ['full-cleanup-no-confirm.yaml', 6, 23, '`full_cleanup` is missing `confirm`', '/targets/0/actions/0/full_cleanup'],
  [
    'confirm-wrong-case.yaml',
    6,
    34,
    '`confirm` must be exactly DELETE_ALL: full cleanup drops every object in the schema but the audit table',
    '/targets/0/actions/0/full_cleanup/confirm',
  ],
  [
    'bad-checkpoint-id.yaml',
    5,
    13,
    '`id` must use only letters, digits, `_`, `.` and `-`, start with a letter, digit or `_`',
    '/targets/0/checkpoints/0/id',
  ],
  ['bad-identifier.yaml', 5, 13, '"my-schema" is not a valid unquoted identifier', '/targets/0/schema'],
  ['long-identifier.yaml', 3, 13, 'identifier is 256 characters; Snowflake allows 255', '/targets/0/schema'],
  ['bad-protect-glob.yaml', 4, 22, 'item 2 of `protect`: "tmp-*" is not a valid unquoted name glob', '/targets/0/protect/1'],
  ['restore-duplicate-objects.yaml', 10, 40, '`ORDERS` is already listed as item 1 of `objects`', '/targets/0/actions/0/restore/objects/2'],
  [
    'restore-empty-objects.yaml',
    8,
    45,
    '`objects` is empty: omit `objects` to restore everything missing',
    '/targets/0/actions/0/restore/objects',
  ],
  ['schedule-unknown-key.yaml', 12, 9, 'action', '/targets/0/schedules/0/action'],
  ['schedule-bad-cron.yaml', 6, 15, 'not a valid cron expression', '/targets/0/schedules/0/cron'],
  ['schedule-hashed-cron.yaml', 6, 15, '`cron`: "0 0 H * *": `H` in day-of-month is not standard cron', '/targets/0/schedules/0/cron'],
  ['schedule-day-step.yaml', 6, 15, 'day-of-month `*/2` next to a restricted day-of-week is read two ways', '/targets/0/schedules/0/cron'],
  ['schedule-fields.yaml', 6, 15, 'cron needs 5 fields', '/targets/0/schedules/0/cron'],
  ['schedule-timezone.yaml', 7, 19, 'not an IANA time zone', '/targets/0/schedules/0/timezone'],
  ['schedule-duplicate.yaml', 7, 13, 'schedule id `hourly` is already used at line 5', '/targets/0/schedules/1/id'],
  ['schedule-retain-zero.yaml', 7, 17, 'retain', '/targets/0/schedules/0/retain'],
  ['clone-schema-target.yaml', 3, 13, 'is named like the clone of a `keep: clone` checkpoint', '/targets/0/schema'],
  ['keep-unknown.yaml', 6, 15, '`keep` must be one of inventory, clone (got snapshot)', '/targets/0/checkpoints/0/keep'],
  ['alias-bomb.yaml', 3, 8, 'aliases (*name) expand to too much data', ''],
  ['empty.yaml', 1, 1, 'the file is empty', ''],
  ['comments-only.yaml', 1, 1, 'the file is empty', ''],
  ['list-root.yaml', 1, 1, 'the file must be a mapping with `version: 1` and a `targets:` list, got a list', ''],
  ['same-schema.yaml', 9, 13, 'DEMO_DB.RETAIL on connection dev is already declared by target `retail` at line 4', '/targets/1/schema'],
  ['same-schema-folded.yaml', 7, 13, 'demo on connection local is already declared by target `upper` at line 3', '/targets/1/schema'],
  [
    'local-database.yaml',
    4,
    5,
    'the embedded warehouse (connection local) has one database, so SCRATCH_DB cannot be honoured',
    '/targets/0/database',
  ],
  ['hidden-schema.yaml', 4, 13, "is ckpt's hidden schema", '/targets/0/schema'],
];

function load(name: string): LoadResult {
  return loadConfigText(readFileSync(join(DIR, name), 'utf8'), name);
}

function errorsOf(result: LoadResult): Diagnostic[] {
  if (result.ok) throw new Error('expected the config to be refused');
  return result.diagnostics.filter((d) => d.severity === 'error');
}

describe('invalid config files', () => {
  it.each(CASES)('%s → %i:%i', (name, line, col, message, ptr) => {
    const errors = errorsOf(load(name));
    // One clear diagnostic per real problem: every fixture has exactly one.
    expect(errors.map(formatDiagnostic)).toHaveLength(1);
    const [error] = errors;
    expect(error).toMatchObject({ file: name, line, col, pointer: ptr });
    expect(error?.message).toContain(message);
  });

  it('has a case for every fixture and at least 30 of them', () => {
    const fixtures = readdirSync(DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    expect(CASES.map(([name]) => name).sort()).toEqual(fixtures);
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  it('refuses a file over 1 MiB before parsing it', () => {
    const text = `version: 1\ntargets:\n  - schema: RETAIL\n${'# padding\n'.repeat(110_000)}`;
    const [error] = errorsOf(loadConfigText(text, 'big.yaml'));
    expect(error).toMatchObject({ line: 1, col: 1, pointer: '' });
    expect(error?.message).toContain('ckpt reads config files of at most 1 MiB');
  });

  it('formats a diagnostic as file:line:col: severity: message (at pointer)', () => {
    const [error] = errorsOf(load('max-drop-string.yaml'));
    expect(error && formatDiagnostic(error)).toBe(
      'max-drop-string.yaml:4:15: error: `max_drop` must be an integer, got string (for example `max_drop: 500`) (at /targets/0/max_drop)',
    );
    const [whole] = errorsOf(load('empty.yaml'));
    expect(whole && formatDiagnostic(whole)).toMatch(/^empty\.yaml:1:1: error: the file is empty: .*ckpt init[^)]*\)$/);
  });

  it('reports every problem of a file, in file order', () => {
    const text = ['version: 1', 'targets:', '  - schema: RETAIL', '    max_drop: lots', '    protect: X', ''].join('\n');
    const errors = errorsOf(loadConfigText(text, 'two.yaml'));
    expect(errors.map((e) => [e.line, e.col, e.pointer])).toEqual([
      [4, 15, '/targets/0/max_drop'],
      [5, 14, '/targets/0/protect'],
    ]);
  });
});

describe('loadConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says which path is missing and to run `ckpt init`', async () => {
    const file = join(dir, 'nope', 'checkpoints.yaml');
    const [error] = errorsOf(await loadConfigFile(file));
    expect(error).toMatchObject({ file, line: 1, col: 1 });
    expect(error?.message).toContain(resolve(file));
    expect(error?.message).toContain('run `ckpt init`');
  });

  it('refuses a file over 1 MiB without reading it', async () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, 'x'.repeat(1024 * 1024 + 1));
    const [error] = errorsOf(await loadConfigFile(file));
    expect(error).toMatchObject({ line: 1, col: 1 });
    expect(error?.message).toContain('at most 1 MiB');
  });

  it('refuses a file that is not UTF-8', async () => {
    const file = join(dir, 'latin1.yaml');
    writeFileSync(file, Buffer.from([0x76, 0x3a, 0x20, 0xe9, 0x0a]));
    const [error] = errorsOf(await loadConfigFile(file));
    expect(error?.message).toContain('not valid UTF-8');
  });
});

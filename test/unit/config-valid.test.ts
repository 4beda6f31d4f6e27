import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, loadConfigText } from '../../src/config/load.js';
import type { Desired } from '../../src/model/desired.js';
import type { Diagnostic } from '../../src/model/errors.js';

const DIR = 'test/fixtures/config/valid';
const read = (name: string): string => readFileSync(`${DIR}/${name}`, 'utf8');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function loaded(text: string, file = 'checkpoints.yaml'): { desired: Desired; warnings: Diagnostic[] } {
  const result = loadConfigText(text, file);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return result;
}

/** The spec hashes of the example's actions, pinned: a change here re-flags applied actions as edited. */
const HASHES = {
  cleanup: '215548ca5ca3ffa2515eb479e35b5cd0e0d6d66ab94dd47538e275dccbfcc242',
  restore: '57cfe148253b474aa7b4d8325c3f84c91a8d61923fdc4a4ecf50e4249112aedc',
  reset: '1b6018233dc79dc6e642a2a8266987f7583f68cdc269ea5be7b77a770a52ef1c',
  fullCleanup: '8feba8968d64105fa0ddf929dad1c95f9d29398eeb3aaed70a42a13f31d31fb8',
};

describe('the documented example', () => {
  const text = read('example.yaml');

  it('normalises to the expected Desired', () => {
    const { desired, warnings } = loaded(text, 'example.yaml');
    expect(warnings).toEqual([]);
    expect(desired).toEqual({
      file: 'example.yaml',
      sourceHash: sha256(text),
      version: 1,
      targets: [
        {
          name: 'retail-demo',
          connection: 'demo',
          connectionDeclared: true,
          database: 'DEMO_DB',
          schema: 'RETAIL',
          auditTable: 'CHECKPOINT_AUDIT',
          protect: ['REF_*', 'CUSTOMERS'],
          schedules: [],
          maxDrop: 500,
          maxDropRows: null,
          maxDropBytes: null,
          checkpoints: [
            { id: 'baseline', description: 'Initial state before any demo', keep: 'inventory', position: { line: 13, col: 9 } },
          ],
          actions: [
            {
              id: 'after-acme-demo',
              spec: { kind: 'cleanup', since: 'baseline' },
              specHash: HASHES.cleanup,
              allowLarge: false,
              position: { line: 16, col: 9 },
            },
            {
              id: 'bring-back-orders',
              spec: { kind: 'restore', from: 'baseline', objects: ['ORDERS'] },
              specHash: HASHES.restore,
              allowLarge: false,
              position: { line: 19, col: 9 },
            },
            {
              id: 'reset-friday',
              spec: { kind: 'reset', to: 'baseline' },
              specHash: HASHES.reset,
              allowLarge: false,
              position: { line: 21, col: 9 },
            },
            {
              id: 'wipe-november',
              spec: { kind: 'full-cleanup' },
              specHash: HASHES.fullCleanup,
              allowLarge: false,
              position: { line: 23, col: 9 },
            },
          ],
          position: { line: 5, col: 5 },
        },
      ],
    });
  });

  it('keeps spec hashes when only comments, layout or key order change', () => {
    const reworded = text
      .replace('cleanup: { since: baseline }', 'cleanup:\n          since: baseline   # moved')
      .replace('restore: { from: baseline, objects: [ORDERS] }', 'restore: { objects: [orders], from: baseline }');
    const { desired } = loaded(reworded);
    expect(desired.targets[0]?.actions.map((a) => a.specHash)).toEqual([HASHES.cleanup, HASHES.restore, HASHES.reset, HASHES.fullCleanup]);
    expect(desired.sourceHash).not.toBe(sha256(text));
  });

  it('changes an action hash when its spec or allow_large changes, and only that one', () => {
    const edited = loaded(text.replace('reset: { to: baseline }', 'reset: { to: monday }')).desired;
    expect(edited.targets[0]?.actions.map((a) => a.specHash)).toEqual([
      HASHES.cleanup,
      HASHES.restore,
      expect.not.stringMatching(HASHES.reset),
      HASHES.fullCleanup,
    ]);
    const large = loaded(text.replace('allow_large: false', 'allow_large: true')).desired;
    expect(large.targets[0]?.actions[0]?.allowLarge).toBe(true);
    expect(large.targets[0]?.actions[0]?.specHash).not.toBe(HASHES.cleanup);
  });

  it('is read from disk with an absolute file path and the hash of its bytes', async () => {
    const result = await loadConfigFile(`${DIR}/example.yaml`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.desired.file).toBe(resolve(DIR, 'example.yaml'));
    expect(result.desired.sourceHash).toBe(
      createHash('sha256')
        .update(readFileSync(`${DIR}/example.yaml`))
        .digest('hex'),
    );
  });
});

describe('names and defaults', () => {
  it('canonicalises names: unquoted (even YAML-quoted) upper-cased, SQL-quoted kept', () => {
    const { desired, warnings } = loaded(read('names.yaml'), 'names.yaml');
    expect(warnings).toEqual([]);
    const [mixed, plain] = desired.targets;
    expect(mixed).toMatchObject({
      name: 'DEMO_DB.MixedCase',
      connection: 'demo',
      database: 'DEMO_DB',
      schema: 'MixedCase',
      auditTable: 'Audit',
      protect: ['REF_*', 'KEEP_*', 'Raw?'],
      maxDrop: 500,
      maxDropRows: null,
      maxDropBytes: null,
      checkpoints: [{ id: 'start', description: '', position: { line: 9, col: 9 } }],
    });
    expect(mixed?.actions[0]).toMatchObject({
      id: 'bring-back',
      spec: { kind: 'restore', from: 'start', objects: ['ORDERS', 'LINEITEMS', 'LineItems', 'Odd "Name"'] },
      allowLarge: true,
    });
    expect(plain).toEqual({
      name: 'ANALYTICS',
      connection: 'local',
      connectionDeclared: true,
      database: null,
      schema: 'ANALYTICS',
      auditTable: 'CHECKPOINT_AUDIT',
      protect: [],
      schedules: [],
      maxDrop: 500,
      maxDropRows: null,
      maxDropBytes: null,
      checkpoints: [],
      actions: [],
      position: { line: 15, col: 5 },
    });
  });

  it('reads max_drop_rows and max_drop_bytes (0 is a limit), and leaves them unlimited when unset', () => {
    const { desired } = loaded(
      [
        'version: 1',
        'targets:',
        '  - { schema: a, max_drop_rows: 1000000, max_drop_bytes: 10000000000 }',
        '  - { schema: b, max_drop_rows: 0, max_drop_bytes: 0 }',
        '  - schema: c',
        '',
      ].join('\n'),
    );
    expect(desired.targets.map((t) => [t.name, t.maxDropRows, t.maxDropBytes])).toEqual([
      ['A', 1_000_000, 10_000_000_000],
      ['B', 0, 0],
      ['C', null, null],
    ]);
  });

  it('defaults connection to local and name to DATABASE.SCHEMA or SCHEMA', () => {
    const { desired } = loaded(
      ['version: 1', 'targets:', '  - { connection: dev, database: sales_db, schema: eu }', '  - schema: us', ''].join('\n'),
    );
    expect(desired.targets.map((t) => [t.name, t.connection, t.connectionDeclared, t.database, t.schema])).toEqual([
      ['SALES_DB.EU', 'dev', true, 'SALES_DB', 'EU'],
      ['US', 'local', false, null, 'US'],
    ]);
  });

  it('accepts an audit table matched by a protect glob, and keep: inventory', () => {
    const { desired } = loaded(
      [
        'version: 1',
        'targets:',
        '  - schema: S',
        '    protect: ["CHECKPOINT_*"]',
        '    checkpoints: [{ id: a, keep: inventory }]',
        '',
      ].join('\n'),
    );
    expect(desired.targets[0]?.protect).toEqual(['CHECKPOINT_*']);
    expect(desired.targets[0]?.checkpoints.map((c) => c.id)).toEqual(['a']);
  });

  it('accepts keep: clone and defaults keep to inventory', () => {
    const { desired } = loaded(
      ['version: 1', 'targets:', '  - schema: S', '    checkpoints: [{ id: a, keep: clone }, { id: b }]', ''].join('\n'),
    );
    expect(desired.targets[0]?.checkpoints.map((c) => [c.id, c.keep])).toEqual([
      ['a', 'clone'],
      ['b', 'inventory'],
    ]);
  });
});

describe('warnings', () => {
  it('warns about an action checkpoint not declared in the file, and still loads', () => {
    const { desired, warnings } = loaded(read('undeclared.yaml'), 'undeclared.yaml');
    expect(desired.targets[0]?.actions.map((a) => a.spec)).toEqual([
      { kind: 'reset', to: 'monday' },
      { kind: 'cleanup', since: 'baseline' },
    ]);
    expect(warnings).toEqual([
      {
        severity: 'warning',
        file: 'undeclared.yaml',
        line: 8,
        col: 22,
        pointer: '/targets/0/actions/0/reset/to',
        message: 'checkpoint `monday` is not declared in this file; ckpt will look for it in the audit table',
      },
    ]);
  });
});

describe('shipped examples', () => {
  const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml'));
  it.each(examples)('examples/%s loads without errors or warnings', async (name) => {
    const result = await loadConfigFile(`examples/${name}`);
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });
});

/**
 * End to end on the embedded warehouse: the built CLI in a temp folder, as a user runs it.
 * init → sql → checkpoint → more changes → plan (exit 2) → refusal without --yes (exit 3) →
 * reconcile → verify → plan again is empty.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DuckWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { ckpt, workspace } from './cli-runner.js';

const config = (actions: string) => `version: 1
connection: local
targets:
  - name: demo
    schema: DEMO
    protect: ["REF_*"]
    checkpoints:
      - id: baseline
        description: before the demo
    actions:${actions}
`;

const CLEANUP = `
      - id: after-demo
        cleanup: { since: baseline }`;

async function tables(dir: string): Promise<string[]> {
  const result = await ckpt(dir, ['sql', '--json', "SELECT table_name FROM information_schema.tables WHERE table_schema = 'DEMO' ORDER BY 1"]);
  expect(result.code).toBe(0);
  return (JSON.parse(result.stdout) as { rows: string[][] }).rows.map((r) => String(r[0]));
}

describe('ckpt CLI on the embedded warehouse', () => {
  it('checkpoints, plans, refuses without consent, cleans up, and converges', async () => {
    const dir = await workspace(config(' []'));
    expect((await ckpt(dir, ['init'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'CREATE TABLE orders (id INTEGER, amount INTEGER)'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'INSERT INTO orders VALUES (1, 10), (2, 20)'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'CREATE TABLE ref_codes (code VARCHAR)'])).code).toBe(0);

    const first = await ckpt(dir, ['reconcile']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('+ take checkpoint baseline');

    const adhoc = await ckpt(dir, ['checkpoint', 'create', '--description', 'ad hoc']);
    expect(adhoc.code).toBe(0);
    expect(adhoc.stderr).toMatch(/Checkpoint CP_\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d taken/);

    await writeFile(join(dir, 'extra.sql'), 'CREATE TABLE scratch (id INTEGER);\nCREATE VIEW v_scratch AS SELECT * FROM scratch;\nCREATE TABLE ref_new (x INTEGER);\n');
    expect((await ckpt(dir, ['sql', '-f', 'extra.sql'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'DROP TABLE ref_new'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config(CLEANUP));

    const plan = await ckpt(dir, ['reconcile', '--plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    const lines = plan.stdout.split('\n');
    const dropView = lines.findIndex((l) => l.includes('- drop view DEMO."v_scratch"'));
    const dropTable = lines.findIndex((l) => l.includes('- drop table DEMO."scratch"'));
    expect(dropView).toBeGreaterThan(-1);
    expect(dropTable).toBeGreaterThan(dropView);
    expect(plan.stdout).toContain('Plan: 2 to drop, 1 action to record.');
    expect(plan.stdout).not.toContain('ref_codes');

    const refused = await ckpt(dir, ['reconcile']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('--yes');
    expect(await tables(dir)).toContain('scratch');

    const applied = await ckpt(dir, ['reconcile', '--yes']);
    expect(applied.code).toBe(0);
    expect(await tables(dir)).toEqual(['CHECKPOINT_AUDIT', 'orders', 'ref_codes']);

    const again = await ckpt(dir, ['reconcile', '--plan', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');

    const history = await ckpt(dir, ['history', '--json']);
    const actions = (JSON.parse(history.stdout) as { targets: Array<{ actions: Array<{ action_id: string; status: string; steps: unknown[] }> }> }).targets[0]?.actions;
    expect(actions).toMatchObject([{ action_id: 'after-demo', status: 'APPLIED' }]);
    expect(actions?.[0]?.steps).toMatchObject([{ kind: 'drop-object', object: 'v_scratch', outcome: 'succeeded' }, { kind: 'drop-object', object: 'scratch', outcome: 'succeeded' }]);

    const listed = await ckpt(dir, ['checkpoints']);
    expect(listed.stdout).toMatch(/baseline\s+\S+ \S+ UTC\s+MANUAL\s+before the demo\s+2\s+ACTIVE/);
  });

  it('prints the plan as JSON that matches schemas/plan.schema.json', async () => {
    const dir = await workspace(config(CLEANUP));
    expect((await ckpt(dir, ['sql', 'CREATE TABLE t (a INTEGER)'])).code).toBe(0);
    const result = await ckpt(dir, ['reconcile', '--plan', '--json']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(await readFile(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    const plan: unknown = JSON.parse(result.stdout);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(validate(plan)).toBe(true);
    expect(plan).toMatchObject({ format_version: 1, targets: [{ target: 'demo', steps: [{ kind: 'init-audit' }, { kind: 'take-checkpoint' }, { kind: 'record-action' }] }] });
  });

  it('refuses a full cleanup without DELETE_ALL before reaching the warehouse', async () => {
    const dir = await workspace(config(`
      - id: wipe
        full_cleanup: { confirm: delete_all }`));
    const result = await ckpt(dir, ['reconcile', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/checkpoints\.yaml:\d+:\d+: error: .*DELETE_ALL/);
    expect(existsSync(join(dir, '.ckpt'))).toBe(false);
  });

  it('validate checks offline and reports file:line:col', async () => {
    const dir = await workspace('version: 1\ntargets:\n  - schema: DEMO\n    protekt: []\n');
    const result = await ckpt(dir, ['validate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/checkpoints\.yaml:4:5: error: .*protect/);
    expect(existsSync(join(dir, '.ckpt'))).toBe(false);
  });

  it('names the process holding the embedded warehouse', async () => {
    const dir = await workspace(config(' []'));
    const held = await DuckWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
    try {
      const result = await ckpt(dir, ['checkpoints'], { env: { CKPT_LOCK_WAIT_MS: '300' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      await held.close();
    }
  });

  it('every example validates and plans against an empty embedded warehouse', async () => {
    const dir = new URL('../../examples/', import.meta.url);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const ws = await workspace(await readFile(new URL(file, dir), 'utf8'));
      const validated = await ckpt(ws, ['validate']);
      expect(validated.code, `${file}: ${validated.stderr}`).toBe(0);
      const planned = await ckpt(ws, ['reconcile', '--plan']);
      expect([0, 1], `${file}: ${planned.stderr}`).toContain(planned.code);
      expect(planned.stdout).toContain('Plan:');
    }
  });

  it('exits 1 with a hint for an unknown target', async () => {
    const dir = await workspace(config(' []'));
    const result = await ckpt(dir, ['reconcile', '--plan', '--target', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('known targets: demo');
  });
});

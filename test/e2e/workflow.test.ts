/**
 * The whole workflow through the built CLI, on the embedded warehouse and on a Snowflake
 * connection (the real snowflake-sdk against the local test server): create objects with
 * `ckpt sql`, checkpoint, create and drop more, `reconcile --plan` (exit 2), refusal without
 * --yes (exit 3), reconcile, verify, plan again is empty.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ckpt, workspace } from './cli-runner.js';
import { demoConfig, e2eConnection, runSetupSql, type E2eConnection } from './connections.js';

describe.each(['local', 'snowflake'] as const)('workflow on %s', (kind) => {
  let conn: E2eConnection;
  beforeEach(async () => {
    conn = await e2eConnection(kind);
  });
  afterEach(async () => conn.close());

  const config = (actions: string) => demoConfig(conn, actions);
  const run = (dir: string, args: string[]) => ckpt(dir, args, { env: conn.env });
  const tables = async (dir: string) => {
    const result = await run(dir, [
      'sql',
      '--json',
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${conn.schema}' ORDER BY 1`,
    ]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { rows: string[][] }).rows
      .map((r) => String(r[0]).toUpperCase())
      .filter((n) => !/^CHECKPOINT_AUDIT_(LEASE|JOURNAL|INVENTORY)$/.test(n))
      .sort();
  };

  it('checkpoint, plan, consent, cleanup, converge', async () => {
    const dir = await workspace(config(' []'));
    expect((await run(dir, ['init'])).code).toBe(0);
    for (const sql of [
      'CREATE TABLE orders (id INTEGER, amount INTEGER)',
      'INSERT INTO orders VALUES (1, 10), (2, 20)',
      'CREATE TABLE ref_codes (code VARCHAR)',
    ]) {
      const r = await run(dir, ['sql', sql]);
      expect(r.code, r.stderr).toBe(0);
    }
    const first = await run(dir, ['reconcile']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('+ take checkpoint baseline');
    const adhoc = await run(dir, ['checkpoint', 'create', '--description', 'ad hoc']);
    expect(adhoc.code, adhoc.stderr).toBe(0);

    for (const sql of [
      'CREATE TABLE scratch (id INTEGER)',
      'CREATE VIEW v_scratch AS SELECT id FROM scratch',
      'CREATE TABLE ref_new (x INTEGER)',
      'DROP TABLE ref_new',
    ]) {
      expect((await run(dir, ['sql', sql])).code).toBe(0);
    }
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: after-demo\n        cleanup: { since: baseline }'));

    const plan = await run(dir, ['reconcile', '--plan', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(2);
    const lines = plan.stdout.split('\n');
    const dropView = lines.findIndex((l) => /- drop view \S*v_scratch/i.test(l));
    const dropTable = lines.findIndex((l) => /- drop table \S*\.\W?scratch/i.test(l));
    expect(dropView).toBeGreaterThan(-1);
    expect(dropTable).toBeGreaterThan(dropView);
    // scratch is empty: an estimate on the embedded warehouse, counted rows and bytes on Snowflake; the view weighs nothing.
    expect(plan.stdout).toContain(`Plan: 2 to drop (${kind === 'local' ? 'about 0 rows' : '0 rows, 0 B'}), 1 action to record.`);

    const refused = await run(dir, ['reconcile']);
    expect(refused.code).toBe(3);
    expect(await tables(dir)).toContain('SCRATCH');

    const applied = await run(dir, ['reconcile', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await tables(dir)).toEqual(['CHECKPOINT_AUDIT', 'ORDERS', 'REF_CODES']);

    const again = await run(dir, ['reconcile', '--plan', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');
    const history = await run(dir, ['history', '--json']);
    const actions = (JSON.parse(history.stdout) as { targets: Array<{ actions: Array<{ action_id: string; status: string }> }> }).targets[0]
      ?.actions;
    expect(actions).toMatchObject([{ action_id: 'after-demo', status: 'APPLIED' }]);
    const listed = await run(dir, ['checkpoints', '--json']);
    const ids = (JSON.parse(listed.stdout) as { targets: Array<{ checkpoints: Array<{ id: string }> }> }).targets[0]?.checkpoints.map(
      (c) => c.id,
    );
    expect(ids).toHaveLength(2);
    expect(ids).toContain('baseline');
  });

  it('reset brings back dropped tables with their rows and re-creates views', async () => {
    const dir = await workspace(config(' []'));
    await runSetupSql(conn, dir, [
      'CREATE TABLE orders (id INTEGER)',
      'INSERT INTO orders VALUES (1), (2), (3)',
      'CREATE VIEW v_orders AS SELECT id FROM orders',
    ]);
    expect((await run(dir, ['reconcile'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }'));
    expect((await run(dir, ['reconcile', '--yes'])).code).toBe(0);
    expect(await tables(dir)).toEqual(['CHECKPOINT_AUDIT']);
    await runSetupSql(conn, dir, ['CREATE TABLE extra (id INTEGER)']);
    await writeFile(
      join(dir, 'checkpoints.yaml'),
      config('\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }\n      - id: back\n        reset: { to: baseline }'),
    );
    const reset = await run(dir, ['reconcile', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(await tables(dir)).toEqual(['CHECKPOINT_AUDIT', 'ORDERS', 'V_ORDERS']);
    const count = await run(dir, ['sql', '--json', 'SELECT count(*) AS n FROM v_orders']);
    expect(Number((JSON.parse(count.stdout) as { rows: unknown[][] }).rows[0]?.[0])).toBe(3);
    expect((await run(dir, ['reconcile', '--plan', '--detailed-exitcode'])).code).toBe(0);
  });
});

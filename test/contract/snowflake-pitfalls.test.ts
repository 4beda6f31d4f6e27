/**
 * One test per applicable pitfall of snowflake-semantics.md, each naming its number, run
 * through the Snowflake adapter, the real snowflake-sdk and the local test server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, names, observe, planOnly, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

const DAY = 86_400_000;

describe('Snowflake pitfalls', () => {
  let fx: SnowflakeFixture;
  let base: Target;
  const withBaseline = (actions: Target['actions'] = [], extra: Partial<Target> = {}): Target => ({
    ...base,
    checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
    actions,
    ...extra,
  });
  const rows = async (sql: string) => (await fx.sql(sql)).map((r) => r.map(String));

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    base = fx.base;
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await fx.sql("INSERT INTO orders VALUES (1, 'original'), (2, 'original')");
  });
  afterEach(async () => fx.close());

  it('pitfall 1: a dropped view has no UNDROP; it comes back from its captured definition', async () => {
    await fx.sql('CREATE VIEW v_orders AS SELECT id FROM orders');
    await reconcile(fx, withBaseline());
    await fx.sql('DROP VIEW v_orders');
    await expect(fx.sql('UNDROP VIEW v_orders')).rejects.toThrow();
    const t = withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: null })]);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['recreate-view', 'record-action']);
    expectAllSucceeded(outcomes);
    expect(await rows('SELECT count(*) FROM v_orders')).toEqual([['2']]);
  });

  it('pitfalls 2 and 12: a table dropped and re-created after the checkpoint: the original comes back, the newcomer goes', async () => {
    await reconcile(fx, withBaseline());
    await fx.sql('DROP TABLE orders');
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await fx.sql("INSERT INTO orders VALUES (9, 'newcomer')");
    const t = withBaseline([action('reset', { kind: 'reset', to: 'baseline' })]);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps.map((s) => `${s.kind}:${s.kind === 'drop-object' ? s.cause : ''}`)).toEqual([
      'drop-object:recreated-after-checkpoint',
      'restore-table:',
      'record-action:',
    ]);
    expectAllSucceeded(outcomes);
    expect(await rows('SELECT id, note FROM orders ORDER BY id')).toEqual([
      ['1', 'original'],
      ['2', 'original'],
    ]);
    await expectConverged(fx, t);
  });

  it('pitfall 2: UNDROP onto a taken name fails; ckpt undrops older versions past newer dropped ones', async () => {
    await reconcile(fx, withBaseline());
    await fx.sql('DROP TABLE orders');
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await expect(fx.sql('UNDROP TABLE orders')).rejects.toThrow(/already exists/);
    await fx.sql("INSERT INTO orders VALUES (9, 'newcomer')");
    await fx.sql('DROP TABLE orders'); // now the newest dropped version is the newcomer
    const t = withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: ['ORDERS'] })]);
    expectAllSucceeded((await reconcile(fx, t)).outcomes);
    expect(await rows('SELECT id, note FROM orders ORDER BY id')).toEqual([
      ['1', 'original'],
      ['2', 'original'],
    ]);
    await expectConverged(fx, t);
  });

  it('pitfall 3: past retention, a dropped table is reported not restorable in the plan, no step fails', async () => {
    await fx.sql('ALTER TABLE orders SET DATA_RETENTION_TIME_IN_DAYS = 1');
    await reconcile(fx, withBaseline());
    await fx.sql('DROP TABLE orders');
    fx.server.advanceClock(2 * DAY);
    const plan = await planOnly(fx, withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: null })]));
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(plan.targets[0]?.findings).toMatchObject([{ code: 'NOT_RESTORABLE', severity: 'blocker', object: 'ORDERS' }]);
  });

  it('pitfall 3: retention 0 means a drop cannot be undone, and the plan knows it', async () => {
    await fx.sql('CREATE TABLE scratch (id INTEGER) DATA_RETENTION_TIME_IN_DAYS = 0');
    await reconcile(fx, withBaseline());
    const plan = await planOnly(
      fx,
      withBaseline([action('wipe', { kind: 'full-cleanup' }), action('back', { kind: 'restore', from: 'baseline', objects: ['SCRATCH'] })]),
    );
    expect(plan.targets[0]?.findings).toMatchObject([{ code: 'NOT_RESTORABLE', object: 'SCRATCH' }]);
  });

  it('pitfall 4: temporary tables are neither inventoried nor dropped', async () => {
    await fx.sql('CREATE TEMPORARY TABLE tmp_session (id INTEGER)');
    await reconcile(fx, withBaseline());
    const observed = await observe(fx, base);
    expect(names(observed)).toEqual(['TABLE:ORDERS']);
    expect(observed.checkpoints[0]?.objects?.map((o) => o.name)).toEqual(['ORDERS']);
  });

  it('pitfall 5: hybrid tables are marked and, once dropped, reported not restorable', async () => {
    await fx.sql('CREATE HYBRID TABLE h_orders (id INTEGER PRIMARY KEY)');
    await reconcile(fx, withBaseline());
    expect((await observe(fx, base)).objects.find((o) => o.name === 'H_ORDERS')?.hybrid).toBe(true);
    const plan = await planOnly(
      fx,
      withBaseline([
        action('wipe', { kind: 'full-cleanup' }),
        action('back', { kind: 'restore', from: 'baseline', objects: ['H_ORDERS'] }),
      ]),
    );
    expect(plan.targets[0]?.findings).toMatchObject([{ code: 'NOT_RESTORABLE', object: 'H_ORDERS' }]);
  });

  it('pitfall 6: views on views come back after their tables, in dependency order', async () => {
    await fx.sql('CREATE VIEW z_mid AS SELECT id FROM orders');
    await fx.sql('CREATE VIEW a_top AS SELECT id FROM z_mid');
    await reconcile(fx, withBaseline());
    await fx.sql('DROP VIEW a_top');
    await fx.sql('DROP VIEW z_mid');
    await fx.sql('DROP TABLE orders');
    const t = withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: null })]);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps.map((s) => ('object' in s ? s.object.name : s.kind))).toEqual([
      'ORDERS',
      'Z_MID',
      'A_TOP',
      'record-action',
    ]);
    expectAllSucceeded(outcomes);
    expect(await rows('SELECT count(*) FROM a_top')).toEqual([['2']]);
  });

  it('pitfall 6 (reverse): a cleanup drops a view before the view it reads', async () => {
    await reconcile(fx, withBaseline());
    await fx.sql('CREATE VIEW z_base AS SELECT id FROM orders');
    await fx.sql('CREATE VIEW a_on_base AS SELECT id FROM z_base');
    const plan = await planOnly(fx, withBaseline([action('tidy', { kind: 'cleanup', since: 'baseline' })]));
    expect(plan.targets[0]?.steps.map((s) => ('object' in s ? s.object.name : s.kind))).toEqual(['A_ON_BASE', 'Z_BASE', 'record-action']);
  });

  it('pitfall 8: quoted mixed-case names are distinct objects and kept exactly', async () => {
    await fx.sql('CREATE TABLE "Orders" (id INTEGER)');
    await reconcile(fx, withBaseline());
    await fx.sql('CREATE TABLE "orders" (id INTEGER)');
    const t = withBaseline([action('tidy', { kind: 'cleanup', since: 'baseline' })]);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps.map((s) => ('object' in s ? s.object.name : s.kind))).toEqual(['orders', 'record-action']);
    expectAllSucceeded(outcomes);
    expect((await observe(fx, t)).objects.map((o) => o.name).sort()).toEqual(['ORDERS', 'Orders']);
  });

  it("pitfall 9: SHOW is scoped IN SCHEMA: a sibling schema's dropped table of the same name is not restored", async () => {
    await fx.server.account.execute(`CREATE SCHEMA ${fx.database}.SIBLING`);
    await fx.server.account.execute(`CREATE TABLE ${fx.database}.SIBLING.CUSTOMERS (id INTEGER)`);
    await fx.server.account.execute(`DROP TABLE ${fx.database}.SIBLING.CUSTOMERS`);
    await fx.sql('CREATE TABLE customers (id INTEGER)');
    await reconcile(fx, withBaseline());
    await fx.sql('DROP TABLE customers');
    const t = withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: ['CUSTOMERS'] })]);
    expectAllSucceeded((await reconcile(fx, t)).outcomes);
    expect(names(await observe(fx, t))).toEqual(['TABLE:CUSTOMERS', 'TABLE:ORDERS']);
    const sibling = await fx.server.account.execute(`SHOW TABLES HISTORY IN SCHEMA ${fx.database}.SIBLING`);
    expect(JSON.stringify(sibling)).toContain('CUSTOMERS');
  });

  it('pitfall 11: DDL is not transactional: a failure midway leaves progress, the action is FAILED, a re-run finishes', async () => {
    await reconcile(fx, withBaseline());
    await fx.sql('CREATE TABLE a_new (id INTEGER)');
    await fx.sql('CREATE TABLE b_new (id INTEGER)');
    fx.server.injectFault({
      pattern: /DROP TABLE IF EXISTS .*"B_NEW"/,
      times: 1,
      kind: 'sql-error',
      code: '003001',
      message: 'SQL access control error: Insufficient privileges',
    });
    const t = withBaseline([action('tidy', { kind: 'cleanup', since: 'baseline' })]);
    const first = await reconcile(fx, t);
    expect(first.outcomes[0]?.failed).toBe(true);
    expect(names(await observe(fx, t))).toEqual(['TABLE:B_NEW', 'TABLE:ORDERS']);
    expect((await observe(fx, t)).actions).toMatchObject([{ actionId: 'tidy', status: 'FAILED' }]);
    expect((await observe(fx, t)).actions[0]?.error).toContain('OWNERSHIP');
    const second = await reconcile(fx, t);
    expectAllSucceeded(second.outcomes);
    expect(names(await observe(fx, t))).toEqual(['TABLE:ORDERS']);
    expect((await observe(fx, t)).actions.map((a) => a.status).sort()).toEqual(['APPLIED', 'FAILED']);
    await expectConverged(fx, t);
  });

  it('pitfall 13: checkpoint times are the warehouse clock, not the client clock', async () => {
    fx.server.advanceClock(3 * DAY);
    await reconcile(fx, withBaseline());
    const taken = (await observe(fx, base)).checkpoints[0]?.timestamp ?? '';
    expect(Date.parse(taken) - Date.now()).toBeGreaterThan(2 * DAY);
  });

  it('pitfall 19: UNDROP runs after USE SCHEMA of the target, with a fully qualified name', async () => {
    await reconcile(fx, withBaseline());
    await fx.sql('DROP TABLE orders');
    fx.server.statementLog.length = 0;
    await reconcile(fx, withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: ['ORDERS'] })]));
    const log = fx.server.statementLog.map((e) => e.sql);
    const undrop = log.findIndex((sql) => /^UNDROP TABLE/.test(sql));
    expect(log[undrop]).toBe(`UNDROP TABLE "${fx.database}"."DEMO"."ORDERS"`);
    expect(log.slice(0, undrop).some((sql) => sql === `USE SCHEMA "${fx.database}"."DEMO"`)).toBe(true);
  });

  it('every statement ckpt sends carries a QUERY_TAG naming ckpt, its version and the step', async () => {
    fx.server.statementLog.length = 0;
    await reconcile(fx, withBaseline([action('wipe', { kind: 'full-cleanup' })]));
    expect(fx.server.statementLog.length).toBeGreaterThan(3);
    for (const entry of fx.server.statementLog) {
      const tag = JSON.parse(entry.queryTag ?? '{}') as Record<string, string>;
      expect(tag.tool, entry.sql).toBe('ckpt');
      expect(tag.version).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(
      fx.server.statementLog.some((e) => /"step":"drop-object"/.test(e.queryTag ?? '') && /"group":"wipe"/.test(e.queryTag ?? '')),
    ).toBe(true);
  });

  it('observes in at most 3 round trips and checkpoints in one request of 3 statements, whatever the size', async () => {
    for (let i = 0; i < 40; i += 1) await fx.sql(`CREATE TABLE t_${i} (id INTEGER)`);
    await reconcile(fx, withBaseline());
    const before = fx.server.requestCount;
    await observe(fx, base);
    expect(fx.server.requestCount - before).toBeLessThanOrEqual(3);
    fx.server.statementLog.length = 0;
    await reconcile(fx, {
      ...withBaseline(),
      checkpoints: [{ id: 'second', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
    });
    // Leftover inventory rows of the id deleted, the inventory rows inserted, the audit row built from them: one request.
    const statements = fx.server.statementLog.filter((e) => /"step":"take-checkpoint"/.test(e.queryTag ?? ''));
    expect(statements.map((e) => e.sql.slice(0, 11))).toEqual(['DELETE FROM', 'INSERT INTO', 'INSERT INTO']);
    expect(new Set(statements.map((e) => e.requestId)).size).toBe(1);
  });
});

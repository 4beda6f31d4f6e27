/**
 * Full rewind on the Snowflake adapter only, where Time Travel and its retention matter
 * (pitfalls 3, 13 and 14): the exact SQL of a content revert, a plain checkpoint past retention
 * reported not restorable, and a keep: clone checkpoint restoring everything at any age.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { cloneSchemaName } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, names, observe, planOnly, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

const DAY = 86_400_000;

describe('Snowflake full rewind', () => {
  let fx: SnowflakeFixture;
  const keeping = (keep: 'inventory' | 'clone', actions: Target['actions'] = []): Target => ({
    ...fx.base,
    checkpoints: [{ id: 'baseline', description: '', keep, position: { line: 1, col: 1 } }],
    actions,
  });
  const rows = async (sql: string) => (await fx.sql(sql)).map((r) => r.map(String));
  const reset = [action('rewind', { kind: 'reset', to: 'baseline' })];

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR) DATA_RETENTION_TIME_IN_DAYS = 1');
    await fx.sql("INSERT INTO orders VALUES (1, 'original'), (2, 'original')");
    await fx.sql('CREATE VIEW v_orders AS SELECT id FROM orders');
  });
  afterEach(async () => fx.close());

  it('pitfall 13: reverts in place with INSERT OVERWRITE ... AT(TIMESTAMP => ...::TIMESTAMP_LTZ), keeping the table', async () => {
    await reconcile(fx, keeping('inventory'));
    const taken = (await observe(fx, fx.base)).checkpoints[0];
    const created = (await observe(fx, fx.base)).objects.find((o) => o.name === 'ORDERS')?.created;
    await fx.sql("UPDATE orders SET note = 'changed'");
    await fx.sql('ALTER TABLE orders ADD COLUMN extra INTEGER');
    fx.server.statementLog.length = 0;
    const { plan, outcomes } = await reconcile(fx, keeping('inventory', reset));
    expect(plan.targets[0]?.steps[0]).toMatchObject({ kind: 'restore-content', from: { kind: 'time-travel', at: taken?.timestamp } });
    expect(plan.targets[0]?.steps[0]?.reason).toMatch(/altered|columns/);
    expectAllSucceeded(outcomes);
    const log = fx.server.statementLog.map((e) => e.sql);
    const table = `"${fx.database}"."DEMO"."ORDERS"`;
    expect(log).toContain(`ALTER TABLE ${table} DROP COLUMN "EXTRA"`);
    expect(log).toContain(
      `INSERT OVERWRITE INTO ${table} ("ID", "NOTE") SELECT "ID", "NOTE" FROM ${table} AT(TIMESTAMP => '${taken?.timestamp}'::TIMESTAMP_LTZ)`,
    );
    expect(await rows('SELECT * FROM orders ORDER BY id')).toEqual([
      ['1', 'original'],
      ['2', 'original'],
    ]);
    expect((await observe(fx, fx.base)).objects.find((o) => o.name === 'ORDERS')?.created).toBe(created);
    await expectConverged(fx, keeping('inventory', reset));
  });

  it('pitfall 3: past retention, a plain checkpoint whose table changed is not restorable: a blocker with the date, no step', async () => {
    await reconcile(fx, keeping('inventory'));
    await fx.sql("UPDATE orders SET note = 'changed'");
    fx.server.advanceClock(2 * DAY);
    const plan = await planOnly(fx, keeping('inventory', reset));
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(plan.targets[0]?.findings).toMatchObject([{ code: 'NOT_RESTORABLE', severity: 'blocker', object: 'ORDERS' }]);
    expect(plan.targets[0]?.findings[0]?.message).toMatch(/stopped being restorable on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });

  it('pitfall 14: a keep: clone checkpoint restores everything past retention, from its clone', async () => {
    await fx.sql('CREATE TABLE customers (id INTEGER)');
    await fx.sql('INSERT INTO customers VALUES (7)');
    await reconcile(fx, keeping('clone'));
    expect((await observe(fx, fx.base)).checkpoints[0]?.clone).toBe(cloneSchemaName('DEMO', 'baseline'));
    await fx.sql("UPDATE orders SET note = 'changed'");
    await fx.sql('DROP VIEW v_orders');
    await fx.sql('DROP TABLE customers');
    await fx.sql('CREATE TABLE scratch (id INTEGER)');
    fx.server.advanceClock(5 * DAY);
    const t = keeping('clone', reset);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.findings.filter((f) => f.severity === 'blocker')).toEqual([]);
    expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual([
      'drop-object',
      'restore-content',
      'restore-content',
      'recreate-view',
      'record-action',
    ]);
    expectAllSucceeded(outcomes);
    expect(names(await observe(fx, t))).toEqual(['TABLE:CUSTOMERS', 'TABLE:ORDERS', 'VIEW:V_ORDERS']);
    expect(await rows('SELECT * FROM orders ORDER BY id')).toEqual([
      ['1', 'original'],
      ['2', 'original'],
    ]);
    expect(await rows('SELECT * FROM customers')).toEqual([['7']]);
    expect(await rows('SELECT count(*) FROM v_orders')).toEqual([['2']]);
    await expectConverged(fx, t);
    // The table re-created from the clone is the checkpoint's incarnation: a later cleanup keeps it.
    const later = keeping('clone', [...reset, action('tidy', { kind: 'cleanup', since: 'baseline' })]);
    expect((await planOnly(fx, later)).targets[0]?.steps.map((s) => s.kind)).toEqual(['record-action']);
  });
});

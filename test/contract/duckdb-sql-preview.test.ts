/**
 * `--sql` on the embedded warehouse: the statements Warehouse.statements shows for each step of
 * a plan are run, in that order, when the plan is applied (DuckDbDriver.run recorded). What the
 * preview leaves to a `--` line is ckpt's own bookkeeping: its hidden schema (trash, registry,
 * kept copies), the lease and journal, transactions, and the action's audit row, whose values
 * are known only once its steps ran; every other statement run is shown.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Action, Target } from '../../src/model/desired.js';
import type { Plan } from '../../src/model/plan.js';
import { DuckDbDriver } from '../../src/warehouse/duckdb/duckdb-driver.js';
import { INTERNAL_SCHEMA } from '../../src/warehouse/duckdb/duckdb-sql.js';
import { action } from '../support/desired.js';
import { duckdbHarness } from './duckdb-harness.js';
import type { Fixture } from './harness.js';
import { expectAllSucceeded, sessionOn } from './run.js';

const SEED = [
  'CREATE TABLE orders (id INTEGER, amount INTEGER, note VARCHAR)',
  "INSERT INTO orders VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')",
  'CREATE TABLE customers (id INTEGER, name VARCHAR)',
  "INSERT INTO customers VALUES (1, 'Acme')",
  "COMMENT ON TABLE customers IS 'who buys'",
  'CREATE VIEW v_orders AS SELECT id, amount FROM orders',
];

const flat = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** What ckpt runs that a preview does not list (see the header). */
const BOOKKEEPING = new RegExp(
  `${INTERNAL_SCHEMA}|^(BEGIN TRANSACTION|COMMIT|ROLLBACK)$|CHECKPOINT_AUDIT_(LEASE|JOURNAL)|^INSERT INTO "DEMO"\\."CHECKPOINT_AUDIT" \\(CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION, OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, ACTION_ID`,
  'i',
);

describe('reconcile --sql on the embedded warehouse', () => {
  let fx: Fixture;
  const keeping = (actions: Action[]): Target => ({
    ...fx.base,
    checkpoints: [{ id: 'baseline', description: 'before the demo', keep: 'clone', position: { line: 1, col: 1 } }],
    actions,
  });

  beforeEach(async () => {
    fx = await duckdbHarness.fresh();
    for (const statement of SEED) await fx.sql(statement);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await fx.close();
  });

  /** Plans, previews, applies: the statements shown per step and every statement run. */
  async function shownThenRun(t: Target): Promise<{ plan: Plan; shown: string[][]; ran: string[] }> {
    const session = sessionOn(fx.warehouse, t);
    try {
      await session.lock([t]);
      const { plan } = await session.plan([t]);
      const shown = (await session.statements(plan)).get(t.name) ?? [];
      const run = vi.spyOn(DuckDbDriver.prototype, 'run');
      expectAllSucceeded(await session.apply(plan));
      const ran = run.mock.calls.map(([sql]) => flat(sql));
      run.mockRestore();
      return { plan, shown, ran };
    } finally {
      await session.close();
    }
  }

  /** Every shown statement ran, steps in plan order and statements in step order; what else ran is bookkeeping. */
  function expectShownRan(shown: string[][], ran: string[]): void {
    const listed = shown
      .flat()
      .filter((s) => !s.startsWith('--'))
      .map(flat);
    let at = 0;
    const others: string[] = [];
    for (const statement of ran) {
      if (statement === listed[at]) at += 1;
      else others.push(statement);
    }
    expect(listed.slice(at), 'shown but not run (in order)').toEqual([]);
    expect(others.filter((s) => !BOOKKEEPING.test(s))).toEqual([]);
  }

  it('an audit table and a keep: clone checkpoint, then a reset: drops, restores from the trash, a view, the audit row', async () => {
    const first = await shownThenRun(keeping([]));
    expect(first.plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['init-audit', 'take-checkpoint']);
    expectShownRan(first.shown, first.ran);

    const wipe = action('wipe', { kind: 'full-cleanup' });
    const wiped = await shownThenRun(keeping([wipe]));
    expect(wiped.shown.flat()).toContain('DROP TABLE "DEMO"."customers"');
    expectShownRan(wiped.shown, wiped.ran);

    await fx.sql('CREATE TABLE extra (id INTEGER)');
    const reset = await shownThenRun(keeping([wipe, action('back', { kind: 'reset', to: 'baseline' })]));
    expect(reset.plan.targets[0]?.steps.map((s) => s.kind)).toEqual([
      'drop-object',
      'restore-table',
      'restore-table',
      'recreate-view',
      'record-action',
    ]);
    expect(reset.shown[1]).toContain(`COMMENT ON TABLE "DEMO"."customers" IS 'who buys'`);
    expectShownRan(reset.shown, reset.ran);
  });

  it('a content revert from the checkpoint’s kept copy', async () => {
    await shownThenRun(keeping([]));
    await fx.sql('UPDATE orders SET amount = 99 WHERE id = 1');
    const rewind = await shownThenRun(keeping([action('rewind', { kind: 'reset', to: 'baseline' })]));
    expect(rewind.plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['restore-content', 'record-action']);
    expect(rewind.shown[0]).toContain('DROP TABLE "DEMO"."orders"');
    expect(rewind.shown[1]?.[1]).toMatch(/^UPDATE "DEMO"\."CHECKPOINT_AUDIT" SET STATUS = 'RESTORED_TO' WHERE CHECKPOINT_ID = 'baseline'/);
    expectShownRan(rewind.shown, rewind.ran);
  });
});

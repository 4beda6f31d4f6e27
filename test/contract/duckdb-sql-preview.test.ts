/**
 * `--sql` on the embedded warehouse: the statements Warehouse.statements shows for each step of
 * a plan are run, in that order, when the plan is applied (DuckDbDriver.run recorded), a `?`
 * standing for a name or value chosen as the step runs; a step's rows that its wave writes in one
 * statement are in that statement. What the preview does not list: the lease and journal,
 * transactions, the hidden schema's creation, and the content signatures' refresh. Every step
 * kind is previewed, and each plan's rendering with its statements is a golden file
 * (sql-embedded-*.txt; times, run ids, spec hashes and copies' fresh names replaced):
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/contract/duckdb-sql-preview.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Output } from '../../src/cli/io.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import { STEP_KINDS } from '../../src/model/step-kinds.js';
import type { Action, Target } from '../../src/model/desired.js';
import type { Plan } from '../../src/model/plan.js';
import { DuckDbDriver } from '../../src/warehouse/duckdb/duckdb-driver.js';
import { INTERNAL_SCHEMA } from '../../src/warehouse/duckdb/duckdb-sql.js';
import { action } from '../support/desired.js';
import { Sink } from '../support/sink.js';
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
  `^(BEGIN TRANSACTION|COMMIT|ROLLBACK)$|CHECKPOINT_AUDIT_(LEASE|JOURNAL)|^CREATE SCHEMA IF NOT EXISTS ${INTERNAL_SCHEMA};|^UPDATE ${INTERNAL_SCHEMA}\\.objects o SET content_hash`,
  'i',
);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A shown statement as a pattern over the statement run: each ? stands for a name or value chosen as the step runs. */
const pattern = (shown: string) => flat(shown).split('?').map(escape).join('.+?');

/** Whether a statement run is the shown one. */
const isRun = (shown: string, ran: string) => new RegExp(`^${pattern(shown)}$`, 's').test(ran);

/**
 * Whether a statement run writes a shown step's row with its wave's others: the same statement
 * up to its VALUES (or IN list), with this step's row (or name) among them.
 */
function batchedIn(shown: string, ran: string): boolean {
  const parts = /^(.*? (?:VALUES|IN) \()(.*)\)$/s.exec(flat(shown));
  if (parts === null) return false;
  return new RegExp(`^${pattern(parts[1] ?? '')}.*${pattern(parts[2] ?? '')}`, 's').test(ran);
}

const GOLDEN = join(process.cwd(), 'test/fixtures/golden');

/** What varies from run to run in a rendered plan: times, run ids, spec hashes, copies' fresh names. */
function normalised(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?| UTC)?/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<run>')
    .replace(/'[0-9a-f]{64}'/g, "'<spec hash>'")
    .replace(/\b(trash|kept)_[0-9a-z]+_[0-9a-z]+\b/g, '<$1 copy>');
}

/** The plan rendered with its statements, compared with (or, UPDATE_GOLDEN=1, written to) a golden file. */
function golden(name: string, plan: Plan, shown: string[][]): void {
  const out = new Output(new Sink(false), new Sink(false), { colour: false });
  const text = `${normalised(renderPlan(plan, out, new Map([[plan.targets[0]?.target ?? '', shown]])))}\n`;
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(existsSync(path), `${path} is missing; create it with UPDATE_GOLDEN=1`).toBe(true);
  expect(text, `${name} differs; if intended, run UPDATE_GOLDEN=1 npx vitest run test/contract/duckdb-sql-preview.test.ts`).toBe(
    readFileSync(path, 'utf8'),
  );
}

/** The step kinds the tests below previewed and ran. */
const previewed = new Set<string>();
/** How many of the four tests below passed. */
let passed = 0;

describe('reconcile --sql on the embedded warehouse', () => {
  afterAll(() => {
    // Every step kind was previewed and its statements run, once every test of the file passed.
    if (passed === 4) expect([...previewed].sort()).toEqual(Object.keys(STEP_KINDS).sort());
  });

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
  afterEach(async (context) => {
    if (context.task.result?.state === 'pass') passed += 1;
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
      const runAll = vi.spyOn(DuckDbDriver.prototype, 'runAll');
      expectAllSucceeded(await session.apply(plan));
      // Statements run one per call and a batch's statements run in one call, in call order.
      const ran = [
        ...run.mock.calls.map(([sql], i) => ({ order: run.mock.invocationCallOrder[i] ?? 0, statements: [sql] })),
        ...runAll.mock.calls.map(([statements], i) => ({ order: runAll.mock.invocationCallOrder[i] ?? 0, statements })),
      ]
        .sort((a, b) => a.order - b.order)
        .flatMap((call) => call.statements.map(flat));
      run.mockRestore();
      runAll.mockRestore();
      for (const step of plan.targets[0]?.steps ?? []) previewed.add(step.kind);
      return { plan, shown, ran };
    } finally {
      await session.close();
    }
  }

  /**
   * Every shown statement ran, steps in plan order and statements in step order; a step's rows a
   * wave writes together (after the preview's "in one statement each" line) are in a statement
   * run; what else ran is bookkeeping.
   */
  function expectShownRan(shown: string[][], ran: string[]): void {
    const listed: string[] = [];
    const batched: string[] = [];
    for (const step of shown) {
      const mark = step.findIndex((line) => line.includes('in one statement each'));
      const own = mark < 0 ? step : step.slice(0, mark);
      listed.push(...own.filter((s) => !s.startsWith('--')));
      if (mark >= 0) batched.push(...step.slice(mark + 1));
    }
    let at = 0;
    const others: string[] = [];
    for (const statement of ran) {
      if (at < listed.length && isRun(listed[at] ?? '', statement)) at += 1;
      else others.push(statement);
    }
    expect(listed.slice(at).map(flat), 'shown but not run (in order)').toEqual([]);
    for (const row of batched)
      expect(
        others.some((s) => batchedIn(row, s)),
        `a wave's statement writes ${flat(row)}`,
      ).toBe(true);
    const written = (s: string) => batched.some((row) => batchedIn(row, s));
    expect(others.filter((s) => !BOOKKEEPING.test(s) && !written(s))).toEqual([]);
  }

  it('an audit table and a keep: clone checkpoint, then a reset: drops, restores from the trash, a view, the audit row', async () => {
    const first = await shownThenRun(keeping([]));
    expect(first.plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['init-audit', 'take-checkpoint']);
    expectShownRan(first.shown, first.ran);
    golden('sql-embedded-first.txt', first.plan, first.shown);

    const wipe = action('wipe', { kind: 'full-cleanup' });
    const wiped = await shownThenRun(keeping([wipe]));
    expect(wiped.shown.flat()).toContain('DROP TABLE "DEMO"."customers"');
    expectShownRan(wiped.shown, wiped.ran);
    golden('sql-embedded-full-cleanup.txt', wiped.plan, wiped.shown);

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
    golden('sql-embedded-reset.txt', reset.plan, reset.shown);
  });

  it('a content revert from the checkpoint’s kept copy', async () => {
    await shownThenRun(keeping([]));
    await fx.sql('UPDATE orders SET amount = 99 WHERE id = 1');
    const rewind = await shownThenRun(keeping([action('rewind', { kind: 'reset', to: 'baseline' })]));
    expect(rewind.plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['restore-content', 'record-action']);
    expect(rewind.shown[0]).toContain('DROP TABLE "DEMO"."orders"');
    expect(rewind.shown[1]?.[2]).toMatch(/^UPDATE "DEMO"\."CHECKPOINT_AUDIT" SET STATUS = 'RESTORED_TO' WHERE CHECKPOINT_ID = 'baseline'/);
    expectShownRan(rewind.shown, rewind.ran);
    golden('sql-embedded-revert.txt', rewind.plan, rewind.shown);
  });

  it('a schedule’s checkpoint past its retention expires with the copies it kept', async () => {
    await shownThenRun(keeping([]));
    const old = 'AUTO_nightly_2026_01_01_00_00_00';
    await fx.sql(`INSERT INTO CHECKPOINT_AUDIT (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION, OBJECTS_SNAPSHOT,
      OBJECTS_COUNT, STATUS, RUN_ID, SPEC) VALUES ('${old}', now() - INTERVAL 2 DAY, 'AUTO', 'nightly', '[]', 0, 'ACTIVE', 'run-0', '{"keep":"clone"}'),
      ('AUTO_nightly_2026_01_02_00_00_00', now() - INTERVAL 1 DAY, 'AUTO', 'nightly', '[]', 0, 'ACTIVE', 'run-0', NULL)`);
    // The old one kept a copy of orders, as a keep: clone schedule would have.
    await fx.sql(`CREATE TABLE ${INTERNAL_SCHEMA}.kept_old AS SELECT * FROM orders`);
    await fx.sql(
      `INSERT INTO ${INTERNAL_SCHEMA}.kept SELECT 'DEMO', '${old}', 'orders', now(), 'kept_old', 'CREATE TABLE orders (id INTEGER)', NULL`,
    );
    const nightly = { id: 'nightly', cron: '0 0 1 1 *', timezone: 'UTC', description: 'nightly', retain: 1, position: { line: 1, col: 1 } };
    const expire = await shownThenRun({ ...keeping([]), schedules: [nightly] });
    expect(expire.plan.targets[0]?.steps.map((s) => s.kind)).toContain('expire-checkpoint');
    expect(expire.shown.flat()).toContain(`DROP TABLE IF EXISTS ${INTERNAL_SCHEMA}."kept_old"`);
    expectShownRan(expire.shown, expire.ran);
    golden('sql-embedded-expire.txt', expire.plan, expire.shown);
  });

  it('an audit table of the old pipelines is migrated', async () => {
    await fx.sql(`CREATE TABLE CHECKPOINT_AUDIT (CHECKPOINT_ID VARCHAR, CHECKPOINT_TIMESTAMP TIMESTAMP, CHECKPOINT_TYPE VARCHAR,
      DESCRIPTION VARCHAR, OBJECTS_SNAPSHOT VARCHAR, OBJECTS_COUNT INTEGER, STATUS VARCHAR)`);
    await fx.sql(
      `INSERT INTO CHECKPOINT_AUDIT VALUES ('SYSTEM_INIT', TIMESTAMP '2024-01-01 00:00:00', 'SYSTEM_INIT', 'init', '[]', 0, 'ACTIVE')`,
    );
    const migrate = await shownThenRun(fx.base);
    expect(migrate.plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['migrate-audit']);
    expectShownRan(migrate.shown, migrate.ran);
    golden('sql-embedded-migrate.txt', migrate.plan, migrate.shown);
  });
});

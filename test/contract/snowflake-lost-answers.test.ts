/**
 * A statement that Snowflake ran but whose answer was lost (the network failed after it ran, and
 * snowflake-sdk gave up) must not run twice when ckpt retries it (docs/snowflake-behaviour.md,
 * "Long statements and retries"): an audit row, a journal chunk, an UNDROP. The statement really
 * runs on the test server through the real driver; only its answer is replaced, at the driver's
 * callback, by the connection reset snowflake-sdk reports once its own retries are exhausted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { internalTables, type Target } from '../../src/model/desired.js';
import type { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

/** The part of snowflake-sdk's connection the fault replaces. */
interface ExecutingConnection {
  execute(options: { sqlText: string; complete: (err: unknown, stmt: unknown, rows: unknown) => void }): unknown;
}

/**
 * The next `times` statements matching `pattern` run, then their answer is lost: the caller gets
 * a connection reset (as snowflake-sdk reports it) instead. Returns the texts that lost their answer.
 */
function loseAnswers(warehouse: SnowflakeWarehouse, pattern: RegExp, times = 1): string[] {
  const connection = (warehouse.driver as unknown as { connection: ExecutingConnection }).connection;
  const execute = connection.execute.bind(connection);
  const lost: string[] = [];
  connection.execute = (options) => {
    if (lost.length >= times || !pattern.test(options.sqlText)) return execute(options);
    lost.push(options.sqlText);
    const reset = Object.assign(new Error('socket hang up'), { name: 'NetworkError', code: 'ECONNRESET', cause: { code: 'ECONNRESET' } });
    return execute({ ...options, complete: (_err, stmt) => options.complete(reset, stmt, undefined) });
  };
  return lost;
}

describe('Snowflake: a lost answer does not run a statement twice', () => {
  let fx: SnowflakeFixture;
  const withBaseline = (actions: Target['actions'] = []): Target => ({
    ...fx.base,
    checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
    actions,
  });
  const rows = async (sql: string) =>
    (await fx.server.account.execute(sql, { database: fx.database, schema: 'DEMO' })).rows.map((r) => r.map(String));

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await fx.sql("INSERT INTO orders VALUES (1, 'original'), (2, 'original')");
  });
  afterEach(async () => fx.close());

  it("an action's audit row is written once", async () => {
    await reconcile(fx, withBaseline());
    const lost = loseAnswers(fx.warehouse as SnowflakeWarehouse, /^INSERT INTO .*"CHECKPOINT_AUDIT" \(CHECKPOINT_ID/s);
    const t = withBaseline([action('rewind', { kind: 'reset', to: 'baseline' })]);
    expectAllSucceeded((await reconcile(fx, t)).outcomes);
    expect(lost).toHaveLength(1);
    expect(await rows(`SELECT ACTION_ID, STATUS FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_TYPE = 'RESET'`)).toEqual([['rewind', 'APPLIED']]);
  });

  it('a journal chunk is written once', async () => {
    const { journal } = internalTables(fx.base.auditTable);
    const lost = loseAnswers(fx.warehouse as SnowflakeWarehouse, new RegExp(`^INSERT INTO .*"${journal}"`, 's'), 2);
    expectAllSucceeded((await reconcile(fx, withBaseline())).outcomes);
    expect(lost).toHaveLength(2);
    expect(await rows(`SELECT RUN_ID, SEQ FROM ${journal} GROUP BY RUN_ID, SEQ HAVING COUNT(*) > 1`)).toEqual([]);
    // init-audit, then take-checkpoint: each event once.
    expect((await rows(`SELECT EVENT FROM ${journal} ORDER BY SEQ`)).flat()).toEqual([
      'run-started',
      'step-started',
      'step-succeeded',
      'step-started',
      'step-succeeded',
      'run-finished',
    ]);
  });

  it('an UNDROP is not sent again once the table is back: the restore succeeds', async () => {
    await reconcile(fx, withBaseline());
    await fx.sql('DROP TABLE orders');
    const lost = loseAnswers(fx.warehouse as SnowflakeWarehouse, /^UNDROP TABLE/);
    const t = withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: ['ORDERS'] })]);
    expectAllSucceeded((await reconcile(fx, t)).outcomes);
    expect(lost).toEqual([`UNDROP TABLE "${fx.database}"."DEMO"."ORDERS"`]);
    expect(fx.server.statementLog.filter((e) => e.sql.startsWith('UNDROP')).map((e) => e.ok)).toEqual([true]);
    expect(await rows('SELECT id, note FROM orders ORDER BY id')).toEqual([
      ['1', 'original'],
      ['2', 'original'],
    ]);
  });
});

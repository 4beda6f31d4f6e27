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

  it('a checkpoint whose answer was lost is sent again with the same request id: recorded once, its inventory whole', async () => {
    await fx.sql('CREATE VIEW v_orders AS SELECT id FROM orders');
    const { inventory } = internalTables(fx.base.auditTable);
    const lost = loseAnswers(fx.warehouse as SnowflakeWarehouse, new RegExp(`^DELETE FROM .*"${inventory}"`, 's'));
    expectAllSucceeded((await reconcile(fx, withBaseline())).outcomes);
    expect(lost).toHaveLength(1);
    // The server answered the resubmitted request from its first run: each statement ran once.
    const ran = fx.server.statementLog.filter((e) => /"step":"take-checkpoint"/.test(e.queryTag ?? ''));
    expect(new Set(ran.map((e) => e.requestId)).size).toBe(1);
    expect(ran.map((e) => e.sql.slice(0, 11))).toEqual(['DELETE FROM', 'INSERT INTO', 'INSERT INTO']);
    expect(await rows(`SELECT CHECKPOINT_ID, OBJECTS_COUNT FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_TYPE = 'MANUAL'`)).toEqual([
      ['baseline', '2'],
    ]);
    expect(await rows(`SELECT OBJECT_NAME FROM ${inventory} ORDER BY OBJECT_NAME`)).toEqual([['ORDERS'], ['V_ORDERS']]);
  });

  it('the checkpoint request sent again as a new request (no deduplication) changes nothing, and finishes a partial first run', async () => {
    await reconcile(fx, withBaseline());
    const { inventory } = internalTables(fx.base.auditTable);
    const [request] = fx.server.statementLog.filter((e) => /"step":"take-checkpoint"/.test(e.queryTag ?? '') && e.sql.startsWith('DELETE'));
    const statements = fx.server.statementLog.filter((e) => e.requestId === request?.requestId).map((e) => e.sql);
    expect(statements).toHaveLength(3);
    const before = await rows(`SELECT * FROM ${inventory} ORDER BY OBJECT_NAME`);
    const audit = await rows(`SELECT CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, OBJECTS_COUNT FROM CHECKPOINT_AUDIT`);
    for (const sql of statements) await rows(sql);
    expect(await rows(`SELECT * FROM ${inventory} ORDER BY OBJECT_NAME`)).toEqual(before);
    expect(await rows(`SELECT CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, OBJECTS_COUNT FROM CHECKPOINT_AUDIT`)).toEqual(audit);

    // A first run that wrote its inventory rows (twice over, even) but not its audit row: the request starts over.
    await rows(`DELETE FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_ID = 'baseline'`);
    await rows(`INSERT INTO ${inventory} SELECT * FROM ${inventory}`);
    for (const sql of statements) await rows(sql);
    expect(await rows(`SELECT OBJECT_NAME FROM ${inventory} ORDER BY OBJECT_NAME`)).toEqual([['ORDERS']]);
    expect(await rows(`SELECT CHECKPOINT_ID, OBJECTS_COUNT FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_TYPE = 'MANUAL'`)).toEqual([
      ['baseline', '1'],
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

/**
 * Session parameters an account or user may set change what statements mean (docs/snowflake-behaviour.md,
 * "Session parameters ckpt pins"): each is set here at account or user level on the test server, then
 * a new connection of the adapter works as if they were Snowflake's defaults, because it pins them
 * at connect in one ALTER SESSION. Through the real snowflake-sdk.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { internalTables, type Target } from '../../src/model/desired.js';
import type { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, names, observe, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

describe('Snowflake session parameters set at account or user level', () => {
  let fx: SnowflakeFixture;
  let opened: SnowflakeWarehouse[];
  const baseline = (actions: Target['actions'] = []): Target => ({
    ...fx.base,
    checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
    actions,
  });
  const reset = [action('rewind', { kind: 'reset', to: 'baseline' })];
  /** Rows seen by the server's own session (parameters of the account and users do not apply to it). */
  const inspect = async (sql: string) =>
    (await fx.server.account.execute(sql, { database: fx.database, schema: 'DEMO' })).rows.map((r) =>
      r.map((v) => (v === null ? null : String(v))),
    );
  /** The fixture on a connection opened now, after the parameter was set. */
  const reconnected = async (): Promise<SnowflakeFixture> => {
    const warehouse = await fx.connect();
    opened.push(warehouse);
    return { ...fx, warehouse };
  };

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    opened = [];
    await inspect(`CREATE TABLE orders (id INTEGER, note VARCHAR)`);
    await inspect(`INSERT INTO orders VALUES (1, 'original'), (2, 'original')`);
  });
  afterEach(async () => {
    for (const warehouse of opened) await warehouse.close();
    await fx.close();
  });

  it('AUTOCOMMIT = FALSE on the account: the checkpoint row, the journal and the lease release are committed', async () => {
    await inspect(`ALTER ACCOUNT SET AUTOCOMMIT = FALSE`);
    const session = await reconnected();
    expectAllSucceeded((await reconcile(session, baseline())).outcomes);
    await session.warehouse.close(); // a session that ends rolls back what it did not commit
    opened.splice(0);
    const { lease, journal } = internalTables(fx.base.auditTable);
    expect(await inspect(`SELECT CHECKPOINT_ID FROM ${fx.base.auditTable} WHERE CHECKPOINT_TYPE = 'MANUAL'`)).toEqual([['baseline']]);
    expect((await inspect(`SELECT EVENT FROM ${journal}`)).flat()).toContain('run-finished');
    expect(await inspect(`SELECT HOLDER FROM ${lease}`)).toEqual([[null]]);
  });

  it('QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE for the user: a reset drops "scratch", not SCRATCH', async () => {
    await inspect(`CREATE TABLE scratch (id INTEGER)`);
    await reconcile(fx, baseline());
    await inspect(`CREATE TABLE "scratch" (id INTEGER)`);
    await inspect(`ALTER USER tester SET QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE`);
    const session = await reconnected();
    expectAllSucceeded((await reconcile(session, baseline(reset))).outcomes);
    expect(await inspect(`SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME ILIKE 'scratch'`)).toEqual([['SCRATCH']]);
    await expectConverged(session, baseline(reset));
  });

  it("TIMESTAMP_INPUT_FORMAT for the user: a content revert still reads AT the checkpoint's instant", async () => {
    await reconcile(fx, baseline());
    await inspect(`UPDATE orders SET note = 'changed'`);
    await inspect(`ALTER USER tester SET TIMESTAMP_INPUT_FORMAT = 'DD/MM/YYYY HH24:MI:SS'`);
    const session = await reconnected();
    expectAllSucceeded((await reconcile(session, baseline(reset))).outcomes);
    expect(await inspect(`SELECT id, note FROM orders ORDER BY id`)).toEqual([
      ['1', 'original'],
      ['2', 'original'],
    ]);
  });

  it('ROWS_PER_RESULTSET on the account: observe still sees every table', async () => {
    await inspect(`CREATE TABLE customers (id INTEGER)`);
    await inspect(`CREATE TABLE invoices (id INTEGER)`);
    await inspect(`ALTER ACCOUNT SET ROWS_PER_RESULTSET = 1`);
    const session = await reconnected();
    expect(names(await observe(session, fx.base))).toEqual(['TABLE:CUSTOMERS', 'TABLE:INVOICES', 'TABLE:ORDERS']);
  });

  it("TIMEZONE for the user: observe's clock and a checkpoint's time are UTC instants, not the user's wall clock", async () => {
    await inspect(`ALTER USER tester SET TIMEZONE = 'Asia/Kolkata'`);
    const session = await reconnected();
    const before = Date.now();
    await reconcile(session, baseline());
    const seen = await observe(session, fx.base);
    const after = Date.now();
    for (const instant of [seen.now, seen.checkpoints[0]?.timestamp]) {
      // Kolkata is 5.5 hours from UTC: an instant read as its wall clock would be far outside [before, after].
      expect(Date.parse(String(instant))).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(String(instant))).toBeLessThanOrEqual(after + 1000);
    }
  });

  it('TIMEZONE changed in the session after the pin: timestamp text is still UTC (it does not rely on the pin)', async () => {
    await reconcile(fx, baseline());
    // A user's own ALTER SESSION (ckpt sql runs on ckpt's session) overrides the pin taken at connect.
    await fx.sql(`ALTER SESSION SET TIMEZONE = 'America/Los_Angeles'`);
    const before = Date.now();
    const seen = await observe(fx, fx.base);
    const after = Date.now();
    // Los Angeles is 7 or 8 hours from UTC: a wall clock read as UTC would be far outside [before, after].
    expect(Date.parse(seen.now)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(seen.now)).toBeLessThanOrEqual(after + 1000);
    const [created] = await inspect(
      `SELECT TO_VARCHAR(CREATED, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"') FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'ORDERS'`,
    );
    expect(seen.objects.find((o) => o.name === 'ORDERS')?.created).toBe(created?.[0]);
    expect(seen.checkpoints[0]?.objects?.find((o) => o.name === 'ORDERS')?.created).toBe(created?.[0]);
    // Same incarnation as the checkpoint's: nothing to plan.
    await expectConverged(fx, baseline());
  });
});

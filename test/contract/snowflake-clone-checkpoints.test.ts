/**
 * keep: clone checkpoints through the Snowflake adapter, the real snowflake-sdk and the local test
 * server: a column a revert adds back from the clone has its full type, default and NOT NULL, and no
 * statement after `CREATE SCHEMA … CLONE` (which makes the clone the session's schema) lands in the
 * clone, and the clone is taken AT the instant its checkpoint row is stamped with, tables without Time
 * Travel included (docs/snowflake-behaviour.md, "Zero-copy schema clones").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

describe('Snowflake keep: clone checkpoints', () => {
  let fx: SnowflakeFixture;
  const cloned = (actions: Target['actions'] = [], ids = ['baseline']): Target => ({
    ...fx.base,
    checkpoints: ids.map((id) => ({ id, description: '', keep: 'clone' as const, position: { line: 1, col: 1 } })),
    actions,
  });

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    await fx.sql(`CREATE TABLE orders (id INTEGER, code VARCHAR(10) NOT NULL DEFAULT 'none', amount NUMBER(10,2))`);
    await fx.sql("INSERT INTO orders VALUES (1, 'A1', 12.5), (2, 'B2', 3.25)");
  });
  afterEach(async () => fx.close());

  it('a revert adds a dropped column back with its length, scale, default and NOT NULL', async () => {
    await reconcile(fx, cloned());
    await fx.sql('ALTER TABLE orders DROP COLUMN code');
    await fx.sql('ALTER TABLE orders DROP COLUMN amount');
    const t = cloned([action('reset', { kind: 'reset', to: 'baseline' })]);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['restore-content', 'record-action']);
    expectAllSucceeded(outcomes);
    const columns = await fx.sql(
      `SELECT COLUMN_NAME, IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE
       FROM ${fx.database}.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'DEMO' AND TABLE_NAME = 'ORDERS' ORDER BY COLUMN_NAME`,
    );
    expect(columns.filter((c) => c[0] !== 'ID')).toEqual([
      ['AMOUNT', 'YES', null, null, 10, 2],
      ['CODE', 'NO', "'none'", 10, null, null],
    ]);
    expect(await fx.sql('SELECT id, code, amount FROM orders ORDER BY id')).toEqual([
      [1, 'A1', 12.5],
      [2, 'B2', 3.25],
    ]);
    await expectConverged(fx, t);
  });

  it('after a clone in the same run, every later step acts on the target schema, never on the clone', async () => {
    await fx.sql('CREATE TABLE keep_me (id INTEGER)');
    await reconcile(fx, cloned());
    await fx.sql('DROP TABLE keep_me');
    await fx.sql('CREATE TABLE newcomer (id INTEGER)');
    await fx.sql("UPDATE orders SET code = 'Z9' WHERE id = 1");
    // One run: the clone of `fresh` first (the session is then in DEMO__CKPT_fresh), then the reset to baseline.
    const t = cloned([action('reset', { kind: 'reset', to: 'baseline' })], ['baseline', 'fresh']);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual([
      'take-checkpoint',
      'drop-object',
      'restore-content',
      'restore-content',
      'record-action',
    ]);
    expectAllSucceeded(outcomes);
    const tables = async (schema: string) =>
      (
        await fx.sql(
          `SELECT TABLE_NAME FROM ${fx.database}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}' AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1`,
        )
      ).map((r) => String(r[0]));
    expect(await tables('DEMO')).toEqual([
      'CHECKPOINT_AUDIT',
      'CHECKPOINT_AUDIT_INVENTORY',
      'CHECKPOINT_AUDIT_JOURNAL',
      'CHECKPOINT_AUDIT_LEASE',
      'KEEP_ME',
      'ORDERS',
    ]);
    expect(await tables('DEMO__CKPT_fresh')).toContain('NEWCOMER');
    expect(await tables('DEMO__CKPT_fresh')).not.toContain('KEEP_ME');
    expect(await fx.sql(`SELECT code FROM ${fx.database}."DEMO__CKPT_fresh".ORDERS WHERE id = 1`)).toEqual([['Z9']]);
    expect(await fx.sql('SELECT code FROM orders WHERE id = 1')).toEqual([['A1']]);
  });
  it('the clone is taken AT the instant stamped in the checkpoint row, and a table without Time Travel is in it', async () => {
    await fx.sql('CREATE TABLE scratch (id INTEGER) DATA_RETENTION_TIME_IN_DAYS = 0');
    await fx.sql('INSERT INTO scratch VALUES (7)');
    await fx.sql('CREATE TRANSIENT TABLE loose (id INTEGER) DATA_RETENTION_TIME_IN_DAYS = 0');
    const { outcomes } = await reconcile(fx, cloned());
    expectAllSucceeded(outcomes);
    const [stamp] = await fx.sql(
      `SELECT TO_VARCHAR(CHECKPOINT_TIMESTAMP, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"') FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_ID = 'baseline'`,
    );
    const clones = fx.server.statementLog.filter((e) => e.ok && e.sql.startsWith('CREATE OR REPLACE SCHEMA'));
    expect(clones.map((e) => /AT\(TIMESTAMP => '([^']+)'::TIMESTAMP_LTZ\)/.exec(e.sql)?.[1])).toEqual([stamp?.[0]]);
    const captured = await fx.sql(
      `SELECT DISTINCT TO_VARCHAR(CAPTURED_AT, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"') FROM CHECKPOINT_AUDIT_INVENTORY WHERE CHECKPOINT_ID = 'baseline'`,
    );
    expect(captured).toEqual([stamp]);
    expect(await fx.sql(`SELECT id FROM ${fx.database}."DEMO__CKPT_baseline".SCRATCH`)).toEqual([[7]]);
    expect(
      await fx.sql(
        `SELECT IS_TRANSIENT FROM ${fx.database}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DEMO__CKPT_baseline' AND TABLE_NAME = 'LOOSE'`,
      ),
    ).toEqual([['YES']]);
    expect(await fx.sql(`SELECT COUNT(*) FROM ${fx.database}."DEMO__CKPT_baseline".ORDERS`)).toEqual([[2]]);
  });
});

/**
 * keep: clone checkpoints through the Snowflake adapter, the real snowflake-sdk and the local test
 * server: a column a revert adds back from the clone has its full type, default and NOT NULL
 * (docs/snowflake-behaviour.md, "Zero-copy schema clones").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

describe('Snowflake keep: clone checkpoints', () => {
  let fx: SnowflakeFixture;
  const cloned = (actions: Target['actions'] = []): Target => ({
    ...fx.base,
    checkpoints: [{ id: 'baseline', description: '', keep: 'clone', position: { line: 1, col: 1 } }],
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
});

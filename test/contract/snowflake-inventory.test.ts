/**
 * Inventories past Snowflake's LOB size limit, through the Snowflake adapter, the real
 * snowflake-sdk and the local test server with its limit lowered to 16 KB (error 100082 beyond
 * it, as 16 MB on an account without bundle 2025_03): a checkpoint whose inventory is far
 * larger than one value may be is taken in one server-side statement sequence (one row per
 * object in the audit table's inventory table), listed with its object count, and a reset to
 * it restores every table; observe reads the inventories of active checkpoints only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SUMMARY_NOTE } from '../../src/model/audit-layout.js';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, observe, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

const LOB_LIMIT = 16_384;
const TABLES = 60;
const names = Array.from({ length: TABLES }, (_, i) => `T_${String(i).padStart(3, '0')}_WITH_A_NAME_LONG_ENOUGH`);

const withCheckpoint = (fx: SnowflakeFixture, actions: Target['actions'] = []): Target => ({
  ...fx.base,
  checkpoints: [{ id: 'big', description: 'past the LOB limit', keep: 'inventory', position: { line: 1, col: 1 } }],
  actions,
});

describe('Snowflake inventories past the LOB size limit', () => {
  let fx: SnowflakeFixture;
  afterEach(async () => fx.close());

  it('takes, lists and resets to a checkpoint whose inventory is larger than one value may be', async () => {
    fx = await snowflakeHarness.fresh({ lobLimit: LOB_LIMIT });
    for (const name of names) {
      await fx.sql(`CREATE TABLE ${name} (ID NUMBER, NOTE VARCHAR, AMOUNT NUMBER(10,2), PLACED_AT TIMESTAMP_LTZ)`);
      await fx.sql(`INSERT INTO ${name} (ID, NOTE) VALUES (1, 'at checkpoint')`);
    }
    expectAllSucceeded((await reconcile(fx, withCheckpoint(fx))).outcomes);
    const [row] = await fx.sql(`SELECT OBJECTS_COUNT, OBJECTS_SNAPSHOT FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_ID = 'big'`);
    expect(Number(row?.[0])).toBe(TABLES);
    // Too large for one value: OBJECTS_SNAPSHOT says where the inventory is.
    expect(row?.[1]).toEqual({ inventory_table: 'CHECKPOINT_AUDIT_INVENTORY', objects: TABLES, note: SUMMARY_NOTE });
    const [inventory] = await fx.sql(
      `SELECT COUNT(*), SUM(LENGTH(TO_JSON(ENTRY))) FROM CHECKPOINT_AUDIT_INVENTORY WHERE CHECKPOINT_ID = 'big'`,
    );
    expect(Number(inventory?.[0])).toBe(TABLES);
    expect(Number(inventory?.[1])).toBeGreaterThan(LOB_LIMIT);

    const observed = await observe(fx, fx.base);
    expect(observed.checkpoints.find((c) => c.id === 'big')?.objects?.map((o) => o.name)).toEqual(names);

    for (const name of names.slice(0, 20)) await fx.sql(`DROP TABLE ${name}`);
    await fx.sql(`INSERT INTO ${names[30] ?? ''} (ID, NOTE) VALUES (2, 'after')`);
    await fx.sql('CREATE TABLE NEWCOMER (ID NUMBER)');
    const reset = withCheckpoint(fx, [action('back', { kind: 'reset', to: 'big' })]);
    expectAllSucceeded((await reconcile(fx, reset)).outcomes);
    for (const name of [names[0] ?? '', names[19] ?? '', names[30] ?? '']) {
      expect(await fx.sql(`SELECT NOTE FROM ${name}`)).toEqual([['at checkpoint']]);
    }
    await expect(fx.sql('SELECT * FROM NEWCOMER')).rejects.toThrow(/does not exist/);
    await expectConverged(fx, reset);
  });
});

/**
 * Table kinds and ownership through the Snowflake adapter, the real snowflake-sdk and the local test
 * server: a dynamic table is named in the plan as not managed (never inventoried, dropped or undropped
 * as a TABLE), and a table ckpt's role does not own is named before anything is applied, its drop or
 * undrop held back with a blocker saying what to GRANT (docs/snowflake-behaviour.md, "Table kinds",
 * and pitfall 16).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, names, observe, planOnly, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

describe('Snowflake table kinds and ownership', () => {
  let fx: SnowflakeFixture;
  let base: Target;
  const withBaseline = (actions: Target['actions'] = []): Target => ({
    ...base,
    checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
    actions,
  });
  /** Runs statements in the server's own session as role OTHER (not ckpt's role, nor one it inherits). */
  const asOther = (sql: string) =>
    fx.server.account.execute(`USE ROLE OTHER; ${sql}; USE ROLE SYSADMIN`, { database: fx.database, schema: 'DEMO' });

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    base = fx.base;
    await fx.server.account.execute('CREATE ROLE IF NOT EXISTS OTHER');
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await fx.sql("INSERT INTO orders VALUES (1, 'original'), (2, 'original')");
  });
  afterEach(async () => fx.close());

  it('a dynamic table is listed as not managed: never inventoried, and a reset leaves it without a failing step', async () => {
    await fx.sql(`CREATE DYNAMIC TABLE daily TARGET_LAG = '1 hour' WAREHOUSE = WH AS SELECT id FROM orders`);
    await reconcile(fx, withBaseline());
    await fx.sql(`CREATE DYNAMIC TABLE hourly TARGET_LAG = DOWNSTREAM WAREHOUSE = WH AS SELECT id FROM orders`);
    const observed = await observe(fx, base);
    expect(names(observed)).toEqual(['TABLE:ORDERS']);
    expect(observed.unmanaged).toEqual([
      { name: 'DAILY', kind: 'dynamic table' },
      { name: 'HOURLY', kind: 'dynamic table' },
    ]);
    expect(observed.checkpoints[0]?.objects?.map((o) => o.name)).toEqual(['ORDERS']);

    const t = withBaseline([action('reset', { kind: 'reset', to: 'baseline' })]);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['record-action']);
    expect(plan.targets[0]?.findings).toMatchObject([{ code: 'OBJECT_NOT_MANAGED', severity: 'warning' }]);
    expect(plan.targets[0]?.findings[0]?.message).toContain('dynamic tables DAILY, HOURLY');
    expectAllSucceeded(outcomes);
    expect(await fx.sql('SELECT COUNT(*) FROM hourly')).toEqual([[2]]);
  });

  it('a dropped dynamic table is not undropped as a TABLE', async () => {
    await reconcile(fx, withBaseline());
    await fx.sql(`CREATE DYNAMIC TABLE daily TARGET_LAG = '1 hour' WAREHOUSE = WH AS SELECT id FROM orders`);
    await fx.sql('DROP DYNAMIC TABLE daily');
    const observed = await observe(fx, base);
    expect(observed.dropped.map((d) => d.name)).toEqual([]);
    expect(observed.unmanaged).toEqual([]);
  });

  it('a table another role owns is named before apply; its drop is held back until ckpt owns it', async () => {
    await reconcile(fx, withBaseline());
    await asOther('CREATE TABLE scratch (id INTEGER)');
    const t = withBaseline([action('after-demo', { kind: 'cleanup', since: 'baseline' })]);
    const observed = await observe(fx, base);
    expect(observed.role).toBe('SYSADMIN');
    expect(observed.objects.map((o) => [o.name, o.ownership])).toEqual([
      ['ORDERS', { owner: 'SYSADMIN', owned: true }],
      ['SCRATCH', { owner: 'OTHER', owned: false }],
    ]);
    const { plan, outcomes } = await reconcile(fx, t);
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(plan.targets[0]?.findings.map((f) => [f.code, f.severity, f.object])).toEqual([
      ['NOT_OWNED', 'warning', null],
      ['NOT_OWNED', 'blocker', 'SCRATCH'],
    ]);
    expect(plan.targets[0]?.findings[1]?.message).toContain('GRANT OWNERSHIP ON TABLE (or VIEW) SCRATCH TO ROLE SYSADMIN');
    expect(outcomes.flatMap((o) => o.steps)).toEqual([]);

    await asOther('GRANT OWNERSHIP ON TABLE scratch TO ROLE SYSADMIN');
    const granted = await reconcile(fx, t);
    expect(granted.plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['drop-object', 'record-action']);
    expectAllSucceeded(granted.outcomes);
    await expectConverged(fx, t);
  });

  it('an owner role ckpt inherits counts as its own, asked in one statement', async () => {
    await fx.server.account.execute('GRANT ROLE OTHER TO ROLE SYSADMIN');
    await asOther('CREATE TABLE scratch (id INTEGER)');
    const observed = await observe(fx, base);
    expect(observed.objects.find((o) => o.name === 'SCRATCH')?.ownership).toEqual({ owner: 'OTHER', owned: true });
  });

  it('a dropped version another role owns is not undropped: the restore is held back', async () => {
    await asOther('CREATE TABLE theirs (id INTEGER)');
    await reconcile(fx, withBaseline());
    await asOther('DROP TABLE theirs');
    const t = withBaseline([action('back', { kind: 'restore', from: 'baseline', objects: ['THEIRS'] })]);
    const plan = await planOnly(fx, t);
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(plan.targets[0]?.findings).toMatchObject([{ code: 'NOT_OWNED', severity: 'blocker', object: 'THEIRS' }]);
  });
});

/**
 * Views on Snowflake as a real account has them (issue 12, section 3), through the Snowflake
 * adapter, the real snowflake-sdk and the test server: a definition keeps the name the view was
 * created with after ALTER VIEW ... RENAME TO (docs/snowflake-behaviour.md#renamed-views), and a
 * secure view's definition is hidden from roles that do not own it
 * (docs/snowflake-behaviour.md#secure-views).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, observe, planOnly, reconcile, sessionOn } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

describe('Snowflake views', () => {
  let fx: SnowflakeFixture;
  let baseline: Target;
  const restoreAll = () => ({ ...baseline, actions: [action('back', { kind: 'restore', from: 'baseline', objects: null })] });
  const rows = async (sql: string) => (await fx.sql(sql)).map((r) => r.map(String));
  const viewsIn = async (schema: string) =>
    (await rows(`SELECT TABLE_NAME FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = '${schema}' ORDER BY TABLE_NAME`)).flat();

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    baseline = { ...fx.base, checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }] };
    await fx.sql('CREATE TABLE orders (id INTEGER)');
    await fx.sql('INSERT INTO orders VALUES (1), (2)');
    await fx.sql(`CREATE SCHEMA ${fx.database}.OTHER`);
  });
  afterEach(async () => fx.close());

  it('ALTER VIEW ... RENAME TO keeps the original CREATE text as VIEW_DEFINITION, also into another schema', async () => {
    await fx.sql(`CREATE VIEW ${fx.database}.OTHER.V_OLD AS SELECT 1 AS X`);
    await fx.sql(`ALTER VIEW ${fx.database}.OTHER.V_OLD RENAME TO ${fx.database}.DEMO.V_NEW`);
    expect(
      await rows(
        `SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'`,
      ),
    ).toEqual([['DEMO', 'V_NEW', `CREATE VIEW ${fx.database}.OTHER.V_OLD AS SELECT 1 AS X`]]);
  });

  it('a view moved in from another schema comes back in the target schema under its name, not in the old one', async () => {
    await fx.sql(`CREATE VIEW ${fx.database}.OTHER.V_ORDERS AS SELECT id FROM ${fx.database}.DEMO.orders`);
    await fx.sql(`ALTER VIEW ${fx.database}.OTHER.V_ORDERS RENAME TO ${fx.database}.DEMO.V_ORDERS`);
    await reconcile(fx, baseline);
    await fx.sql('DROP VIEW V_ORDERS');
    const { plan, outcomes } = await reconcile(fx, restoreAll());
    expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['recreate-view', 'record-action']);
    expectAllSucceeded(outcomes);
    expect(await viewsIn('DEMO')).toEqual(['V_ORDERS']);
    expect(await viewsIn('OTHER')).toEqual([]);
    expect(await rows('SELECT count(*) FROM DEMO.V_ORDERS')).toEqual([['2']]);
    await expectConverged(fx, restoreAll());
  });

  it('a renamed view whose definition says CREATE OR REPLACE under its old name comes back under its new name; the unrelated view now called by the old name stays', async () => {
    await fx.sql('CREATE OR REPLACE VIEW V_OLD COPY GRANTS AS SELECT id FROM orders');
    await fx.sql('ALTER VIEW V_OLD RENAME TO V_NEW');
    await reconcile(fx, baseline);
    await fx.sql("CREATE VIEW V_OLD AS SELECT 'unrelated' AS WHAT");
    await fx.sql('DROP VIEW V_NEW');
    const { plan, outcomes } = await reconcile(fx, restoreAll());
    expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['recreate-view', 'record-action']);
    expectAllSucceeded(outcomes);
    expect(await viewsIn('DEMO')).toEqual(['V_NEW', 'V_OLD']);
    expect(await rows('SELECT WHAT FROM V_OLD')).toEqual([['unrelated']]);
    expect(await rows('SELECT count(*) FROM V_NEW')).toEqual([['2']]);
    await expectConverged(fx, restoreAll());
  });

  it('a name taken since the plan was made is a failed step naming the view (NAME_TAKEN); what holds it is left as it is', async () => {
    await fx.sql('CREATE VIEW V_ORDERS AS SELECT id FROM orders');
    await reconcile(fx, baseline);
    await fx.sql('DROP VIEW V_ORDERS');
    const session = sessionOn(fx.warehouse, restoreAll());
    try {
      await session.lock([restoreAll()]);
      const { plan } = await session.plan([restoreAll()]);
      expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['recreate-view', 'record-action']);
      await fx.sql("CREATE VIEW V_ORDERS AS SELECT 'unrelated' AS WHAT");
      const [failed] = (await session.apply(plan)).flatMap((o) => o.steps).filter((s) => s.outcome === 'failed');
      expect([failed?.step.kind, failed?.code, failed?.error]).toEqual([
        'recreate-view',
        'NAME_TAKEN',
        'cannot re-create view V_ORDERS: an object of that name exists (run `ckpt reconcile --plan` again: the schema changed since the plan was made)',
      ]);
    } finally {
      await session.close();
    }
    expect(await rows('SELECT WHAT FROM V_ORDERS')).toEqual([['unrelated']]);
  });

  it('a secure view taken by a role that does not own it: its definition is hidden, and a restore that needs it is a blocker naming it and the role to use, not a failing step', async () => {
    await fx.server.account.execute('CREATE ROLE VIEW_OWNER');
    await fx.sql('CREATE SECURE VIEW V_SECRET AS SELECT id FROM orders');
    await fx.sql('GRANT OWNERSHIP ON VIEW V_SECRET TO ROLE VIEW_OWNER');
    expect(await rows("SELECT IS_SECURE, VIEW_DEFINITION IS NULL FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'V_SECRET'")).toEqual([
      ['YES', 'true'],
    ]);
    expect((await observe(fx, baseline)).objects.find((o) => o.name === 'V_SECRET')?.definition).toBeNull();
    await reconcile(fx, baseline);
    await expectConverged(fx, baseline);
    // Its owner drops it (DROP needs OWNERSHIP: ckpt's role could not).
    await fx.server.account.execute(`USE ROLE VIEW_OWNER; DROP VIEW ${fx.database}.DEMO.V_SECRET; USE ROLE SYSADMIN`);
    const plan = await planOnly(fx, restoreAll());
    expect(plan.targets[0]?.steps).toEqual([]);
    const findings = plan.targets[0]?.findings.map((f) => [f.severity, f.code, f.object]);
    expect(findings).toEqual([['blocker', 'NOT_RESTORABLE', 'V_SECRET']]);
    expect(plan.targets[0]?.findings[0]?.message).toMatch(
      /secure view's definition only to the role that owns it.*run ckpt with the role that owns the view/,
    );
  });

  it('a secure view its owner checkpointed comes back as a secure view', async () => {
    await fx.sql('CREATE SECURE VIEW V_SECRET AS SELECT id FROM orders');
    await reconcile(fx, baseline);
    await fx.sql('DROP VIEW V_SECRET');
    expectAllSucceeded((await reconcile(fx, restoreAll())).outcomes);
    expect(await rows("SELECT IS_SECURE FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'V_SECRET'")).toEqual([['YES']]);
    await expectConverged(fx, restoreAll());
  });
});

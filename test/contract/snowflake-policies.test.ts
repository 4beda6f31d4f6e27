/**
 * Row access and masking policies (issue 12, section 3), through the Snowflake adapter, the real
 * snowflake-sdk and the test server: ckpt's content revert (INSERT OVERWRITE ... SELECT) would
 * truncate every row and write back only those its role may see, masked; observe finds the
 * policies (POLICY_REFERENCES, only for tables a plan could revert) and the planner holds the
 * revert back (docs/snowflake-behaviour.md#row-access-and-masking-policies). A role that may not
 * see every policy cannot tell "no policy" from "hidden": the revert is held back too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, observe, reconcile } from './run.js';
import { grantPolicyReading, snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

/** The harness's target with one inventory checkpoint, `baseline`. */
const withBaseline = (fx: SnowflakeFixture): Target => ({
  ...fx.base,
  checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
});
/** That target with one action: a reset to `baseline`. */
const resetOf = (baseline: Target): Target => ({ ...baseline, actions: [action('reset', { kind: 'reset', to: 'baseline' })] });
/** Every row of ORDERS, as the role the policies exempt reads it. */
const allRowsOf = async (fx: SnowflakeFixture) =>
  (await fx.server.account.execute(`USE ROLE GOVERNOR; SELECT id, email FROM ${fx.database}.DEMO.ORDERS ORDER BY id`)).rows;

describe('Snowflake tables under row access and masking policies', () => {
  let fx: SnowflakeFixture;
  let baseline: Target;
  const reset = () => resetOf(baseline);
  const allRows = () => allRowsOf(fx);

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    baseline = withBaseline(fx);
    await fx.server.account.execute(`CREATE ROLE GOVERNOR; GRANT ROLE GOVERNOR TO ROLE ACCOUNTADMIN`);
    await fx.sql('CREATE TABLE ORDERS (id INTEGER, region VARCHAR, email VARCHAR)');
    await fx.sql("INSERT INTO ORDERS VALUES (1, 'EU', 'a@x.com'), (2, 'US', 'b@x.com')");
    await fx.sql("CREATE ROW ACCESS POLICY EU_ONLY AS (r VARCHAR) RETURNS BOOLEAN -> IS_ROLE_IN_SESSION('GOVERNOR') OR r = 'EU'");
    await fx.sql(
      "CREATE MASKING POLICY HIDE_EMAIL AS (v VARCHAR) RETURNS VARCHAR -> CASE WHEN IS_ROLE_IN_SESSION('GOVERNOR') THEN v ELSE '***' END",
    );
    await fx.sql('ALTER TABLE ORDERS ADD ROW ACCESS POLICY EU_ONLY ON (region)');
    await fx.sql('ALTER TABLE ORDERS MODIFY COLUMN email SET MASKING POLICY HIDE_EMAIL');
    await reconcile(fx, baseline);
  });
  afterEach(async () => fx.close());

  it('a reset that would revert the content of a table under policies is held back, naming them; no row is lost or masked', async () => {
    await fx.sql("INSERT INTO ORDERS VALUES (3, 'EU', 'c@x.com')");
    const { plan, outcomes } = await reconcile(fx, reset());
    expectAllSucceeded(outcomes);
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(plan.targets[0]?.findings.map((f) => [f.severity, f.code, f.object])).toEqual([['blocker', 'CONTENT_UNDER_POLICY', 'ORDERS']]);
    expect(plan.targets[0]?.findings[0]?.message).toContain(
      `row access policy ${fx.database}.DEMO.EU_ONLY, masking policy ${fx.database}.DEMO.HIDE_EMAIL on EMAIL`,
    );
    expect(await allRows()).toEqual([
      ['1', 'a@x.com'],
      ['2', 'b@x.com'],
      ['3', 'c@x.com'],
    ]);
  });

  it('protecting the table lets the reset go ahead and leaves its content as it is', async () => {
    await fx.sql("INSERT INTO ORDERS VALUES (3, 'EU', 'c@x.com')");
    const { plan, outcomes } = await reconcile(fx, { ...reset(), protect: ['ORDERS'] });
    expectAllSucceeded(outcomes);
    expect(plan.targets[0]?.findings.map((f) => f.code)).toEqual(['PROTECTED_KEPT']);
    expect(await allRows()).toHaveLength(3);
  });

  it('observe asks about policies only for tables a checkpoint holds with other content, all in one statement', async () => {
    const policyQueries = () => [...fx.server.account.queries.values()].filter((q) => q.sql.includes('POLICY_REFERENCES')).length;
    await fx.sql('CREATE TABLE OTHER (id INTEGER)');
    const unchanged = await observe(fx, baseline);
    expect(policyQueries()).toBe(0);
    expect(unchanged.objects.map((o) => [o.name, o.policies ?? null])).toEqual([
      ['ORDERS', null],
      ['OTHER', null],
    ]);
    await fx.sql("INSERT INTO ORDERS VALUES (3, 'EU', 'c@x.com')");
    const changed = await observe(fx, baseline);
    expect(changed.objects.find((o) => o.name === 'ORDERS')?.policies).toEqual([
      { kind: 'ROW_ACCESS_POLICY', name: [fx.database, 'DEMO', 'EU_ONLY'], column: null },
      { kind: 'MASKING_POLICY', name: [fx.database, 'DEMO', 'HIDE_EMAIL'], column: 'EMAIL' },
    ]);
    expect(policyQueries()).toBe(1);
  });
});

describe('Snowflake tables whose policies ckpt’s role cannot see', () => {
  let fx: SnowflakeFixture;
  let baseline: Target;
  const reset = () => resetOf(baseline);
  const allRows = () => allRowsOf(fx);

  beforeEach(async () => {
    // ckpt's role (SYSADMIN) holds neither global APPLY privilege; the policies belong to GOVERNOR.
    fx = await snowflakeHarness.fresh({ policyReading: false });
    baseline = withBaseline(fx);
    const demo = `${fx.database}.DEMO`;
    await fx.sql('CREATE TABLE ORDERS (id INTEGER, region VARCHAR, email VARCHAR)');
    await fx.sql("INSERT INTO ORDERS VALUES (1, 'EU', 'a@x.com'), (2, 'US', 'b@x.com')");
    await fx.server.account.execute(`CREATE ROLE GOVERNOR; GRANT ROLE GOVERNOR TO ROLE ACCOUNTADMIN; USE ROLE GOVERNOR;
      CREATE ROW ACCESS POLICY ${demo}.EU_ONLY AS (r VARCHAR) RETURNS BOOLEAN -> IS_ROLE_IN_SESSION('GOVERNOR') OR r = 'EU';
      CREATE MASKING POLICY ${demo}.HIDE_EMAIL AS (v VARCHAR) RETURNS VARCHAR -> CASE WHEN IS_ROLE_IN_SESSION('GOVERNOR') THEN v ELSE '***' END;
      USE ROLE SYSADMIN`);
    await fx.sql('ALTER TABLE ORDERS ADD ROW ACCESS POLICY EU_ONLY ON (region)');
    await fx.sql('ALTER TABLE ORDERS MODIFY COLUMN email SET MASKING POLICY HIDE_EMAIL');
    await fx.sql('CREATE TABLE PLAIN (id INTEGER)');
    await fx.sql('INSERT INTO PLAIN VALUES (1)');
    await reconcile(fx, baseline);
    await fx.sql("INSERT INTO ORDERS VALUES (3, 'EU', 'c@x.com')");
  });
  afterEach(async () => fx.close());

  it('the revert is held back (POLICIES_NOT_READ, saying which privileges to grant); no row is lost or masked', async () => {
    const { plan, outcomes } = await reconcile(fx, reset());
    expectAllSucceeded(outcomes);
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(plan.targets[0]?.findings.map((f) => [f.severity, f.code, f.object])).toEqual([['blocker', 'POLICIES_NOT_READ', 'ORDERS']]);
    expect(plan.targets[0]?.findings[0]?.message).toMatch(
      /grant ckpt's role the APPLY ROW ACCESS POLICY and APPLY MASKING POLICY privileges on the account, or protect ORDERS/,
    );
    expect(await allRows()).toEqual([
      ['1', 'a@x.com'],
      ['2', 'b@x.com'],
      ['3', 'c@x.com'],
    ]);
  });

  it('once the role holds the global APPLY privileges, it sees the policies: held back as under policy, naming them', async () => {
    await grantPolicyReading(fx.server);
    const { plan } = await reconcile(fx, reset());
    expect(plan.targets[0]?.findings.map((f) => [f.severity, f.code, f.object])).toEqual([['blocker', 'CONTENT_UNDER_POLICY', 'ORDERS']]);
    expect(plan.targets[0]?.findings[0]?.message).toContain(
      `row access policy ${fx.database}.DEMO.EU_ONLY, masking policy ${fx.database}.DEMO.HIDE_EMAIL on EMAIL`,
    );
    expect(await allRows()).toHaveLength(3);
  });

  it('a table without policies is not reverted either: the role cannot tell it from one whose policies it may not see', async () => {
    await fx.sql('INSERT INTO PLAIN VALUES (2)');
    const { plan } = await reconcile(fx, { ...reset(), protect: ['ORDERS'] });
    expect(plan.targets[0]?.findings.map((f) => [f.code, f.object])).toEqual([
      ['PROTECTED_KEPT', 'ORDERS'],
      ['POLICIES_NOT_READ', 'PLAIN'],
    ]);
    expect(await fx.sql('SELECT COUNT(*) AS N FROM PLAIN')).toEqual([[2]]);
  });
});

// Row access and masking policies and secure views, through the real snowflake-sdk: a row access
// policy filters every read of its table (AT and clones included), a masking policy rewrites its
// column, POLICY_REFERENCES lists both for a table or a policy, INSERT OVERWRITE still truncates
// every row; a secure view's definition is shown only to its owner role; ALTER VIEW ... RENAME TO
// keeps the CREATE text.

import { describe, expect, it } from 'vitest';
import { useServer } from './server-fixture.js';

const { server, sql } = useServer({
  seed: `
    CREATE DATABASE APP;
    CREATE SCHEMA APP.S;
    CREATE ROLE GOVERNOR;
    CREATE TABLE APP.S.ORDERS (id INT, region VARCHAR, email VARCHAR);
    INSERT INTO APP.S.ORDERS VALUES (1, 'EU', 'a@x.com'), (2, 'US', 'b@x.com'), (3, 'EU', 'c@x.com');
    CREATE ROW ACCESS POLICY APP.S.EU_ONLY AS (r VARCHAR) RETURNS BOOLEAN -> IS_ROLE_IN_SESSION('GOVERNOR') OR r = 'EU';
    CREATE MASKING POLICY APP.S.HIDE_EMAIL AS (val VARCHAR) RETURNS VARCHAR -> CASE WHEN CURRENT_ROLE() = 'GOVERNOR' THEN val ELSE '***' END;
    ALTER TABLE APP.S.ORDERS ADD ROW ACCESS POLICY APP.S.EU_ONLY ON (region);
    ALTER TABLE APP.S.ORDERS MODIFY COLUMN email SET MASKING POLICY APP.S.HIDE_EMAIL;
  `,
  connect: { database: 'APP', schema: 'S' },
});

const rows = async (text: string) => (await sql.query(text)).map((r) => Object.values(r).map(String));

describe('row access and masking policies', () => {
  it('filter and mask every read for a role they do not exempt, and not for one they do', async () => {
    expect(await rows('SELECT id, email FROM ORDERS ORDER BY id')).toEqual([
      ['1', '***'],
      ['3', '***'],
    ]);
    await sql.query('USE ROLE GOVERNOR');
    expect(await rows('SELECT id, email FROM ORDERS ORDER BY id')).toEqual([
      ['1', 'a@x.com'],
      ['2', 'b@x.com'],
      ['3', 'c@x.com'],
    ]);
    await sql.query('USE ROLE SYSADMIN');
  });

  it('POLICY_REFERENCES lists a table’s policies (by table or by policy), with Snowflake’s columns', async () => {
    const refs = await sql.query(
      "SELECT POLICY_NAME, POLICY_KIND, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, REF_COLUMN_NAME, POLICY_STATUS FROM TABLE(APP.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'APP.S.ORDERS', REF_ENTITY_DOMAIN => 'table')) ORDER BY POLICY_NAME",
    );
    expect(refs).toEqual([
      {
        POLICY_NAME: 'EU_ONLY',
        POLICY_KIND: 'ROW_ACCESS_POLICY',
        REF_ENTITY_NAME: 'ORDERS',
        REF_ENTITY_DOMAIN: 'TABLE',
        REF_COLUMN_NAME: null,
        POLICY_STATUS: 'ACTIVE',
      },
      {
        POLICY_NAME: 'HIDE_EMAIL',
        POLICY_KIND: 'MASKING_POLICY',
        REF_ENTITY_NAME: 'ORDERS',
        REF_ENTITY_DOMAIN: 'TABLE',
        REF_COLUMN_NAME: 'EMAIL',
        POLICY_STATUS: 'ACTIVE',
      },
    ]);
    expect(
      await rows("SELECT REF_ENTITY_NAME FROM TABLE(INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'APP.S.HIDE_EMAIL'))"),
    ).toEqual([['ORDERS']]);
    await expect(
      sql.query("SELECT * FROM TABLE(INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'APP.S.NOPE', REF_ENTITY_DOMAIN => 'table'))"),
    ).rejects.toThrow(/does not exist/);
    await expect(sql.query("SELECT * FROM TABLE(INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'APP.S.ORDERS'))")).rejects.toThrow(
      /POLICY_REFERENCES/,
    );
  });

  it('POLICY_REFERENCES leaves out, silently, the references a role may not see: without the global APPLY privileges or the policy, none', async () => {
    const refs = () =>
      rows(
        "SELECT POLICY_NAME FROM TABLE(APP.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'APP.S.ORDERS', REF_ENTITY_DOMAIN => 'table')) ORDER BY POLICY_NAME",
      );
    await server.account.execute('CREATE ROLE READER; GRANT ROLE READER TO ROLE SYSADMIN');
    await sql.query('USE ROLE READER');
    expect(await refs()).toEqual([]);
    await server.account.execute('GRANT APPLY ROW ACCESS POLICY ON ACCOUNT TO ROLE READER');
    expect(await refs()).toEqual([['EU_ONLY']]);
    expect(
      await rows("SELECT REF_ENTITY_NAME FROM TABLE(INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'APP.S.HIDE_EMAIL'))"),
    ).toEqual([]);
    await server.account.execute('GRANT APPLY MASKING POLICY ON ACCOUNT TO ROLE READER');
    expect(await refs()).toEqual([['EU_ONLY'], ['HIDE_EMAIL']]);
    const grants = await sql.query('SHOW GRANTS ON ACCOUNT');
    expect(grants.filter((g) => g.grantee_name === 'READER').map((g) => [g.privilege, g.granted_on])).toEqual([
      ['APPLY ROW ACCESS POLICY', 'ACCOUNT'],
      ['APPLY MASKING POLICY', 'ACCOUNT'],
    ]);
    await sql.query('USE ROLE SYSADMIN');
  });

  it('INSERT OVERWRITE truncates every row but its SELECT sees only the visible ones, masked: hidden rows are lost', async () => {
    await server.account.execute(`
      CREATE TABLE APP.S.COPY_OF (id INT, region VARCHAR, email VARCHAR);
      INSERT INTO APP.S.COPY_OF VALUES (1, 'EU', 'a@x.com'), (2, 'US', 'b@x.com');
      ALTER TABLE APP.S.COPY_OF ADD ROW ACCESS POLICY APP.S.EU_ONLY ON (region);
      ALTER TABLE APP.S.COPY_OF ALTER COLUMN email SET MASKING POLICY APP.S.HIDE_EMAIL;
    `);
    await sql.query('INSERT OVERWRITE INTO COPY_OF SELECT * FROM COPY_OF');
    await sql.query('ALTER TABLE COPY_OF DROP ROW ACCESS POLICY EU_ONLY');
    await sql.query('ALTER TABLE COPY_OF MODIFY COLUMN email UNSET MASKING POLICY');
    expect(await rows('SELECT id, email FROM COPY_OF ORDER BY id')).toEqual([['1', '***']]);
  });

  it('a clone keeps its source’s policies; a second row access policy, an unknown policy or column is refused', async () => {
    await sql.query('CREATE TABLE ORDERS_CLONE CLONE ORDERS');
    expect(await rows('SELECT count(*) FROM ORDERS_CLONE')).toEqual([['2']]);
    await expect(sql.query('ALTER TABLE ORDERS ADD ROW ACCESS POLICY EU_ONLY ON (region)')).rejects.toThrow(/at most one/);
    await expect(sql.query('ALTER TABLE ORDERS MODIFY COLUMN id SET MASKING POLICY NOPE')).rejects.toThrow(/does not exist/);
    await expect(sql.query('ALTER TABLE ORDERS MODIFY COLUMN nope SET MASKING POLICY HIDE_EMAIL')).rejects.toThrow(/invalid identifier/);
    await expect(sql.query('CREATE MASKING POLICY HIDE_EMAIL AS (v VARCHAR) RETURNS VARCHAR -> v')).rejects.toThrow(/already exists/);
  });
});

describe('views', () => {
  it('a secure view’s definition is shown only to its owner role (IS_SECURE says so to all)', async () => {
    await server.account.execute(
      'CREATE SECURE VIEW APP.S.V_SECRET AS SELECT id FROM APP.S.ORDERS; GRANT OWNERSHIP ON VIEW APP.S.V_SECRET TO ROLE GOVERNOR',
    );
    const query = "SELECT IS_SECURE, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'V_SECRET'";
    expect(await rows(query)).toEqual([['YES', 'null']]);
    expect(await rows("SHOW VIEWS LIKE 'V_SECRET'").then((r) => r[0]?.[8])).toBe('');
    await sql.query('USE ROLE GOVERNOR');
    expect(await rows(query)).toEqual([['YES', 'CREATE SECURE VIEW APP.S.V_SECRET AS SELECT id FROM APP.S.ORDERS']]);
    await sql.query('USE ROLE SYSADMIN');
  });

  it('ALTER VIEW ... RENAME TO keeps the CREATE text, also into another schema; RECURSIVE stands before VIEW only', async () => {
    await sql.query('CREATE SCHEMA APP.OTHER');
    await sql.query('CREATE OR REPLACE VIEW APP.S.V_OLD AS SELECT 1 AS X');
    await sql.query('ALTER VIEW APP.S.V_OLD RENAME TO APP.OTHER.V_NEW');
    expect(await rows("SELECT TABLE_SCHEMA, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'V_NEW'")).toEqual([
      ['OTHER', 'CREATE OR REPLACE VIEW APP.S.V_OLD AS SELECT 1 AS X'],
    ]);
    await sql.query('CREATE RECURSIVE VIEW APP.S.R (N) AS SELECT 1');
    await expect(sql.query('CREATE VIEW RECURSIVE APP.S.R2 (N) AS SELECT 1')).rejects.toThrow(/syntax error/);
  });
});

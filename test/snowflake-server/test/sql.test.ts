// SQL surface of the local Snowflake test server through the real snowflake-sdk: queries with
// joins/aggregates/CTEs, DML forms, CTAS, column DDL with Time Travel, SHOW/DESCRIBE/GET_DDL,
// EXECUTE IMMEDIATE blocks, the translated functions, seeding via account.execute, and startup time.

import { afterEach, describe, expect, it } from 'vitest';
import { connectDriver } from '../driver-client.js';
import { startSnowflakeServer } from '../server.js';
import { useServer } from './server-fixture.js';

/** Another session on the same account, for a test that changes its session's current schema. */
const session = () =>
  connectDriver({ accessUrl: server.url, account: 'ckpt', username: 'dev', password: 'x', database: 'SHOP', schema: 'SALES' });

const { server, sql } = useServer({
  seed: `
    CREATE DATABASE SHOP;
    CREATE SCHEMA SHOP.SALES;
    CREATE TABLE customers (id INT, name VARCHAR, region VARCHAR);
    CREATE TABLE orders (id INT, customer_id INT, amount NUMBER(10,2), placed_at TIMESTAMP_LTZ, meta VARIANT);
    INSERT INTO customers VALUES (1, 'Ada', 'EU'), (2, 'Bob', 'US'), (3, 'Cy', 'EU');
    INSERT INTO orders SELECT 10, 1, 5.50, '2025-01-01 10:00:00'::TIMESTAMP_LTZ, PARSE_JSON('{"tags":["a","b"],"src":{"app":"web"}}');
    INSERT INTO orders SELECT 11, 1, 4.50, '2025-01-02 10:00:00'::TIMESTAMP_LTZ, PARSE_JSON('{"tags":[],"src":{"app":"ios"}}');
    INSERT INTO orders SELECT 12, 2, 10, '2025-01-03 10:00:00'::TIMESTAMP_LTZ, NULL;
  `,
  seedIn: { database: 'SHOP', schema: 'SALES' },
  connect: { database: 'SHOP', schema: 'SALES' },
});

// Each test stands alone, in any order: a failed one leaves no injection behind.
afterEach(() => server.clearInjections());

describe('queries', () => {
  it('joins, groups, orders and aggregates', async () => {
    const rows =
      await sql.query(`SELECT c.region, COUNT(o.id) AS orders, SUM(o.amount) AS total, MAX(o.amount) AS biggest, MIN(c.name) AS first_name
      FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.region ORDER BY c.region`);
    expect(rows).toEqual([
      { REGION: 'EU', ORDERS: 2, TOTAL: 10, BIGGEST: 5.5, FIRST_NAME: 'Ada' },
      { REGION: 'US', ORDERS: 1, TOTAL: 10, BIGGEST: 10, FIRST_NAME: 'Bob' },
    ]);
  });

  it('supports CTEs, subqueries, UNION and MINUS', async () => {
    const rows = await sql.query(`WITH big AS (SELECT customer_id FROM orders WHERE amount >= 5)
      SELECT name FROM customers WHERE id IN (SELECT customer_id FROM big)
      UNION ALL SELECT 'none' MINUS SELECT 'Bob' ORDER BY 1`);
    expect(rows.map((r) => r.NAME)).toEqual(['Ada', 'none']);
  });

  it('reads variant paths, indexes and casts', async () => {
    const rows =
      await sql.query(`SELECT id, meta:src.app::STRING AS app, meta:tags[0]::VARCHAR AS first_tag, ARRAY_SIZE(meta:tags) AS n_tags,
      TO_JSON(meta:src) AS src_json, meta['src']['app'] AS raw FROM orders ORDER BY id`);
    expect(rows).toEqual([
      { ID: 10, APP: 'web', FIRST_TAG: 'a', N_TAGS: 2, SRC_JSON: '{"app":"web"}', RAW: 'web' },
      { ID: 11, APP: 'ios', FIRST_TAG: null, N_TAGS: 0, SRC_JSON: '{"app":"ios"}', RAW: 'ios' },
      { ID: 12, APP: null, FIRST_TAG: null, N_TAGS: null, SRC_JSON: null, RAW: null },
    ]);
  });

  it('translates Snowflake functions', async () => {
    const [row] = await sql.query(`SELECT IFF(1 > 0, 'yes', 'no') AS iff, NVL(NULL, 'd') AS nvl, COALESCE(NULL, NULL, 3) AS co,
      UPPER('ab') AS up, LOWER('AB') AS low, TO_VARCHAR(42) AS tv, TO_CHAR(12.5) AS tc,
      DATEADD(day, 2, '2025-01-01 00:00:00'::TIMESTAMP_LTZ) AS later, DATEADD('hour', -1, '2025-01-01 00:00:00'::TIMESTAMP_NTZ) AS earlier,
      TO_VARCHAR('2025-01-01 10:00:00.5'::TIMESTAMP_LTZ, 'YYYY-MM-DD"T"HH24:MI:SS.FF3') AS formatted,
      OBJECT_CONSTRUCT('a', 1, 'b', NULL) AS obj, OBJECT_CONSTRUCT_KEEP_NULL('a', 1, 'b', NULL) AS obj_null,
      ARRAY_SIZE(PARSE_JSON('[1,2,3]')) AS size, '7'::NUMBER + 1 AS num, 3.7::INT AS rounded, SYSDATE() IS NOT NULL AS has_sysdate`);
    expect(row).toMatchObject({
      IFF: 'yes',
      NVL: 'd',
      CO: 3,
      UP: 'AB',
      LOW: 'ab',
      TV: '42',
      TC: '12.5',
      FORMATTED: '2025-01-01T10:00:00.500',
      OBJ: { a: 1 },
      OBJ_NULL: { a: 1, b: null },
      SIZE: 3,
      NUM: 8,
      ROUNDED: 4,
      HAS_SYSDATE: true,
    });
    expect((row?.LATER as Date).toISOString()).toBe('2025-01-03T00:00:00.000Z');
    expect((row?.EARLIER as Date).toISOString()).toBe('2024-12-31T23:00:00.000Z');
  });

  it('aggregates into arrays with ARRAY_AGG and flattens them back', async () => {
    const [row] = await sql.query(
      `SELECT ARRAY_AGG(name) WITHIN GROUP (ORDER BY name DESC) AS names, ARRAY_AGG(NULL) AS empty FROM customers`,
    );
    expect(row).toEqual({ NAMES: ['Cy', 'Bob', 'Ada'], EMPTY: [] });
    const rows = await sql.query(
      `SELECT o.id, f.value::STRING AS tag FROM orders o, LATERAL FLATTEN(input => o.meta:tags) f ORDER BY o.id, f.index`,
    );
    expect(rows).toEqual([
      { ID: 10, TAG: 'a' },
      { ID: 10, TAG: 'b' },
    ]);
    const keys = await sql.query(
      `SELECT f.key AS k, f.value::STRING AS v FROM TABLE(FLATTEN(input => PARSE_JSON('{"x":"1","y":"2"}'))) f ORDER BY 1`,
    );
    expect(keys).toEqual([
      { K: 'x', V: '1' },
      { K: 'y', V: '2' },
    ]);
  });
});

describe('DML and DDL', () => {
  it('updates with FROM, deletes with USING, merges and truncates', async () => {
    await sql.query('CREATE TABLE stock (sku VARCHAR, qty INT)');
    await sql.query(`INSERT INTO stock VALUES ('a', 1), ('b', 2), ('c', 3)`);
    await sql.query('CREATE TABLE delta (sku VARCHAR, qty INT)');
    await sql.query(`INSERT INTO delta VALUES ('a', 10), ('d', 4)`);
    const { statement } = await sql.statement(
      'UPDATE stock SET qty = s.qty + d.qty FROM stock s JOIN delta d ON d.sku = s.sku WHERE stock.sku = s.sku',
    );
    expect(statement.getNumUpdatedRows()).toBe(1);
    await sql.query(`DELETE FROM stock USING delta WHERE stock.sku = 'b' AND delta.sku = 'd'`);
    await sql.query(`MERGE INTO stock t USING delta d ON t.sku = d.sku
      WHEN MATCHED THEN UPDATE SET qty = d.qty WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (d.sku, d.qty)`);
    expect(await sql.query('SELECT sku, qty FROM stock ORDER BY sku')).toEqual([
      { SKU: 'a', QTY: 10 },
      { SKU: 'c', QTY: 3 },
      { SKU: 'd', QTY: 4 },
    ]);
    await sql.query('TRUNCATE TABLE stock');
    expect(await sql.query('SELECT COUNT(*) AS N FROM stock')).toEqual([{ N: 0 }]);
  });

  it('creates tables from queries and applies column defaults and identities at insert time', async () => {
    await sql.query('CREATE TABLE eu AS SELECT id, name FROM customers WHERE region = $$EU$$');
    expect(await sql.query('SELECT * FROM eu ORDER BY id')).toEqual([
      { ID: 1, NAME: 'Ada' },
      { ID: 3, NAME: 'Cy' },
    ]);
    await sql.query('INSERT OVERWRITE INTO eu SELECT * FROM eu WHERE id = 3');
    expect(await sql.query('SELECT * FROM eu')).toEqual([{ ID: 3, NAME: 'Cy' }]);
    await sql.query(`CREATE TABLE events (id INT AUTOINCREMENT, kind VARCHAR NOT NULL, at TIMESTAMP_LTZ DEFAULT CURRENT_TIMESTAMP())`);
    await sql.query(`INSERT INTO events (kind) VALUES ('a'), ('b')`);
    const rows = await sql.query('SELECT id, kind, at FROM events ORDER BY id');
    expect(rows.map((r) => [r.ID, r.KIND])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(rows[0]?.AT).toBeInstanceOf(Date);
    const [ddl] = await sql.query(`SELECT GET_DDL('TABLE', 'events') AS D`);
    expect(ddl?.D).toContain('KIND VARCHAR(16777216) NOT NULL');
    const described = await sql.query('DESCRIBE TABLE events');
    expect(described.map((r) => [r.name, r.type, r['null?']])).toEqual([
      ['ID', 'NUMBER(38,0)', 'Y'],
      ['KIND', 'VARCHAR(16777216)', 'N'],
      ['AT', 'TIMESTAMP_LTZ(9)', 'Y'],
    ]);
  });

  it('adds columns (history reads use current columns) and sets comments and retention', async () => {
    await sql.query('CREATE TABLE grow (a INT)');
    await sql.query('INSERT INTO grow VALUES (1)');
    const [{ T: before } = {}] = await sql.query('SELECT CURRENT_TIMESTAMP() AS T');
    server.advanceClock(1000);
    await sql.query('ALTER TABLE grow ADD COLUMN b VARCHAR');
    await sql.query(`INSERT INTO grow VALUES (2, 'x')`);
    server.advanceClock(1000);
    expect(await sql.query(`SELECT * FROM grow AT(TIMESTAMP => '${(before as Date).toISOString()}'::TIMESTAMP_LTZ)`)).toEqual([
      { A: 1, B: null },
    ]);
    await sql.query(`COMMENT ON TABLE grow IS 'grows'`);
    await sql.query('ALTER TABLE grow SET DATA_RETENTION_TIME_IN_DAYS = 7');
    const [info] = await sql.query(`SELECT COMMENT, RETENTION_TIME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'GROW'`);
    expect(info).toEqual({ COMMENT: 'grows', RETENTION_TIME: 7 });
    await expect(sql.query('CREATE TRANSIENT TABLE tr (a INT) DATA_RETENTION_TIME_IN_DAYS = 5')).rejects.toMatchObject({ code: '002018' });
  });

  it('adopting a table: ADD COLUMN IF NOT EXISTS is a no-op on an existing column (an error without it), SET COMMENT shows in INFORMATION_SCHEMA, NTZ reads as UTC', async () => {
    await sql.query('CREATE TABLE old_audit (id VARCHAR, taken TIMESTAMP_NTZ)');
    await sql.query(`INSERT INTO old_audit SELECT 'CP_1', '2024-01-15 14:30:00'::TIMESTAMP_NTZ`);
    await expect(sql.query('ALTER TABLE old_audit ADD COLUMN id VARCHAR')).rejects.toThrow(/already exists/);
    await sql.query('ALTER TABLE old_audit ADD COLUMN IF NOT EXISTS id VARCHAR');
    await sql.query('ALTER TABLE old_audit ADD COLUMN IF NOT EXISTS run_id VARCHAR');
    await sql.query(`ALTER TABLE old_audit SET COMMENT = 'ckpt audit table, layout 1'`);
    const [info] = await sql.query(`SELECT COMMENT FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'OLD_AUDIT'`);
    expect(info).toEqual({ COMMENT: 'ckpt audit table, layout 1' });
    const rows = await sql.query(
      `SELECT ID, TO_VARCHAR(TAKEN::TIMESTAMP_LTZ, 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"') AS TAKEN, RUN_ID FROM old_audit`,
    );
    expect(rows).toEqual([{ ID: 'CP_1', TAKEN: '2024-01-15T14:30:00.000Z', RUN_ID: null }]);
  });

  it('runs EXECUTE IMMEDIATE blocks of plain statements and lists schemas', async () => {
    // Its own session: the block moves that session to another schema, and the other tests' stays SALES.
    const block = await session();
    try {
      await block.query(`EXECUTE IMMEDIATE $$
        BEGIN
          CREATE SCHEMA IF NOT EXISTS SHOP.BLOCK;
          CREATE TABLE SHOP.BLOCK.one (a INT);
          CREATE TABLE SHOP.BLOCK.two (a INT);
        END;
      $$`);
      // CREATE SCHEMA inside the block made BLOCK the current schema, as in Snowflake.
      expect(await block.query('SELECT CURRENT_SCHEMA() AS S')).toEqual([{ S: 'BLOCK' }]);
      const schemas = await block.query('SHOW SCHEMAS IN DATABASE SHOP');
      expect(schemas.map((r) => r.name)).toEqual(['BLOCK', 'PUBLIC', 'SALES', 'INFORMATION_SCHEMA']);
      expect((await block.query('SHOW TABLES IN SCHEMA SHOP.BLOCK')).map((r) => r.name)).toEqual(['ONE', 'TWO']);
    } finally {
      await block.close();
    }
    expect(await sql.query('SELECT CURRENT_SCHEMA() AS S')).toEqual([{ S: 'SALES' }]);
  });

  it('refuses DDL on missing containers and wrong object kinds', async () => {
    await expect(sql.query('CREATE TABLE NOPE.X.T (a INT)')).rejects.toMatchObject({ code: '002003' });
    await expect(sql.query('CREATE TABLE customers (a INT)')).rejects.toMatchObject({ code: '002002' });
    await expect(sql.query('CREATE VIEW broken AS SELECT * FROM missing_table')).rejects.toMatchObject({ code: '002003' });
    await expect(sql.query('SELECT no_such_column FROM customers')).rejects.toMatchObject({ code: '000904' });
    await expect(sql.query('SELECT NO_SUCH_FN(1)')).rejects.toMatchObject({ code: '002140' });
  });
});

describe('server', () => {
  it('starts and seeds through account.execute', async () => {
    const fresh = await startSnowflakeServer();
    try {
      await fresh.account.execute('CREATE DATABASE D; CREATE TABLE D.PUBLIC.T (a INT); INSERT INTO D.PUBLIC.T VALUES (1)');
      const result = await fresh.account.execute('SELECT COUNT(*) AS N FROM D.PUBLIC.T');
      expect(result.rows).toEqual([['1']]);
      expect(fresh.account.catalog.databases.get('D')?.schemas.get('PUBLIC')?.objects.has('T')).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('survives a connection reset: the driver retries the request', async () => {
    server.injectFault({ pattern: /RESET_ME/, kind: 'reset', times: 1 });
    const before = server.requestCount;
    expect(await sql.query(`SELECT 'RESET_ME' AS R`)).toEqual([{ R: 'RESET_ME' }]);
    // The reset request and its retry: the fault fired, and the answer came from the retry.
    expect(server.requestCount - before).toBe(2);
  }, 20_000);
});

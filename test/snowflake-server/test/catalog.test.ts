// Account-model behaviour of the local Snowflake test server through the real snowflake-sdk:
// identifiers, INFORMATION_SCHEMA, SHOW TABLES HISTORY, DROP/UNDROP and retention, views that
// break and cannot be undropped, Time Travel, clones, SWAP, temporary tables, transactions.

import { beforeEach, describe, expect, it } from 'vitest';
import { connectDriver } from '../driver-client.js';
import { useServer } from './server-fixture.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

let schemaCounter = 0;
let schema = '';

const { server, sql } = useServer({ server: { clock: () => new Date(T0) }, seed: 'CREATE DATABASE APP', connect: { database: 'APP' } });

beforeEach(async () => {
  schema = `S${++schemaCounter}`;
  await sql.query(`CREATE SCHEMA APP.${schema}`);
  await sql.query(`USE SCHEMA APP.${schema}`);
  server.advanceClock(MINUTE);
});

const tick = (ms = MINUTE): void => server.advanceClock(ms);

describe('identifiers', () => {
  it('keeps "MyTable" and MYTABLE apart and reports names as stored', async () => {
    await sql.query('CREATE TABLE "MyTable" (a INT)');
    await sql.query('CREATE TABLE mytable (a INT)');
    await sql.query('INSERT INTO "MyTable" VALUES (1), (2)');
    await sql.query('INSERT INTO MyTable VALUES (3)');
    expect(await sql.query('SELECT COUNT(*) AS N FROM "MyTable"')).toEqual([{ N: 2 }]);
    expect(await sql.query('SELECT COUNT(*) AS N FROM "MYTABLE"')).toEqual([{ N: 1 }]);
    await expect(sql.query('SELECT * FROM "mytable"')).rejects.toMatchObject({ code: '002003' });
    const names = await sql.query(
      `SELECT TABLE_NAME FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}' ORDER BY TABLE_NAME`,
    );
    expect(names.map((r) => r.TABLE_NAME)).toEqual(['MYTABLE', 'MyTable']);
    await expect(sql.query(`CREATE TABLE "${'x'.repeat(256)}" (a INT)`)).rejects.toMatchObject({ code: '001003' });
  });
});

describe('INFORMATION_SCHEMA and SHOW', () => {
  it('lists tables and views with CREATED, LAST_ALTERED, ROW_COUNT, RETENTION_TIME and VIEW_DEFINITION', async () => {
    await sql.query('CREATE TABLE orders (id INT) DATA_RETENTION_TIME_IN_DAYS = 3');
    tick();
    await sql.query('INSERT INTO orders VALUES (1), (2), (3)');
    await sql.query('CREATE TRANSIENT TABLE scratch (id INT)');
    await sql.query('CREATE VIEW big_orders AS SELECT id FROM orders WHERE id > 1');
    const rows = await sql.query(`SELECT TABLE_NAME, TABLE_TYPE, IS_TRANSIENT, ROW_COUNT, RETENTION_TIME, CREATED, LAST_ALTERED, LAST_DDL
      FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = CURRENT_SCHEMA() ORDER BY TABLE_NAME`);
    expect(rows.map((r) => [r.TABLE_NAME, r.TABLE_TYPE, r.IS_TRANSIENT, r.ROW_COUNT, r.RETENTION_TIME])).toEqual([
      ['BIG_ORDERS', 'VIEW', 'NO', null, null],
      ['ORDERS', 'BASE TABLE', 'NO', 3, 3],
      ['SCRATCH', 'BASE TABLE', 'YES', 0, 1],
    ]);
    const orders = rows[1] as { LAST_ALTERED: Date; CREATED: Date; LAST_DDL: Date };
    expect(orders.LAST_ALTERED.getTime() - orders.CREATED.getTime()).toBe(MINUTE);
    expect(orders.LAST_DDL.getTime()).toBe(orders.CREATED.getTime());
    const [view] = await sql.query(`SELECT VIEW_DEFINITION, IS_SECURE FROM APP.INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = '${schema}'`);
    expect(view).toEqual({ VIEW_DEFINITION: 'CREATE VIEW big_orders AS SELECT id FROM orders WHERE id > 1', IS_SECURE: 'NO' });
    const [shown] = await sql.query(`SHOW VIEWS IN SCHEMA APP.${schema}`);
    expect(shown?.text).toBe('CREATE VIEW big_orders AS SELECT id FROM orders WHERE id > 1');
  });

  it('shows one SHOW TABLES HISTORY row per dropped version, CREATE OR REPLACE included', async () => {
    await sql.query('CREATE TABLE t (a INT)');
    tick();
    await sql.query('DROP TABLE t');
    tick();
    await sql.query('CREATE TABLE t (a INT, b INT)');
    tick();
    await sql.query('CREATE OR REPLACE TABLE t (c INT)');
    const rows = await sql.query(`SHOW TABLES HISTORY LIKE 't' IN SCHEMA APP.${schema}`);
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.dropped_on === null)).toHaveLength(1);
    expect(new Set(rows.map((r) => (r.created_on as Date).getTime())).size).toBe(3);
    const live = await sql.query(`SHOW TABLES IN SCHEMA APP.${schema}`);
    expect(live.map((r) => [r.name, r.kind, r.retention_time])).toEqual([['T', 'TABLE', '1']]);
    expect(Object.keys(live[0] ?? {})).not.toContain('dropped_on');
  });
});

describe('DROP and UNDROP', () => {
  it('restores the newest dropped version', async () => {
    await sql.query('CREATE TABLE t (v VARCHAR)');
    await sql.query(`INSERT INTO t VALUES ('first')`);
    tick();
    await sql.query('DROP TABLE t');
    tick();
    await sql.query('CREATE TABLE t (v VARCHAR)');
    await sql.query(`INSERT INTO t VALUES ('second')`);
    tick();
    await sql.query('DROP TABLE t');
    await sql.query('UNDROP TABLE t');
    expect(await sql.query('SELECT v FROM t')).toEqual([{ V: 'second' }]);
    await sql.query('ALTER TABLE t RENAME TO t_second');
    await sql.query('UNDROP TABLE t');
    expect(await sql.query('SELECT v FROM t')).toEqual([{ V: 'first' }]);
  });

  it('refuses UNDROP onto a taken name with 002002', async () => {
    await sql.query('CREATE TABLE t (a INT)');
    await sql.query('DROP TABLE t');
    await sql.query('CREATE TABLE t (a INT)');
    await expect(sql.query('UNDROP TABLE t')).rejects.toMatchObject({
      code: '002002',
      message: "SQL compilation error:\nObject 'T' already exists.",
    });
  });

  it('purges dropped versions after retention and with retention 0', async () => {
    await sql.query('CREATE TABLE keep2 (a INT) DATA_RETENTION_TIME_IN_DAYS = 2');
    await sql.query('CREATE TABLE keep0 (a INT)');
    await sql.query('ALTER TABLE keep0 SET DATA_RETENTION_TIME_IN_DAYS = 0');
    await sql.query('DROP TABLE keep2');
    await sql.query('DROP TABLE keep0');
    await expect(sql.query('UNDROP TABLE keep0')).rejects.toMatchObject({ message: 'Table KEEP0 did not exist or was purged.' });
    server.advanceClock(2 * DAY + MINUTE);
    await expect(sql.query('UNDROP TABLE keep2')).rejects.toMatchObject({ message: 'Table KEEP2 did not exist or was purged.' });
    expect(await sql.query(`SHOW TABLES HISTORY IN SCHEMA APP.${schema}`)).toEqual([]);
  });

  it('has no UNDROP VIEW, and leaves views on dropped tables broken (002003)', async () => {
    await sql.query('CREATE TABLE base (a INT)');
    await sql.query('CREATE VIEW v AS SELECT a FROM base');
    await sql.query('DROP TABLE base');
    await expect(sql.query('SELECT * FROM v')).rejects.toMatchObject({
      code: '002003',
      message: expect.stringContaining("Object 'BASE' does not exist"),
    });
    await sql.query('UNDROP TABLE base');
    expect(await sql.query('SELECT * FROM v')).toEqual([]);
    await sql.query('DROP VIEW v');
    await expect(sql.query('UNDROP VIEW v')).rejects.toMatchObject({ code: '001003' });
    await expect(sql.query('DROP VIEW base')).rejects.toMatchObject({ code: '002203' });
    await expect(sql.query('DROP TABLE nothing_here')).rejects.toMatchObject({ code: '002003' });
    await sql.query('DROP TABLE IF EXISTS nothing_here');
  });

  it('keeps temporary tables private to their session and out of UNDROP', async () => {
    await sql.query('CREATE TABLE shared (a INT)');
    await sql.query('CREATE TEMPORARY TABLE shared (a INT)');
    await sql.query('INSERT INTO shared VALUES (1)');
    const other = await connectDriver({ accessUrl: server.url, account: 'ckpt', username: 'dev', password: 'x', database: 'APP', schema });
    try {
      expect(await other.query('SELECT COUNT(*) AS N FROM shared')).toEqual([{ N: 0 }]);
      const kinds = await other.query(
        `SELECT TABLE_TYPE, IS_TEMPORARY FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}'`,
      );
      expect(kinds).toEqual([{ TABLE_TYPE: 'BASE TABLE', IS_TEMPORARY: 'NO' }]);
    } finally {
      await other.close();
    }
    const mine = await sql.query(`SHOW TABLES IN SCHEMA APP.${schema}`);
    expect(mine.map((r) => r.kind).sort()).toEqual(['TABLE', 'TEMPORARY']);
    await sql.query('DROP TABLE shared');
    await expect(sql.query('UNDROP TABLE shared')).rejects.toMatchObject({ code: '002002' });
  });
});

describe('Time Travel, clones, SWAP', () => {
  it('clones and selects AT a past timestamp, and fails before creation with 000707', async () => {
    await sql.query('CREATE TABLE t (v INT)');
    await sql.query('INSERT INTO t VALUES (1)');
    tick();
    const [{ NOW: at } = {}] = await sql.query('SELECT CURRENT_TIMESTAMP() AS NOW');
    tick();
    await sql.query('INSERT INTO t VALUES (2)');
    await sql.query('DELETE FROM t WHERE v = 1');
    tick();
    const iso = (at as Date).toISOString();
    await sql.query(`CREATE TABLE t_then CLONE t AT(TIMESTAMP => '${iso}'::TIMESTAMP_LTZ)`);
    expect(await sql.query('SELECT v FROM t_then')).toEqual([{ V: 1 }]);
    expect(await sql.query(`SELECT v FROM t AT(TIMESTAMP => '${iso}'::TIMESTAMP_NTZ)`)).toEqual([{ V: 1 }]);
    expect(await sql.query(`SELECT v FROM t AT(OFFSET => -30)`)).toEqual([{ V: 2 }]);
    await expect(sql.query(`SELECT * FROM t AT(TIMESTAMP => '2000-01-01'::TIMESTAMP_LTZ)`)).rejects.toMatchObject({ code: '000707' });
  });

  it('fails AT exactly the creation instant (the stricter reading of "at or before"), for tables and schemas', async () => {
    const [{ NOW: created } = {}] = await sql.query('SELECT CURRENT_TIMESTAMP() AS NOW');
    await sql.query('CREATE TABLE born (v INT)');
    const at = `AT(TIMESTAMP => '${(created as Date).toISOString()}'::TIMESTAMP_LTZ)`;
    tick();
    await expect(sql.query(`SELECT * FROM born ${at}`)).rejects.toMatchObject({ code: '000707' });
    await expect(sql.query(`CREATE TABLE born_then CLONE born ${at}`)).rejects.toMatchObject({ code: '000707' });
    await expect(sql.query(`CREATE SCHEMA APP.${schema}_THEN CLONE APP.${schema} ${at}`)).rejects.toMatchObject({ code: '000707' });
    const [{ CREATED: schemaCreated } = {}] = await sql.query(
      `SELECT CREATED FROM APP.INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = '${schema}'`,
    );
    const atSchema = `AT(TIMESTAMP => '${(schemaCreated as Date).toISOString()}'::TIMESTAMP_LTZ)`;
    await expect(sql.query(`CREATE SCHEMA APP.${schema}_NEW CLONE APP.${schema} ${atSchema}`)).rejects.toMatchObject({ code: '002003' });
  });

  it('leaves out, with IGNORE TABLES WITH INSUFFICIENT DATA RETENTION, tables born at the instant or without Time Travel', async () => {
    await sql.query('CREATE TABLE kept (v INT)');
    await sql.query('CREATE TABLE scratch (v INT) DATA_RETENTION_TIME_IN_DAYS = 0');
    tick();
    const [{ NOW: now } = {}] = await sql.query('SELECT CURRENT_TIMESTAMP() AS NOW');
    await sql.query('CREATE TABLE born (v INT)');
    tick();
    const at = `AT(TIMESTAMP => '${(now as Date).toISOString()}'::TIMESTAMP_LTZ)`;
    await sql.query(
      `CREATE SCHEMA APP.${schema}_C CLONE APP.${schema} ${at} IGNORE TABLES WITH INSUFFICIENT DATA RETENTION IGNORE HYBRID TABLES`,
    );
    expect(await sql.query(`SELECT TABLE_NAME FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}_C'`)).toEqual([
      { TABLE_NAME: 'KEPT' },
    ]);
  });

  it('answers BEFORE(STATEMENT => id) with the rows before that statement', async () => {
    await sql.query('CREATE TABLE t (v INT)');
    await sql.query('INSERT INTO t VALUES (1)');
    const { statement } = await sql.statement('DELETE FROM t');
    expect(await sql.query(`SELECT COUNT(*) AS N FROM t BEFORE(STATEMENT => '${statement.getQueryId()}')`)).toEqual([{ N: 1 }]);
  });

  it('clones a schema recursively, keeping view text and qualified references', async () => {
    await sql.query('CREATE TABLE base (a INT)');
    await sql.query('INSERT INTO base VALUES (1)');
    await sql.query(`CREATE VIEW local_v AS SELECT a FROM base`);
    await sql.query(`CREATE VIEW qualified_v AS SELECT a FROM APP.${schema}.base`);
    await sql.query(`CREATE SCHEMA APP.${schema}_COPY CLONE APP.${schema}`);
    await sql.query(`INSERT INTO APP.${schema}.base VALUES (2)`);
    expect(await sql.query(`SELECT COUNT(*) AS N FROM APP.${schema}_COPY.local_v`)).toEqual([{ N: 1 }]);
    expect(await sql.query(`SELECT COUNT(*) AS N FROM APP.${schema}_COPY.qualified_v`)).toEqual([{ N: 2 }]);
    const texts = await sql.query(
      `SELECT TABLE_NAME, VIEW_DEFINITION FROM APP.INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = '${schema}_COPY' ORDER BY 1`,
    );
    expect(texts.map((r) => r.VIEW_DEFINITION)).toEqual([
      'CREATE VIEW local_v AS SELECT a FROM base',
      `CREATE VIEW qualified_v AS SELECT a FROM APP.${schema}.base`,
    ]);
  });

  it('refuses to clone a schema holding a hybrid table unless IGNORE HYBRID TABLES', async () => {
    await sql.query('CREATE HYBRID TABLE h (id INT PRIMARY KEY)');
    await sql.query('CREATE TABLE plain (id INT)');
    await expect(sql.query(`CREATE SCHEMA APP.${schema}_C1 CLONE APP.${schema}`)).rejects.toMatchObject({
      message: expect.stringContaining('hybrid'),
    });
    await sql.query(`CREATE SCHEMA APP.${schema}_C2 CLONE APP.${schema} IGNORE HYBRID TABLES`);
    const names = await sql.query(`SELECT TABLE_NAME FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}_C2'`);
    expect(names).toEqual([{ TABLE_NAME: 'PLAIN' }]);
    const [hybrid] = await sql.query(
      `SELECT IS_HYBRID FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}' AND TABLE_NAME = 'H'`,
    );
    expect(hybrid).toEqual({ IS_HYBRID: 'YES' });
    // CREATE SCHEMA made the clone the current schema, as in Snowflake.
    expect(await sql.query('SELECT CURRENT_SCHEMA() AS S')).toEqual([{ S: `${schema}_C2` }]);
    await sql.query(`USE SCHEMA APP.${schema}`);
    await sql.query('DROP TABLE h');
    await expect(sql.query('UNDROP TABLE h')).rejects.toMatchObject({ message: 'Table H did not exist or was purged.' });
  });

  it('swaps two tables and refuses RENAME onto an existing name', async () => {
    await sql.query(`CREATE TABLE a (v VARCHAR)`);
    await sql.query(`CREATE TABLE b (v VARCHAR)`);
    await sql.query(`INSERT INTO a VALUES ('a')`);
    await sql.query(`INSERT INTO b VALUES ('b')`);
    await sql.query('ALTER TABLE a SWAP WITH b');
    expect(await sql.query('SELECT v FROM a')).toEqual([{ V: 'b' }]);
    await expect(sql.query('ALTER TABLE a RENAME TO b')).rejects.toMatchObject({ code: '002002' });
  });
});

describe('transactions', () => {
  it('rolls back DML but not DDL (DDL commits first)', async () => {
    await sql.query('CREATE TABLE t (v INT)');
    await sql.query('BEGIN');
    await sql.query('INSERT INTO t VALUES (1)');
    await sql.query('ROLLBACK');
    expect(await sql.query('SELECT COUNT(*) AS N FROM t')).toEqual([{ N: 0 }]);
    await sql.query('BEGIN TRANSACTION');
    await sql.query('INSERT INTO t VALUES (2)');
    await sql.query('CREATE TABLE other (v INT)');
    await sql.query('ROLLBACK');
    expect(await sql.query('SELECT v FROM t')).toEqual([{ V: 2 }]);
    expect(
      await sql.query(`SELECT COUNT(*) AS N FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}' AND TABLE_NAME = 'OTHER'`),
    ).toEqual([{ N: 1 }]);
  });

  it('updates LAST_ALTERED on DML even when no row changes, and counts affected rows', async () => {
    await sql.query('CREATE TABLE t (v INT)');
    tick();
    const { statement } = await sql.statement('UPDATE t SET v = 1 WHERE v = 42');
    expect(statement.getNumUpdatedRows()).toBe(0);
    const [row] = await sql.query(
      `SELECT CREATED, LAST_ALTERED FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${schema}' AND TABLE_NAME = 'T'`,
    );
    expect((row?.LAST_ALTERED as Date).getTime() - (row?.CREATED as Date).getTime()).toBe(MINUTE);
  });
});

describe('server-side checkpoint inventory', () => {
  it('builds an inventory with INSERT ... SELECT ARRAY_AGG(OBJECT_CONSTRUCT(...)) FROM INFORMATION_SCHEMA', async () => {
    await sql.query('CREATE TABLE orders (id INT)');
    await sql.query('INSERT INTO orders VALUES (1), (2)');
    await sql.query('CREATE VIEW recent AS SELECT * FROM orders');
    await sql.query(`CREATE TABLE IF NOT EXISTS audit (id STRING, taken_at TIMESTAMP_LTZ, inventory VARIANT, object_count NUMBER)`);
    const insert = await sql.statement(`INSERT INTO audit (id, taken_at, inventory, object_count)
      SELECT 'cp-1', CURRENT_TIMESTAMP(),
             ARRAY_AGG(OBJECT_CONSTRUCT('name', t.TABLE_NAME, 'type', t.TABLE_TYPE, 'created', t.CREATED, 'rows', t.ROW_COUNT,
                                        'retention', t.RETENTION_TIME, 'ddl', v.VIEW_DEFINITION, 'hybrid', t.IS_HYBRID = 'YES')) WITHIN GROUP (ORDER BY t.TABLE_NAME),
             COUNT(*)
      FROM APP.INFORMATION_SCHEMA.TABLES t
      LEFT JOIN APP.INFORMATION_SCHEMA.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
      WHERE t.TABLE_SCHEMA = '${schema}' AND t.IS_TEMPORARY = 'NO' AND t.TABLE_NAME <> 'AUDIT'`);
    expect(insert.statement.getNumUpdatedRows()).toBe(1);
    const [row] = await sql.query(
      `SELECT id, inventory, object_count, ARRAY_SIZE(inventory) AS n, inventory[0]:name::STRING AS first_name FROM audit`,
    );
    expect(row).toMatchObject({ ID: 'cp-1', OBJECT_COUNT: 2, N: 2, FIRST_NAME: 'ORDERS' });
    const inventory = row?.INVENTORY as Array<Record<string, unknown>>;
    expect(inventory[0]).toMatchObject({ name: 'ORDERS', type: 'BASE TABLE', rows: 2, retention: 1, hybrid: false });
    expect(inventory[0]).not.toHaveProperty('ddl');
    expect(inventory[1]).toMatchObject({ name: 'RECENT', type: 'VIEW', ddl: 'CREATE VIEW recent AS SELECT * FROM orders' });
    expect(typeof inventory[0]?.created).toBe('string');
    const flattened = await sql.query(`SELECT f.index AS i, f.value:name::STRING AS name, IFF(f.value:type::STRING = 'VIEW', 'v', 't') AS k
      FROM audit a, LATERAL FLATTEN(input => a.inventory) f ORDER BY f.index`);
    expect(flattened).toEqual([
      { I: 0, NAME: 'ORDERS', K: 't' },
      { I: 1, NAME: 'RECENT', K: 'v' },
    ]);
  });
});

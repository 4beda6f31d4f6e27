// Table kinds and OWNERSHIP, through the real snowflake-sdk: dynamic tables (CREATE DYNAMIC TABLE with
// its required TARGET_LAG and WAREHOUSE, IS_DYNAMIC and is_dynamic, DML refused, dropped and undropped
// only as DYNAMIC TABLE), DROP, UNDROP and ALTER refused to a role that does not own the object, and
// column nullability (ADD COLUMN … NOT NULL on a table with rows, ALTER COLUMN … SET / DROP NOT NULL).

import { describe, expect, it } from 'vitest';
import { useServer } from './server-fixture.js';

const { server, sql } = useServer({
  seed: `
    CREATE DATABASE APP;
    CREATE SCHEMA APP.S;
    CREATE TABLE APP.S.SRC (a INT);
    INSERT INTO APP.S.SRC VALUES (1), (2);
    CREATE ROLE OTHER;
    GRANT ROLE OTHER TO ROLE ACCOUNTADMIN;
  `,
  connect: { database: 'APP' },
});

describe('dynamic tables', () => {
  it('are created with TARGET_LAG and WAREHOUSE, and listed as BASE TABLE with IS_DYNAMIC', async () => {
    await expect(sql.query(`CREATE DYNAMIC TABLE APP.S.NOLAG WAREHOUSE = WH AS SELECT a FROM APP.S.SRC`)).rejects.toMatchObject({
      code: '001003',
    });
    await sql.query(`CREATE DYNAMIC TABLE APP.S.DT TARGET_LAG = '1 minute' WAREHOUSE = WH AS SELECT a FROM APP.S.SRC`);
    expect(await sql.query(`SELECT COUNT(*) AS N FROM APP.S.DT`)).toEqual([{ N: 2 }]);
    const rows = await sql.query(
      `SELECT TABLE_NAME, TABLE_TYPE, IS_DYNAMIC FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'S' ORDER BY TABLE_NAME`,
    );
    expect(rows).toEqual([
      { TABLE_NAME: 'DT', TABLE_TYPE: 'BASE TABLE', IS_DYNAMIC: 'YES' },
      { TABLE_NAME: 'SRC', TABLE_TYPE: 'BASE TABLE', IS_DYNAMIC: 'NO' },
    ]);
    const shown = await sql.query(`SHOW TABLES IN SCHEMA APP.S`);
    expect(shown.map((r) => [r.name, r.is_dynamic])).toEqual([
      ['DT', 'Y'],
      ['SRC', 'N'],
    ]);
  });

  it('refuse DML: INSERT, INSERT OVERWRITE, UPDATE, DELETE, TRUNCATE', async () => {
    await sql.query(`CREATE DYNAMIC TABLE APP.S.DML TARGET_LAG = DOWNSTREAM WAREHOUSE = WH AS SELECT a FROM APP.S.SRC`);
    for (const statement of [
      'INSERT INTO APP.S.DML VALUES (3)',
      'INSERT OVERWRITE INTO APP.S.DML SELECT a FROM APP.S.SRC',
      'UPDATE APP.S.DML SET a = 0',
      'DELETE FROM APP.S.DML',
      'TRUNCATE TABLE APP.S.DML',
    ])
      await expect(sql.query(statement)).rejects.toMatchObject({ code: '002203' });
    expect(await sql.query(`SELECT COUNT(*) AS N FROM APP.S.DML`)).toEqual([{ N: 2 }]);
  });

  it('are dropped and undropped as DYNAMIC TABLE only', async () => {
    await sql.query(`CREATE DYNAMIC TABLE APP.S.GONE TARGET_LAG = '1 hour' WAREHOUSE = WH AS SELECT a FROM APP.S.SRC`);
    await expect(sql.query('DROP TABLE APP.S.GONE')).rejects.toMatchObject({ code: '002203' });
    await expect(sql.query('DROP DYNAMIC TABLE APP.S.SRC')).rejects.toMatchObject({ code: '002203' });
    await sql.query('DROP DYNAMIC TABLE APP.S.GONE');
    await expect(sql.query('UNDROP TABLE APP.S.GONE')).rejects.toMatchObject({ code: '002203' });
    await sql.query('UNDROP DYNAMIC TABLE APP.S.GONE');
    expect(await sql.query(`SELECT COUNT(*) AS N FROM APP.S.GONE`)).toEqual([{ N: 2 }]);
  });
});

describe('OWNERSHIP', () => {
  it('DROP, UNDROP and ALTER need the owner role or one that inherits it', async () => {
    await server.account.execute(`
      USE ROLE OTHER;
      CREATE TABLE APP.S.THEIRS (a INT);
      CREATE VIEW APP.S.THEIR_VIEW AS SELECT a FROM APP.S.THEIRS;
      CREATE TABLE APP.S.DROPPED (a INT);
      DROP TABLE APP.S.DROPPED;
      USE ROLE SYSADMIN;
    `);
    const refused = { code: '003001', sqlState: '42501' };
    await expect(sql.query('DROP TABLE APP.S.THEIRS')).rejects.toMatchObject(refused);
    await expect(sql.query('DROP VIEW APP.S.THEIR_VIEW')).rejects.toMatchObject(refused);
    await expect(sql.query('ALTER TABLE APP.S.THEIRS RENAME TO APP.S.MINE')).rejects.toMatchObject(refused);
    await expect(sql.query('ALTER TABLE APP.S.THEIRS ADD COLUMN b INT')).rejects.toMatchObject(refused);
    await expect(sql.query('UNDROP TABLE APP.S.DROPPED')).rejects.toMatchObject(refused);
    await sql.query('USE ROLE ACCOUNTADMIN');
    await sql.query('UNDROP TABLE APP.S.DROPPED');
    await sql.query('DROP TABLE APP.S.THEIRS');
    await sql.query('USE ROLE SYSADMIN');
  });
});

describe('column nullability', () => {
  it('refuses a NOT NULL column without a default on a table with rows; SET NOT NULL once no row holds NULL', async () => {
    await sql.query('CREATE TABLE APP.S.COLS (a INT)');
    await sql.query('INSERT INTO APP.S.COLS VALUES (1)');
    await expect(sql.query('ALTER TABLE APP.S.COLS ADD COLUMN b INT NOT NULL')).rejects.toMatchObject({ code: '002025' });
    await sql.query(`ALTER TABLE APP.S.COLS ADD COLUMN c VARCHAR(5) DEFAULT 'x'`);
    await sql.query('ALTER TABLE APP.S.COLS ADD COLUMN d INT');
    await expect(sql.query('ALTER TABLE APP.S.COLS ALTER COLUMN d SET NOT NULL')).rejects.toMatchObject({ code: '100072' });
    await sql.query('UPDATE APP.S.COLS SET d = 1');
    await sql.query('ALTER TABLE APP.S.COLS ALTER COLUMN d SET NOT NULL');
    const rows = await sql.query(
      `SELECT COLUMN_NAME, IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_MAXIMUM_LENGTH FROM APP.INFORMATION_SCHEMA.COLUMNS
       WHERE TABLE_SCHEMA = 'S' AND TABLE_NAME = 'COLS' ORDER BY ORDINAL_POSITION`,
    );
    expect(rows).toEqual([
      { COLUMN_NAME: 'A', IS_NULLABLE: 'YES', COLUMN_DEFAULT: null, CHARACTER_MAXIMUM_LENGTH: null },
      { COLUMN_NAME: 'C', IS_NULLABLE: 'YES', COLUMN_DEFAULT: "'x'", CHARACTER_MAXIMUM_LENGTH: 5 },
      { COLUMN_NAME: 'D', IS_NULLABLE: 'NO', COLUMN_DEFAULT: null, CHARACTER_MAXIMUM_LENGTH: null },
    ]);
    await sql.query('ALTER TABLE APP.S.COLS MODIFY COLUMN d DROP NOT NULL');
  });
});

// Session parameters set at account or user level take effect in every new session, through the
// real snowflake-sdk: AUTOCOMMIT, QUOTED_IDENTIFIERS_IGNORE_CASE, TIMEZONE, TIMESTAMP_INPUT_FORMAT
// and ROWS_PER_RESULTSET; the session's own setting wins, and SHOW PARAMETERS names the level.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectDriver, type DriverClient } from '../driver-client.js';
import { startSnowflakeServer, type SnowflakeServer } from '../server.js';

let server: SnowflakeServer;
const open: DriverClient[] = [];

/** A new session of user `user` in APP.PUBLIC. */
async function session(user = 'dev'): Promise<DriverClient> {
  const client = await connectDriver({ accessUrl: server.url, account: 'ckpt', username: user, password: 'x', database: 'APP' });
  open.push(client);
  return client;
}

const rowsOf = async (sql: string) => (await server.account.execute(sql, { database: 'APP', schema: 'PUBLIC' })).rows;

beforeEach(async () => {
  server = await startSnowflakeServer({ clock: () => new Date('2025-03-01T12:00:00Z') });
  await server.account.execute(`CREATE DATABASE APP; CREATE TABLE APP.PUBLIC.T (a INT); INSERT INTO APP.PUBLIC.T VALUES (1), (2), (3)`);
});

afterEach(async () => {
  for (const client of open.splice(0)) await client.close();
  await server.close();
});

describe('levels', () => {
  it('a user value wins over the account value, a session value over both; SHOW PARAMETERS names the level', async () => {
    const admin = await session();
    await admin.query(`ALTER ACCOUNT SET ROWS_PER_RESULTSET = 7`);
    await admin.query(`ALTER USER bob SET ROWS_PER_RESULTSET = 5`);
    const level = async (client: DriverClient) =>
      (await client.query(`SHOW PARAMETERS LIKE 'rows_per_resultset' IN SESSION`)).map((r) => [r.value, r.level]);
    expect(await level(await session('alice'))).toEqual([['7', 'ACCOUNT']]);
    const bob = await session('bob');
    expect(await level(bob)).toEqual([['5', 'USER']]);
    await bob.query(`ALTER SESSION SET ROWS_PER_RESULTSET = 0`);
    expect(await level(bob)).toEqual([['0', 'SESSION']]);
    await admin.query(`ALTER ACCOUNT UNSET ROWS_PER_RESULTSET`);
    expect(await level(await session('carol'))).toEqual([['0', '']]);
  });

  it('a parameter the model does not know is refused at account level, not stored', async () => {
    const admin = await session();
    await expect(admin.query(`ALTER ACCOUNT SET SOME_PARAMETER = 1`)).rejects.toMatchObject({ code: '000002' });
  });
});

describe('AUTOCOMMIT = FALSE', () => {
  it('a write stays in an open transaction: lost when the session closes without COMMIT, kept by COMMIT or DDL', async () => {
    await (await session()).query(`ALTER ACCOUNT SET AUTOCOMMIT = FALSE`);
    const lost = await session();
    await lost.query(`INSERT INTO T VALUES (4)`);
    await lost.close();
    expect(await rowsOf(`SELECT COUNT(*) FROM T`)).toEqual([['3']]);
    const committed = await session();
    await committed.query(`INSERT INTO T VALUES (5)`);
    await committed.query(`COMMIT`);
    await committed.query(`INSERT INTO T VALUES (6)`);
    await committed.query(`CREATE TABLE U (b INT)`); // DDL commits the open transaction
    await committed.close();
    expect(await rowsOf(`SELECT a FROM T ORDER BY a`)).toEqual([['1'], ['2'], ['3'], ['5'], ['6']]);
  });
});

describe('QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE', () => {
  it('quoted identifiers fold to upper case', async () => {
    await server.account.execute(`CREATE TABLE APP.PUBLIC."lower" (a INT); INSERT INTO APP.PUBLIC."lower" VALUES (42)`);
    await (await session()).query(`ALTER USER dev SET QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE`);
    const dev = await session();
    expect(await dev.query(`SELECT "a" FROM "t"`)).toHaveLength(3);
    await expect(dev.query(`SELECT * FROM "lower"`)).rejects.toMatchObject({ code: '002003' });
    const other = await session('other');
    expect(await other.query(`SELECT "A" AS "v" FROM "lower"`)).toEqual([{ v: 42 }]);
  });
});

describe('TIMEZONE', () => {
  it('TIMESTAMP_LTZ values and CURRENT_TIMESTAMP become text in the session time zone', async () => {
    await (await session()).query(`ALTER USER dev SET TIMEZONE = 'America/Los_Angeles'`);
    const dev = await session();
    expect(
      await dev.query(
        `SELECT TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY-MM-DD HH24:MI TZH:TZM') AS F, CURRENT_TIMESTAMP()::VARCHAR AS D,
          TO_VARCHAR('2025-07-01 12:00:00 +0000'::TIMESTAMP_LTZ, 'HH24:MITZHTZM') AS S`,
      ),
    ).toEqual([{ F: '2025-03-01 04:00 -08:00', D: '2025-03-01 04:00:00.000 -0800', S: '05:00-0700' }]);
    const utc = await session('other');
    expect(await utc.query(`SELECT TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY-MM-DD HH24:MI TZH:TZM') AS F`)).toEqual([
      { F: '2025-03-01 12:00 +00:00' },
    ]);
  });
});

describe("CONVERT_TIMEZONE('UTC', …)", () => {
  it('gives the UTC wall clock of an LTZ value in any session time zone; other forms are refused', async () => {
    const dev = await session();
    await dev.query(`ALTER SESSION SET TIMEZONE = 'Asia/Kolkata'`);
    expect(
      await dev.query(
        `SELECT TO_VARCHAR(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()), 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"') AS U,
          TO_VARCHAR(CONVERT_TIMEZONE('UTC', CURRENT_TIMESTAMP()), 'HH24:MI TZH:TZM') AS O,
          TO_VARCHAR(CURRENT_TIMESTAMP(), 'HH24:MI') AS L`,
      ),
    ).toEqual([{ U: '2025-03-01T12:00:00.000Z', O: '12:00 +00:00', L: '17:30' }]);
    await expect(dev.query(`SELECT CONVERT_TIMEZONE('Europe/Paris', CURRENT_TIMESTAMP()) AS X`)).rejects.toMatchObject({ code: '000002' });
    await expect(
      dev.query(`SELECT CONVERT_TIMEZONE('UTC', 'Europe/Paris', '2025-03-01 12:00:00'::TIMESTAMP_NTZ) AS X`),
    ).rejects.toMatchObject({
      code: '000002',
    });
    await expect(dev.query(`SELECT CONVERT_TIMEZONE('UTC', '2025-03-01 12:00:00'::TIMESTAMP_NTZ) AS X`)).rejects.toThrow(/not modelled/);
  });
});

describe('TIMESTAMP_INPUT_FORMAT', () => {
  it('only strings in that format convert to timestamps, in casts and AT(TIMESTAMP => …)', async () => {
    server.advanceClock(2000); // AT a moment after T's creation (AT its creation instant fails)
    await (await session()).query(`ALTER ACCOUNT SET TIMESTAMP_INPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS'`);
    const dev = await session();
    await expect(dev.query(`SELECT '2025-03-01T11:00:00.000Z'::TIMESTAMP_LTZ AS X`)).rejects.toMatchObject({ code: '100035' });
    await expect(dev.query(`SELECT * FROM T AT(TIMESTAMP => '2025-03-01T12:00:00.000Z'::TIMESTAMP_LTZ)`)).rejects.toMatchObject({
      code: '100035',
    });
    expect(await dev.query(`SELECT COUNT(*) AS N FROM T AT(TIMESTAMP => '2025-03-01 12:00:01'::TIMESTAMP_LTZ)`)).toEqual([{ N: 3 }]);
    await dev.query(`ALTER SESSION SET TIMESTAMP_INPUT_FORMAT = 'AUTO'`);
    expect(await dev.query(`SELECT COUNT(*) AS N FROM T AT(TIMESTAMP => '2025-03-01T12:00:01.000Z'::TIMESTAMP_LTZ)`)).toEqual([{ N: 3 }]);
  });
});

describe('ROWS_PER_RESULTSET', () => {
  it('truncates query and SHOW results, not DML counts', async () => {
    await server.account.execute(`CREATE TABLE APP.PUBLIC.T2 (a INT); CREATE TABLE APP.PUBLIC.T3 (a INT)`);
    await (await session()).query(`ALTER ACCOUNT SET ROWS_PER_RESULTSET = 2`);
    const dev = await session();
    expect(await dev.query(`SELECT a FROM T ORDER BY a`)).toEqual([{ A: 1 }, { A: 2 }]);
    expect(await dev.query(`SHOW TABLES IN SCHEMA APP.PUBLIC`)).toHaveLength(2);
    expect(await dev.query(`INSERT INTO T SELECT a + 10 FROM T`)).toEqual([{ 'number of rows inserted': 3 }]);
  });
});

// The LOB size limit (error 100082) through the real snowflake-sdk: a VARCHAR or VARIANT value a
// query produces, or an INSERT would store, over the account's limit fails the statement and
// writes nothing; values at the limit pass. The limit is lowered to 100 bytes here.

import { describe, expect, it } from 'vitest';
import { useServer } from './server-fixture.js';

const { sql } = useServer({
  server: { lobLimit: 100 },
  seed: `CREATE DATABASE LOBS; CREATE SCHEMA LOBS.S; CREATE TABLE LOBS.S.T (ID INT, V VARIANT, S VARCHAR)`,
  connect: { database: 'LOBS', schema: 'S' },
});

const lobError = { code: '100082', message: 'Max LOB size (100) exceeded, actual size of parsed column is 101.' };

describe('the LOB size limit', () => {
  it('fails a query whose text value is over it, and passes one at it', async () => {
    await expect(sql.query(`SELECT REPEAT('x', 101) AS S`)).rejects.toMatchObject(lobError);
    expect((await sql.query(`SELECT REPEAT('x', 100) AS S`))[0]?.S).toHaveLength(100);
  });

  it('fails an ARRAY_AGG over it', async () => {
    const tenRows = Array.from({ length: 10 }, (_, i) => `SELECT ${i} AS N`).join(' UNION ALL ');
    await expect(sql.query(`SELECT ARRAY_AGG(REPEAT('y', 10)) AS A FROM (${tenRows})`)).rejects.toMatchObject({ code: '100082' });
    expect(await sql.query(`SELECT ARRAY_SIZE(ARRAY_AGG(REPEAT('y', 10))) AS N FROM (${tenRows})`)).toEqual([{ N: 10 }]);
  });

  it('fails an INSERT storing a VARIANT over it, and writes nothing', async () => {
    await expect(sql.query(`INSERT INTO T (ID, V) SELECT 1, PARSE_JSON('"' || REPEAT('z', 99) || '"')`)).rejects.toMatchObject(lobError);
    await expect(sql.query(`INSERT INTO T (ID, S) SELECT 2, REPEAT('z', 101)`)).rejects.toMatchObject(lobError);
    expect(await sql.query(`SELECT COUNT(*) AS N FROM T`)).toEqual([{ N: 0 }]);
    await sql.query(`INSERT INTO T (ID, S) SELECT 3, REPEAT('z', 100)`);
    expect(await sql.query(`SELECT COUNT(*) AS N FROM T`)).toEqual([{ N: 1 }]);
  });
});

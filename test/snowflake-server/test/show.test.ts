// SHOW's row limit and filters through the real snowflake-sdk, as strict as Snowflake documents
// them: over the limit without LIMIT → 090153; LIMIT n FROM '<name>' pages past the cursor
// (rows whose name sorts strictly after it, case-sensitive); STARTS WITH is a literal,
// case-sensitive prefix; LIKE has the wildcards % and _ and no escape character.

import { describe, expect, it } from 'vitest';
import { useServer } from './server-fixture.js';

/** The names of a SHOW result, in the order returned. */
const names = async (statement: string): Promise<string[]> => (await sql.query(statement)).map((r) => String(r.name));

const { sql } = useServer({
  server: { showRowLimit: 4 },
  seed: `CREATE DATABASE APP; CREATE SCHEMA APP.S;
     CREATE TABLE A (x INT); DROP TABLE A; CREATE TABLE A (x INT); DROP TABLE A; CREATE TABLE A (x INT);
     CREATE TABLE B (x INT); CREATE TABLE "b" (x INT); CREATE TABLE "a_b" (x INT); CREATE TABLE "aXb" (x INT);
     CREATE TABLE "a\\b" (x INT); CREATE TABLE "a%b" (x INT)`,
  seedIn: { database: 'APP', schema: 'S' },
  connect: { database: 'APP', schema: 'S' },
});

describe('the SHOW row limit', () => {
  it('fails a SHOW whose result is over the limit without LIMIT (090153), and a LIMIT over the limit', async () => {
    await expect(sql.query('SHOW TABLES HISTORY IN SCHEMA APP.S')).rejects.toMatchObject({
      code: '090153',
      message: expect.stringContaining('exceeded the max number of rows(4) supported for SHOW statements') as unknown,
    });
    await expect(sql.query('SHOW TABLES HISTORY IN SCHEMA APP.S LIMIT 5')).rejects.toMatchObject({ code: '090153' });
    expect(await names("SHOW TABLES IN SCHEMA APP.S STARTS WITH 'a'")).toHaveLength(4); // exactly the limit is allowed
  });

  it('pages with LIMIT n FROM: rows whose name sorts strictly after the cursor, so versions of the cursor name are not repeated', async () => {
    const first = await names('SHOW TABLES HISTORY IN SCHEMA APP.S LIMIT 4');
    expect(first).toEqual(['A', 'A', 'A', 'B']);
    expect(await names("SHOW TABLES HISTORY IN SCHEMA APP.S LIMIT 4 FROM 'A'")).toEqual(['B', 'a%b', 'aXb', 'a\\b']);
    expect(await names("SHOW TABLES HISTORY IN SCHEMA APP.S LIMIT 4 FROM 'a\\\\b'")).toEqual(['a_b', 'b']);
    // A partial name is a position in the order; the cursor is case-sensitive.
    expect(await names("SHOW TABLES IN SCHEMA APP.S LIMIT 2 FROM 'a'")).toEqual(['a%b', 'aXb']);
    expect(await names("SHOW TABLES IN SCHEMA APP.S STARTS WITH 'a' LIMIT 4 FROM 'aY'")).toEqual(['a\\b', 'a_b']);
  });
});

describe('SHOW filters', () => {
  it('STARTS WITH is a literal, case-sensitive prefix: no wildcards, backslash is a character', async () => {
    expect(await names("SHOW TABLES IN SCHEMA APP.S STARTS WITH 'a_'")).toEqual(['a_b']);
    expect(await names("SHOW TABLES IN SCHEMA APP.S STARTS WITH 'a%'")).toEqual(['a%b']);
    expect(await names("SHOW TABLES IN SCHEMA APP.S STARTS WITH 'a\\\\'")).toEqual(['a\\b']);
    expect(await names("SHOW TABLES IN SCHEMA APP.S STARTS WITH 'B'")).toEqual(['B']);
  });

  it('LIKE: % and _ are wildcards, case-insensitive; a backslash escapes nothing', async () => {
    expect(await names("SHOW TABLES IN SCHEMA APP.S LIKE 'a_b'")).toEqual(['a%b', 'aXb', 'a\\b', 'a_b']);
    expect(await names("SHOW TABLES IN SCHEMA APP.S LIKE 'a\\\\_b'")).toEqual([]);
    expect(await names("SHOW TABLES IN SCHEMA APP.S LIKE 'a\\\\b'")).toEqual(['a\\b']);
    expect(await names("SHOW TABLES IN SCHEMA APP.S LIKE 'b'")).toEqual(['B', 'b']);
  });
});

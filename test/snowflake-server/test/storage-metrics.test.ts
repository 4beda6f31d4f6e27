// INFORMATION_SCHEMA.TABLE_STORAGE_METRICS through the real snowflake-sdk: rows for the ACCOUNTADMIN
// role only (none for any other current role), the bytes
// each table owns, and a clone that owns none until it is written.

import { describe, expect, it } from 'vitest';
import { useServer } from './server-fixture.js';

const METRICS = `SELECT TABLE_SCHEMA, TABLE_NAME, ACTIVE_BYTES, TIME_TRAVEL_BYTES, FAILSAFE_BYTES, RETAINED_FOR_CLONE_BYTES
  FROM APP.INFORMATION_SCHEMA.TABLE_STORAGE_METRICS WHERE TABLE_SCHEMA IN ('S', 'S_COPY') ORDER BY TABLE_SCHEMA, TABLE_NAME`;

const { sql } = useServer({
  seed: `
    CREATE DATABASE APP;
    CREATE SCHEMA APP.S;
    CREATE TABLE APP.S.T (a INT, b VARCHAR);
    INSERT INTO APP.S.T VALUES (1, 'one'), (2, 'two');
    CREATE SCHEMA APP.S_COPY CLONE APP.S;
  `,
  connect: { database: 'APP' },
});

describe('TABLE_STORAGE_METRICS', () => {
  it('answers no rows unless the current role is ACCOUNTADMIN', async () => {
    await sql.query('USE ROLE SYSADMIN');
    expect(await sql.query(METRICS)).toEqual([]);
  });

  it('shows the bytes each table owns; a clone not written since owns none, and owns what is written to it', async () => {
    await sql.query('USE ROLE ACCOUNTADMIN');
    const before = await sql.query(METRICS);
    expect(before.map((r) => [r.TABLE_SCHEMA, r.TABLE_NAME, Number(r.ACTIVE_BYTES) > 0])).toEqual([
      ['S', 'T', true],
      ['S_COPY', 'T', false],
    ]);
    expect(before.every((r) => Number(r.TIME_TRAVEL_BYTES) + Number(r.FAILSAFE_BYTES) + Number(r.RETAINED_FOR_CLONE_BYTES) === 0)).toBe(
      true,
    );
    await sql.query(`INSERT INTO APP.S_COPY.T VALUES (3, 'three')`);
    const after = await sql.query(METRICS);
    expect(Number(after.find((r) => r.TABLE_SCHEMA === 'S_COPY')?.ACTIVE_BYTES)).toBeGreaterThan(0);
    await sql.query('USE ROLE SYSADMIN');
  });
});

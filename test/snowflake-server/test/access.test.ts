// Roles, owners and grants (recorded and reported, not enforced) and SHOW PARAMETERS, through the real
// snowflake-sdk: the system role hierarchy and GRANT ROLE behind IS_ROLE_IN_SESSION, owners in SHOW GRANTS
// ON, SHOW SCHEMAS and INFORMATION_SCHEMA, GRANT OWNERSHIP, unknown roles refused at USE ROLE and login,
// parameter values and levels per scope, and the forms not modelled refused rather than guessed.

import { describe, expect, it } from 'vitest';
import { connectDriver } from '../driver-client.js';
import { useServer } from './server-fixture.js';

const { server, sql } = useServer({
  seed: `
    CREATE DATABASE APP;
    CREATE SCHEMA APP.MINE DATA_RETENTION_TIME_IN_DAYS = 3;
    CREATE TABLE APP.MINE.T (a INT);
    CREATE TABLE APP.MINE.KEEP (a INT) DATA_RETENTION_TIME_IN_DAYS = 0;
    CREATE ROLE ANALYST;
    CREATE ROLE OWNER_ROLE;
    USE ROLE OWNER_ROLE;
    CREATE SCHEMA APP.THEIRS;
    CREATE TABLE APP.THEIRS.X (a INT);
    USE ROLE SYSADMIN;
  `,
  connect: { database: 'APP' },
});

describe('roles', () => {
  it('IS_ROLE_IN_SESSION follows the current role and the roles it inherits, PUBLIC included', async () => {
    const [row] = await sql.query(
      `SELECT CURRENT_ROLE() AS R, IS_ROLE_IN_SESSION('SYSADMIN') AS SYS, IS_ROLE_IN_SESSION('PUBLIC') AS PUB,
        IS_ROLE_IN_SESSION('ACCOUNTADMIN') AS ADMIN, IS_ROLE_IN_SESSION('sysadmin') AS LOWER, IS_ROLE_IN_SESSION('NOPE') AS NOPE`,
    );
    expect(row).toEqual({ R: 'SYSADMIN', SYS: true, PUB: true, ADMIN: false, LOWER: false, NOPE: false });
    await sql.query('USE ROLE ACCOUNTADMIN');
    const [admin] = await sql.query(`SELECT IS_ROLE_IN_SESSION('SYSADMIN') AS SYS, IS_ROLE_IN_SESSION('OWNER_ROLE') AS OWNER`);
    expect(admin).toEqual({ SYS: true, OWNER: false });
    await sql.query('GRANT ROLE OWNER_ROLE TO ROLE SYSADMIN');
    const [granted] = await sql.query(`SELECT IS_ROLE_IN_SESSION('OWNER_ROLE') AS OWNER`);
    expect(granted).toEqual({ OWNER: true });
    await sql.query('USE ROLE SYSADMIN');
  });

  it('refuses an unknown role at USE ROLE and at login, and a column argument it does not model', async () => {
    await expect(sql.query('USE ROLE NOBODY')).rejects.toMatchObject({ code: '002003' });
    await expect(
      connectDriver({ accessUrl: server.url, account: 'ckpt', username: 'dev', password: 'x', role: 'NOBODY' }),
    ).rejects.toMatchObject({
      code: '390189',
    });
    await expect(sql.query('SELECT IS_ROLE_IN_SESSION(CURRENT_ROLE()) AS X')).rejects.toMatchObject({ code: '000002' });
    await expect(sql.query('GRANT ROLE NOBODY TO ROLE SYSADMIN')).rejects.toMatchObject({ code: '002003' });
  });
});

describe('owners and grants', () => {
  it('SHOW GRANTS ON SCHEMA lists its OWNERSHIP and the privileges granted', async () => {
    await sql.query('GRANT USAGE, CREATE TABLE ON SCHEMA APP.MINE TO ROLE ANALYST');
    const rows = await sql.query('SHOW GRANTS ON SCHEMA APP.MINE');
    expect(rows.map((r) => [r.privilege, r.granted_on, r.name, r.granted_to, r.grantee_name, r.grant_option])).toEqual([
      ['OWNERSHIP', 'SCHEMA', 'APP.MINE', 'ROLE', 'SYSADMIN', 'true'],
      ['USAGE', 'SCHEMA', 'APP.MINE', 'ROLE', 'ANALYST', 'false'],
      ['CREATE TABLE', 'SCHEMA', 'APP.MINE', 'ROLE', 'ANALYST', 'false'],
    ]);
    expect((await sql.query('SHOW GRANTS ON SCHEMA APP.THEIRS'))[0]).toMatchObject({ privilege: 'OWNERSHIP', grantee_name: 'OWNER_ROLE' });
  });

  it('reports the creating role as owner in SHOW and INFORMATION_SCHEMA; GRANT OWNERSHIP moves it', async () => {
    // A schema of its own: the other tests read THEIRS as OWNER_ROLE's.
    await server.account.execute('USE ROLE OWNER_ROLE; CREATE SCHEMA APP.MOVED; CREATE TABLE APP.MOVED.X (a INT); USE ROLE SYSADMIN');
    const owners = async () => ({
      schema: (await sql.query(`SELECT SCHEMA_OWNER FROM APP.INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = 'MOVED'`))[0]?.SCHEMA_OWNER,
      shown: (await sql.query(`SHOW SCHEMAS LIKE 'MOVED' IN DATABASE APP`))[0]?.owner,
      table: (await sql.query(`SELECT TABLE_OWNER FROM APP.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'MOVED'`))[0]?.TABLE_OWNER,
    });
    expect(await owners()).toEqual({ schema: 'OWNER_ROLE', shown: 'OWNER_ROLE', table: 'OWNER_ROLE' });
    await sql.query('GRANT OWNERSHIP ON SCHEMA APP.MOVED TO ROLE SYSADMIN COPY CURRENT GRANTS');
    await sql.query('GRANT OWNERSHIP ON TABLE APP.MOVED.X TO ROLE SYSADMIN');
    expect(await owners()).toEqual({ schema: 'SYSADMIN', shown: 'SYSADMIN', table: 'SYSADMIN' });
  });

  it('refuses the forms it does not model, and unknown objects', async () => {
    await expect(sql.query('SHOW GRANTS TO ROLE SYSADMIN')).rejects.toMatchObject({ code: '000002' });
    await expect(sql.query('SHOW GRANTS')).rejects.toMatchObject({ code: '000002' });
    await expect(sql.query('SHOW GRANTS ON SCHEMA APP.NOPE')).rejects.toMatchObject({ code: '002003' });
    await expect(sql.query('GRANT SELECT ON ALL TABLES IN SCHEMA APP.MINE TO ROLE ANALYST')).rejects.toMatchObject({ code: '000002' });
    await expect(sql.query('GRANT USAGE ON SCHEMA APP.MINE TO ROLE NOBODY')).rejects.toMatchObject({ code: '002003' });
    await expect(sql.query('GRANT USAGE ON SCHEMA APP.MINE TO')).rejects.toMatchObject({ code: '001003' });
  });
});

describe('SHOW PARAMETERS', () => {
  const byKey = (rows: Array<Record<string, unknown>>) => Object.fromEntries(rows.map((r) => [r.key, [r.value, r.level]]));

  it('in the session: defaults with an empty level, what ALTER SESSION set at SESSION level', async () => {
    await sql.query("ALTER SESSION SET TIMESTAMP_INPUT_FORMAT = 'YYYY-MM-DD'");
    const rows = byKey(await sql.query('SHOW PARAMETERS'));
    expect(rows).toMatchObject({
      AUTOCOMMIT: ['true', ''],
      QUOTED_IDENTIFIERS_IGNORE_CASE: ['false', ''],
      ROWS_PER_RESULTSET: ['0', ''],
      TIMESTAMP_INPUT_FORMAT: ['YYYY-MM-DD', 'SESSION'],
      TIMEZONE: ['UTC', 'ACCOUNT'],
    });
    await sql.query('ALTER SESSION UNSET TIMESTAMP_INPUT_FORMAT');
    expect(byKey(await sql.query("SHOW PARAMETERS LIKE 'timestamp%' IN SESSION"))).toEqual({ TIMESTAMP_INPUT_FORMAT: ['AUTO', ''] });
  });

  it('in the account, a schema and a table: retention and where it is set', async () => {
    expect(byKey(await sql.query("SHOW PARAMETERS LIKE '%DATA_RETENTION_TIME_IN_DAYS' IN ACCOUNT"))).toEqual({
      DATA_RETENTION_TIME_IN_DAYS: ['1', ''],
      MIN_DATA_RETENTION_TIME_IN_DAYS: ['0', ''],
    });
    expect(byKey(await sql.query('SHOW PARAMETERS IN SCHEMA APP.MINE'))).toEqual({ DATA_RETENTION_TIME_IN_DAYS: ['3', 'SCHEMA'] });
    expect(byKey(await sql.query('SHOW PARAMETERS IN SCHEMA APP.THEIRS'))).toEqual({ DATA_RETENTION_TIME_IN_DAYS: ['1', ''] });
    expect(byKey(await sql.query('SHOW PARAMETERS IN TABLE APP.MINE.KEEP'))).toEqual({ DATA_RETENTION_TIME_IN_DAYS: ['0', 'TABLE'] });
    expect(byKey(await sql.query('SHOW PARAMETERS IN TABLE APP.MINE.T'))).toEqual({ DATA_RETENTION_TIME_IN_DAYS: ['3', 'SCHEMA'] });
  });

  it('refuses the scopes it does not model and a bad one', async () => {
    await expect(sql.query('SHOW PARAMETERS IN USER')).rejects.toMatchObject({ code: '000002' });
    await expect(sql.query('SHOW PARAMETERS IN WAREHOUSE WH')).rejects.toMatchObject({ code: '000002' });
    await expect(sql.query('SHOW PARAMETERS IN NOWHERE')).rejects.toMatchObject({ code: '001003' });
    await expect(sql.query('SHOW PARAMETERS IN SCHEMA APP.NOPE')).rejects.toMatchObject({ code: '002003' });
  });
});

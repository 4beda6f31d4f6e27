// Protocol-level tests of the local Snowflake test server through the real snowflake-sdk:
// logins (password, key pair, PAT via connections.toml), typed results, multi-statement
// requests, binds, query tags, errors, latency and fault injection.

import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDriver } from '../driver-client.js';
import { startSnowflakeServer } from '../server.js';
import { useServer } from './server-fixture.js';

const { server, sql: client } = useServer({
  server: { users: { DEV: { password: 'secret', tokens: ['pat-123'] } } },
  seed: 'CREATE DATABASE APP; CREATE SCHEMA APP.CORE',
  connect: { password: 'secret', database: 'APP', schema: 'CORE' },
});

// Each test stands alone, in any order: a failed one leaves no injection behind.
afterEach(() => server.clearInjections());

describe('login', () => {
  it('rejects a wrong password with 390100', async () => {
    await expect(connectDriver({ accessUrl: server.url, account: 'ckpt', username: 'dev', password: 'nope' })).rejects.toMatchObject({
      code: '390100',
    });
  });

  it('accepts a key-pair JWT signed by the configured key and rejects another key', async () => {
    const good = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const keyed = await startSnowflakeServer({ users: { SVC: { publicKeyPem: good.publicKey } } });
    try {
      const ok = await connectDriver({
        accessUrl: keyed.url,
        account: 'ckpt',
        username: 'svc',
        authenticator: 'SNOWFLAKE_JWT',
        privateKey: good.privateKey,
      });
      expect(await ok.query('SELECT CURRENT_USER() AS U')).toEqual([{ U: 'SVC' }]);
      await ok.close();
      await expect(
        connectDriver({
          accessUrl: keyed.url,
          account: 'ckpt',
          username: 'svc',
          authenticator: 'SNOWFLAKE_JWT',
          privateKey: other.privateKey,
        }),
      ).rejects.toMatchObject({ code: '390144' });
    } finally {
      await keyed.close();
    }
  });

  it('connects with a programmatic access token from connections.toml (host/port/protocol)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sf-home-'));
    const file = join(home, 'connections.toml');
    writeFileSync(
      file,
      `[default]\naccount = "ckpt"\nhost = "127.0.0.1"\nport = ${server.port}\nprotocol = "http"\nuser = "dev"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken = "pat-123"\ndatabase = "APP"\nschema = "CORE"\n`,
    );
    chmodSync(file, 0o600);
    const saved = process.env.SNOWFLAKE_HOME;
    process.env.SNOWFLAKE_HOME = home;
    try {
      const toml = await connectDriver();
      expect(await toml.query('SELECT CURRENT_DATABASE() AS D, CURRENT_SCHEMA() AS S')).toEqual([{ D: 'APP', S: 'CORE' }]);
      await toml.close();
    } finally {
      if (saved === undefined) delete process.env.SNOWFLAKE_HOME;
      else process.env.SNOWFLAKE_HOME = saved;
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('queries', () => {
  it('round-trips typed values (numbers, strings, timestamps, variants, booleans, dates)', async () => {
    await client.query(
      `CREATE TABLE typed (id INT, name STRING, price NUMBER(10,2), ratio FLOAT, ok BOOLEAN, d DATE, ts TIMESTAMP_LTZ, ntz TIMESTAMP_NTZ, v VARIANT)`,
    );
    await client.query(
      `INSERT INTO typed SELECT 1, 'a''b', 12.5, 0.25, TRUE, '2024-02-03', '2024-01-02 03:04:05.678'::TIMESTAMP_LTZ, '2024-01-02 03:04:05', PARSE_JSON('{"k":[1,2]}')`,
    );
    const rows = await client.query('SELECT * FROM typed');
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row.ID).toBe(1);
    expect(row.NAME).toBe("a'b");
    expect(row.PRICE).toBe(12.5);
    expect(row.RATIO).toBe(0.25);
    expect(row.OK).toBe(true);
    expect((row.TS as Date).toISOString()).toBe('2024-01-02T03:04:05.678Z');
    expect((row.NTZ as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(row.V).toEqual({ k: [1, 2] });
    expect(String(row.D)).toContain('2024');
  });

  it('names expression columns like Snowflake and folds unquoted aliases', async () => {
    await client.query('CREATE TABLE counted (a INT)');
    await client.query('INSERT INTO counted VALUES (1)');
    const rows = await client.query(`SELECT 1 + 1, COUNT(*), 7 AS seven, 8 AS "Eight" FROM counted`);
    expect(rows).toEqual([{ '1 + 1': 2, 'COUNT(*)': 1, SEVEN: 7, Eight: 8 }]);
  });

  it('binds ? and :1 parameters', async () => {
    await client.query('CREATE TABLE bound (id INT, label VARCHAR)');
    await client.query('INSERT INTO bound (id, label) VALUES (?, ?)', { binds: [1, 'one'] });
    await client.query('INSERT INTO bound (id, label) VALUES (:1, :2)', { binds: [2, 'two'] });
    expect(await client.query('SELECT label FROM bound WHERE id = ?', { binds: [2] })).toEqual([{ LABEL: 'two' }]);
    expect(await client.query('SELECT COUNT(*) AS N FROM IDENTIFIER(?)', { binds: ['APP.CORE.BOUND'] })).toEqual([{ N: 2 }]);
  });

  it('runs multi-statement requests and refuses two statements without MULTI_STATEMENT_COUNT', async () => {
    const results = await client.queryMulti(
      'CREATE TABLE multi (a INT); INSERT INTO multi VALUES (1), (2); SELECT SUM(a) AS S FROM multi',
      3,
    );
    expect(results).toHaveLength(3);
    expect(results[2]).toEqual([{ S: 2 + 1 }]);
    await expect(client.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ code: '000008' });
  });

  it('records query tags from ALTER SESSION and from statement parameters', async () => {
    await client.query(`ALTER SESSION SET QUERY_TAG = 'ckpt:test'`);
    await client.query('SELECT 42 AS X');
    await client.query('SELECT 43 AS X', { parameters: { QUERY_TAG: 'ckpt:stmt' } });
    const tags = server.statementLog.slice(-2).map((e) => e.queryTag);
    expect(tags).toEqual(['ckpt:test', 'ckpt:stmt']);
    await client.query('ALTER SESSION UNSET QUERY_TAG');
  });

  it('answers session functions and SHOW output through RESULT_SCAN', async () => {
    const [row] = await client.query(
      'SELECT CURRENT_DATABASE() AS D, CURRENT_SCHEMA() AS S, CURRENT_VERSION() AS V, CURRENT_TIMESTAMP() AS T',
    );
    expect(row).toMatchObject({ D: 'APP', S: 'CORE' });
    expect(Math.abs((row?.T as Date).getTime() - Date.now())).toBeLessThan(5000);
    // A schema of its own (seeded outside this session, whose current schema stays CORE).
    await server.account.execute('CREATE SCHEMA APP.SHOWN; CREATE TABLE APP.SHOWN.B (a INT); CREATE TABLE APP.SHOWN.A (a INT)');
    await client.query('SHOW TABLES IN SCHEMA APP.SHOWN');
    const names = await client.query(`SELECT "name" AS N FROM TABLE(RESULT_SCAN(LAST_QUERY_ID())) ORDER BY 1`);
    expect(names.map((r) => r.N)).toEqual(['A', 'B']);
  });

  it('reports unsupported statements by name and syntax errors with 001003', async () => {
    await expect(client.query(`CREATE STAGE my_stage`)).rejects.toMatchObject({
      code: '000002',
      message: expect.stringContaining('CREATE STAGE'),
    });
    await expect(client.query(`REVOKE SELECT ON TABLE typed FROM ROLE r`)).rejects.toMatchObject({
      message: expect.stringContaining('REVOKE'),
    });
    await expect(client.query(`SELEC 1`)).rejects.toMatchObject({ message: expect.stringContaining('SELEC') });
    await expect(client.query(`SELECT * FROM nope`)).rejects.toMatchObject({
      code: '002003',
      sqlState: '42S02',
      message: "SQL compilation error:\nObject 'NOPE' does not exist or not authorized.",
    });
  });
});

describe('injection', () => {
  it('delays requests and statements by the injected latency', async () => {
    server.injectLatency({ perRequestMs: 60 });
    const start = Date.now();
    await client.query('SELECT 1');
    expect(Date.now() - start).toBeGreaterThanOrEqual(55);
    server.clearInjections();
    server.injectLatency({ pattern: /PAUSE_ME/, perStatementMs: 40 });
    const startMulti = Date.now();
    await client.queryMulti(`SELECT 'PAUSE_ME'; SELECT 'PAUSE_ME'`, 2);
    expect(Date.now() - startMulti).toBeGreaterThanOrEqual(75);
  });

  it('answers 503 once; the driver retries the same request and succeeds', async () => {
    server.injectFault({ pattern: /FLAKY/, kind: 'http-503', times: 1 });
    const before = server.requestCount;
    expect(await client.query(`SELECT 'FLAKY' AS F`)).toEqual([{ F: 'FLAKY' }]);
    expect(server.requestCount - before).toBe(2);
  }, 20_000);

  it('fails matching statements with an injected SQL error code', async () => {
    server.injectFault({
      pattern: /BOOM/,
      kind: 'sql-error',
      code: '000630',
      message: 'Statement reached its statement or warehouse timeout',
    });
    await expect(client.query(`SELECT 'BOOM'`)).rejects.toMatchObject({ code: '000630' });
    server.clearInjections();
    expect(await client.query(`SELECT 'BOOM' AS B`)).toEqual([{ B: 'BOOM' }]);
  });
});

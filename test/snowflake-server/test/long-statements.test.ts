// Long statements and resubmitted requests through the real snowflake-sdk: a query that runs longer
// than a request waits is answered 333333 with its query id and the driver polls for its result; a
// request resubmitted with the same requestId never runs twice; STATEMENT_TIMEOUT_IN_SECONDS cancels
// a statement (000630); a VALUES list has at most 16,384 rows (001795).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectDriver, type DriverClient } from '../driver-client.js';
import { startSnowflakeServer, type SnowflakeServer } from '../server.js';

let server: SnowflakeServer;
let client: DriverClient;

beforeEach(async () => {
  server = await startSnowflakeServer({ inProgressAfterMs: 50 });
  await server.account.execute(`CREATE DATABASE APP; CREATE TABLE APP.PUBLIC.T (a INT)`);
  client = await connectDriver({ accessUrl: server.url, account: 'ckpt', username: 'dev', password: 'x', database: 'APP' });
});

afterEach(async () => {
  await client.close();
  await server.close();
});

const count = async () => (await server.account.execute(`SELECT COUNT(*) FROM APP.PUBLIC.T`)).rows[0]?.[0];

describe('a statement longer than a request waits', () => {
  it('is answered 333333 with its query id; the driver polls the result URL and gets the answer', async () => {
    server.injectLatency({ pattern: /^INSERT/, perStatementMs: 400 });
    const { rows, statement } = await client.statement(`INSERT INTO T VALUES (1)`);
    expect(rows).toEqual([{ 'number of rows inserted': 1 }]);
    expect(statement.getQueryId()).toMatch(/^01/);
    expect(await count()).toBe('1');
  });

  it('a request resubmitted with the same requestId while it runs waits for that run: the statement runs once', async () => {
    server.injectLatency({ pattern: /^INSERT/, perStatementMs: 300 });
    const requestId = '5b7b5c1e-0d7e-4a53-9c4c-6a3f1f0f7b01';
    const [first, second] = await Promise.all([
      client.query(`INSERT INTO T VALUES (1)`, { requestId }),
      client.query(`INSERT INTO T VALUES (1)`, { requestId }),
    ]);
    expect(first).toEqual(second);
    expect(await count()).toBe('1');
    expect(await client.query(`INSERT INTO T VALUES (1)`, { requestId })).toEqual(first); // and after it answered
    expect(await count()).toBe('1');
  });
});

describe('STATEMENT_TIMEOUT_IN_SECONDS', () => {
  it('cancels a statement that runs longer (000630); SHOW PARAMETERS reports it', async () => {
    await client.query(`ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 1`);
    server.injectLatency({ pattern: /^INSERT/, perStatementMs: 60_000 });
    await expect(client.query(`INSERT INTO T VALUES (1)`)).rejects.toMatchObject({
      code: '000630',
      message: 'Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.',
    });
    expect(await count()).toBe('0');
    expect((await client.query(`SHOW PARAMETERS LIKE 'STATEMENT_TIMEOUT_IN_SECONDS'`))[0]).toMatchObject({ value: '1', level: 'SESSION' });
  });
});

describe('VALUES lists', () => {
  const values = (n: number) => Array.from({ length: n }, (_, i) => `(${i})`).join(', ');

  it('take 16,384 rows; one more is a compilation error (001795)', async () => {
    expect(await client.query(`INSERT INTO T VALUES ${values(16_384)}`)).toEqual([{ 'number of rows inserted': 16_384 }]);
    await expect(client.query(`INSERT INTO T VALUES ${values(16_385)}`)).rejects.toMatchObject({
      code: '001795',
      message: expect.stringContaining('maximum number of expressions in a list exceeded, expected at most 16,384, got 16,385'),
    });
    expect(await count()).toBe('16384');
  });
});

/**
 * A Snowflake that misbehaves, through the built CLI: a statement that never answers, a 5xx that
 * never stops, a refused connection, rejected credentials. Each gives a one-line cause and a
 * hint, within bounded time, and no action is ever recorded APPLIED when its steps did not all run.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSnowflakeServer } from '../snowflake-server/server.js';
import { ckpt, workspace } from './cli-runner.js';
import { demoConfig, e2eConnection, type E2eConnection } from './connections.js';

describe('faults on a Snowflake connection', () => {
  let conn: E2eConnection;
  beforeEach(async () => {
    conn = await e2eConnection('snowflake');
  });
  afterEach(async () => conn.close());
  const run = (dir: string, args: string[], env: Record<string, string> = {}) => ckpt(dir, args, { env: { ...conn.env, ...env } });

  async function ready(): Promise<string> {
    const dir = await workspace(demoConfig(conn, ' []'));
    expect((await run(dir, ['sql', 'CREATE TABLE keep_me (id INTEGER)'])).code).toBe(0);
    expect((await run(dir, ['reconcile'])).code).toBe(0);
    expect((await run(dir, ['sql', 'CREATE TABLE a_new (id INTEGER)'])).code).toBe(0);
    expect((await run(dir, ['sql', 'CREATE TABLE b_new (id INTEGER)'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), demoConfig(conn, '\n      - id: tidy\n        cleanup: { since: baseline }'));
    return dir;
  }

  async function tidyRecords(dir: string): Promise<string[]> {
    const history = await run(dir, ['history', '--json']);
    const actions =
      (JSON.parse(history.stdout) as { targets: Array<{ actions: Array<{ action_id: string; status: string }> }> }).targets[0]?.actions ??
      [];
    return actions.filter((a) => a.action_id === 'tidy').map((a) => a.status);
  }

  it('a statement that never answers times out with a hint; the action is FAILED, never APPLIED', async () => {
    const dir = await ready();
    conn.server?.injectLatency({ pattern: /DROP TABLE IF EXISTS .*"B_NEW"/, perStatementMs: 3_600_000 });
    // The statement would answer in an hour: only the deadline can end the command (the test's own
    // timeout catches a hang); no wall-clock assertion.
    const result = await run(dir, ['reconcile', '--yes'], { CKPT_STATEMENT_TIMEOUT_MS: '1500' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no answer within 1500 ms to DROP TABLE IF EXISTS .*; it may still be running on Snowflake/);
    expect(result.stderr).not.toMatch(/unreachable/i);
    expect(result.stderr).toContain('CKPT_STATEMENT_TIMEOUT_MS');
    conn.server?.clearInjections();
    expect(await tidyRecords(dir)).toEqual(['FAILED']);
    const resumed = await run(dir, ['reconcile', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await tidyRecords(dir)).sort()).toEqual(['APPLIED', 'FAILED']);
  });

  it('a 5xx that never stops is bounded by the statement deadline', async () => {
    const dir = await ready();
    conn.server?.injectFault({ pattern: /DROP TABLE IF EXISTS/, kind: 'http-503' });
    const result = await run(dir, ['reconcile', '--yes'], { CKPT_STATEMENT_TIMEOUT_MS: '2000' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no answer within 2000 ms/);
    conn.server?.clearInjections();
    expect(await tidyRecords(dir)).not.toContain('APPLIED');
  });

  it('rejected credentials: one line and a hint', async () => {
    const strict = await startSnowflakeServer({ users: { TESTER: { password: 'right-password' } } });
    try {
      const url = new URL(strict.url);
      const home = await workspace();
      await writeFile(
        join(home, 'connections.toml'),
        `[test]\naccount = "ckpt"\nuser = "TESTER"\npassword = "not-the-password"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\n`,
        { mode: 0o600 },
      );
      const dir = await workspace(demoConfig(conn, ' []'));
      const result = await ckpt(dir, ['reconcile', '--yes'], { env: { ...conn.env, SNOWFLAKE_HOME: home } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: connecting to connection test: Incorrect username or password was specified\.\n {2}hint: check the user and the credentials/m,
      );
      expect(result.stderr).not.toContain('not-the-password');
    } finally {
      await strict.close();
    }
  });

  it('a refused connection fails fast with a hint', async () => {
    const dir = await workspace(demoConfig(conn, ' []'));
    const home = await workspace();
    await writeFile(
      join(home, 'connections.toml'),
      '[test]\naccount = "ckpt"\nuser = "u"\npassword = "p"\nhost = "127.0.0.1"\nport = 9\nprotocol = "http"\n',
      { mode: 0o600 },
    );
    const result = await ckpt(dir, ['reconcile', '--plan'], { env: { ...conn.env, SNOWFLAKE_HOME: home } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: connecting to connection test: connect ECONNREFUSED 127\.0\.0\.1:9\n {2}hint: check the account or host in connections\.toml/m,
    );
    expect(result.stderr).not.toContain('NodeVersionSupportWarning');
  });
});

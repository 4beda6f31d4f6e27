/**
 * Every malformed config in the corpus, through the built CLI: `reconcile --yes` exits 1 with a
 * file:line:col diagnostic and never opens a connection (no warehouse file appears).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snowflakeHome } from '../contract/snowflake-harness.js';
import { CLI, ckpt, collect, workspace, type CliResult } from './cli-runner.js';

const CORPUS = new URL('../fixtures/config/invalid/', import.meta.url);

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

describe('bad input never reaches the warehouse', () => {
  it('each malformed file: exit 1, file:line:col, no connection', async () => {
    const files = (await readdir(CORPUS)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(60);
    const oversized = await workspace(`version: 1\n# ${'x'.repeat(1_100_000)}\ntargets: [{schema: A}]\n`);
    await inBatches([...files, null], 6, async (file) => {
      const dir = file === null ? oversized : await workspace();
      if (file !== null) await copyFile(new URL(file, CORPUS), join(dir, 'checkpoints.yaml'));
      const result = await ckpt(dir, ['reconcile', '--yes']);
      expect(result.code, `${file}: ${result.stderr}`).toBe(1);
      expect(result.stderr, String(file)).toMatch(/checkpoints\.yaml:\d+:\d+: error: /);
      expect(result.stderr, String(file)).toContain('nothing was done');
      expect(existsSync(join(dir, '.ckpt')), String(file)).toBe(false);
    });
  });

  it('a missing file says which path and how to start', async () => {
    const dir = await workspace();
    const result = await ckpt(dir, ['reconcile', '--plan']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ckpt init');
  });

  it('a config under a hostile path is still located precisely', async () => {
    const dir = await workspace();
    const file = join(dir, 'my "odd" config; --.yaml');
    await writeFile(file, 'version: 1\ntargets:\n  - schema: RETAIL\n    max_drop: lots\n');
    const result = await ckpt(dir, ['validate', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:4:15: error:`);
  });

  it('validate rejects a cron expression the daemon could not fire (`0 0 H * *`) at file:line:col', async () => {
    const dir = await workspace(
      'version: 1\ntargets:\n  - schema: RETAIL\n    schedules:\n      - id: monthly\n        cron: "0 0 H * *"\n',
    );
    const result = await ckpt(dir, ['validate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('checkpoints.yaml:6:15: error: `cron`: "0 0 H * *": `H` in day-of-month is not standard cron');
    expect(result.stderr).not.toContain('internal error');
  });

  it('reads only regular files, and at most a bounded size: /dev/zero, a FIFO, a folder', async () => {
    const dir = await workspace('version: 1\ntargets:\n  - schema: DEMO\n');
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    const cases: [string[], RegExp][] = [
      [['validate', '-f', '/dev/zero'], /\/dev\/zero is a character device, not a regular file; .*at most 1 MiB/],
      [['validate', '-f', join(dir, 'fifo.yaml')], /fifo\.yaml is a named pipe \(FIFO\), not a regular file/],
      [['validate', '-f', dir], /is a folder, not a regular file/],
      [['sql', '-f', '/dev/zero'], /\/dev\/zero is a character device, not a regular file; .*at most 64 MiB/],
      [['reconcile', '--from-plan', join(dir, 'fifo.yaml')], /fifo\.yaml is a named pipe \(FIFO\), not a regular file/],
    ];
    for (const [args, message] of cases) {
      const result = await ckpt(dir, args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr).not.toContain('internal error');
    }
    const big = join(dir, 'big.sql');
    await writeFile(big, '');
    await truncate(big, 64 * 1024 * 1024 + 1);
    const tooBig = await ckpt(dir, ['sql', '-f', big]);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(/big\.sql is 67108865 bytes; ckpt reads SQL files of at most 64 MiB/);
  });

  it('every numeric (and enumerated) environment variable is checked: a clear error, never a wait forever', async () => {
    const dir = await workspace('version: 1\nconnection: test\ntargets:\n  - schema: DEMO\n');
    await writeFile(join(dir, 'connections.toml'), '[test]\naccount = "nowhere"\nuser = "u"\npassword = "p"\n', { mode: 0o600 });
    const cases: [Record<string, string>, string[], string][] = [
      [{ CKPT_LOCK_WAIT_MS: 'abc' }, ['validate'], 'CKPT_LOCK_WAIT_MS is "abc"; it takes a whole number of milliseconds from 0'],
      [{ CKPT_LOCK_WAIT_MS: '-5' }, ['validate'], 'CKPT_LOCK_WAIT_MS is "-5"; it takes a whole number of milliseconds from 0'],
      [
        { CKPT_STATEMENT_TIMEOUT_MS: 'soon' },
        ['reconcile', '--plan'],
        'CKPT_STATEMENT_TIMEOUT_MS is "soon"; it takes a whole number of milliseconds from 1',
      ],
      [
        { CKPT_STATEMENT_TIMEOUT_MS: '0' },
        ['reconcile', '--plan'],
        'CKPT_STATEMENT_TIMEOUT_MS is "0"; it takes a whole number of milliseconds from 1',
      ],
      [{ CKPT_LOG_LEVEL: 'loud' }, ['validate'], 'CKPT_LOG_LEVEL is "loud"; it takes one of debug, info, warn, error'],
      [{ CKPT_LOG_FORMAT: 'yaml' }, ['validate'], 'CKPT_LOG_FORMAT is "yaml"; it takes one of text, json'],
    ];
    for (const [env, args, message] of cases) {
      const result = await ckpt(dir, args, { env: { SNOWFLAKE_HOME: dir, ...env } });
      expect(result.code, JSON.stringify(env)).toBe(1);
      expect(result.stderr, JSON.stringify(env)).toContain(`error: ${message}`);
      expect(result.stderr).not.toContain('internal error');
    }
  });
});

describe('ordinary conditions are clear errors, never "internal error"', () => {
  const config = (extra = '') =>
    `version: 1\nconnection: local\ntargets:\n  - name: demo\n    schema: DEMO${extra}\n    checkpoints:\n      - id: baseline\n    actions: []\n`;

  function expectClear(result: CliResult, message: string | RegExp): void {
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).not.toContain('this is a bug in ckpt');
    if (typeof message === 'string') expect(result.stderr).toContain(message);
    else expect(result.stderr).toMatch(message);
  }

  /**
   * Runs the CLI so that file modes hold: as root (tests in a container), without the capabilities
   * that let root ignore them. Root keeps its uid, so a clone in a folder only root may read (a
   * `mktemp -d` folder) is still readable.
   */
  function ckptUnprivileged(cwd: string, args: string[]): Promise<CliResult> {
    const command =
      process.getuid?.() === 0
        ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search,-fowner', process.execPath]
        : [process.execPath];
    const child = spawn(command[0] as string, [...command.slice(1), CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return collect(child);
  }

  it('two connection names that lead to one account and schema: the second target is refused at file:line:col, before any login', async () => {
    const sf = await snowflakeHome(
      '[alias]\naccount = "ckpt"\nuser = "other"\npassword = "pw"\nprotocol = "http"\n' +
        `host = "127.0.0.1"\nwarehouse = "WH"\ndatabase = "shared_db"\n`,
    );
    try {
      await sf.server.account.execute('CREATE DATABASE SHARED_DB');
      await sf.server.account.execute('CREATE SCHEMA SHARED_DB.DEMO');
      const port = new URL(sf.server.url).port;
      const file = (schemaOfB: string) =>
        `version: 1\ntargets:\n  - name: a\n    connection: test\n    database: SHARED_DB\n    schema: DEMO\n` +
        `  - name: b\n    connection: alias\n    schema: ${schemaOfB}\n`;
      const dir = await workspace(file('demo'));
      // The alias's port comes from the environment, as the Snowflake CLI reads it.
      const env = { SNOWFLAKE_HOME: sf.home, SNOWFLAKE_CONNECTIONS_ALIAS_PORT: port, NO_PROXY: '127.0.0.1' };
      const refused = `checkpoints.yaml:7:5: error: target \`b\` reaches SHARED_DB.DEMO on 127.0.0.1:${port}, as target \`a\` at line 3 does`;
      for (const args of [
        ['reconcile', '--yes'],
        ['reconcile', '--plan'],
      ]) {
        const result = await ckpt(dir, args, { env });
        expectClear(result, refused);
        expect(result.stderr).toContain('connections test and alias lead to the same account');
      }
      // The daemon does not start on it either (its log says why, at file:line:col).
      const daemon = await ckpt(dir, ['daemon', '--listen', 'off'], { env });
      expectClear(daemon, 'is not a usable config; the daemon did not start');
      expect(daemon.stdout).toContain(refused);
      expect(sf.server.statementLog).toEqual([]);
      expect(sf.server.requestCount).toBe(0);
      // Another schema of the same account is another target's own.
      await writeFile(join(dir, 'checkpoints.yaml'), file('OTHER'));
      await sf.server.account.execute('CREATE SCHEMA SHARED_DB.OTHER');
      const planned = await ckpt(dir, ['reconcile', '--plan'], { env });
      expect(planned.code, planned.stderr).toBe(0);
    } finally {
      await sf.close();
    }
  });

  it('.ckpt is a file, not a folder', async () => {
    const dir = await workspace(config());
    await writeFile(join(dir, '.ckpt'), 'not a folder');
    expectClear(await ckpt(dir, ['reconcile', '--plan']), `${join(dir, '.ckpt')} is a file, not a folder`);
  });

  it('a read-only folder, even for --plan: the config folder, or its .ckpt folder', async () => {
    const dir = await workspace(config());
    await chmod(join(dir, 'checkpoints.yaml'), 0o644);
    await chmod(dir, 0o555);
    expectClear(
      await ckptUnprivileged(dir, ['reconcile', '--plan']),
      new RegExp(`cannot create ${join(dir, '.ckpt')} for the embedded warehouse .*not writable`),
    );
    await chmod(dir, 0o755);
    await mkdir(join(dir, '.ckpt'), { mode: 0o555 });
    await chmod(dir, 0o555);
    expectClear(await ckptUnprivileged(dir, ['reconcile', '--plan']), `${join(dir, '.ckpt')} is not writable by this user`);
  });

  it('audit_table naming a table of the user', async () => {
    const dir = await workspace(config('\n    audit_table: ORDERS'));
    expect((await ckpt(dir, ['sql', 'CREATE TABLE orders (id INTEGER, amount INTEGER)'])).code).toBe(0);
    for (const args of [['reconcile', '--plan'], ['checkpoints']]) {
      expectClear(await ckpt(dir, args), 'audit_table ORDERS of target demo is not a ckpt audit table: it has no CHECKPOINT_ID');
    }
  });

  it('ckpt sql "ATTACH …; USE …" on the embedded warehouse', async () => {
    const dir = await workspace(config());
    const other = join(dir, 'other.duckdb');
    expect((await ckpt(dir, ['sql', 'CREATE TABLE t (id INTEGER)'])).code).toBe(0);
    expectClear(
      await ckpt(dir, ['sql', `ATTACH '${other}' AS other; USE other`]),
      /ATTACH is refused: .*target's schema \(DEMO\).*ATTACH, DETACH and USE/,
    );
    expect(existsSync(other)).toBe(false);
    expect((await ckpt(dir, ['reconcile', '--plan'])).code).toBe(0);
  });
});

describe("ckpt sql and ckpt's own tables", () => {
  it('refuses SQL that may change the audit table without --force, and runs reads', async () => {
    const dir = await workspace('version: 1\ntargets:\n  - schema: DEMO\n    checkpoints: [{ id: baseline }]\n');
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    const refused = await ckpt(dir, ['sql', 'DROP TABLE checkpoint_audit']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("CHECKPOINT_AUDIT, which is ckpt's own");
    expect(refused.stderr).toContain('--force');
    const read = await ckpt(dir, ['sql', '--json', 'SELECT count(*) AS n FROM CHECKPOINT_AUDIT']);
    expect(read.code, read.stderr).toBe(0);
    const forced = await ckpt(dir, ['sql', '--force', 'DROP TABLE CHECKPOINT_AUDIT']);
    expect(forced.code, forced.stderr).toBe(0);
    const plan = await ckpt(dir, ['reconcile', '--plan']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('AUDIT_TABLE_LOST');
  });
});

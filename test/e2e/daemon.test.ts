/**
 * End to end: the built `ckpt daemon` in temp folders on the embedded warehouse (and, for
 * rejected credentials, the Snowflake test server), observed through its JSON log lines on stdout
 * and its HTTP endpoints (`--listen 127.0.0.1:0`; the bound URL is read from the `listening`
 * line; the sockets it really binds from /proc/<pid>). Every spawned daemon is killed after each test.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LISTEN, parseListen } from '../../src/cli/commands/daemon.js';
import type { DaemonStatus } from '../../src/daemon/status.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { startSnowflakeServer } from '../snowflake-server/server.js';
import { ckpt, workspace } from './cli-runner.js';
import { DaemonProcess, killDaemons, type LogLine } from './daemon-process.js';
import { e2eConnection, runSetupSql } from './connections.js';

/** The embedded warehouse, for setup statements run in this process, where `ckpt sql` is not what a test checks. */
const local = await e2eConnection('local');

afterEach(killDaemons);

/** A TCP socket in the LISTEN state: its local address (dotted IPv4, or 8 hex groups of IPv6) and port. */
interface ListeningSocket {
  address: string;
  port: number;
}

/** `0100007F` (a little-endian word of /proc/net/tcp) as `127.0.0.1`; 32 hex digits as 8 IPv6 groups. */
function procAddress(hex: string): string {
  const words = (hex.match(/.{8}/g) ?? []).map((w) => (w.match(/../g) ?? []).reverse().join(''));
  if (words.length === 1) return (words[0]?.match(/../g) ?? []).map((b) => parseInt(b, 16)).join('.');
  return words.join('').match(/.{4}/g)?.join(':') ?? hex;
}

/** The TCP sockets a process listens on, from the inodes of its fds and /proc/<pid>/net/tcp{,6}. */
async function listeningSockets(pid: number): Promise<ListeningSocket[]> {
  const fds = await readdir(`/proc/${pid}/fd`);
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  const inodes = new Set(links.map((l) => /^socket:\[(\d+)\]$/.exec(l)?.[1]).filter((i) => i !== undefined));
  const sockets: ListeningSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const row of (await readFile(`/proc/${pid}/net/${table}`, 'utf8')).split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (state !== '0A' || inode === undefined || !inodes.has(inode) || local === undefined) continue;
      const [address, port] = local.split(':');
      sockets.push({ address: procAddress(address ?? ''), port: parseInt(port ?? '', 16) });
    }
  }
  return sockets;
}

const config = (extra = '', actions = ' []') => `version: 1
connection: local
targets:
  - name: demo
    schema: DEMO
    checkpoints:
      - id: baseline
        description: before the demo${extra}
    actions:${actions}
`;

const cleanup = (id: string) => `
      - id: ${id}
        cleanup: { since: baseline }`;

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

/**
 * Commits new content for checkpoints.yaml, then checks it out: the working file changes only
 * once the commit exists, as after a `git pull`, so the daemon sees a clean, committed file.
 */
function commitConfig(dir: string, content: string, message: string): string {
  const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: content, encoding: 'utf8' }).trim();
  git(dir, 'update-index', '--add', '--cacheinfo', `100644,${blob},checkpoints.yaml`);
  git(dir, 'commit', '-q', '-m', message);
  git(dir, 'checkout', '--', 'checkpoints.yaml');
  return git(dir, 'rev-parse', 'HEAD');
}

async function tables(dir: string): Promise<string[]> {
  const result = await ckpt(dir, [
    'sql',
    '--json',
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'DEMO' ORDER BY 1",
  ]);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { rows: string[][] }).rows.map((r) => String(r[0]));
}

/** Validates Prometheus text exposition line by line; returns metric name → type. */
function parsePrometheus(text: string): Map<string, string> {
  const types = new Map<string, string>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const value = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[-+]?Inf|NaN)';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sample = new RegExp(`^(${name})(?:\\{(?:${label}(?:,${label})*)?,?\\})? ${value}(?: -?\\d+)?$`);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (new RegExp(`^# HELP ${name} .*$`).test(line)) continue;
    const match = sample.exec(line);
    if (match === null) throw new Error(`not Prometheus text: ${line}`);
    const base = (match[1] as string).replace(/_(bucket|sum|count)$/, '');
    if (!types.has(match[1] as string) && !types.has(base)) throw new Error(`sample before its TYPE: ${line}`);
  }
  return types;
}

describe('ckpt daemon', () => {
  it('applies a committed change with its commit id, ignores an invalid commit, and recovers', async () => {
    const dir = await workspace(config());
    await writeFile(join(dir, '.gitignore'), '.ckpt/\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'initial');
    await runSetupSql(local, dir, ['CREATE TABLE orders (id INTEGER)']);

    const daemon = new DaemonProcess(dir, []);
    await daemon.waitFor('reconcile finished', 1, { result: 'applied' });
    expect(daemon.lines('reconcile started')[0]).toMatchObject({ target: 'demo', trigger: 'start' });
    expect((await ckpt(dir, ['sql', 'CREATE TABLE scratch (id INTEGER)'])).code).toBe(0);

    const commit = commitConfig(dir, config('', cleanup('after-demo')), 'clean up after the demo');
    await daemon.waitFor('reconcile finished', 2);
    expect(daemon.lines('reconcile started')[1]).toMatchObject({ trigger: 'file' });
    expect(daemon.lines('reconcile finished')[1]).toMatchObject({ result: 'applied' });
    expect(daemon.lines('step succeeded', { step: 'drop-object', object: 'scratch' })).toHaveLength(1);
    // The file is what git has at HEAD: the new cleanup does not wait for the settle period.
    expect(daemon.lines('destructive action waits for the file to settle')).toEqual([]);
    expect((await daemon.get('/readyz')).status).toBe(200);

    const audit = await ckpt(dir, ['sql', '--json', 'SELECT ACTION_ID, STATUS, ORIGIN FROM CHECKPOINT_AUDIT WHERE ACTION_ID IS NOT NULL']);
    const rows = (JSON.parse(audit.stdout) as { rows: string[][] }).rows;
    expect(rows.map((r) => [r[0], r[1]])).toEqual([['after-demo', 'APPLIED']]);
    const text = await readFile(join(dir, 'checkpoints.yaml'), 'utf8');
    expect(JSON.parse(String(rows[0]?.[2]))).toEqual({
      file: join(dir, 'checkpoints.yaml'),
      hash: createHash('sha256').update(text).digest('hex'),
      commit,
      dirty: false,
    });
    const left = await tables(dir);
    expect(left).toContain('orders');
    expect(left).not.toContain('scratch');

    expect((await ckpt(dir, ['sql', 'CREATE TABLE scratch2 (id INTEGER)'])).code).toBe(0);
    const started = daemon.lines('reconcile started').length;
    commitConfig(dir, config('\n    protekt: []', cleanup('after-demo') + cleanup('again')), 'a typo');
    await daemon.waitFor('config rejected; keeping the last good one');
    expect(daemon.logs.some((l) => /checkpoints\.yaml:\d+:\d+: error: .*protect/.test(l.msg))).toBe(true);
    expect(daemon.alive).toBe(true);
    expect((await daemon.get('/healthz')).status).toBe(200);
    const notReady = await daemon.get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toContain('invalid');
    expect(daemon.lines('reconcile started')).toHaveLength(started);

    const fixed = commitConfig(dir, config('', cleanup('after-demo') + cleanup('again')), 'fix the typo');
    await daemon.waitFor('reconcile finished', 3);
    expect(daemon.lines('reconcile finished')[2]).toMatchObject({ result: 'applied' });
    expect((await daemon.get('/readyz')).status).toBe(200);
    const history = JSON.parse((await ckpt(dir, ['history', '--json'])).stdout) as {
      targets: Array<{ actions: Array<{ action_id: string; status: string; commit: string }> }>;
    };
    expect(history.targets[0]?.actions.map((a) => [a.action_id, a.status, a.commit])).toEqual([
      ['after-demo', 'APPLIED', commit],
      ['again', 'APPLIED', fixed],
    ]);

    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });

  it('takes an AUTO checkpoint per firing of a 6-field cron and keeps the newest `retain: 2` ACTIVE', async () => {
    const dir = await workspace(
      config(`
    schedules:
      - id: every2s
        cron: "*/2 * * * * *"
        retain: 2`),
    );
    const daemon = new DaemonProcess(dir, []);
    // Counted from the steps, not the reconciles: on a busy machine a firing's reconcile can start
    // after the next firing and take one checkpoint for both (the schedule's catch-up).
    const autosTaken = (logs: LogLine[]) =>
      logs.filter((l) => l.msg === 'step succeeded' && l.step === 'take-checkpoint' && String(l.object).startsWith('AUTO_every2s_')).length;
    await daemon.until(
      'four AUTO checkpoints, three cron reconciles',
      (logs) =>
        autosTaken(logs) >= 4 &&
        logs.filter((l) => l.msg === 'reconcile started' && String(l.trigger).includes('cron:every2s')).length >= 3,
      120_000,
    );
    // The schedule stops firing (a yearly cron, the same retain). The file's reconcile runs after
    // any cron reconcile in flight, so the state checked below is whole: never cut between a
    // checkpoint and the expiry it brings.
    const fileRuns = () => daemon.lines('reconcile started').filter((l) => String(l.trigger).includes('file')).length;
    const filesBefore = fileRuns();
    await writeFile(
      join(dir, 'checkpoints.yaml'),
      config(`
    schedules:
      - id: every2s
        cron: "0 0 1 1 *"
        retain: 2`),
    );
    await daemon.until('the file with the yearly cron reconciled', (logs) => {
      const last = Math.max(...logs.map((l, i) => (l.msg === 'reconcile started' && String(l.trigger).includes('file') ? i : -1)));
      return fileRuns() > filesBefore && logs.slice(last).some((l) => l.msg === 'reconcile finished');
    });
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });

    const listed = JSON.parse((await ckpt(dir, ['checkpoints', '--json'])).stdout) as {
      targets: Array<{ checkpoints: Array<{ id: string; type: string; status: string; timestamp: string }> }>;
    };
    const autos = (listed.targets[0]?.checkpoints ?? [])
      .filter((c) => c.type === 'AUTO')
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    expect(autos.length).toBeGreaterThanOrEqual(4);
    for (const c of autos) expect(c.id).toMatch(/^AUTO_every2s_\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d$/);
    expect(autos.slice(-2).map((c) => c.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(new Set(autos.slice(0, -2).map((c) => c.status))).toEqual(new Set(['DELETED']));
  });

  it('turns two file changes during a running reconcile into exactly one more reconcile', async () => {
    const dir = await workspace(config());
    const daemon = new DaemonProcess(dir, [], { CKPT_LOCK_WAIT_MS: '8000' });
    await daemon.waitFor('reconcile finished', 1, { result: 'applied' });

    const held = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
    try {
      await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: c1'));
      await daemon.waitFor('reconcile started', 2);
      await writeFile(join(dir, 'next.yaml'), config('\n      - id: c1\n      - id: c2'));
      await rename(join(dir, 'next.yaml'), join(dir, 'checkpoints.yaml')); // an editor's save by rename
      await daemon.waitFor('config loaded', 2);
      await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: c1\n      - id: c2\n      - id: c3'));
      await daemon.waitFor('config loaded', 3);
      const status = JSON.parse((await daemon.get('/status')).body) as { targets: Array<{ condition: string; pendingTriggers: string[] }> };
      expect(status.targets[0]).toMatchObject({ condition: 'Reconciling', pendingTriggers: ['file'] });
    } finally {
      await held.close();
    }
    await daemon.waitFor('reconcile finished', 3);
    // Nothing more is queued: the three triggers made three reconciles, not four.
    const settled = JSON.parse((await daemon.get('/status')).body) as { targets: Array<{ condition: string; pendingTriggers: string[] }> };
    expect(settled.targets[0]).toMatchObject({ condition: 'Ready', pendingTriggers: [] });
    const sequence = daemon.logs.filter((l) => l.msg === 'reconcile started' || l.msg === 'reconcile finished').map((l) => l.msg);
    expect(sequence).toEqual([
      'reconcile started',
      'reconcile finished',
      'reconcile started',
      'reconcile finished',
      'reconcile started',
      'reconcile finished',
    ]);
    expect(
      daemon
        .lines('reconcile started')
        .slice(1)
        .map((l) => l.trigger),
    ).toEqual(['file', 'file']);
    expect(
      daemon
        .lines('plan')
        .slice(1)
        .map((l) => l.checkpoints),
    ).toEqual([1, 2]);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });

  it('serves /metrics as Prometheus text and /status with the plan, keeps the config when the file disappears, and exits 0 on SIGTERM', async () => {
    const dir = await workspace(config());
    const daemon = new DaemonProcess(dir, []);
    await daemon.waitFor('reconcile finished');

    const metrics = await daemon.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain');
    const types = parsePrometheus(metrics.body);
    expect(Object.fromEntries([...types].filter(([n]) => n.startsWith('ckpt_')))).toEqual({
      ckpt_reconcile_duration_seconds: 'histogram',
      ckpt_reconciles_total: 'counter',
      ckpt_pending_actions: 'gauge',
      ckpt_last_success_timestamp_seconds: 'gauge',
      ckpt_newest_checkpoint_age_seconds: 'gauge',
      ckpt_oldest_checkpoint_restorable_seconds: 'gauge',
      ckpt_config_valid: 'gauge',
    });
    expect(metrics.body).toContain('ckpt_reconciles_total{target="demo",result="applied"} 1');
    expect(metrics.body).toContain('ckpt_reconcile_duration_seconds_count{target="demo"} 1');
    expect(metrics.body).toMatch(/ckpt_newest_checkpoint_age_seconds\{target="demo"\} \d/);

    const status = JSON.parse((await daemon.get('/status')).body) as {
      mode: string;
      config: { state: string };
      targets: Array<Record<string, unknown>>;
    };
    expect(status).toMatchObject({ mode: 'apply', config: { state: 'valid' } });
    expect(status.targets[0]).toMatchObject({
      target: 'demo',
      condition: 'Ready',
      reason: 'Applied',
      lastTrigger: 'start',
      lastPlan: {
        summary: { checkpoints: 1 },
        steps: [{ kind: 'init-audit' }, { kind: 'take-checkpoint', object: 'baseline' }],
      },
      nextCheckpoint: null,
    });
    expect((await daemon.get('/nope')).status).toBe(404);

    await rm(join(dir, 'checkpoints.yaml'));
    await daemon.waitFor('config file missing; keeping the last good one');
    expect((await daemon.get('/readyz')).status).toBe(503);
    expect((await daemon.get('/metrics')).body).toContain('ckpt_config_valid 0');
    await writeFile(join(dir, 'checkpoints.yaml'), config());
    await daemon.waitFor('config loaded');
    expect((await daemon.get('/readyz')).status).toBe(200);
    expect(daemon.lines('reconcile started')).toHaveLength(1);

    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.lines('daemon stopped')).toHaveLength(1);
    expect((await ckpt(dir, ['checkpoints'], { env: { CKPT_LOCK_WAIT_MS: '0' } })).code).toBe(0);
  });

  it('--plan plans and reports but never changes the warehouse, whatever the file asks; its log and /status carry the totals at stake', async () => {
    const dir = await workspace(config('', cleanup('after-demo')));
    await runSetupSql(local, dir, ['CREATE TABLE orders (id INTEGER)', 'INSERT INTO orders VALUES (1), (2), (3)']);
    const before = await tables(dir);
    const daemon = new DaemonProcess(dir, ['--plan']);
    await daemon.waitFor('reconcile finished', 1, { result: 'planned' });
    await writeFile(
      join(dir, 'checkpoints.yaml'),
      config(
        `
    schedules:
      - id: often
        cron: "* * * * * *"
        retain: 1`,
        `
      - id: wipe
        full_cleanup: { confirm: DELETE_ALL }`,
      ),
    );
    await daemon.until(
      'two cron reconciles',
      (logs) =>
        logs.filter((l) => l.msg === 'reconcile started' && String(l.trigger).includes('cron')).length >= 2 &&
        daemon.lines('reconcile finished').length >= 3,
    );
    // The schedule goes (the full cleanup stays): once that file is planned, nothing fires any more.
    const fileRuns = () => daemon.lines('reconcile started').filter((l) => String(l.trigger).includes('file')).length;
    const filesBefore = fileRuns();
    await writeFile(join(dir, 'checkpoints.yaml'), config('', '\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }'));
    await daemon.until('the file without the schedule planned', (logs) => {
      const started = logs.map((l, i) => (l.msg === 'reconcile started' && String(l.trigger).includes('file') ? i : -1));
      const last = Math.max(...started);
      return fileRuns() > filesBefore && logs.slice(last).some((l) => l.msg === 'reconcile finished');
    });
    expect(daemon.lines('reconcile finished').every((l) => l.result === 'planned')).toBe(true);
    expect(daemon.lines('step succeeded')).toEqual([]);
    const status = await daemon.getJson<{ mode: string; targets: Array<{ condition: string; reason: string }> }>('/status');
    expect(status).toMatchObject({ mode: 'plan', targets: [{ condition: 'Ready', reason: 'ChangesPending' }] });
    // The full cleanup would drop orders: its estimated rows (the embedded warehouse reports no bytes).
    expect(daemon.lines('reconcile finished').at(-1)).toMatchObject({ drop_rows: 3, rows_estimated: true });
    expect(daemon.lines('reconcile finished').at(-1)).not.toHaveProperty('drop_bytes');
    expect(status.targets[0]).toMatchObject({
      lastPlan: {
        summary: { drops: 1, weights: { drops: { tables: 1, rows: 3, bytes: null, estimated: true }, reverts: { tables: 0 } } },
        steps: expect.arrayContaining([
          {
            kind: 'drop-object',
            group: 'wipe',
            object: 'orders',
            reason: expect.any(String),
            weight: { rows: 3, bytes: null, estimated: true },
          },
        ]),
      },
    });
    expect((await daemon.get('/metrics')).body).toContain('ckpt_pending_actions{target="demo"} 1');
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(await tables(dir)).toEqual(before);
  });

  it('--listen off binds no socket at all; a host left out (`:0`) binds loopback only', async () => {
    const dir = await workspace(config());
    const off = new DaemonProcess(dir, ['--listen', 'off']);
    await off.waitFor('reconcile finished');
    expect(await listeningSockets(off.pid)).toEqual([]);
    expect(off.lines('listening')).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, '.ckpt', 'daemon.json'), 'utf8'))).toMatchObject({ url: null });
    off.signal('SIGTERM');
    expect(await off.exited).toEqual({ code: 0, signal: null });

    const local = new DaemonProcess(dir, ['--listen', ':0']);
    const url = new URL(await local.url());
    expect(url.hostname).toBe('127.0.0.1');
    expect(await listeningSockets(local.pid)).toEqual([{ address: '127.0.0.1', port: Number(url.port) }]);
    local.signal('SIGTERM');
    expect(await local.exited).toEqual({ code: 0, signal: null });
  });

  it('the default --listen is loopback only', async () => {
    const help = await ckpt(await workspace(), ['daemon', '--help']);
    expect(help.stdout).toMatch(/--listen <host:port>.*\(default: "?127\.0\.0\.1:9477"?\)/s);
    expect(parseListen(DEFAULT_LISTEN)).toEqual({ host: '127.0.0.1', port: 9477 });
  });

  it("keeps the file's `connection: local` whatever $SNOWFLAKE_DEFAULT_CONNECTION_NAME says", async () => {
    const dir = await workspace(config());
    const daemon = new DaemonProcess(dir, [], { SNOWFLAKE_HOME: dir, SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'elsewhere' });
    await daemon.waitFor('reconcile finished');
    expect(daemon.lines('daemon started')[0]).toMatchObject({ targets: ['demo (local)'] });
    expect(daemon.lines('reconcile finished')[0]).toMatchObject({ result: 'applied' });
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });
});

/** An HTTP proxy in front of `target` that counts Snowflake login requests. */
async function loginCounter(target: string): Promise<{ url: URL; logins: () => number; close: () => Promise<void> }> {
  const upstream = new URL(target);
  let logins = 0;
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/session/v1/login-request')) logins += 1;
    const forward = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    logins: () => logins,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('ckpt daemon: errors by kind', () => {
  it('stops retrying rejected credentials (terminal), says why on /status, and tries again on the resync and on SIGHUP', async () => {
    const strict = await startSnowflakeServer({ users: { TESTER: { password: 'right-password' } } });
    await strict.account.execute('CREATE DATABASE E2E_AUTH');
    await strict.account.execute('CREATE SCHEMA E2E_AUTH.DEMO');
    const proxy = await loginCounter(strict.url);
    try {
      const home = await workspace();
      const connections = (password: string) =>
        writeFile(
          join(home, 'connections.toml'),
          `[test]\naccount = "ckpt"\nuser = "TESTER"\npassword = "${password}"\nhost = "127.0.0.1"\nport = ${proxy.url.port}\nprotocol = "http"\nwarehouse = "WH"\n`,
          { mode: 0o600 },
        );
      await connections('not-the-password');
      const dir = await workspace(
        config().replace('connection: local', 'connection: test').replace('    schema: DEMO', '    database: E2E_AUTH\n    schema: DEMO'),
      );
      // 15 s: longer than a reconcile on a busy machine, so that the first failure is read before the resync runs.
      const daemon = new DaemonProcess(dir, ['--resync', '15s'], { SNOWFLAKE_HOME: home, NO_PROXY: '127.0.0.1,localhost' });

      await daemon.waitFor('reconcile will not be retried', 1, { target: 'demo', code: 'AUTH_FAILED' });
      expect(daemon.lines('reconcile finished')[0]).toMatchObject({
        result: 'failed',
        reason: 'AuthFailed',
        code: 'AUTH_FAILED',
        retry: 'terminal',
      });
      const status = JSON.parse((await daemon.get('/status')).body) as DaemonStatus;
      expect(status.targets[0]).toMatchObject({
        condition: 'Stalled',
        reason: 'AuthFailed',
        error: { code: 'AUTH_FAILED', retry: 'terminal', hint: expect.stringContaining('credentials') as unknown },
        failures: 1,
        nextRetryAt: null,
      });
      expect(status.targets[0]?.message).toMatch(
        /Incorrect username or password.*not retried until the config file changes, on SIGHUP, or at the next resync \(every 15 s\)/,
      );
      expect((await daemon.get('/readyz')).status).toBe(503);

      // The resync is the clock: a backoff retry (1 s after the failure) would come before it.
      await daemon.waitFor('reconcile will not be retried', 2);
      expect(daemon.lines('reconcile started').map((l) => l.trigger)).toEqual(['start', 'resync']);
      expect(daemon.lines('reconcile will be retried')).toEqual([]);
      expect(proxy.logins()).toBe(2);
      expect(daemon.stderr + JSON.stringify(daemon.logs)).not.toContain('not-the-password');

      await connections('right-password');
      daemon.signal('SIGHUP');
      await daemon.waitFor('reconcile finished', 1, { result: 'applied' });
      expect(daemon.lines('reconcile started').map((l) => l.trigger)).toContain('sighup');
      const recovered = JSON.parse((await daemon.get('/status')).body) as DaemonStatus;
      // The resync may have started another reconcile by now (/status then says Reconciling): it found nothing to do, or runs.
      expect(recovered.targets[0]).toMatchObject({
        error: null,
        failures: 0,
        lastResult: expect.stringMatching(/^(applied|no-changes)$/) as unknown,
      });
      expect(recovered.targets[0]?.condition).not.toBe('Stalled');
      daemon.signal('SIGTERM');
      expect(await daemon.exited).toEqual({ code: 0, signal: null });
    } finally {
      await proxy.close();
      await strict.close();
    }
  });

  it('retries a transient failure (the embedded warehouse held by another process) with backoff until it succeeds', async () => {
    const dir = await workspace(config());
    const held = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
    const daemon = new DaemonProcess(dir, [], { CKPT_LOCK_WAIT_MS: '0' });
    try {
      await daemon.waitFor('reconcile will be retried', 1, { target: 'demo', failures: 1, in_ms: 1000 });
      expect(daemon.lines('reconcile finished')[0]).toMatchObject({
        result: 'failed',
        reason: 'LeaseHeld',
        code: 'LEASE_HELD',
        retry: 'transient',
      });
      const status = JSON.parse((await daemon.get('/status')).body) as DaemonStatus;
      expect(status.targets[0]).toMatchObject({
        condition: 'Stalled',
        reason: 'LeaseHeld',
        error: { code: 'LEASE_HELD', retry: 'transient' },
        failures: 1,
      });
      expect(status.targets[0]?.nextRetryAt).not.toBeNull();
    } finally {
      await held.close();
    }
    await daemon.waitFor('reconcile finished', 1, { result: 'applied' });
    const triggers = daemon.lines('reconcile started').map((l) => l.trigger);
    expect(triggers[0]).toBe('start');
    expect(new Set(triggers.slice(1))).toEqual(new Set(['retry']));
    expect(daemon.lines('reconcile will not be retried')).toEqual([]);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });
});

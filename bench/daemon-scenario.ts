/**
 * Scenario 4: the daemon as a user runs it (`node dist/src/cli/main.js daemon -f FILE --listen
 * 127.0.0.1:0`, the default --resync), on the embedded warehouse and on a Snowflake connection to
 * the local server: idle RSS after start (VmRSS from /proc; the daemon's own process: each
 * reconcile runs in a child that has exited by then), warehouse queries while idle, and per file
 * write the time to the `reconcile started` log line (logged once the reconcile's child process
 * has started), in full (the stability wait, 250 ms of quiet and two reads 100 ms apart,
 * included) and from the `config loaded` line (the file read once stable). Needs the bench build
 * (dist-bench/, which includes the CLI); ends only the daemons it started, by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startSnowflakeServer } from '../test/snowflake-server/server.js';
import { localWarehousePath } from '../src/warehouse/open.js';
import { DuckDbDriver } from '../src/warehouse/duckdb/duckdb-driver.js';
import { measure } from './measure.js';
import type { ResultRow } from './report.js';
import type { BenchSettings } from './settings.js';
import { grantPolicyReading } from '../test/contract/snowflake-harness.js';

/** The built CLI, next to this file's build (dist-bench/bench → dist-bench/src/cli/main.js; see bench/tsconfig.json). */
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');

/** How long the daemon is left idle before RSS is read and queries are counted (past its idle collection, 5 s after a reconcile). */
const IDLE_MS = 10_000;
/** File writes timed per daemon. */
const WRITES = 5;

/** A log line of the daemon (pino JSON). */
interface LogLine {
  msg: string;
  time: number;
  trigger?: string;
  result?: string;
}

/** A running daemon whose log lines can be awaited. */
class DaemonProcess {
  private readonly lines: LogLine[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    if (child.stdout === null) throw new Error('no stdout');
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as LogLine);
      } catch {
        return;
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** The first line after index `from` that matches, waiting up to `timeoutMs`. */
  async next(match: (line: LogLine) => boolean, from: number, timeoutMs = 60_000): Promise<{ line: LogLine; index: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.lines.findIndex((l, i) => i >= from && match(l));
      if (index >= 0) return { line: this.lines[index] as LogLine, index };
      if (Date.now() > deadline)
        throw new Error(
          `daemon: no log line matching ${match.toString()} within ${timeoutMs} ms; got: ${this.lines.map((l) => l.msg).join(' | ')}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  get count(): number {
    return this.lines.length;
  }

  /** VmRSS of the process, and its private (RssAnon) and file-backed (RssFile: binaries, shared libraries) parts, in MB. */
  async rssMb(): Promise<{ total: number; anon: number; file: number }> {
    const status = await readFile(`/proc/${this.child.pid ?? 0}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
    return { total: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') };
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

function config(connection: string, database: string | null, checkpoints: string[]): string {
  return [
    'version: 1',
    `connection: ${connection}`,
    'targets:',
    '  - name: demo',
    ...(database === null ? [] : [`    database: ${database}`]),
    '    schema: DEMO',
    `    checkpoints: [${checkpoints.map((c) => `{ id: ${c} }`).join(', ')}]`,
    '',
  ].join('\n');
}

/** Starts a daemon on `file`, waits for its first reconcile, idles, then times file writes. */
async function exercise(
  label: string,
  dir: string,
  connection: string,
  database: string | null,
  env: NodeJS.ProcessEnv,
  idleQueries: () => number,
): Promise<ResultRow> {
  const file = join(dir, 'checkpoints.yaml');
  await writeFile(file, config(connection, database, ['baseline']));
  const started = await measure(async () => {
    const daemon = new DaemonProcess(
      spawn(process.execPath, [CLI, 'daemon', '-f', file, '--listen', '127.0.0.1:0'], {
        cwd: dir,
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    const first = await daemon.next((l) => l.msg === 'reconcile finished', 0);
    if (first.line.result !== 'applied') throw new Error(`daemon ${label}: first reconcile ended ${first.line.result ?? '?'}`);
    return daemon;
  });
  const daemon = started.result;
  try {
    const before = { queries: idleQueries(), lines: daemon.count };
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idleRss = await daemon.rssMb();
    const queriesWhileIdle = idleQueries() - before.queries;
    const linesWhileIdle = daemon.count - before.lines;
    const latencies: number[] = [];
    const fromStable: number[] = [];
    const ids = ['baseline'];
    for (let i = 0; i < WRITES; i += 1) {
      ids.push(`edit${i}`);
      const from = daemon.count;
      const written = Date.now();
      await writeFile(file, config(connection, database, ids));
      const loaded = await daemon.next((l) => l.msg === 'config loaded', from);
      const start = await daemon.next((l) => l.msg === 'reconcile started' && l.trigger === 'file', loaded.index);
      latencies.push(start.line.time - written);
      fromStable.push(start.line.time - loaded.line.time);
      await daemon.next((l) => l.msg === 'reconcile finished', start.index);
    }
    latencies.sort((a, b) => a - b);
    fromStable.sort((a, b) => a - b);
    return {
      group: 'daemon',
      name: `daemon (${label})`,
      ckpt: { ...started.cost, peakRssMb: idleRss.total, roundTrips: null, httpRequests: null, statements: null },
      baseline: null,
      extra: {
        start_to_first_reconcile_ms: Math.round(started.cost.wallMs),
        idle_rss_mb: Number(idleRss.total.toFixed(1)),
        idle_rss_anon_mb: Number(idleRss.anon.toFixed(1)),
        idle_rss_file_mb: Number(idleRss.file.toFixed(1)),
        idle_ms: IDLE_MS,
        queries_while_idle: queriesWhileIdle,
        log_lines_while_idle: linesWhileIdle,
        write_to_reconcile_median_ms: latencies[Math.floor(latencies.length / 2)] ?? NaN,
        write_to_reconcile_max_ms: latencies[latencies.length - 1] ?? NaN,
        stable_to_reconcile_median_ms: fromStable[Math.floor(fromStable.length / 2)] ?? NaN,
        stable_to_reconcile_max_ms: fromStable[fromStable.length - 1] ?? NaN,
      },
    };
  } finally {
    await daemon.stop();
  }
}

/** Runs scenario 4 (embedded, then Snowflake) and returns its rows. */
export async function daemonScenario(_settings: BenchSettings, note: (text: string) => void): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const local = await mkdtemp(join(tmpdir(), 'ckpt-bench-daemon-'));
  try {
    const driver = await DuckDbDriver.open(localWarehousePath(local), 5000);
    await driver.run(
      `CREATE SCHEMA DEMO; ${Array.from({ length: 100 }, (_, i) => `CREATE TABLE DEMO.T${i} AS SELECT range AS id FROM range(10)`).join(';\n')}`,
    );
    driver.close();
    // The embedded warehouse has no query counter; idle queries are counted on the Snowflake run.
    rows.push(await exercise('embedded', local, 'local', null, { ...process.env, CKPT_LOG_LEVEL: 'info' }, () => 0));
  } finally {
    await rm(local, { recursive: true, force: true });
  }

  const server = await startSnowflakeServer();
  await grantPolicyReading(server);
  const home = await mkdtemp(join(tmpdir(), 'ckpt-bench-daemon-sf-'));
  try {
    const url = new URL(server.url);
    await writeFile(
      join(home, 'connections.toml'),
      `[bench]\naccount = "ckpt"\nuser = "bench"\npassword = "bench-pw"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\nwarehouse = "WH"\n`,
      { mode: 0o600 },
    );
    await server.account.execute('CREATE DATABASE BENCH; CREATE SCHEMA BENCH.DEMO; CREATE TABLE BENCH.DEMO.T1 (ID INT)');
    const env = {
      ...process.env,
      CKPT_LOG_LEVEL: 'info',
      SNOWFLAKE_HOME: home,
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: '1',
      NO_PROXY: '127.0.0.1,localhost',
    };
    rows.push(await exercise('snowflake', home, 'bench', 'BENCH', env, () => server.requestCount));
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
  note(`daemon: idle for ${IDLE_MS / 1000} s before reading RSS; ${WRITES} file writes timed per daemon`);
  return rows;
}

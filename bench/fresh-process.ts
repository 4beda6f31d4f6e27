/**
 * Embedded measurements in a fresh Node process, so that a peak RSS is the work's own and not what
 * the bench's process kept from seeding and earlier phases (freed memory the allocator does not
 * give back): an apply as `ckpt reconcile` runs it (its own process), and the floor it is judged
 * against: DuckDB alone (the same driver, no ckpt) opening the same file, listing its catalog and
 * reading every table once (as observe's content signatures do). Measures only.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DuckDbDriver } from '../src/warehouse/duckdb/duckdb-driver.js';
import { benchDesired, type BenchTarget } from './bench-config.js';
import { applyPhase, type ApplyPhase } from './session-phases.js';

const HERE = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;

/** What DuckDB alone holds for a file: RSS with the catalog loaded, then with every table read once, in MB. */
export interface DuckDbFloor {
  /** After opening the file and listing every object with its metadata. */
  catalogMb: number;
  /** After reading every table once (the floor ckpt is judged against: observe reads every table). */
  readMb: number;
  /** The process's RSS high-water mark at the end. */
  maxRssMb: number;
  tables: number;
}

/** A request to the child process. */
type Job = { kind: 'apply'; file: string; target: BenchTarget; budgetMs: number } | { kind: 'floor'; path: string };

function inChild<T>(job: Job): Promise<T> {
  return new Promise((resolve, reject) => {
    let answer: { ok: true; value: T } | { ok: false; error: string } | undefined;
    const child = fork(HERE, ['--fresh-process', JSON.stringify(job)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => {
      answer = message as typeof answer;
    });
    child.on('exit', (code, signal) => {
      if (answer === undefined) reject(new Error(`the ${job.kind} process exited (${code ?? signal ?? '?'}) without an answer`));
      else if (answer.ok) resolve(answer.value);
      else reject(new Error(answer.error));
    });
  });
}

/** Locks, plans and applies one target of a bench config in a fresh process (see applyPhase). */
export function applyInFreshProcess(file: string, target: BenchTarget, budgetMs: number): Promise<ApplyPhase> {
  return inChild({ kind: 'apply', file, target, budgetMs });
}

/** DuckDB alone on the file, in a fresh process (see DuckDbFloor). */
export function duckDbFloor(path: string): Promise<DuckDbFloor> {
  return inChild({ kind: 'floor', path });
}

async function floorOf(path: string): Promise<DuckDbFloor> {
  const driver = await DuckDbDriver.open(path, 5000);
  try {
    await driver.query('SELECT * FROM duckdb_tables()');
    await driver.query('SELECT * FROM duckdb_views()');
    const catalogMb = process.memoryUsage.rss() / MB;
    const tables = await driver.query(`SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal AND NOT temporary`);
    const quote = (name: unknown) => `"${String(name).replaceAll('"', '""')}"`;
    for (let at = 0; at < tables.length; at += 200) {
      const parts = tables
        .slice(at, at + 200)
        .map((t) => `SELECT count(*) AS n, sum(hash(x)) AS h FROM ${quote(t.schema_name)}.${quote(t.table_name)} x`);
      await driver.query(parts.join(' UNION ALL '));
    }
    return {
      catalogMb,
      readMb: process.memoryUsage.rss() / MB,
      maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
      tables: tables.length,
    };
  } finally {
    driver.close();
  }
}

async function runJob(job: Job): Promise<unknown> {
  if (job.kind === 'floor') return floorOf(job.path);
  return applyPhase(benchDesired(job.file, 'local', [job.target]), job.target.name, { budgetMs: job.budgetMs });
}

if (process.argv[2] === '--fresh-process') {
  const job = JSON.parse(process.argv[3] ?? '{}') as Job;
  runJob(job).then(
    (value) => process.send?.({ ok: true, value }, () => process.exit(0)),
    (error: unknown) =>
      process.send?.({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(0)),
  );
}

/**
 * Opens the embedded warehouse file (16 KiB blocks, no extension downloads) and runs SQL on it.
 * Every DuckDB error leaves as a CkptError (duckdb-errors.ts); a lock held by another process is
 * waited for a short while, then named with the holding process. The only module that imports
 * @duckdb/node-api.
 */
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, StatementType } from '@duckdb/node-api';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import { displayTime } from '../../model/time.js';
import { lockHolder, mapDuckError } from './duckdb-errors.js';

/** A row as JSON-friendly values: timestamps and big integers come back as strings. */
export type Row = Record<string, unknown>;

/** What a statement is, as far as dropping goes. */
export type StatementKind = 'drop' | 'create' | 'other';

/** An open DuckDB file and one connection to it. */
export class DuckDbDriver {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /**
   * Opens (creating if needed) the file. Another process's lock is waited for: by a reader up to
   * `lockWaitMs`, then WAREHOUSE_LOCKED; by a writer (`options.writer`) up to its `--lock-timeout`
   * when the holder is another ckpt writer (as a lease is waited for on Snowflake), or up to the
   * longer of both for any other holder, then LEASE_HELD naming the holder. While it holds the
   * file, ckpt says who it is in a holder file next to it (`<file>.holder.json`).
   */
  static async open(path: string, lockWaitMs: number, options: DriverOpenOptions = {}): Promise<DuckDbDriver> {
    const context = `cannot open the embedded warehouse ${path}`;
    await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => {
      throw mapDuckError(error, context);
    });
    const started = Date.now();
    let announced = false;
    for (;;) {
      try {
        const instance = await DuckDBInstance.create(path, {
          default_block_size: '16384',
          autoinstall_known_extensions: 'false',
          autoload_known_extensions: 'false',
        });
        const connection = await instance.connect();
        await connection.run(`SET TimeZone = 'UTC'`);
        const driver = new DuckDbDriver(path, instance, connection);
        await driver.writeHolder(options);
        return driver;
      } catch (error) {
        const found = lockHolder(error);
        if (found === null) throw mapDuckError(error, context);
        const holder = await describeLockHolder(path, found.program, found.pid);
        const waitMs =
          options.writer === undefined ? lockWaitMs : holder.writer ? options.writer.waitMs : Math.max(lockWaitMs, options.writer.waitMs);
        if (Date.now() - started >= waitMs) throw lockError(path, holder.text, options.writer?.target);
        if (!announced)
          options.onWait?.(`the embedded warehouse ${path} is in use by ${holder.text}; waiting up to ${Math.ceil(waitMs / 1000)} s`);
        announced = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** The holder file: who holds the file (this process), for another ckpt that meets the lock. */
  private get holderPath(): string {
    return holderPathOf(this.path);
  }

  private async writeHolder(options: DriverOpenOptions): Promise<void> {
    const holder = {
      pid: process.pid,
      host: hostname(),
      command: options.command ?? null,
      writer: options.writer !== undefined,
      since: new Date().toISOString(),
    };
    await writeFile(this.holderPath, JSON.stringify(holder)).catch(() => undefined); // best effort: the pid is named anyway
  }

  /** Runs statements (one string may hold several) and returns the last result's rows. */
  async query(sql: string): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql).catch(rethrow);
    return reader.getRowObjectsJson() as Row[];
  }

  /** Runs statements and returns the last result as column names and JSON-friendly rows. */
  async table(sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    const reader = await this.connection.runAndReadAll(sql).catch(rethrow);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
  }

  /**
   * Whether any statement of `sql` may write (anything but SELECT and EXPLAIN, as DuckDB's own
   * parser classifies them; a statement that cannot be prepared alone counts as writing).
   */
  async mayWrite(sql: string): Promise<boolean> {
    let extracted;
    try {
      extracted = await this.connection.extractStatements(sql);
    } catch {
      return true;
    }
    for (let i = 0; i < extracted.count; i += 1) {
      try {
        const prepared = await extracted.prepare(i);
        const type = prepared.statementType;
        prepared.destroySync();
        if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN) return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  /** Runs statements, ignoring results. */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql).catch(rethrow);
  }

  /**
   * Runs statements in order in one call (DuckDB runs a string of statements one by one; the first
   * that fails throws, and what ran before it stays in the open transaction, if any).
   */
  async runAll(statements: readonly string[]): Promise<void> {
    // A newline before each `;`: a statement ending in a `--` comment cannot swallow it.
    if (statements.length > 0) await this.connection.run(statements.join('\n;\n')).catch(rethrow);
  }

  /** Runs `body` in one transaction; rolls back on any error (DuckDB DDL is transactional). */
  async transaction<T>(body: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await body();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs statements one at a time, calling `before` with each one's type just before it runs
   * (DuckDB's parser splits and classifies them); returns the last result as `table` does.
   */
  async tableEach(sql: string, before: (kind: StatementKind) => Promise<void>): Promise<{ columns: string[]; rows: unknown[][] }> {
    const extracted = await this.connection.extractStatements(sql).catch(rethrow);
    let last: { columns: string[]; rows: unknown[][] } = { columns: [], rows: [] };
    for (let i = 0; i < extracted.count; i += 1) {
      const prepared = await extracted.prepare(i).catch(rethrow);
      try {
        const type = prepared.statementType;
        await before(type === StatementType.DROP ? 'drop' : type === StatementType.CREATE ? 'create' : 'other');
        const reader = await prepared.runAndReadAll().catch(rethrow);
        last = { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
      } finally {
        prepared.destroySync();
      }
    }
    return last;
  }

  /** Releases the file lock at once (and removes the holder file if it still names this process). */
  close(): void {
    try {
      if ((JSON.parse(readFileSync(this.holderPath, 'utf8')) as { pid?: unknown }).pid === process.pid)
        rmSync(this.holderPath, { force: true });
    } catch {
      // no holder file, or not ours
    }
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** How a command opens the file: who it is, whether it writes, and whom to tell that it waits. */
export interface DriverOpenOptions {
  /** The command, for the holder file (`reconcile`, `sql`). */
  command?: string;
  /** Set for a writer: how long it waits for another ckpt writer (`--lock-timeout`) and its target. */
  writer?: { waitMs: number; target?: string };
  /** Told once when the file is locked and the opener starts waiting. */
  onWait?: (message: string) => void;
}

/** The holder file next to a DuckDB file. */
export function holderPathOf(path: string): string {
  return `${path}.holder.json`;
}

/**
 * Who holds the file's lock: ckpt's holder file when it names the same process (`ckpt reconcile
 * (pid 42 on host) since ...`), else the process's command line, else DuckDB's program name.
 */
async function describeLockHolder(path: string, program: string, pid: number): Promise<{ text: string; writer: boolean }> {
  try {
    const h = JSON.parse(await readFile(holderPathOf(path), 'utf8')) as {
      pid?: unknown;
      host?: unknown;
      command?: unknown;
      writer?: unknown;
      since?: unknown;
    };
    if (h.pid === pid && h.host === hostname()) {
      const since = typeof h.since === 'string' ? ` since ${displayTime(h.since)}` : '';
      return {
        text: `ckpt ${typeof h.command === 'string' ? h.command : '?'} (pid ${pid} on ${hostname()})${since}`,
        writer: h.writer === true,
      };
    }
  } catch {
    // no holder file (a process other than ckpt, or a ckpt that crashed)
  }
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8')
    .then((text) => text.split('\0').filter(Boolean).join(' '))
    .catch(() => program);
  return { text: `process ${pid} (${command})`, writer: false };
}

function lockError(path: string, holder: string, target: string | undefined): CkptError {
  if (target !== undefined) {
    return new CkptError('LEASE_HELD', `target ${target} is being changed by ${holder}: it holds the embedded warehouse ${path}`, {
      hint: HINTS.embeddedLeaseHeld,
    });
  }
  return new CkptError('WAREHOUSE_LOCKED', `the embedded warehouse ${path} is in use by ${holder}`, { hint: HINTS.embeddedLocked });
}

function rethrow(error: unknown): never {
  throw mapDuckError(error);
}

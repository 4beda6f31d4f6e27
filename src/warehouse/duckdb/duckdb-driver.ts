/**
 * Opens the embedded warehouse file (16 KiB blocks, no extension downloads) and runs SQL on it.
 * Every DuckDB error leaves as a CkptError (duckdb-errors.ts); a lock held by another process is
 * waited for a short while, then named with the holding process. The only module that imports
 * @duckdb/node-api.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, StatementType } from '@duckdb/node-api';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import { lockHolder, mapDuckError } from './duckdb-errors.js';

/** A row as JSON-friendly values: timestamps and big integers come back as strings. */
export type Row = Record<string, unknown>;

/** An open DuckDB file and one connection to it. */
export class DuckDbDriver {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (creating if needed) the file, waiting up to `lockWaitMs` for another process's lock. */
  static async open(path: string, lockWaitMs: number): Promise<DuckDbDriver> {
    const context = `cannot open the embedded warehouse ${path}`;
    await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => {
      throw mapDuckError(error, context);
    });
    const deadline = Date.now() + lockWaitMs;
    for (;;) {
      try {
        const instance = await DuckDBInstance.create(path, {
          default_block_size: '16384',
          autoinstall_known_extensions: 'false',
          autoload_known_extensions: 'false',
        });
        const connection = await instance.connect();
        await connection.run(`SET TimeZone = 'UTC'`);
        return new DuckDbDriver(path, instance, connection);
      } catch (error) {
        const holder = lockHolder(error);
        if (holder === null) throw mapDuckError(error, context);
        if (Date.now() >= deadline) throw await lockError(path, holder.program, holder.pid);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
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

  /** Releases the file lock at once. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

async function lockError(path: string, program: string, pid: number): Promise<CkptError> {
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8')
    .then((text) => text.split('\0').filter(Boolean).join(' '))
    .catch(() => program);
  return new CkptError('WAREHOUSE_LOCKED', `the embedded warehouse ${path} is in use by process ${pid} (${command})`, {
    hint: HINTS.embeddedLocked,
  });
}

function rethrow(error: unknown): never {
  throw mapDuckError(error);
}

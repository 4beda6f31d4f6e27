/**
 * One snowflake-sdk connection: connect (any authenticator), run statements with a QUERY_TAG,
 * several statements in one request, bounded retries of transient failures and a deadline per
 * statement (the driver itself retries 5xx for about 107 s). The only module that imports
 * snowflake-sdk, loaded lazily so the embedded warehouse never pays for it.
 */
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { ConnectionOptions } from './snowflake-connection.js';
import { isTransient, mapSnowflakeError } from './snowflake-errors.js';

/** A row keyed by column name. */
export type SnowflakeRow = Record<string, unknown>;

/** The subset of snowflake-sdk's API ckpt uses. */
interface SdkStatement {
  getColumns(): Array<{ getName(): string }> | undefined;
  getQueryId(): string;
  hasNext?(): boolean;
  NextResult?(): void;
  cancel(callback?: (err: unknown) => void): void;
}
interface SdkConnection {
  connect(cb: (err: unknown) => void): void;
  connectAsync(cb: (err: unknown) => void): Promise<void>;
  execute(options: {
    sqlText: string;
    binds?: unknown[];
    parameters?: Record<string, unknown>;
    rowMode?: 'object' | 'array';
    complete: (err: unknown, stmt: SdkStatement, rows: unknown[] | undefined) => void;
  }): SdkStatement;
  destroy(cb: (err: unknown) => void): void;
}
interface Sdk {
  createConnection(options: ConnectionOptions): SdkConnection;
  configure(options: Record<string, unknown>): void;
  normalizeConnectionOptions(options: Record<string, unknown>): ConnectionOptions;
}

let sdk: Promise<Sdk> | undefined;

/** Loads snowflake-sdk once, quietly (its own logging off). */
export function loadSdk(): Promise<Sdk> {
  sdk ??= import('snowflake-sdk').then((m) => {
    const loaded = ((m as { default?: unknown }).default ?? m) as Sdk;
    loaded.configure({ logLevel: 'OFF', additionalLogToConsole: false });
    return loaded;
  });
  return sdk;
}

/** Timing limits; transient failures are retried `retries` times with doubling backoff. */
export interface DriverLimits {
  statementTimeoutMs: number;
  retries: number;
  backoffMs: number;
}

/** Options of one execution. */
export interface ExecOptions {
  binds?: unknown[];
  tag?: string;
  /** Several statements separated by `;` in one request (no binds allowed). */
  statements?: number;
  rowMode?: 'object' | 'array';
}

/**
 * Runs `attempt`, retrying a transient failure (isTransient) up to `limits.retries` times with
 * doubling backoff; any other failure, or the last one, goes through `fail`. On top of the
 * driver's own retries, which give up after about 107 s of 5xx answers.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  limits: Pick<DriverLimits, 'retries' | 'backoffMs'>,
  fail: (error: unknown) => Error,
): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || tries >= limits.retries) throw fail(error);
      await new Promise((resolve) => setTimeout(resolve, limits.backoffMs * 2 ** tries));
    }
  }
}

/** A connected session. */
export class SnowflakeDriver {
  private constructor(
    private readonly connection: SdkConnection,
    private readonly limits: DriverLimits,
    private readonly label: string,
  ) {}

  /** Connects; externalbrowser and other interactive authenticators use connectAsync. */
  static async connect(options: ConnectionOptions, limits: DriverLimits, label: string): Promise<SnowflakeDriver> {
    const lib = await loadSdk();
    let connection: SdkConnection;
    try {
      connection = lib.createConnection({ sfRetryMaxLoginRetries: 1, timeout: limits.statementTimeoutMs, ...options });
    } catch (error) {
      throw new CkptError('CONNECTION_UNKNOWN', `connection ${label}: ${(error as Error).message}`, {
        hint: HINTS.connectionEntry,
        cause: error,
      });
    }
    const authenticator = String(options.authenticator ?? 'SNOWFLAKE').toUpperCase();
    const interactive =
      authenticator === 'EXTERNALBROWSER' || authenticator.startsWith('HTTPS://') || authenticator.startsWith('OAUTH_AUTHORIZATION');
    await new Promise<void>((resolve, reject) => {
      const done = (err: unknown) => (err ? reject(mapSnowflakeError(err, `connecting to ${label}`)) : resolve());
      if (interactive) connection.connectAsync(done).catch(done);
      else connection.connect(done);
    });
    return new SnowflakeDriver(connection, limits, label);
  }

  /** Runs one statement (or several with `statements`) and returns the rows of each result. */
  async execute(sqlText: string, options: ExecOptions = {}): Promise<SnowflakeRow[][]> {
    return withRetries(
      () => this.once(sqlText, options),
      this.limits,
      (error) => mapSnowflakeError(error, `${this.label}: ${summary(sqlText)}`),
    );
  }

  /** Rows of a single statement. */
  async rows(sqlText: string, options: ExecOptions = {}): Promise<SnowflakeRow[]> {
    return (await this.execute(sqlText, options))[0] ?? [];
  }

  /** Rows as arrays plus column names (for `ckpt sql`). */
  async table(sqlText: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    let columns: string[] = [];
    const results = await this.once(sqlText, { rowMode: 'array', statements: 0 }, (stmt) => {
      columns = stmt.getColumns()?.map((c) => c.getName()) ?? [];
    }).catch((error: unknown) => {
      throw mapSnowflakeError(error, this.label);
    });
    return { columns, rows: (results[results.length - 1] ?? []) as unknown as unknown[][] };
  }

  private once(sqlText: string, options: ExecOptions, onStatement?: (stmt: SdkStatement) => void): Promise<SnowflakeRow[][]> {
    return new Promise((resolve, reject) => {
      const results: SnowflakeRow[][] = [];
      const parameters: Record<string, unknown> = {};
      if (options.tag !== undefined) parameters.QUERY_TAG = options.tag;
      if (options.statements !== undefined) parameters.MULTI_STATEMENT_COUNT = options.statements;
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        statement.cancel(() => undefined);
        reject(
          new CkptError(
            'WAREHOUSE_UNREACHABLE',
            `${this.label}: no answer within ${this.limits.statementTimeoutMs} ms to ${summary(sqlText)}`,
            {
              hint: HINTS.statementTimeout,
            },
          ),
        );
      }, this.limits.statementTimeoutMs);
      const statement = this.connection.execute({
        sqlText,
        binds: options.binds,
        parameters,
        rowMode: options.rowMode ?? 'object',
        complete: (err, stmt, rows) => {
          if (settled) return;
          if (err) {
            settled = true;
            clearTimeout(timer);
            reject(err);
            return;
          }
          onStatement?.(stmt);
          results.push((rows ?? []) as SnowflakeRow[]);
          if (stmt.hasNext?.() === true) {
            stmt.NextResult?.();
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve(results);
        },
      });
    });
  }

  /** Ends the session. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.connection.destroy(() => resolve()));
  }
}

function summary(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

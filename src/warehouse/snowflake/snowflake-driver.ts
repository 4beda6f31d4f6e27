/**
 * One snowflake-sdk connection: connect (any authenticator), run statements with a QUERY_TAG,
 * several statements in one request, a client deadline by kind of statement (short for reads,
 * metadata and the lease; none for content copies, which Snowflake's STATEMENT_TIMEOUT_IN_SECONDS
 * bounds: snowflake-statements.ts) after which a statement is reported as possibly still running
 * and never sent again, and bounded retries of transient failures (the driver itself retries 5xx
 * and resets with the same request id) of statements that are idempotent or whose effect can be
 * checked first; a retry resubmits the same request id, so Snowflake answers it rather than
 * running it again. The only module that imports snowflake-sdk, loaded lazily so the embedded
 * warehouse never pays for it.
 */
import { randomUUID } from 'node:crypto';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { ConnectionOptions } from './snowflake-connection.js';
import { isTransient, mapSnowflakeError } from './snowflake-errors.js';
import { deadlineKind, effectProbe, isIdempotent } from './snowflake-statements.js';

/** A row keyed by column name. */
export type SnowflakeRow = Record<string, unknown>;

/** The subset of snowflake-sdk's API ckpt uses. */
interface SdkStatement {
  getColumns(): Array<{ getName(): string }> | undefined;
  getQueryId(): string | undefined;
  hasNext?(): boolean;
  NextResult?(): void;
}
interface SdkConnection {
  connect(cb: (err: unknown) => void): void;
  connectAsync(cb: (err: unknown) => void): Promise<void>;
  execute(options: {
    sqlText: string;
    binds?: unknown[];
    /** The same id for a resubmission: Snowflake answers it rather than running the statement again. */
    requestId?: string;
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
  /** The client's deadline for reads, metadata and lease statements (CKPT_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
  /** The client's deadline for content copies (INSERT OVERWRITE, CREATE … CLONE); null: none, Snowflake's STATEMENT_TIMEOUT_IN_SECONDS bounds them. */
  copyTimeoutMs: number | null;
  retries: number;
  backoffMs: number;
}

/** Options of one execution. */
export interface ExecOptions {
  binds?: unknown[];
  tag?: string;
  /** Several statements separated by `;` in one request (no binds allowed). */
  statements?: number;
  /**
   * Only the first statement's rows are wanted (the driver fetches them with the answer): the
   * others' results are not fetched, one request each. The answer already says whether every
   * statement succeeded: a request whose statement failed answers that statement's error.
   */
  firstResultOnly?: boolean;
  rowMode?: 'object' | 'array';
  /**
   * For a statement that is not idempotent (an audit or journal INSERT): whether it took effect
   * before its answer was lost. Checked before it is sent again; true means it is not.
   */
  ranAlready?: () => Promise<boolean>;
}

/** Whether a failed attempt may be made again. */
export interface RetrySafety<T> {
  /** Making it again changes nothing the first attempt did not. */
  idempotent: boolean;
  /** For one that is not: its answer if it took effect before the failure (it is not made again), null if it did not. */
  ranAlready?: () => Promise<T | null>;
}

/**
 * Runs `attempt`, retrying a transient failure (isTransient) up to `limits.retries` times with
 * doubling backoff, but only an idempotent attempt, or one that `ranAlready` shows did not take
 * effect (when it did, its answer is returned and nothing is sent again); any other failure, or
 * the last one, goes through `fail`. On top of the driver's own retries of the same request.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  limits: Pick<DriverLimits, 'retries' | 'backoffMs'>,
  fail: (error: unknown) => Error,
  safety: RetrySafety<T>,
): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || tries >= limits.retries) throw fail(error);
      if (!safety.idempotent) {
        if (safety.ranAlready === undefined) throw fail(error);
        const done = await safety.ranAlready().catch(() => Promise.reject(fail(error)));
        if (done !== null) return done;
      }
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

  /**
   * Runs one statement (or several with `statements`) and returns the rows of each result. Every
   * attempt carries the same request id; a statement that is neither idempotent nor checkable
   * (`ranAlready`, or the table an UNDROP or RENAME brings back) is not retried.
   */
  async execute(sqlText: string, options: ExecOptions = {}): Promise<SnowflakeRow[][]> {
    const requestId = randomUUID();
    const ranAlready = options.ranAlready ?? this.effectCheck(sqlText, options.tag);
    return withRetries(
      () => this.once(sqlText, options, requestId),
      this.limits,
      (error) => mapSnowflakeError(error, `${this.label}: ${summary(sqlText)}`),
      {
        idempotent: isIdempotent(sqlText),
        ...(ranAlready === undefined ? {} : { ranAlready: async () => ((await ranAlready()) ? [] : null) }),
      },
    );
  }

  /** Whether an UNDROP or RENAME took effect: the table it brings back is there (effectProbe). */
  private effectCheck(sqlText: string, tag: string | undefined): (() => Promise<boolean>) | undefined {
    const probe = effectProbe(sqlText);
    if (probe === null) return undefined;
    return async () => {
      try {
        await this.once(probe, tag === undefined ? {} : { tag }, randomUUID());
        return true;
      } catch (error) {
        if (mapSnowflakeError(error, this.label).code === 'OBJECT_MISSING') return false;
        throw error;
      }
    };
  }

  /** Rows of a single statement. */
  async rows(sqlText: string, options: ExecOptions = {}): Promise<SnowflakeRow[]> {
    return (await this.execute(sqlText, options))[0] ?? [];
  }

  /** Rows as arrays plus column names (for `ckpt sql`). */
  async table(sqlText: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    let columns: string[] = [];
    const results = await this.once(sqlText, { rowMode: 'array', statements: 0 }, randomUUID(), (stmt) => {
      columns = stmt.getColumns()?.map((c) => c.getName()) ?? [];
    }).catch((error: unknown) => {
      throw mapSnowflakeError(error, this.label);
    });
    return { columns, rows: (results[results.length - 1] ?? []) as unknown as unknown[][] };
  }

  /**
   * One request. Past its deadline (by kind: deadlineKind; the short one per statement of the
   * request) it fails with STATEMENT_RUNNING and the query id if Snowflake gave one: the statement
   * is not cancelled, a person decides.
   */
  private once(
    sqlText: string,
    options: ExecOptions,
    requestId: string,
    onStatement?: (stmt: SdkStatement) => void,
  ): Promise<SnowflakeRow[][]> {
    return new Promise((resolve, reject) => {
      const results: SnowflakeRow[][] = [];
      const parameters: Record<string, unknown> = {};
      if (options.tag !== undefined) parameters.QUERY_TAG = options.tag;
      if (options.statements !== undefined) parameters.MULTI_STATEMENT_COUNT = options.statements;
      let settled = false;
      // The short deadline is a statement's: a request of several statements, which run one after another, gets one per statement.
      const short = this.limits.statementTimeoutMs * Math.max(1, options.statements ?? 1);
      const deadline = deadlineKind(sqlText) === 'copy' ? this.limits.copyTimeoutMs : short;
      const timer =
        deadline === null
          ? undefined
          : setTimeout(() => {
              settled = true;
              reject(this.stillRunning(sqlText, deadline, statement));
            }, deadline);
      const statement = this.connection.execute({
        sqlText,
        binds: options.binds,
        requestId,
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
          if (stmt.hasNext?.() === true && options.firstResultOnly !== true) {
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

  /** The error of a statement past its deadline: it may still be running; ckpt does not send it again. */
  private stillRunning(sqlText: string, deadline: number, statement: SdkStatement): CkptError {
    let queryId: string | null = null;
    try {
      queryId = statement.getQueryId() ?? null;
    } catch {
      queryId = null;
    }
    return new CkptError(
      'STATEMENT_RUNNING',
      `${this.label}: no answer within ${deadline} ms to ${summary(sqlText)}; it may still be running on Snowflake${queryId === null ? '' : ` (query ${queryId})`}, and ckpt does not send it again`,
      { hint: HINTS.statementRunning(queryId) },
    );
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

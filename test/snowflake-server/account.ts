// The in-memory Snowflake account behind the test server: catalog, row store, sessions and the
// query log. Statements run one at a time (a FIFO lock), so catalog changes never interleave;
// tests use it directly to seed data (`execute`) and to inspect state (`catalog`).

import { randomBytes } from 'node:crypto';
import { Catalog } from './catalog.js';
import { SnowflakeError } from './errors.js';
import { StatementExecutor, type Binding, type QueryRecord } from './executor.js';
import { RowStore } from './row-store.js';
import type { ResultSet } from './results.js';
import { ParameterLevels } from './parameters.js';
import { Session } from './session.js';
import { splitStatements, type StatementSource } from './tokenizer.js';

/** Where a session starts (login parameters). */
export interface SessionStart {
  database?: string | null;
  schema?: string | null;
  warehouse?: string | null;
  role?: string | null;
}

const MAX_QUERIES = 20_000;

/** The account model: one per server. */
export class SnowflakeAccountModel {
  /** Live sessions by session token. */
  readonly sessions = new Map<string, Session>();
  /** Executed queries by query id (results for GET /queries/{id}/result and RESULT_SCAN). */
  readonly queries = new Map<string, QueryRecord>();
  private readonly executor: StatementExecutor;
  private lock: Promise<void> = Promise.resolve();
  private sessionCounter = 0;
  private queryCounter = 0;
  private readonly queryPrefix = randomBytes(3).toString('hex');
  private internalSession: Session | null = null;
  /** Session parameters set with ALTER ACCOUNT SET / ALTER USER … SET. */
  readonly parameterLevels = new ParameterLevels();

  private constructor(
    readonly catalog: Catalog,
    private readonly store: RowStore,
  ) {
    this.executor = new StatementExecutor(catalog, this.queries);
  }

  /** Opens an empty account whose clock is `clock`. */
  static async create(clock: () => Date): Promise<SnowflakeAccountModel> {
    const store = await RowStore.open();
    return new SnowflakeAccountModel(new Catalog(store, clock), store);
  }

  /**
   * Starts a session; a database/schema that does not exist is left unset, as Snowflake does. The
   * internal session (seeding and inspection in tests) may set account or user parameters but
   * does not see them.
   */
  openSession(user: string, start: SessionStart = {}, internal = false): Session {
    const session = new Session(String(++this.sessionCounter + 1_000_000), user, this.parameterLevels, !internal);
    const db = start.database ? this.catalog.databases.get(start.database) : undefined;
    session.database = db?.name ?? null;
    const schemaName = start.schema ?? (db ? 'PUBLIC' : null);
    session.schema = db && schemaName && db.schemas.has(schemaName) ? schemaName : null;
    session.warehouse = start.warehouse ?? null;
    if (start.role && !this.catalog.access.roles.has(start.role)) {
      throw new SnowflakeError(
        '390189',
        '08004',
        `Role '${start.role}' specified in the connect string does not exist or not authorized. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
        'AUTHENTICATION',
      );
    }
    session.role = start.role ?? 'SYSADMIN';
    this.sessions.set(session.token, session);
    return session;
  }

  /** Ends a session: its open transaction is rolled back and its temporary tables vanish (pitfall 4). */
  async closeSession(session: Session): Promise<void> {
    this.sessions.delete(session.token);
    await this.serialize(async () => {
      await this.executor.rollback(session);
      for (const temps of session.temps.values()) for (const t of temps.values()) await this.catalog.discard(t);
      session.temps.clear();
    });
  }

  /** A fresh Snowflake-looking query id. */
  newQueryId(): string {
    const n = ++this.queryCounter;
    return `01${this.queryPrefix}-0000-${((n >> 16) & 0xffff).toString(16).padStart(4, '0')}-0000-${n.toString(16).padStart(12, '0')}`;
  }

  /** Runs one statement for a session under the account lock and records it under `queryId`. */
  runStatement(session: Session, source: StatementSource, queryId: string, bindings?: Record<string, Binding>): Promise<ResultSet> {
    return this.serialize(async () => {
      const record: QueryRecord = { id: queryId, sessionId: session.id, sql: source.text, startSeq: this.catalog.currentSeq(), endSeq: 0 };
      this.queries.set(queryId, record);
      if (this.queries.size > MAX_QUERIES) this.queries.delete(this.queries.keys().next().value as string);
      try {
        record.result = await this.executor.execute(session, source, bindings);
        return record.result;
      } catch (err) {
        record.error = err instanceof SnowflakeError ? err : new SnowflakeError('000603', 'XX000', String(err), 'EXECUTION');
        throw record.error;
      } finally {
        record.endSeq = this.catalog.currentSeq();
        session.queryIds.push(queryId);
      }
    });
  }

  /**
   * Runs SQL (one or more `;`-separated statements) in an internal session, for seeding and
   * inspection in tests; returns the last statement's result.
   */
  async execute(sql: string, context: { database?: string; schema?: string } = {}): Promise<ResultSet> {
    this.internalSession ??= this.openSession('SYSTEM', {}, true);
    const session = this.internalSession;
    if (context.database !== undefined) session.database = context.database;
    if (context.schema !== undefined) session.schema = context.schema;
    let last: ResultSet | undefined;
    for (const statement of splitStatements(sql)) last = await this.runStatement(session, statement, this.newQueryId());
    if (!last) throw new SnowflakeError('000900', '42601', 'SQL compilation error:\nEmpty SQL statement.');
    return last;
  }

  /** Releases the DuckDB instance. */
  close(): void {
    this.store.close();
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }
}

/**
 * Snowflake behind the Warehouse interface: connect (session parameters pinned: snowflake-session-pins.ts), observe in three
 * round trips plus two per further page of SHOW TABLES HISTORY (snowflake-show.ts), plus one when
 * an object's owner is not the session's role (snowflake-kinds.ts), keeping the
 * table versions it read for restores (snowflake-versions.ts); the audit table is read at its
 * layout (model/audit-layout.ts); the audit rows of actions, leases and journal, user SQL. The
 * steps are in snowflake-steps.ts. Every statement carries a QUERY_TAG naming ckpt. A target whose schema (or
 * database) does not exist is an error that says so when it is observed or its lease is taken:
 * ckpt never creates a Snowflake schema.
 */
import { MAX_DELAY_MS, wholeNumberFromEnv } from '../../model/env.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { Logger } from '../../model/logger.js';
import type { DroppedObject, InventorySelection, LiveObject, Observed, Ownership, RecordedCheckpoint } from '../../model/observed.js';
import type { Step, Weight } from '../../model/plan.js';
import { cloneSchemaName } from '../../model/desired.js';
import { readLayout, SNAPSHOT_ARRAY_BYTES } from '../../model/audit-layout.js';
import { UNKNOWN_TIME } from '../../model/time.js';
import { keptInventories, NO_KEPT_INVENTORIES, readAuditRows, type KeptInventories } from '../audit-rows.js';
import type { OpenOptions } from '../open.js';
import type { LeaseDialect } from '../lease-sql.js';
import { LeaseStore } from '../lease-store.js';
import type {
  ActionRecord,
  Capabilities,
  ExecutableStep,
  QueryResult,
  RunContext,
  StepHandlers,
  TargetRef,
  Warehouse,
  WaveControl,
} from '../warehouse.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { resolveConnection, type ConnectionEnvironment, type ResolvedConnection } from './snowflake-connection.js';
import { SnowflakeDriver, loadSdk, type DriverLimits, type SnowflakeRow } from './snowflake-driver.js';
import { readLineage, type Lineage } from './snowflake-lineage.js';
import { policiesOn, revertCandidates } from './snowflake-policies.js';
import {
  auditQuery,
  auditRowRecorded,
  CONTENT_RESTORE_TYPE,
  isoText,
  objectName,
  objectsQuery,
  ownedBytesQuery,
  queryTag,
  schemaName,
  snowflakeLiteral,
  stateQuery,
  toIso,
  type SnowflakeTarget,
} from './snowflake-sql.js';
import { pinSessionSql } from './snowflake-session-pins.js';
import { historyRows, MAX_SHOW_ROWS } from './snowflake-show.js';
import { inventoryEntriesQuery, inventoryTotalsQuery } from './snowflake-inventory-sql.js';
import { SnowflakeSteps, type SnowflakeSession } from './snowflake-steps.js';
import { recordActionSql } from './snowflake-step-sql.js';
import { previewStatements } from './snowflake-preview.js';
import { TableVersionLedger, versionName } from './snowflake-versions.js';
import { MAX_STATEMENTS_PER_REQUEST, SnowflakeWave, STATEMENTS_PER_REQUEST } from './snowflake-wave.js';
import { kindOfRow, managedVersion, ownerCell, ownershipOf, unmanagedObjects } from './snowflake-kinds.js';

/** Options to open a Snowflake connection. */
export interface SnowflakeOpenOptions {
  connectionName: string;
  logger: Logger;
  environment?: ConnectionEnvironment;
  /** The connection already resolved (`ckpt connection test` reports where it was found first). */
  resolved?: ResolvedConnection;
  limits?: Partial<DriverLimits>;
}

/**
 * The driver limits a connection gets unless told otherwise: CKPT_STATEMENT_TIMEOUT_MS for the
 * deadline of reads, metadata and lease statements; content copies have none (Snowflake's
 * STATEMENT_TIMEOUT_IN_SECONDS bounds them).
 */
export const DEFAULT_LIMITS: DriverLimits = { statementTimeoutMs: 60_000, copyTimeoutMs: null, retries: 3, backoffMs: 250 };

/** Snowflake behind the Warehouse interface. */
export class SnowflakeWarehouse implements Warehouse, SnowflakeSession {
  readonly capabilities: Capabilities = { nameMatching: 'exact', maxConcurrency: 8 };
  /** The schema the session was last set to, and the USE SCHEMA that sets it (shared by concurrent steps). */
  private currentSchema: { schema: string; set: Promise<unknown> } | null = null;
  /**
   * Each audit table's content-restore lineage, as read by `observe` (or on first need). Only
   * this writer, holding the lease, adds to it: `restoreContent` drops the entry it changes.
   */
  private readonly lineages = new Map<string, Lineage>();
  /** Each schema's table versions, as read by `observe` and changed by this writer's steps since. */
  private readonly versionLedgers = new Map<string, TableVersionLedger>();

  private readonly stepsOf = new SnowflakeSteps(this);
  /** How this warehouse runs each kind of step (snowflake-steps.ts). */
  readonly steps: StepHandlers = this.stepsOf.handlers;
  private readonly waves = new SnowflakeWave(this, this.stepsOf);

  private constructor(
    readonly driver: SnowflakeDriver,
    private readonly sessionDatabase: string | null,
    /** The connection's name, for messages. */
    readonly connectionName: string,
    /** The rows of one SHOW page (CKPT_SHOW_PAGE_ROWS; Snowflake's limit, 10,000, unless the account has a lower one). */
    readonly showPageRows: number,
    /** The largest inventory also written as an array into OBJECTS_SNAPSHOT (CKPT_SNAPSHOT_ARRAY_BYTES). */
    readonly snapshotArrayBytes: number,
    /** Most statements in one request of a wave (CKPT_STATEMENTS_PER_REQUEST). */
    readonly statementsPerRequest: number,
  ) {}

  /** Resolves the connections.toml entry, connects, and pins the session parameters ckpt relies on (UTC, autocommit, …). */
  static async open(options: SnowflakeOpenOptions): Promise<SnowflakeWarehouse> {
    const lib = await loadSdk();
    const resolved =
      options.resolved ?? resolveConnection(options.connectionName, (o) => lib.normalizeConnectionOptions(o), options.environment);
    if (options.resolved === undefined) for (const warning of resolved.warnings) options.logger.warn(warning);
    const env = options.environment?.env ?? process.env;
    const limits: DriverLimits = {
      ...DEFAULT_LIMITS,
      statementTimeoutMs: wholeNumberFromEnv('CKPT_STATEMENT_TIMEOUT_MS', env, {
        fallback: DEFAULT_LIMITS.statementTimeoutMs,
        min: 1,
        max: MAX_DELAY_MS,
        unit: 'milliseconds',
      }),
      ...options.limits,
    };
    const showPageRows = wholeNumberFromEnv('CKPT_SHOW_PAGE_ROWS', env, {
      fallback: MAX_SHOW_ROWS,
      min: 1,
      max: MAX_SHOW_ROWS,
      unit: 'rows',
    });
    const snapshotArrayBytes = wholeNumberFromEnv('CKPT_SNAPSHOT_ARRAY_BYTES', env, {
      fallback: SNAPSHOT_ARRAY_BYTES,
      min: 0,
      max: SNAPSHOT_ARRAY_BYTES * 16,
      unit: 'bytes',
    });
    const statementsPerRequest = wholeNumberFromEnv('CKPT_STATEMENTS_PER_REQUEST', env, {
      fallback: STATEMENTS_PER_REQUEST,
      min: 1,
      max: MAX_STATEMENTS_PER_REQUEST,
      unit: 'statements',
    });
    const driver = await SnowflakeDriver.connect(resolved.options, limits, `connection ${options.connectionName}`);
    try {
      const [, current] = await driver.execute(`${pinSessionSql()}; SELECT CURRENT_DATABASE() AS DB`, {
        statements: 2,
        tag: queryTag({ command: 'connect' }),
      });
      const db = current?.[0]?.DB;
      return new SnowflakeWarehouse(
        driver,
        typeof db === 'string' && db !== '' ? db : null,
        options.connectionName,
        showPageRows,
        snapshotArrayBytes,
        statementsPerRequest,
      );
    } catch (error) {
      await driver.close();
      throw error;
    }
  }

  resolve(target: TargetRef): SnowflakeTarget {
    const database = target.database ?? this.sessionDatabase;
    if (database === null) {
      throw new CkptError('CONFIG_INVALID', `target ${target.name} names no database and its connection has none`, {
        hint: HINTS.databaseMissing,
      });
    }
    return { database, schema: target.schema, auditTable: target.auditTable };
  }

  async observe(target: TargetRef, inventories?: InventorySelection): Promise<Observed> {
    const t = this.resolve(target);
    const tag = queryTag({ command: 'observe', target: target.name });
    const [state, objects] = await this.driver
      .execute(`${stateQuery(t)};\n${objectsQuery(t)}`, { statements: 2, tag })
      .catch((error: unknown) => this.explainMissing(target, t, error, tag));
    const now = String(state?.[0]?.NOW);
    const auditTableExists = Number(state?.[0]?.AUDIT_COUNT ?? 0) > 0;
    const comment = state?.[0]?.AUDIT_COMMENT;
    const auditLayout = auditTableExists
      ? readLayout(typeof comment === 'string' ? comment : null, parseList(state?.[0]?.AUDIT_COLUMNS))
      : null;
    const history = await historyRows((sql) => this.driver.rows(sql, { tag }), t, this.showPageRows).catch((error: unknown) =>
      this.explainMissing(target, t, error, tag),
    );
    const role = ownerCell(state?.[0]?.ROLE);
    const managed = (objects ?? []).filter((row) => typeof kindOfRow(row) === 'string');
    const owners = [...managed.map((r) => ownerCell(r.TABLE_OWNER)), ...history.filter(isDroppedRow).map((r) => ownerCell(r.owner))];
    const own = await ownershipOf((sql) => this.driver.rows(sql, { tag }), role, owners);
    this.versionLedgers.set(schemaName(t), new TableVersionLedger(history));
    const { audit, kept } = await this.auditRows(t, auditLayout, tag, inventories);
    const { checkpoints, actions } = readAuditRows(audit, toIso, t, kept);
    const lineage = readLineage(audit);
    this.lineages.set(objectName(t, t.auditTable), lineage);
    const clones = new Set(parseList(state?.[0]?.CLONES));
    for (const c of checkpoints) {
      const clone = cloneSchemaName(t.schema, c.id);
      c.clone = c.keep === 'clone' && clones.has(clone) ? clone : null;
      c.objects = c.objects === null ? null : c.objects.map((o) => lineage.map(o, false));
    }
    const live = managed.map((row) => lineage.map(liveObject(row, own), true));
    const policies = await policiesOn((sql) => this.driver.rows(sql, { tag }), t, revertCandidates(live, checkpoints));
    return {
      now,
      nameMatching: 'exact',
      schemaExists: true,
      rowCountsEstimated: false,
      auditTableExists,
      auditLayout,
      journalHasRuns: Number(state?.[0]?.JOURNAL_ROWS ?? 0) > 0,
      objects: live.map((o) => (policies.has(o.name) ? { ...o, policies: policies.get(o.name) } : o)),
      unmanaged: unmanagedObjects(objects ?? []),
      role,
      dropped: droppedVersions(history, now, own).map((d) => ({ ...d, created: lineage.incarnation(d.name, d.created) })),
      checkpoints,
      actions,
    };
  }

  /**
   * The audit rows and, from layout 2, what observe reads of the inventory table (the entries of
   * the selected checkpoints, totals of the others): one request (three statements) whatever the
   * number of checkpoints (snowflake-inventory-sql.ts).
   */
  private async auditRows(
    t: SnowflakeTarget,
    layout: number | null,
    tag: string,
    selection: InventorySelection | undefined,
  ): Promise<{ audit: SnowflakeRow[]; kept: KeptInventories }> {
    if (layout === null) return { audit: [], kept: NO_KEPT_INVENTORIES };
    if (layout < 2) return { audit: await this.driver.rows(auditQuery(t, layout), { tag }), kept: NO_KEPT_INVENTORIES };
    const [audit, entries, totals] = await this.driver.execute(
      [auditQuery(t, layout), inventoryEntriesQuery(t, selection), inventoryTotalsQuery(t, selection)].join(';\n'),
      { statements: 3, tag },
    );
    return { audit: audit ?? [], kept: keptInventories(selection, entries ?? [], totals ?? []) };
  }

  /** Drops, or table restores, in multi-statement requests with several in flight (snowflake-wave.ts). */
  executeWave(target: TargetRef, steps: ExecutableStep[], run: RunContext, control?: WaveControl): Promise<void> {
    const { signal } = new AbortController();
    return this.waves.run(target, steps, run, control ?? { concurrency: this.capabilities.maxConcurrency, signal, succeeded: () => {} });
  }

  async recordAction(target: TargetRef, record: ActionRecord, run: RunContext): Promise<void> {
    const t = this.resolve(target);
    const tag = queryTag({ command: run.command, target: target.name, step: 'record-action', group: record.actionId, run: run.runId });
    const [now] = await this.driver.rows(`SELECT ${"TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY_MM_DD_HH24_MI_SS')"} AS ID`, { tag });
    const touched = record.steps.filter((s) => s.object !== null);
    const [insert, marked] = recordActionSql(t, record.restoredTo);
    const id = `${record.type}_${String(now?.ID ?? '')}`;
    await this.driver.execute(insert, {
      tag,
      // Its answer lost, the row is written again only if it is not there.
      ranAlready: () => this.counted(auditRowRecorded(t), tag, [id, record.type, record.status, record.actionId, run.runId]),
      binds: [
        id,
        record.type,
        `action ${record.actionId}`,
        JSON.stringify(touched.map((s) => ({ name: s.object, step: s.kind }))),
        touched.length,
        record.status,
        record.actionId,
        record.specHash,
        JSON.stringify(record.spec),
        JSON.stringify(record.steps),
        record.error,
        run.runId,
        JSON.stringify(run.origin),
      ],
    });
    if (marked !== undefined) await this.driver.execute(marked, { tag });
  }

  /**
   * A clone's cost to keep: the bytes its tables own. A clone not written since owns none (its
   * rows are its source's storage; what the source changes since stays billed to the source as
   * retained for clones): a lower bound, shared storage not attributed. Unreported unless the
   * role is ACCOUNTADMIN.
   */
  async keptCosts(target: TargetRef, checkpoints: readonly RecordedCheckpoint[]): Promise<ReadonlyMap<string, Weight>> {
    const t = this.resolve(target);
    const kept = checkpoints.flatMap((c) => (c.keep === 'clone' && c.clone !== null ? [{ id: c.id, clone: c.clone }] : []));
    if (kept.length === 0) return new Map();
    const tag = queryTag({ command: 'checkpoints', target: target.name });
    const rows = await this.driver.rows(
      ownedBytesQuery(
        t,
        kept.map((k) => k.clone),
      ),
      { tag },
    );
    const owned = new Map(rows.map((r) => [String(r.TABLE_SCHEMA), Number(r.BYTES)]));
    return new Map(
      kept.flatMap((k) => (owned.has(k.clone) ? [[k.id, { rows: null, bytes: owned.get(k.clone) ?? 0, estimated: false }]] : [])),
    );
  }

  statements(target: TargetRef, steps: readonly Step[], run: RunContext): Promise<string[][]> {
    return previewStatements(this, this.stepsOf, target, steps, run);
  }

  private readonly leaseStores = new Map<string, LeaseStore>();

  /** The target's lease and journal in Snowflake's dialect; several statements go in one request. */
  leases(target: TargetRef): LeaseStore {
    const t = this.resolve(target);
    const key = objectName(t, t.auditTable);
    const known = this.leaseStores.get(key);
    if (known !== undefined) return known;
    const store = new LeaseStore({
      dialect: leaseDialect(t),
      auditTable: target.auditTable,
      prelude: [],
      run: async (statements, purpose, recorded) => {
        const tag = queryTag({ command: purpose, target: target.name });
        const ranAlready = recorded === undefined ? {} : { ranAlready: () => this.counted(recorded, tag) };
        const results = await this.driver
          .execute(statements.join(';\n'), { ...(statements.length > 1 ? { statements: statements.length } : {}), tag, ...ranAlready })
          // Taking the lease is a writer's first statement in the schema: say so when the schema is missing.
          .catch((error: unknown) => (purpose === 'lease' ? this.explainMissing(target, t, error, tag) : Promise.reject(error)));
        return results[results.length - 1] ?? [];
      },
      isMissingTable: (error) => error instanceof CkptError && error.code === 'OBJECT_MISSING',
    });
    this.leaseStores.set(key, store);
    return store;
  }

  async query(target: TargetRef, sql: string): Promise<QueryResult> {
    await this.useSchema(this.resolve(target), queryTag({ command: 'sql', target: target.name }));
    try {
      return await this.driver.table(sql);
    } finally {
      // The user's SQL may have changed the session's schema, the audit table, or any table.
      this.currentSchema = null;
      this.lineages.clear();
      this.versionLedgers.clear();
    }
  }

  async createSchema(target: TargetRef): Promise<string> {
    const statement = `CREATE SCHEMA IF NOT EXISTS ${schemaName(this.resolve(target))}`;
    // CREATE SCHEMA makes the new schema the session's: set it again before relying on it.
    this.currentSchema = null;
    await this.driver.execute(statement, { tag: queryTag({ command: 'init', target: target.name }) });
    return statement;
  }

  /**
   * Rethrows `error`; when it says an object is missing and the target's schema (or database)
   * is what is missing, says that instead, with what to do: ckpt plans nothing on a schema that
   * is not there (the embedded warehouse creates its schema, Snowflake's is the user's to create).
   */
  private async explainMissing(target: TargetRef, t: SnowflakeTarget, error: unknown, tag: string): Promise<never> {
    if (!(error instanceof CkptError) || error.code !== 'OBJECT_MISSING') throw error;
    const where = await this.schemaPresence(t, tag);
    if (where === 'present') throw error;
    const place =
      where === 'no-database' ? `database ${displayIdent(t.database)}` : `schema ${displayIdent(t.database)}.${displayIdent(t.schema)}`;
    throw new CkptError(
      'OBJECT_MISSING',
      `target ${target.name}: ${place} does not exist on connection ${this.connectionName}, or its role cannot see it; nothing was planned`,
      { hint: HINTS.schemaMissing(this.connectionName, displayIdent(t.database), displayIdent(t.schema)), cause: error },
    );
  }

  /** Whether the target's schema exists (as this role sees it), or which container is missing. */
  private async schemaPresence(t: SnowflakeTarget, tag: string): Promise<'present' | 'no-schema' | 'no-database'> {
    try {
      const [row] = await this.driver.rows(
        `SELECT COUNT(*) AS N FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = ${snowflakeLiteral(t.schema)}`,
        { tag },
      );
      return Number(row?.N ?? 0) > 0 ? 'present' : 'no-schema';
    } catch (error) {
      if (error instanceof CkptError && error.code === 'OBJECT_MISSING') return 'no-database';
      throw error;
    }
  }

  /** Whether a count query (column N, optional binds) counts anything. */
  private async counted(sql: string, tag: string, binds?: unknown[]): Promise<boolean> {
    const [row] = await this.driver.rows(sql, { tag, ...(binds === undefined ? {} : { binds }) });
    return Number(row?.N ?? 0) > 0;
  }

  forgetSchema(): void {
    this.currentSchema = null;
  }

  versions(t: SnowflakeTarget): TableVersionLedger {
    const key = schemaName(t);
    let ledger = this.versionLedgers.get(key);
    if (ledger === undefined) {
      ledger = new TableVersionLedger(null);
      this.versionLedgers.set(key, ledger);
    }
    return ledger;
  }

  forgetLineage(t: SnowflakeTarget): void {
    this.lineages.delete(objectName(t, t.auditTable));
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /** UNDROP runs against the session's schema on some accounts: set it and qualify (docs/snowflake-behaviour.md#pitfall-19). */
  async useSchema(t: SnowflakeTarget, tag: string): Promise<void> {
    const schema = schemaName(t);
    if (this.currentSchema?.schema !== schema) {
      const set = this.driver.execute(`USE SCHEMA ${schema}`, { tag });
      this.currentSchema = { schema, set };
      set.catch(() => {
        if (this.currentSchema?.set === set) this.currentSchema = null;
      });
    }
    await this.currentSchema.set;
  }

  /** The content-restore lineage of the audit table (empty when it does not exist), read once. */
  async lineage(t: SnowflakeTarget, tag: string): Promise<Lineage> {
    const key = objectName(t, t.auditTable);
    const known = this.lineages.get(key);
    if (known !== undefined) return known;
    let lineage: Lineage;
    try {
      lineage = readLineage(
        await this.driver.rows(
          `SELECT CHECKPOINT_TYPE, OBJECTS_SNAPSHOT FROM ${key}
        WHERE CHECKPOINT_TYPE = ${snowflakeLiteral(CONTENT_RESTORE_TYPE)} ORDER BY CHECKPOINT_TIMESTAMP`,
          { tag },
        ),
      );
    } catch (error) {
      if (!(error instanceof CkptError) || error.code !== 'OBJECT_MISSING') throw error;
      lineage = readLineage([]);
    }
    this.lineages.set(key, lineage);
    return lineage;
  }
}

/** Lease and journal SQL in Snowflake's dialect, in the target's schema. */
function leaseDialect(t: SnowflakeTarget): LeaseDialect {
  return {
    schema: schemaName(t),
    literal: snowflakeLiteral,
    timestampType: 'TIMESTAMP_LTZ',
    now: 'CURRENT_TIMESTAMP()',
    nowPlusMs: (ms) => `DATEADD('millisecond', ${Math.trunc(ms)}, CURRENT_TIMESTAMP())`,
    iso: isoText,
  };
}

function parseList(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

function liveObject(row: SnowflakeRow, own: (owner: string | null) => Ownership): LiveObject {
  const kind = row.TABLE_TYPE === 'VIEW' ? 'VIEW' : 'TABLE';
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    name: String(row.NAME),
    kind,
    created: toIso(row.CREATED) ?? UNKNOWN_TIME,
    lastAltered: toIso(row.LAST_ALTERED),
    rowCount: kind === 'TABLE' ? num(row.ROW_COUNT) : null,
    bytes: kind === 'TABLE' ? num(row.BYTES) : null,
    retentionDays: kind === 'TABLE' ? num(row.RETENTION_TIME) : null,
    transient: row.IS_TRANSIENT === 'YES',
    hybrid: row.IS_HYBRID === 'YES',
    // Empty or NULL: a secure view whose definition this role may not see (docs/snowflake-behaviour.md#secure-views).
    definition: kind === 'VIEW' && typeof row.VIEW_DEFINITION === 'string' && row.VIEW_DEFINITION !== '' ? row.VIEW_DEFINITION : null,
    columns: kind === 'TABLE' ? parseList(row.COLS ?? null) : null,
    ownership: own(ownerCell(row.TABLE_OWNER)),
  };
}

const isDroppedRow = (r: SnowflakeRow) => r.dropped_on !== null && r.dropped_on !== undefined;

/**
 * Dropped versions still restorable: SHOW TABLES HISTORY rows with dropped_on, until dropped_on
 * plus their retention (docs/snowflake-behaviour.md#pitfall-3); hybrid tables cannot be undropped (docs/snowflake-behaviour.md#pitfall-5),
 * versions of kinds ckpt does not manage are not its to undrop (snowflake-kinds.ts), and a version a restore set
 * aside stands for its original name (versionName).
 */
function droppedVersions(rows: SnowflakeRow[], now: string, own: (owner: string | null) => Ownership): DroppedObject[] {
  return rows
    .filter((r) => isDroppedRow(r) && String(r.is_hybrid ?? 'N').toUpperCase() !== 'Y' && managedVersion(r))
    .map((r) => {
      const droppedOn = toIso(r.dropped_on) ?? now;
      const until = new Date(Date.parse(droppedOn) + Number(r.retention_time ?? 1) * 86_400_000).toISOString();
      const created = toIso(r.created_on) ?? droppedOn;
      return {
        name: versionName(r),
        kind: 'TABLE' as const,
        created,
        droppedOn,
        restorableUntil: until,
        ownership: own(ownerCell(r.owner)),
      };
    })
    .filter((d) => d.restorableUntil > now)
    .sort((a, b) => (a.droppedOn < b.droppedOn ? 1 : a.droppedOn > b.droppedOn ? -1 : 0));
}

/** Opens a Snowflake connection by its connections.toml name (the adapter registry's entry point). */
export function openSnowflake(options: OpenOptions): Promise<SnowflakeWarehouse> {
  return SnowflakeWarehouse.open({ connectionName: options.connection, logger: options.logger });
}

/**
 * The embedded warehouse: implements Warehouse on a DuckDB file: observe (live objects, ckpt's
 * registry of first-seen times and content versions, the trash, the audit table), the audit
 * rows of actions, leases, and user SQL (`ckpt sql`). The steps are in duckdb-steps.ts.
 */
import { CkptError } from '../../model/errors.js';
import { internalTables } from '../../model/desired.js';
import type { DroppedObject, InventorySelection, LiveObject, Observed, RecordedCheckpoint } from '../../model/observed.js';
import type { Step, Weight } from '../../model/plan.js';
import { quoteIdent } from '../../model/refs.js';
import { readLayout } from '../../model/audit-layout.js';
import { keptInventories, NO_KEPT_INVENTORIES, readAuditRows, type KeptInventories } from '../audit-rows.js';
import { inventoryEntriesQuery, inventoryTotalsQuery } from './duckdb-inventory-sql.js';
import { localWarehousePath, type OpenOptions } from '../open.js';
import type { LeaseDialect } from '../lease-sql.js';
import { LeaseStore } from '../lease-store.js';
import {
  runStep,
  type ActionRecord,
  type Capabilities,
  type ExecutableStep,
  type QueryResult,
  type RunContext,
  type StepHandlers,
  type TargetRef,
  type Warehouse,
} from '../warehouse.js';
import {
  auditSelect,
  contentVersion,
  duckDbLiteral,
  duckDbTimeToIso,
  inSchema,
  INTERNAL_SCHEMA,
  ISO_FORMAT,
  liveObjectsQuery,
  syncRegistrySql,
} from './duckdb-sql.js';
import { DuckDbDriver } from './duckdb-driver.js';
import { SchemaCache } from './duckdb-cache.js';
import { DuckDbSteps } from './duckdb-steps.js';
import { previewStatements } from './duckdb-preview.js';
import { actionRowOf, recordActionSql } from './duckdb-step-sql.js';
import { refreshContentVersions } from './duckdb-content.js';
import {
  copiesUsage,
  mayDropTables,
  purgeExpiredTrash,
  SqlDropGuard,
  trashRetentionDays,
  trashSelect,
  trashUsage,
} from './duckdb-trash.js';

/** Lease and journal SQL in DuckDB's dialect, in the target's schema. */
function leaseDialect(target: TargetRef): LeaseDialect {
  return {
    schema: quoteIdent(target.schema),
    literal: duckDbLiteral,
    timestampType: 'TIMESTAMPTZ',
    now: 'now()',
    nowPlusMs: (ms) => `(now() + to_milliseconds(${Math.trunc(ms)}))`,
    iso: (e) => `strftime(${e}, ${ISO_FORMAT})`,
  };
}

/**
 * A live object as observe reports it: its incarnation and content version from ckpt's registry
 * (`known`, keyed `KIND:NAME`; a view whose definition changed is a new incarnation), its
 * columns (`columns`, keyed by upper-cased name), DuckDB's row count, the tables its foreign
 * keys reference (`references`, keyed by upper-cased name; absent when none).
 */
function liveObject(
  row: Record<string, unknown>,
  known: Map<string, Record<string, unknown>>,
  columns: Map<string, string[]>,
  now: string,
  references: Map<string, string[]>,
): LiveObject {
  const kind = row.kind === 'VIEW' ? 'VIEW' : 'TABLE';
  const refs = kind === 'TABLE' ? references.get(String(row.name).toUpperCase()) : undefined;
  const reg = known.get(`${kind}:${String(row.name).toUpperCase()}`);
  const sameView = kind === 'TABLE' || reg?.sql === row.sql;
  return {
    name: String(row.name),
    kind,
    created: reg !== undefined && sameView ? String(reg.created) : now,
    // The registry's content version stands in for LAST_ALTERED (see contentVersion).
    lastAltered: kind === 'TABLE' ? (reg !== undefined ? String(reg.altered) : now) : null,
    columns: kind === 'TABLE' ? (columns.get(String(row.name).toUpperCase()) ?? null) : null,
    rowCount: kind === 'TABLE' && row.row_count !== null ? Number(row.row_count) : null,
    bytes: null,
    retentionDays: null,
    transient: false,
    hybrid: false,
    definition: kind === 'VIEW' ? String(row.sql) : null,
    ...(refs === undefined ? {} : { references: refs }),
  };
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Options for opening the embedded warehouse. */
export interface DuckDbWarehouseOptions {
  /** Path of the DuckDB file (created with its folder if missing). */
  path: string;
  /** How long to wait for another process's lock before failing. */
  lockWaitMs?: number;
  /** The command opening it, for the holder file another ckpt reads when it meets the lock. */
  command?: string;
  /** Set for a writer: it waits for another ckpt writer up to `waitMs`, then LEASE_HELD (duckdb-driver.ts). */
  writer?: { waitMs: number; target?: string };
  /** Told once when the file is locked and the opener starts waiting. */
  onWait?: (message: string) => void;
  /** Days a dropped table stays in the trash; default CKPT_TRASH_RETENTION_DAYS, else 7. */
  trashRetentionDays?: number;
}

/** DuckDB behind the Warehouse interface. */
export class DuckDbWarehouse implements Warehouse {
  readonly capabilities: Capabilities = { nameMatching: 'case-insensitive', maxConcurrency: 1 };

  /** The cached live objects of each schema (see duckdb-cache.ts). */
  private readonly cache: SchemaCache;
  private readonly impl: DuckDbSteps;
  /** How this warehouse runs each kind of step (duckdb-steps.ts). */
  readonly steps: StepHandlers;

  private constructor(
    private readonly db: DuckDbDriver,
    /** Days a dropped table stays in the trash. */
    readonly trashRetentionDays: number,
  ) {
    this.cache = new SchemaCache(db);
    this.impl = new DuckDbSteps(db, this.cache, trashRetentionDays);
    this.steps = this.impl.handlers;
  }

  /**
   * Opens the file; fails with WAREHOUSE_LOCKED (a reader) or LEASE_HELD (a writer), naming the
   * holder, if another process keeps it past the wait.
   */
  static async open(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
    const days = options.trashRetentionDays ?? trashRetentionDays(process.env);
    const driver = await DuckDbDriver.open(options.path, options.lockWaitMs ?? 5000, {
      ...(options.command === undefined ? {} : { command: options.command }),
      ...(options.writer === undefined ? {} : { writer: options.writer }),
      ...(options.onWait === undefined ? {} : { onWait: options.onWait }),
    });
    return new DuckDbWarehouse(driver, days);
  }

  /** The size of a schema's trash (for `ckpt status`) and its retention. */
  async trashUsage(target: TargetRef): Promise<{ tables: number; rows: number; bytes: number; retentionDays: number }> {
    const exists = await this.db.query(`SELECT 1 FROM duckdb_tables() WHERE database_name = current_database()
      AND schema_name = '${INTERNAL_SCHEMA}' AND table_name = 'trash'`);
    const usage = exists.length === 0 ? { tables: 0, rows: 0, bytes: 0 } : await trashUsage(this.db, target.schema);
    return { ...usage, retentionDays: this.trashRetentionDays };
  }

  async keptCosts(target: TargetRef, checkpoints: readonly RecordedCheckpoint[]): Promise<ReadonlyMap<string, Weight>> {
    const costs = new Map<string, Weight>();
    const kept = checkpoints.filter((c) => c.keep === 'clone' && c.clone !== null);
    if (kept.length === 0) return costs;
    const rows = await this.db.query(`SELECT checkpoint_id, list(copy_table) AS copies FROM ${INTERNAL_SCHEMA}.kept
      WHERE ${inSchema(target.schema)} AND checkpoint_id IN (${kept.map((c) => duckDbLiteral(c.id)).join(', ')}) GROUP BY checkpoint_id`);
    for (const row of rows) {
      const usage = await copiesUsage(this.db, (row.copies as unknown[]).map(String));
      costs.set(String(row.checkpoint_id), { rows: usage.rows, bytes: usage.bytes, estimated: true });
    }
    return costs;
  }

  async observe(target: TargetRef, selection?: InventorySelection): Promise<Observed> {
    const [state] = await this.db.query(`SELECT strftime(now(), ${ISO_FORMAT}) AS now,
      EXISTS (SELECT 1 FROM duckdb_schemas() WHERE database_name = current_database() AND ${inSchema(target.schema)}) AS schema_exists,
      EXISTS (SELECT 1 FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = '${INTERNAL_SCHEMA}') AS internal_exists,
      EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND ${inSchema(target.schema)}
        AND lower(table_name) = lower(${duckDbLiteral(target.auditTable)})) AS audit_exists,
      (SELECT first(comment) FROM duckdb_tables() WHERE database_name = current_database() AND ${inSchema(target.schema)}
        AND lower(table_name) = lower(${duckDbLiteral(target.auditTable)})) AS audit_comment,
      (SELECT list(upper(column_name)) FROM duckdb_columns() WHERE database_name = current_database() AND ${inSchema(target.schema)}
        AND lower(table_name) = lower(${duckDbLiteral(target.auditTable)})) AS audit_columns,
      EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND ${inSchema(target.schema)}
        AND lower(table_name) = lower(${duckDbLiteral(internalTables(target.auditTable).journal)})) AS journal_exists`);
    const now = String(state?.now);
    const schemaExists = state?.schema_exists === true;
    const internalExists = state?.internal_exists === true;
    const auditTableExists = state?.audit_exists === true;
    const auditLayout = auditTableExists
      ? readLayout(textOrNull(state?.audit_comment), ((state?.audit_columns ?? []) as unknown[]).map(String))
      : null;
    const journalHasRuns = state?.journal_exists === true && (await this.leases(target).readJournal()).length > 0;

    if (internalExists) {
      await this.impl.ensureInternal();
      // Whatever wrote to a table since ckpt last looked moves its content version.
      if (schemaExists) await this.db.transaction(() => refreshContentVersions(this.db, target));
    }
    const live = schemaExists ? await this.db.query(liveObjectsQuery(target.schema, target.auditTable)) : [];
    this.cache.set(target.schema, live);
    const registry = internalExists
      ? await this.db.query(`SELECT name, kind, strftime(created, ${ISO_FORMAT}) AS created,
          strftime(${contentVersion('o')}, ${ISO_FORMAT}) AS altered, sql FROM ${INTERNAL_SCHEMA}.objects o WHERE ${inSchema(target.schema)}`)
      : [];
    const { columns, references } = schemaExists ? await this.tableDetails(target) : { columns: new Map(), references: new Map() };
    const { kept, trash } = internalExists ? await this.keptAndTrash(target) : { kept: new Set<string>(), trash: [] };
    const audit = auditLayout !== null ? await this.db.query(auditSelect(target, auditLayout)) : [];
    const inventories = await this.inventoriesOf(target, auditLayout, selection);

    const known = new Map(registry.map((r) => [`${String(r.kind)}:${String(r.name).toUpperCase()}`, r]));
    const objects = live.map((row) => liveObject(row, known, columns, now, references));
    const { checkpoints, actions } = readAuditRows(audit, duckDbTimeToIso, target, inventories);
    for (const c of checkpoints) c.clone = c.keep === 'clone' && kept.has(c.id) ? INTERNAL_SCHEMA : null;
    return {
      now,
      nameMatching: this.capabilities.nameMatching,
      schemaExists,
      rowCountsEstimated: true,
      auditTableExists,
      auditLayout,
      journalHasRuns,
      objects,
      dropped: trash,
      checkpoints,
      actions,
    };
  }

  /** What observe reads of the inventory table (from layout 2): the entries of the selected checkpoints, totals of the others. */
  private async inventoriesOf(
    target: TargetRef,
    layout: number | null,
    selection: InventorySelection | undefined,
  ): Promise<KeptInventories> {
    if (layout === null || layout < 2) return NO_KEPT_INVENTORIES;
    const entries = await this.db.query(inventoryEntriesQuery(target, selection));
    return keptInventories(selection, entries, await this.db.query(inventoryTotalsQuery(target, selection)));
  }

  /** The checkpoints whose copies ckpt keeps, and the tables in ckpt's trash (newest first). */
  private async keptAndTrash(target: TargetRef): Promise<{ kept: Set<string>; trash: DroppedObject[] }> {
    const kept = await this.db.query(`SELECT DISTINCT checkpoint_id FROM ${INTERNAL_SCHEMA}.kept WHERE ${inSchema(target.schema)}`);
    const trash = await this.db.query(trashSelect(target.schema, this.trashRetentionDays));
    return {
      kept: new Set(kept.map((r) => String(r.checkpoint_id))),
      trash: trash.map((t) => ({
        name: String(t.name),
        kind: 'TABLE',
        created: String(t.created),
        droppedOn: String(t.dropped_on),
        restorableUntil: String(t.restorable_until),
        lastAltered: t.altered === null ? null : String(t.altered),
      })),
    };
  }

  /**
   * Per table of the schema (keyed by upper-cased name): its column names in order, and the
   * tables its FOREIGN KEYs reference (tables with none are absent).
   */
  private async tableDetails(target: TargetRef): Promise<{ columns: Map<string, string[]>; references: Map<string, string[]> }> {
    const columns = await this.db
      .query(`SELECT upper(table_name) AS name, list(column_name ORDER BY column_index) AS names FROM duckdb_columns()
      WHERE database_name = current_database() AND ${inSchema(target.schema)} GROUP BY table_name`);
    const references = await this.db
      .query(`SELECT upper(table_name) AS name, list(DISTINCT referenced_table ORDER BY referenced_table) AS names
      FROM duckdb_constraints() WHERE database_name = current_database() AND ${inSchema(target.schema)}
      AND constraint_type = 'FOREIGN KEY' GROUP BY table_name`);
    const byName = (rows: Array<Record<string, unknown>>) => new Map(rows.map((r) => [String(r.name), (r.names as unknown[]).map(String)]));
    return { columns: byName(columns), references: byName(references) };
  }

  async executeWave(target: TargetRef, steps: ExecutableStep[], run: RunContext): Promise<void> {
    const drops = steps.flatMap((s) => (s.kind === 'drop-object' ? [s] : []));
    const restores = steps.flatMap((s) => (s.kind === 'restore-table' ? [s] : []));
    if (drops.length + restores.length !== steps.length || (drops.length > 0 && restores.length > 0)) {
      for (const step of steps) await runStep(this.steps, target, step, run);
      return;
    }
    await this.impl.inStep(() => (drops.length > 0 ? this.impl.dropMany(target, drops) : this.impl.restoreMany(target, restores)));
  }

  /** View re-creations in plan order in one transaction (one commit and one cached-catalog update per batch, not per view). */
  async executeSequence(target: TargetRef, steps: ExecutableStep[], run: RunContext): Promise<void> {
    const views = steps.flatMap((s) => (s.kind === 'recreate-view' ? [s] : []));
    if (views.length !== steps.length) {
      for (const step of steps) await runStep(this.steps, target, step, run);
      return;
    }
    await this.impl.inStep(async () => {
      for (const view of views) await this.impl.recreateView(target, view.object.name, view.definition);
    });
  }

  statements(target: TargetRef, steps: readonly Step[], run: RunContext): Promise<string[][]> {
    return previewStatements({ db: this.db, cache: this.cache }, target, steps, run);
  }

  async recordAction(target: TargetRef, record: ActionRecord, run: RunContext): Promise<void> {
    await this.db.transaction(async () => {
      const [now] = await this.db.query(`SELECT strftime(now(), ${ISO_FORMAT}) AS now`);
      const id = `${record.type}_${String(now?.now).slice(0, 19).replace(/[-T:]/g, '_')}`;
      for (const statement of recordActionSql(target, actionRowOf(record, run, id), record.restoredTo)) await this.db.run(statement);
    });
  }

  private readonly leaseStores = new Map<string, LeaseStore>();

  /** The target's lease and journal, in DuckDB's dialect (several statements in one call). */
  leases(target: TargetRef): LeaseStore {
    const key = `${target.schema.toUpperCase()}\u0000${target.auditTable.toUpperCase()}`;
    const known = this.leaseStores.get(key);
    if (known !== undefined) return known;
    const store = new LeaseStore({
      dialect: leaseDialect(target),
      auditTable: target.auditTable,
      prelude: [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`],
      run: (statements) => this.db.query(statements.join(';\n')),
      isMissingTable: (error) => /Catalog Error: Table with name .* does not exist/.test(String((error as Error).message)),
    });
    this.leaseStores.set(key, store);
    return store;
  }

  /**
   * Runs a user's SQL in the target's schema, then keeps ckpt's registry true to what it did:
   * a table renamed (same DuckDB oid, another name) keeps its incarnation, a table re-created
   * (same name, another oid) is a new one, new objects are first seen now, and every table whose
   * rows changed gets a new content version (duckdb-content.ts). A transaction the SQL left open
   * is rolled back, as Snowflake does at the end of a session, so that it cannot swallow ckpt's
   * own bookkeeping.
   */
  async query(target: TargetRef, sql: string): Promise<QueryResult> {
    this.cache.clear();
    await this.impl.ensureInternal();
    await this.db.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}; USE ${quoteIdent(target.schema)}`);
    const before = await this.tableOids(target);
    const guard = mayDropTables(sql) ? new SqlDropGuard(this.db, target, sql) : null;
    try {
      return await (guard === null ? this.db.table(sql) : this.db.tableEach(sql, (kind) => guard.before(kind)));
    } catch (error) {
      throw error instanceof CkptError ? error : new CkptError('SQL_FAILED', (error as Error).message, { cause: error });
    } finally {
      await this.db.run('ROLLBACK').catch(() => undefined); // "no transaction is active": nothing was left open
      await this.db.transaction(async () => {
        const after = await this.tableOids(target);
        await guard?.settle(after);
        await purgeExpiredTrash(this.db, this.trashRetentionDays);
        await this.followRenames(target, before, after);
        await this.db.run(syncRegistrySql(target.schema, target.auditTable));
        await refreshContentVersions(this.db, target);
      });
    }
  }

  /**
   * Carries the registry across what a user's SQL did to table identities: a renamed table's row
   * follows it to its new name; a name whose table was re-created loses its row (a new incarnation).
   */
  private async followRenames(target: TargetRef, before: Map<string, string>, after: Map<string, string>): Promise<void> {
    const nameOf = new Map([...before].map(([name, oid]) => [oid, name]));
    const renamed = [...after].flatMap(([name, oid]) => {
      const old = nameOf.get(oid);
      return old !== undefined && old !== name ? [{ old, name }] : [];
    });
    const gone = [...before].filter(([name, oid]) => after.get(name) !== oid).map(([name]) => name);
    if (gone.length > 0) {
      // Park the rows of renamed tables under their new names first, then forget what is gone.
      const moves = renamed.map((r) => `(${duckDbLiteral(r.old)}, ${duckDbLiteral(r.name)})`);
      await this.db.run(`CREATE OR REPLACE TEMP TABLE ckpt_moved AS SELECT o.* REPLACE (v.name AS name) FROM ${INTERNAL_SCHEMA}.objects o
        JOIN (VALUES ${moves.length > 0 ? moves.join(', ') : '(NULL, NULL)'}) v(old, name) ON lower(o.name) = lower(v.old)
        WHERE ${inSchema(target.schema, 'o.schema_name')} AND o.kind = 'TABLE'`);
      await this.db.run(`DELETE FROM ${INTERNAL_SCHEMA}.objects WHERE ${inSchema(target.schema)} AND kind = 'TABLE'
        AND lower(name) IN (${[...gone, ...renamed.map((r) => r.name)].map((n) => `lower(${duckDbLiteral(n)})`).join(', ')})`);
      await this.db.run(`INSERT INTO ${INTERNAL_SCHEMA}.objects BY NAME SELECT * FROM ckpt_moved; DROP TABLE ckpt_moved`);
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private async tableOids(target: TargetRef): Promise<Map<string, string>> {
    const rows = await this.db.query(`SELECT table_name AS name, table_oid::VARCHAR AS oid FROM duckdb_tables()
      WHERE database_name = current_database() AND ${inSchema(target.schema)}`);
    return new Map(rows.map((r) => [String(r.name), String(r.oid)]));
  }
}

/** Opens the embedded warehouse of a config folder (the adapter registry's entry point). */
export function openDuckDb(options: OpenOptions): Promise<DuckDbWarehouse> {
  return DuckDbWarehouse.open({ path: localWarehousePath(options.configDir), lockWaitMs: options.lockWaitMs });
}

/**
 * The embedded warehouse: implements Warehouse on a DuckDB file. DuckDB has no CREATED and no
 * UNDROP, so ckpt keeps a registry of first-seen times and copies a table's rows to its hidden
 * schema when it drops one; restores bring back structure, constraints, comment and rows.
 */
import { CkptError } from '../../model/errors.js';
import type { LiveObject, Observed } from '../../model/observed.js';
import type { Step } from '../../model/plan.js';
import type { StepOf } from '../../model/step-kinds.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { ensureSystemInit, SYSTEM_INIT } from '../audit-rules.js';
import { sameInstant } from '../../model/time.js';
import { readAuditRows } from '../audit-rows.js';
import type { LeaseDialect } from '../lease-sql.js';
import { LeaseStore } from '../lease-store.js';
import { qualifiedName } from '../sql.js';
import { runStep, type ActionRecord, type Capabilities, type ExecutableStep, type QueryResult, type RunContext, type StepHandlers, type TargetRef, type Warehouse } from '../warehouse.js';
import { auditDdl, auditName, auditSelect, checkpointInsert, expireCheckpoint, markRestoredTo } from './duckdb-audit.js';
import {
  INTERNAL_DDL,
  INTERNAL_SCHEMA,
  ISO_FORMAT,
  contentVersion,
  duckLiteral,
  duckTimeToIso,
  inSchema,
  liveObjectsQuery,
  writtenNames,
  nextContentVersion,
  syncRegistrySql,
  trashTableName,
} from './duckdb-catalog.js';
import { DuckDriver } from './duckdb-driver.js';

/** Lease and journal SQL in DuckDB's dialect, in the target's schema. */
function leaseDialect(target: TargetRef): LeaseDialect {
  return {
    schema: quoteIdent(target.schema),
    literal: duckLiteral,
    timestampType: 'TIMESTAMPTZ',
    now: 'now()',
    nowPlusMs: (ms) => `(now() + to_milliseconds(${Math.trunc(ms)}))`,
    iso: (e) => `strftime(${e}, ${ISO_FORMAT})`,
  };
}

/** Options for opening the embedded warehouse. */
export interface DuckWarehouseOptions {
  /** Path of the DuckDB file (created with its folder if missing). */
  path: string;
  /** How long to wait for another process's lock before failing. */
  lockWaitMs?: number;
}

/** A live object as the catalog shows it. */
interface CatalogRow {
  name: string;
  kind: 'TABLE' | 'VIEW';
  sql: string;
  comment: string | null;
}

function catalogRow(r: Record<string, unknown>): CatalogRow {
  return { name: String(r.name), kind: r.kind === 'VIEW' ? 'VIEW' : 'TABLE', sql: String(r.sql), comment: r.comment === null || r.comment === undefined ? null : String(r.comment) };
}

/** DuckDB behind the Warehouse interface. */
export class DuckWarehouse implements Warehouse {
  readonly capabilities: Capabilities = { nameMatching: 'case-insensitive', maxConcurrency: 1 };

  /**
   * The live objects of each schema as this process last read or changed them. The file is
   * locked to this process, so only ckpt changes it: steps update the copy instead of re-reading
   * DuckDB's catalog, whose functions cost a scan of every table (114 ms at 10,000 tables).
   * User SQL (`query`) invalidates it.
   */
  private readonly catalog = new Map<string, Map<string, CatalogRow>>();

  private constructor(private readonly db: DuckDriver) {}

  /** Opens the file; fails with WAREHOUSE_LOCKED (naming the holder) if another process keeps it. */
  static async open(options: DuckWarehouseOptions): Promise<DuckWarehouse> {
    return new DuckWarehouse(await DuckDriver.open(options.path, options.lockWaitMs ?? 5000));
  }

  async observe(target: TargetRef): Promise<Observed> {
    const [state] = await this.db.query(`SELECT strftime(now(), ${ISO_FORMAT}) AS now,
      EXISTS (SELECT 1 FROM duckdb_schemas() WHERE database_name = current_database() AND ${inSchema(target.schema)}) AS schema_exists,
      EXISTS (SELECT 1 FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = '${INTERNAL_SCHEMA}') AS internal_exists,
      EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND ${inSchema(target.schema)}
        AND lower(table_name) = lower(${duckLiteral(target.auditTable)})) AS audit_exists`);
    const now = String(state?.now);
    const schemaExists = state?.schema_exists === true;
    const internalExists = state?.internal_exists === true;
    const auditTableExists = state?.audit_exists === true;

    if (internalExists) await this.ensureInternal();
    const live = schemaExists ? await this.db.query(liveObjectsQuery(target.schema, target.auditTable)) : [];
    this.catalog.set(target.schema.toUpperCase(), new Map(live.map((r) => [String(r.name).toUpperCase(), catalogRow(r)])));
    const registry = internalExists
      ? await this.db.query(`SELECT name, kind, strftime(created, ${ISO_FORMAT}) AS created,
          strftime(${contentVersion('o')}, ${ISO_FORMAT}) AS altered, sql FROM ${INTERNAL_SCHEMA}.objects o WHERE ${inSchema(target.schema)}`)
      : [];
    const columns = new Map(
      (schemaExists
        ? await this.db.query(`SELECT upper(table_name) AS name, list(column_name ORDER BY column_index) AS cols FROM duckdb_columns()
            WHERE database_name = current_database() AND ${inSchema(target.schema)} GROUP BY table_name`)
        : []
      ).map((r) => [String(r.name), (r.cols as unknown[]).map(String)]),
    );
    const kept = new Set(
      (internalExists
        ? await this.db.query(`SELECT DISTINCT checkpoint_id FROM ${INTERNAL_SCHEMA}.kept WHERE ${inSchema(target.schema)}`)
        : []
      ).map((r) => String(r.checkpoint_id)),
    );
    const trash = internalExists
      ? await this.db.query(`SELECT name, strftime(created, ${ISO_FORMAT}) AS created, strftime(dropped_on, ${ISO_FORMAT}) AS dropped_on
          FROM ${INTERNAL_SCHEMA}.trash WHERE ${inSchema(target.schema)} ORDER BY dropped_on DESC`)
      : [];
    const audit = auditTableExists ? await this.db.query(auditSelect(target)) : [];

    const known = new Map(registry.map((r) => [`${String(r.kind)}:${String(r.name).toUpperCase()}`, r]));
    const objects: LiveObject[] = live.map((row) => {
      const kind = row.kind === 'VIEW' ? 'VIEW' : 'TABLE';
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
      };
    });
    const { checkpoints, actions } = readAuditRows(audit, duckTimeToIso);
    for (const c of checkpoints) c.clone = c.keep === 'clone' && kept.has(c.id) ? INTERNAL_SCHEMA : null;
    return {
      now,
      nameMatching: this.capabilities.nameMatching,
      schemaExists,
      auditTableExists,
      objects,
      dropped: trash.map((t) => ({
        name: String(t.name),
        kind: 'TABLE',
        created: String(t.created),
        droppedOn: String(t.dropped_on),
        restorableUntil: null,
      })),
      checkpoints,
      actions,
    };
  }

  readonly steps: StepHandlers = {
    'init-audit': (target, _step, run) => this.initAudit(target, run),
    'take-checkpoint': (target, step, run) => this.takeCheckpoint(target, step, run),
    'expire-checkpoint': async (target, step) => {
      await this.ensureInternal();
      await this.db.transaction(async () => {
        await this.db.run(expireCheckpoint(target, step.checkpointId));
        await this.dropCopies(target, step.checkpointId);
      });
    },
    'drop-object': (target, step) => this.inStep(() => this.dropMany(target, [step])),
    'restore-table': (target, step) => this.inStep(() => this.restoreMany(target, [step])),
    'recreate-view': (target, step) => this.inStep(() => this.recreateView(target, step.object.name, step.definition)),
    'restore-content': (target, step) => this.inStep(() => this.restoreContent(target, step)),
  };

  /** Creates the schema and the audit table, with its one SYSTEM_INIT row. */
  private async initAudit(target: TargetRef, run: RunContext): Promise<void> {
    await this.ensureInternal();
    await this.db.transaction(async () => {
      await this.db.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`);
      await this.db.run(auditDdl(target));
      await ensureSystemInit({
        count: async () => {
          const [row] = await this.db.query(`SELECT count(*)::INTEGER AS n FROM ${auditName(target)} WHERE CHECKPOINT_TYPE = ${duckLiteral(SYSTEM_INIT.type)}`);
          return Number(row?.n);
        },
        insert: () =>
          this.db.run(`INSERT INTO ${auditName(target)} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
            OBJECTS_COUNT, STATUS, RUN_ID, ORIGIN) VALUES (${duckLiteral(SYSTEM_INIT.id)}, now(), ${duckLiteral(SYSTEM_INIT.type)},
            ${duckLiteral(SYSTEM_INIT.description)}, 0, ${duckLiteral(SYSTEM_INIT.status)}, ${duckLiteral(run.runId)}, ${duckLiteral(JSON.stringify(run.origin))})`),
      });
    });
  }

  /** Records a checkpoint's inventory (and, keep: clone, copies of its tables) in one transaction. */
  private async takeCheckpoint(target: TargetRef, step: StepOf<'take-checkpoint'>, run: RunContext): Promise<void> {
    await this.ensureInternal();
    await this.db.transaction(async () => {
      const [existing] = await this.db.query(`SELECT count(*)::INTEGER AS n FROM ${auditName(target)}
        WHERE CHECKPOINT_ID = ${duckLiteral(step.checkpointId)} AND CHECKPOINT_TYPE IN ('MANUAL', 'AUTO')`);
      if (Number(existing?.n) > 0) return; // taken by an earlier, interrupted run: progress
      await this.db.run(syncRegistrySql(target.schema, target.auditTable));
      await this.db.run(
        checkpointInsert(target, {
          id: step.checkpointId,
          type: step.checkpointType,
          description: step.description,
          runId: run.runId,
          origin: JSON.stringify(run.origin),
          ...(step.keep === undefined ? {} : { keep: step.keep }),
        }),
      );
      if (step.keep === 'clone') await this.keepCopies(target, step.checkpointId);
    });
  }

  async executeWave(target: TargetRef, steps: ExecutableStep[], run: RunContext): Promise<void> {
    const drops = steps.flatMap((s) => (s.kind === 'drop-object' ? [s] : []));
    const restores = steps.flatMap((s) => (s.kind === 'restore-table' ? [s] : []));
    if (drops.length + restores.length !== steps.length || (drops.length > 0 && restores.length > 0)) {
      for (const step of steps) await runStep(this.steps, target, step, run);
      return;
    }
    await this.inStep(() => (drops.length > 0 ? this.dropMany(target, drops) : this.restoreMany(target, restores)));
  }

  async recordAction(target: TargetRef, record: ActionRecord, run: RunContext): Promise<void> {
    await this.db.transaction(async () => {
      const [now] = await this.db.query(`SELECT strftime(now(), ${ISO_FORMAT}) AS now`);
      const id = `${record.type}_${String(now?.now).slice(0, 19).replace(/[-T:]/g, '_')}`;
      await this.db.run(`INSERT INTO ${auditName(target)} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
        OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, ACTION_ID, SPEC_HASH, SPEC, STEPS, ERROR, RUN_ID, ORIGIN)
        VALUES (${duckLiteral(id)}, now(), ${duckLiteral(record.type)}, ${duckLiteral(`action ${record.actionId}`)},
        ${duckLiteral(JSON.stringify(record.steps.filter((s) => s.object !== null).map((s) => ({ name: s.object, step: s.kind }))))},
        ${record.steps.filter((s) => s.object !== null).length}, ${duckLiteral(record.status)}, ${duckLiteral(record.actionId)},
        ${duckLiteral(record.specHash)}, ${duckLiteral(JSON.stringify(record.spec))}, ${duckLiteral(JSON.stringify(record.steps))},
        ${record.error === null ? 'NULL' : duckLiteral(record.error)}, ${duckLiteral(run.runId)}, ${duckLiteral(JSON.stringify(run.origin))})`);
      if (record.restoredTo !== null) await this.db.run(markRestoredTo(target, record.restoredTo));
      await this.db.run(syncRegistrySql(target.schema, target.auditTable));
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

  async query(target: TargetRef, sql: string): Promise<QueryResult> {
    this.catalog.clear();
    await this.ensureInternal();
    await this.db.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}; USE ${quoteIdent(target.schema)}`);
    const before = await this.tableOids(target);
    const writes = await this.db.mayWrite(sql);
    try {
      return await this.db.table(sql);
    } catch (error) {
      throw new CkptError('SQL_FAILED', (error as Error).message, { cause: error });
    } finally {
      // Objects created through ckpt get an exact creation time; a table whose oid changed
      // within this command was dropped and re-created: a new incarnation.
      const after = await this.tableOids(target);
      const recreated = [...after].filter(([name, oid]) => before.has(name) && before.get(name) !== oid).map(([name]) => name);
      if (recreated.length > 0) {
        await this.db.run(`DELETE FROM ${INTERNAL_SCHEMA}.objects WHERE ${inSchema(target.schema)} AND kind = 'TABLE'
          AND upper(name) IN (${recreated.map(duckLiteral).join(', ')})`);
      }
      if (after.size > 0 || before.size > 0) await this.db.run(syncRegistrySql(target.schema, target.auditTable));
      // The embedded warehouse is written only through ckpt: a statement that may write bumps the
      // content version of every table it names (ckpt's LAST_ALTERED; never a scan of the data).
      const names = writes ? writtenNames(sql) : [];
      if (names.length > 0) {
        await this.db.run(`UPDATE ${INTERNAL_SCHEMA}.objects o SET altered = ${nextContentVersion('o')}
          WHERE ${inSchema(target.schema, 'o.schema_name')} AND o.kind = 'TABLE' AND lower(o.name) IN (${names.map((n) => `lower(${duckLiteral(n)})`).join(', ')})`);
      }
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private async tableOids(target: TargetRef): Promise<Map<string, string>> {
    const rows = await this.db.query(`SELECT upper(table_name) AS name, table_oid::VARCHAR AS oid FROM duckdb_tables()
      WHERE database_name = current_database() AND ${inSchema(target.schema)}`);
    return new Map(rows.map((r) => [String(r.name), String(r.oid)]));
  }

  private ensured = false;
  private async ensureInternal(): Promise<void> {
    if (this.ensured) return;
    await this.db.run(INTERNAL_DDL);
    this.ensured = true;
  }

  /** Runs a step's body in one transaction; if it fails, the cached catalog is dropped with it. */
  private async inStep(body: () => Promise<void>): Promise<void> {
    await this.ensureInternal();
    try {
      await this.db.transaction(body);
    } catch (error) {
      this.catalog.clear();
      throw error;
    }
  }

  /** The schema's live objects, read from DuckDB's catalog once, then kept in step by the steps. */
  private async catalogOf(target: TargetRef): Promise<Map<string, CatalogRow>> {
    const key = target.schema.toUpperCase();
    let rows = this.catalog.get(key);
    if (rows === undefined) {
      rows = new Map((await this.db.query(liveObjectsQuery(target.schema, target.auditTable))).map((r) => [String(r.name).toUpperCase(), catalogRow(r)]));
      this.catalog.set(key, rows);
    }
    return rows;
  }

  private async liveRow(target: TargetRef, name: string): Promise<CatalogRow | undefined> {
    return (await this.catalogOf(target)).get(name.toUpperCase());
  }

  /** Records in the cached catalog what a step just did (after its transaction committed). */
  private async remember(target: TargetRef, name: string, row: CatalogRow | null): Promise<void> {
    const rows = await this.catalogOf(target);
    if (row === null) rows.delete(name.toUpperCase());
    else rows.set(name.toUpperCase(), row);
  }

  /**
   * Drops objects; each table's rows, DDL and comment go to the trash first. The registry and the
   * trash are written with one statement each for the whole batch (one scan, not one per object).
   */
  private async dropMany(target: TargetRef, steps: Array<Extract<Step, { kind: 'drop-object' }>>): Promise<void> {
    const present: Array<{ step: (typeof steps)[number]; live: CatalogRow }> = [];
    for (const step of steps) {
      const live = await this.liveRow(target, step.object.name);
      if (live !== undefined) present.push({ step, live }); // absent: already gone, progress (pitfall 11's local twin)
    }
    if (present.length === 0) return;
    const versions = await this.contentVersions(target, present.map((p) => p.step.object.name));
    const trashRows: string[] = [];
    for (const { step, live } of present) {
      const name = step.object.name;
      const object = qualifiedName({ database: null, schema: target.schema }, name);
      if (step.object.kind === 'VIEW' || live.kind === 'VIEW') {
        await this.db.run(`DROP VIEW IF EXISTS ${object}`);
        continue;
      }
      const trash = trashTableName();
      await this.db.run(`CREATE TABLE ${INTERNAL_SCHEMA}.${quoteIdent(trash)} AS SELECT * FROM ${object}`);
      await this.db.run(`DROP TABLE ${object}`);
      const altered = versions.get(name.toUpperCase());
      trashRows.push(`(${duckLiteral(trash)}, ${duckLiteral(target.schema)}, ${duckLiteral(name)}, ${duckLiteral(step.created)}::TIMESTAMPTZ, now(),
        ${duckLiteral(live.sql)}, ${live.comment === null ? 'NULL' : duckLiteral(live.comment)}, ${altered === undefined ? 'NULL' : `${duckLiteral(altered)}::TIMESTAMPTZ`})`);
    }
    if (trashRows.length > 0) {
      await this.db.run(`INSERT INTO ${INTERNAL_SCHEMA}.trash (trash_table, schema_name, name, created, dropped_on, sql, comment, altered) VALUES ${trashRows.join(', ')}`);
    }
    await this.forgetRegistered(target, present.map((p) => p.step.object.name));
    for (const { step } of present) await this.remember(target, step.object.name, null);
  }

  /** The registry's content version of each named table (one read). */
  private async contentVersions(target: TargetRef, names: string[]): Promise<Map<string, string>> {
    const rows = await this.db.query(`SELECT upper(o.name) AS key, strftime(max(${contentVersion('o')}), ${ISO_FORMAT}) AS altered
      FROM ${INTERNAL_SCHEMA}.objects o WHERE ${inSchema(target.schema, 'o.schema_name')} AND o.kind = 'TABLE'
      AND upper(o.name) IN (${names.map((n) => duckLiteral(n.toUpperCase())).join(', ')}) GROUP BY upper(o.name)`);
    return new Map(rows.filter((r) => r.altered !== null).map((r) => [String(r.key), String(r.altered)]));
  }

  /** Removes names from the registry (one statement). */
  private async forgetRegistered(target: TargetRef, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.run(`DELETE FROM ${INTERNAL_SCHEMA}.objects WHERE ${inSchema(target.schema)}
      AND upper(name) IN (${names.map((n) => duckLiteral(n.toUpperCase())).join(', ')})`);
  }

  /**
   * Brings tables back from the trash: each one's DDL, then its rows, then its comment; the
   * trash and the registry are updated with one statement each for the whole batch.
   */
  private async restoreMany(target: TargetRef, steps: Array<Extract<Step, { kind: 'restore-table' }>>): Promise<void> {
    const keys = steps.map((s) => duckLiteral(s.object.name.toUpperCase())).join(', ');
    const keptRows = await this.db.query(`SELECT upper(name) AS key, strftime(created, ${ISO_FORMAT}) AS created, trash_table, sql, comment,
        strftime(altered, ${ISO_FORMAT}) AS altered
      FROM ${INTERNAL_SCHEMA}.trash WHERE ${inSchema(target.schema)} AND upper(name) IN (${keys}) ORDER BY dropped_on DESC`);
    const restored: Array<{ row: CatalogRow; created: string; altered: string | null; trash: string }> = [];
    for (const step of steps) {
      const name = step.object.name;
      const kept = keptRows.find((k) => k.key === name.toUpperCase() && sameInstant(String(k.created), step.created));
      const live = await this.liveRow(target, name);
      if (kept === undefined) {
        if (live?.kind === 'TABLE') continue; // restored by an earlier, interrupted run: progress
        throw new CkptError('OBJECT_MISSING', `no kept copy of ${displayIdent(name)} (created ${step.created}) to restore`, {
          hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
        });
      }
      if (live !== undefined) {
        throw new CkptError('NAME_TAKEN', `cannot restore ${displayIdent(name)}: an object of that name exists`, {
          hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
        });
      }
      const object = qualifiedName({ database: null, schema: target.schema }, name);
      const trash = `${INTERNAL_SCHEMA}.${quoteIdent(String(kept.trash_table))}`;
      await this.db.run(`USE ${quoteIdent(target.schema)}`);
      await this.db.run(String(kept.sql));
      await this.db.run(`INSERT INTO ${object} SELECT * FROM ${trash}`);
      if (kept.comment !== null) await this.db.run(`COMMENT ON TABLE ${object} IS ${duckLiteral(String(kept.comment))}`);
      await this.db.run(`DROP TABLE ${trash}`);
      const row: CatalogRow = { name, kind: 'TABLE', sql: String(kept.sql), comment: kept.comment === null ? null : String(kept.comment) };
      restored.push({ row, created: step.created, altered: kept.altered === null ? null : String(kept.altered), trash: String(kept.trash_table) });
    }
    if (restored.length === 0) return;
    await this.db.run(`DELETE FROM ${INTERNAL_SCHEMA}.trash WHERE trash_table IN (${restored.map((r) => duckLiteral(r.trash)).join(', ')})`);
    await this.registerTables(target, restored);
  }

  /**
   * Registers tables ckpt (re-)created from kept DDL, each as its incarnation `created` with
   * content version `altered`, in the registry (one statement each way) and the cached catalog.
   */
  private async registerTables(target: TargetRef, tables: Array<{ row: CatalogRow; created: string; altered: string | null }>): Promise<void> {
    await this.forgetRegistered(target, tables.map((t) => t.row.name));
    const values = tables.map(
      (t) => `(${duckLiteral(target.schema)}, ${duckLiteral(t.row.name)}, 'TABLE', ${duckLiteral(t.created)}::TIMESTAMPTZ, ${duckLiteral(t.row.sql)},
        ${t.altered === null ? 'NULL' : `${duckLiteral(t.altered)}::TIMESTAMPTZ`})`,
    );
    await this.db.run(`INSERT INTO ${INTERNAL_SCHEMA}.objects (schema_name, name, kind, created, sql, altered) VALUES ${values.join(', ')}`);
    for (const t of tables) await this.remember(target, t.row.name, t.row);
  }

  /**
   * \`keep: clone\` on the embedded warehouse: a copy of every table's rows in the hidden schema,
   * with its DDL and comment, registered under the checkpoint (same transaction as its audit row).
   */
  private async keepCopies(target: TargetRef, checkpointId: string): Promise<void> {
    const tables = await this.db.query(`SELECT l.name, l.sql, l.comment, strftime(r.created, ${ISO_FORMAT}) AS created
      FROM (${liveObjectsQuery(target.schema, target.auditTable)}) l JOIN ${INTERNAL_SCHEMA}.objects r
        ON ${inSchema(target.schema, 'r.schema_name')} AND lower(r.name) = lower(l.name) AND r.kind = 'TABLE'
      WHERE l.kind = 'TABLE'`);
    for (const t of tables) {
      const copy = trashTableName('kept');
      await this.db.run(`CREATE TABLE ${INTERNAL_SCHEMA}.${quoteIdent(copy)} AS SELECT * FROM ${qualifiedName({ database: null, schema: target.schema }, String(t.name))}`);
      await this.db.run(`INSERT INTO ${INTERNAL_SCHEMA}.kept (schema_name, checkpoint_id, name, created, copy_table, sql, comment)
        VALUES (${duckLiteral(target.schema)}, ${duckLiteral(checkpointId)}, ${duckLiteral(String(t.name))}, ${duckLiteral(String(t.created))}::TIMESTAMPTZ,
        ${duckLiteral(copy)}, ${duckLiteral(String(t.sql))}, ${t.comment === null ? 'NULL' : duckLiteral(String(t.comment))})`);
    }
  }

  /** Drops the copies a checkpoint kept, and nothing else (expiry). */
  private async dropCopies(target: TargetRef, checkpointId: string): Promise<void> {
    const copies = await this.db.query(`SELECT copy_table FROM ${INTERNAL_SCHEMA}.kept
      WHERE ${inSchema(target.schema)} AND checkpoint_id = ${duckLiteral(checkpointId)}`);
    for (const c of copies) await this.db.run(`DROP TABLE IF EXISTS ${INTERNAL_SCHEMA}.${quoteIdent(String(c.copy_table))}`);
    await this.db.run(`DELETE FROM ${INTERNAL_SCHEMA}.kept WHERE ${inSchema(target.schema)} AND checkpoint_id = ${duckLiteral(checkpointId)}`);
  }

  /**
   * Puts a table's rows and columns back as a checkpoint kept them (or re-creates a missing
   * table from that copy): drop, the kept DDL, the kept rows, the comment; the registry keeps the
   * checkpoint's incarnation and content version, so the next plan sees it unchanged. One
   * transaction: a failure changes nothing. Re-running it after success is a no-op (progress).
   */
  private async restoreContent(target: TargetRef, step: Extract<Step, { kind: 'restore-content' }>): Promise<void> {
    if (step.from.kind !== 'clone') {
      throw new CkptError('INTERNAL', `the embedded warehouse has no Time Travel; cannot restore ${displayIdent(step.object.name)} AT ${step.from.at}`);
    }
    const name = step.object.name;
    const [kept] = await this.db.query(`SELECT copy_table, sql, comment FROM ${INTERNAL_SCHEMA}.kept
      WHERE ${inSchema(target.schema)} AND checkpoint_id = ${duckLiteral(step.from.checkpointId)} AND lower(name) = lower(${duckLiteral(name)})
      AND created = ${duckLiteral(step.created)}::TIMESTAMPTZ LIMIT 1`);
    if (kept === undefined) {
      throw new CkptError('OBJECT_MISSING', `checkpoint ${step.from.checkpointId} kept no copy of ${displayIdent(name)} (created ${step.created})`, {
        hint: 'run `ckpt reconcile --plan` again: the checkpoint may have been expired since the plan was made',
      });
    }
    const live = await this.liveRow(target, name);
    if (live?.kind === 'VIEW') {
      throw new CkptError('NAME_TAKEN', `cannot restore table ${displayIdent(name)}: a view of that name exists`, {
        hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
      });
    }
    const object = qualifiedName({ database: null, schema: target.schema }, name);
    if (live !== undefined) {
      const [reg] = await this.db.query(`SELECT strftime(created, ${ISO_FORMAT}) AS created, strftime(${contentVersion('o')}, ${ISO_FORMAT}) AS altered
        FROM ${INTERNAL_SCHEMA}.objects o WHERE ${inSchema(target.schema)} AND lower(name) = lower(${duckLiteral(name)}) AND kind = 'TABLE'`);
      if (reg !== undefined && step.lastAltered !== null && sameInstant(String(reg.created), step.created) && sameInstant(String(reg.altered), step.lastAltered)
        && live.sql === String(kept.sql)) {
        return; // reverted by an earlier, interrupted run: progress
      }
      await this.db.run(`DROP TABLE ${object}`);
    }
    await this.db.run(`USE ${quoteIdent(target.schema)}`);
    await this.db.run(String(kept.sql));
    await this.db.run(`INSERT INTO ${object} SELECT * FROM ${INTERNAL_SCHEMA}.${quoteIdent(String(kept.copy_table))}`);
    if (kept.comment !== null) await this.db.run(`COMMENT ON TABLE ${object} IS ${duckLiteral(String(kept.comment))}`);
    const row: CatalogRow = { name, kind: 'TABLE', sql: String(kept.sql), comment: kept.comment === null ? null : String(kept.comment) };
    await this.registerTables(target, [{ row, created: step.created, altered: step.lastAltered }]);
  }

  /** Re-creates a view from its captured definition (DuckDB has no UNDROP either). */
  private async recreateView(target: TargetRef, name: string, definition: string): Promise<void> {
    const live = await this.liveRow(target, name);
    if (live?.kind === 'VIEW' && live.sql === definition) return; // already back: progress
    if (live !== undefined) {
      throw new CkptError('NAME_TAKEN', `cannot re-create view ${displayIdent(name)}: an object of that name exists`, {
        hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
      });
    }
    await this.db.run(`USE ${quoteIdent(target.schema)}`);
    await this.db.run(definition);
    await this.db.run(`INSERT INTO ${INTERNAL_SCHEMA}.objects (schema_name, name, kind, created, sql)
      VALUES (${duckLiteral(target.schema)}, ${duckLiteral(name)}, 'VIEW', now(), ${duckLiteral(definition)})`);
    await this.remember(target, name, { name, kind: 'VIEW', sql: definition, comment: null });
  }
}

/**
 * Snowflake behind the Warehouse interface: observe in at most three round trips, a checkpoint
 * in one server-side statement, drops with IF EXISTS, UNDROP for tables (with the rename-aside
 * loop when newer versions of the name were dropped since: pitfall 2), views re-created from
 * their captured definition (pitfall 1). Every statement carries a QUERY_TAG naming ckpt.
 */
import { MAX_DELAY_MS, wholeNumberFromEnv } from '../../model/env.js';
import { CkptError } from '../../model/errors.js';
import type { Logger } from '../../model/logger.js';
import type { DroppedObject, LiveObject, Observed } from '../../model/observed.js';
import type { Step } from '../../model/plan.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { sameInstant } from '../../model/time.js';
import { version } from '../../version.js';
import { readAuditRows } from '../audit-rows.js';
import { cloneSchemaName } from '../../model/desired.js';
import type { InventoryEntry } from '../../model/observed.js';
import type { JournalEntry, LeaseDialect, LeaseRow } from '../lease-sql.js';
import { LeaseStore } from '../lease-store.js';
import type { ActionRecord, Capabilities, QueryResult, RunContext, TargetRef, Warehouse } from '../warehouse.js';
import { resolveConnection, type ConnectionEnvironment } from './snowflake-connection.js';
import { SnowflakeDriver, loadSdk, type DriverLimits, type SfRow } from './snowflake-driver.js';
import {
  auditDdl,
  auditInsert,
  auditQuery,
  checkpointInsert,
  columnsQuery,
  CONTENT_RESTORE_TYPE,
  contentRestoreInsert,
  historyQuery,
  isoText,
  objectName,
  objectsQuery,
  schemaName,
  setCheckpointStatus,
  sfLiteral,
  stateQuery,
  type SfTarget,
} from './snowflake-sql.js';

/** Options to open a Snowflake connection. */
export interface SnowflakeOpenOptions {
  connectionName: string;
  logger: Logger;
  environment?: ConnectionEnvironment;
  limits?: Partial<DriverLimits>;
}

const DEFAULT_LIMITS: DriverLimits = { statementTimeoutMs: 60_000, retries: 3, backoffMs: 250 };

/** Snowflake behind the Warehouse interface. */
export class SnowflakeWarehouse implements Warehouse {
  readonly capabilities: Capabilities = {
    nameMatching: 'exact',
    transactionalDdl: false,
    nativeUndrop: true,
    maxConcurrency: 8,
    timeTravel: true,
    zeroCopyClone: true,
  };
  /** The schema the session was last set to, and the USE SCHEMA that sets it (shared by concurrent steps). */
  private currentSchema: { schema: string; set: Promise<unknown> } | null = null;
  /**
   * Each audit table's content-restore lineage, as read by `observe` (or on first need). Only
   * this writer, holding the lease, adds to it: `restoreContent` drops the entry it changes.
   */
  private readonly lineages = new Map<string, Lineage>();

  private constructor(
    private readonly driver: SnowflakeDriver,
    private readonly sessionDatabase: string | null,
  ) {}

  /** Resolves the connections.toml entry, connects, and sets the session to UTC. */
  static async open(options: SnowflakeOpenOptions): Promise<SnowflakeWarehouse> {
    const lib = await loadSdk();
    const resolved = resolveConnection(options.connectionName, (o) => lib.normalizeConnectionOptions(o), options.environment);
    for (const warning of resolved.warnings) options.logger.warn(warning);
    const env = options.environment?.env ?? process.env;
    const limits: DriverLimits = {
      ...DEFAULT_LIMITS,
      statementTimeoutMs: wholeNumberFromEnv('CKPT_STATEMENT_TIMEOUT_MS', env, { fallback: DEFAULT_LIMITS.statementTimeoutMs, min: 1, max: MAX_DELAY_MS, unit: 'milliseconds' }),
      ...options.limits,
    };
    const driver = await SnowflakeDriver.connect(resolved.options, limits, `connection ${options.connectionName}`);
    try {
      const [, current] = await driver.execute(`ALTER SESSION SET TIMEZONE = 'UTC'; SELECT CURRENT_DATABASE() AS DB`, {
        statements: 2,
        tag: queryTag({ command: 'connect' }),
      });
      const db = current?.[0]?.DB;
      return new SnowflakeWarehouse(driver, typeof db === 'string' && db !== '' ? db : null);
    } catch (error) {
      await driver.close();
      throw error;
    }
  }

  private resolve(target: TargetRef): SfTarget {
    const database = target.database ?? this.sessionDatabase;
    if (database === null) {
      throw new CkptError('CONFIG_INVALID', `target ${target.name} names no database and its connection has none`, {
        hint: 'add `database:` to the target, or `database` to the connection in connections.toml',
      });
    }
    return { database, schema: target.schema, auditTable: target.auditTable };
  }

  async observe(target: TargetRef): Promise<Observed> {
    const t = this.resolve(target);
    const tag = queryTag({ command: 'observe', target: target.name });
    const [state, objects] = await this.driver.execute(`${stateQuery(t)};\n${objectsQuery(t)}`, { statements: 2, tag });
    const now = String(state?.[0]?.NOW);
    const auditTableExists = Number(state?.[0]?.AUDIT_COUNT ?? 0) > 0;
    let schemaExists = true;
    let history: SfRow[] = [];
    try {
      history = await this.driver.rows(historyQuery(t), { tag });
    } catch (error) {
      if (!(error instanceof CkptError) || error.code !== 'OBJECT_MISSING') throw error;
      schemaExists = false;
    }
    const audit = auditTableExists ? await this.driver.rows(auditQuery(t), { tag }) : [];
    const { checkpoints, actions } = readAuditRows(audit, toIso);
    const lineage = readLineage(audit);
    this.lineages.set(objectName(t, t.auditTable), lineage);
    const clones = new Set(parseList(state?.[0]?.CLONES));
    for (const c of checkpoints) {
      const clone = cloneSchemaName(t.schema, c.id);
      c.clone = c.keep === 'clone' && clones.has(clone) ? clone : null;
      c.objects = c.objects.map((o) => lineage.map(o, false));
    }
    return {
      now,
      nameMatching: 'exact',
      schemaExists,
      auditTableExists,
      objects: (objects ?? []).map(liveObject).map((o) => lineage.map(o, true)),
      dropped: droppedVersions(history, now).map((d) => ({ ...d, created: lineage.incarnation(d.name, d.created) })),
      checkpoints,
      actions,
    };
  }

  describe(target: TargetRef, step: Step): string[] {
    const t = this.resolve(target);
    switch (step.kind) {
      case 'init-audit':
        return [auditDdl(t), auditInsert(t)];
      case 'take-checkpoint':
        return [
          ...(step.keep === 'clone' ? [cloneSchemaDdl(t, step.checkpointId)] : []),
          checkpointInsert(t, { id: step.checkpointId, type: step.checkpointType, description: step.description, runId: '<run>', origin: '{}', keep: step.keep }),
        ];
      case 'expire-checkpoint':
        return [setCheckpointStatus(t, step.checkpointId, 'DELETED'), ...(step.keep === 'clone' ? [dropCloneDdl(t, step.checkpointId)] : [])];
      case 'restore-content':
        return contentSql(t, step, null, null);
      case 'drop-object':
        return [`DROP ${step.object.kind} IF EXISTS ${objectName(t, step.object.name)}`];
      case 'restore-table':
        return [`USE SCHEMA ${schemaName(t)}`, `UNDROP TABLE ${objectName(t, step.object.name)}`];
      case 'recreate-view':
        return [`USE SCHEMA ${schemaName(t)}`, step.definition];
      case 'record-action':
        return [auditInsert(t)];
    }
  }

  async execute(target: TargetRef, step: Step, run: RunContext): Promise<void> {
    const t = this.resolve(target);
    const tag = queryTag({ command: run.command, target: target.name, step: step.kind, group: step.group, run: run.runId });
    switch (step.kind) {
      case 'init-audit': {
        await this.driver.execute(auditDdl(t), { tag });
        const [row] = await this.driver.rows(
          `SELECT COUNT(*) AS N FROM ${objectName(t, t.auditTable)} WHERE CHECKPOINT_TYPE = 'SYSTEM_INIT'`,
          { tag },
        );
        if (Number(row?.N ?? 0) === 0) {
          await this.driver.execute(auditInsert(t), {
            tag,
            binds: ['SYSTEM_INIT', 'SYSTEM_INIT', 'audit table created by ckpt', '[]', 0, 'ACTIVE', null, null, 'null', 'null', null, run.runId, JSON.stringify(run.origin)],
          });
        }
        return;
      }
      case 'take-checkpoint':
        // The clone first (IF NOT EXISTS: a retried step is progress), then the audit row, so
        // that a recorded keep: clone checkpoint always has its clone (pitfall 11).
        if (step.keep === 'clone') await this.driver.execute(cloneSchemaDdl(t, step.checkpointId), { tag });
        await this.driver.execute(
          checkpointInsert(t, {
            id: step.checkpointId,
            type: step.checkpointType,
            description: step.description,
            runId: run.runId,
            origin: JSON.stringify(run.origin),
            keep: step.keep,
          }),
          { tag },
        );
        return;
      case 'expire-checkpoint':
        await this.driver.execute(setCheckpointStatus(t, step.checkpointId, 'DELETED'), { tag });
        // Only the clone this checkpoint made, by its conventional name: nothing else.
        if (step.keep === 'clone') await this.driver.execute(dropCloneDdl(t, step.checkpointId), { tag });
        return;
      case 'restore-content':
        await this.restoreContent(t, step, run, tag);
        return;
      case 'drop-object':
        // IF EXISTS: a drop that already happened is progress (pitfall 11: DDL auto-commits).
        await this.driver.execute(`DROP ${step.object.kind} IF EXISTS ${objectName(t, step.object.name)}`, { tag });
        return;
      case 'restore-table':
        await this.restoreTable(t, step.object.name, step.created, tag);
        return;
      case 'recreate-view':
        await this.recreateView(t, step.object.name, step.definition, tag);
        return;
      case 'record-action':
        throw new CkptError('INTERNAL', 'record-action is written through recordAction');
    }
  }

  async recordAction(target: TargetRef, record: ActionRecord, run: RunContext): Promise<void> {
    const t = this.resolve(target);
    const tag = queryTag({ command: run.command, target: target.name, step: 'record-action', group: record.actionId, run: run.runId });
    const [now] = await this.driver.rows(`SELECT ${'TO_VARCHAR(CURRENT_TIMESTAMP(), \'YYYY_MM_DD_HH24_MI_SS\')'} AS ID`, { tag });
    const touched = record.steps.filter((s) => s.object !== null);
    await this.driver.execute(auditInsert(t), {
      tag,
      binds: [
        `${record.type}_${String(now?.ID ?? '')}`,
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
    if (record.status === 'APPLIED' && record.checkpointId !== null && (record.type === 'RESET' || record.type === 'RESTORE')) {
      await this.driver.execute(setCheckpointStatus(t, record.checkpointId, 'RESTORED_TO', 'ACTIVE'), { tag });
    }
  }

  async takeLease(target: TargetRef, holder: string, info: string, ttlMs: number): Promise<LeaseRow[]> {
    return this.leases(target).take(holder, info, ttlMs);
  }

  async renewLease(target: TargetRef, holder: string, ttlMs: number): Promise<boolean> {
    return this.leases(target).renew(holder, ttlMs);
  }

  async releaseLease(target: TargetRef, holder: string): Promise<void> {
    await this.leases(target).release(holder);
  }

  async breakLease(target: TargetRef): Promise<LeaseRow[]> {
    return this.leases(target).break();
  }

  async journal(target: TargetRef, entries: JournalEntry[]): Promise<void> {
    await this.leases(target).journal(entries);
  }

  async readJournal(target: TargetRef): Promise<Array<JournalEntry & { at: string }>> {
    return this.leases(target).readJournal();
  }

  /** The target's lease and journal in Snowflake's dialect; several statements go in one request. */
  private leases(target: TargetRef): LeaseStore {
    return new LeaseStore({
      dialect: leaseDialect(this.resolve(target)),
      auditTable: target.auditTable,
      prelude: [],
      run: async (statements, purpose) => {
        const results = await this.driver.execute(statements.join(';\n'), {
          ...(statements.length > 1 ? { statements: statements.length } : {}),
          tag: queryTag({ command: purpose, target: target.name }),
        });
        return results[results.length - 1] ?? [];
      },
      isMissingTable: (error) => error instanceof CkptError && error.code === 'OBJECT_MISSING',
    });
  }

  async query(target: TargetRef, sql: string): Promise<QueryResult> {
    await this.useSchema(this.resolve(target), queryTag({ command: 'sql', target: target.name }));
    try {
      return await this.driver.table(sql);
    } finally {
      // The user's SQL may have changed the session's schema, or the audit table.
      this.currentSchema = null;
      this.lineages.clear();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /** UNDROP runs against the session's schema on some accounts: set it and qualify (pitfall 19). */
  private async useSchema(t: SfTarget, tag: string): Promise<void> {
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

  /**
   * Brings back the dropped version created at `created`. UNDROP restores the newest dropped
   * version of a name (pitfall 2), so newer dropped versions are undropped and renamed aside
   * first, then dropped again under their aside names once the original is back.
   */
  private async restoreTable(t: SfTarget, name: string, created: string, tag: string): Promise<void> {
    await this.useSchema(t, tag);
    const lineage = await this.lineage(t, tag);
    const versions = (await this.driver.rows(historyQuery(t, name), { tag }))
      .filter((r) => r.name === name)
      .map((r): SfRow => ({ ...r, created_on: lineage.incarnation(name, String(toIso(r.created_on))) }));
    const live = versions.find((r) => r.dropped_on === null || r.dropped_on === undefined);
    if (live !== undefined) {
      if (sameInstant(String(toIso(live.created_on)), created)) return; // restored by an earlier, interrupted run
      throw new CkptError('NAME_TAKEN', `cannot restore ${displayIdent(name)}: a table of that name exists`, {
        hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
      });
    }
    const dropped = versions
      .filter((r) => r.dropped_on !== null && r.dropped_on !== undefined)
      .sort((a, b) => Date.parse(String(toIso(b.dropped_on))) - Date.parse(String(toIso(a.dropped_on))));
    const index = dropped.findIndex((r) => sameInstant(String(toIso(r.created_on)), created));
    if (index < 0) {
      throw new CkptError('OBJECT_MISSING', `the version of ${displayIdent(name)} created ${created} is no longer in Time Travel`, {
        hint: 'its retention has passed (pitfall 3); run `ckpt reconcile --plan` to see what can still be restored',
      });
    }
    const table = objectName(t, name);
    const asides: string[] = [];
    for (let i = 0; i < index; i += 1) {
      const aside = `${name.slice(0, 200)}__CKPT_ASIDE_${Date.now().toString(36)}_${i}`;
      await this.driver.execute(`UNDROP TABLE ${table}`, { tag });
      await this.driver.execute(`ALTER TABLE ${table} RENAME TO ${objectName(t, aside)}`, { tag });
      asides.push(aside);
    }
    await this.driver.execute(`UNDROP TABLE ${table}`, { tag });
    for (const aside of asides) await this.driver.execute(`DROP TABLE IF EXISTS ${objectName(t, aside)}`, { tag });
  }

  /** The content-restore lineage of the audit table (empty when it does not exist), read once. */
  private async lineage(t: SfTarget, tag: string): Promise<Lineage> {
    const key = objectName(t, t.auditTable);
    const known = this.lineages.get(key);
    if (known !== undefined) return known;
    let lineage: Lineage;
    try {
      lineage = readLineage(await this.driver.rows(`SELECT CHECKPOINT_TYPE, OBJECTS_SNAPSHOT FROM ${key}
        WHERE CHECKPOINT_TYPE = ${sfLiteral(CONTENT_RESTORE_TYPE)} ORDER BY CHECKPOINT_TIMESTAMP`, { tag }));
    } catch (error) {
      if (!(error instanceof CkptError) || error.code !== 'OBJECT_MISSING') throw error;
      lineage = readLineage([]);
    }
    this.lineages.set(key, lineage);
    return lineage;
  }

  /**
   * Reverts a table's rows and columns to a checkpoint's, in place, so that the table keeps its
   * identity (CREATED) and its own Time Travel history: columns added since are dropped (a kept
   * clone's columns missing now are added back), then one atomic INSERT OVERWRITE reads the rows
   * AT the checkpoint (explicit TIMESTAMP_LTZ cast: pitfall 13) or from the clone. A missing table
   * is re-created as a zero-copy clone of the clone's table. Then a CONTENT_RESTORE audit row
   * records what the table now stands for. Re-running it is progress (pitfall 11): the AT point
   * and the clone are fixed, so the same statements give the same content.
   */
  private async restoreContent(t: SfTarget, step: Extract<Step, { kind: 'restore-content' }>, run: RunContext, tag: string): Promise<void> {
    const name = step.object.name;
    const liveColumns = (await this.driver.rows(columnsQuery(t, t.schema, name), { tag })).map(columnOf);
    const sourceColumns = step.from.kind === 'clone'
      ? (await this.driver.rows(columnsQuery(t, step.from.location, name), { tag })).map(columnOf)
      : null;
    if (step.from.kind === 'clone' && (sourceColumns ?? []).length === 0) {
      throw new CkptError('OBJECT_MISSING', `the clone ${displayIdent(step.from.location)} holds no table ${displayIdent(name)}`, {
        hint: 'the clone was changed or dropped outside ckpt; run `ckpt reconcile --plan` again',
      });
    }
    if (step.missing && liveColumns.length > 0) {
      const lineage = await this.lineage(t, tag);
      const [live] = await this.driver.rows(`SELECT ${isoText('CREATED')} AS CREATED FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.TABLES
        WHERE TABLE_SCHEMA = ${sfLiteral(t.schema)} AND TABLE_NAME = ${sfLiteral(name)}`, { tag });
      if (live !== undefined && sameInstant(lineage.incarnation(name, String(toIso(live.CREATED))), step.created)) return; // done before
      throw new CkptError('NAME_TAKEN', `cannot re-create table ${displayIdent(name)}: an object of that name exists`, {
        hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
      });
    }
    if (!step.missing && liveColumns.length === 0) {
      throw new CkptError('OBJECT_MISSING', `table ${displayIdent(name)} does not exist any more`, {
        hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
      });
    }
    for (const statement of contentSql(t, step, liveColumns, sourceColumns)) await this.driver.execute(statement, { tag });
    await this.driver.execute(
      contentRestoreInsert(t, { name, incarnation: step.created, contentAs: step.lastAltered, checkpointId: step.checkpointId, runId: run.runId, origin: JSON.stringify(run.origin) }),
      { tag },
    );
    this.lineages.delete(objectName(t, t.auditTable));
  }

  /** Re-creates a view from its captured CREATE statement (there is no UNDROP VIEW: pitfall 1). */
  private async recreateView(t: SfTarget, name: string, definition: string, tag: string): Promise<void> {
    await this.useSchema(t, tag);
    const [existing] = await this.driver.rows(
      `SELECT t.TABLE_TYPE AS TABLE_TYPE, v.VIEW_DEFINITION AS VIEW_DEFINITION FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.TABLES t
       LEFT JOIN ${quoteIdent(t.database)}.INFORMATION_SCHEMA.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
       WHERE t.TABLE_SCHEMA = ${sfLiteral(t.schema)} AND t.TABLE_NAME = ${sfLiteral(name)}`,
      { tag },
    );
    if (existing !== undefined) {
      if (existing.TABLE_TYPE === 'VIEW' && existing.VIEW_DEFINITION === definition) return; // already back
      throw new CkptError('NAME_TAKEN', `cannot re-create view ${displayIdent(name)}: an object of that name exists`, {
        hint: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
      });
    }
    await this.driver.execute(definition, { tag });
  }
}

/** Lease and journal SQL in Snowflake's dialect, in the target's schema. */
function leaseDialect(t: SfTarget): LeaseDialect {
  return {
    schema: schemaName(t),
    literal: sfLiteral,
    timestampType: 'TIMESTAMP_LTZ',
    now: 'CURRENT_TIMESTAMP()',
    nowPlusMs: (ms) => `DATEADD('millisecond', ${Math.trunc(ms)}, CURRENT_TIMESTAMP())`,
    iso: isoText,
  };
}

/** The QUERY_TAG of a statement: ckpt, its version and what it is doing (never a secret). */
function queryTag(fields: Record<string, string>): string {
  return JSON.stringify({ tool: 'ckpt', version, ...fields });
}

/** A timestamp from the driver (Date, ISO or Snowflake text) → ISO, or null. */
function toIso(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString();
  const text = String(value);
  const ms = Date.parse(text.includes('T') ? text : text.replace(' ', 'T').replace(/ ([+-]\d{2}):?(\d{2})$/, '$1:$2').replace(/ Z$/, 'Z'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** `CREATE SCHEMA ... CLONE` for a keep: clone checkpoint (hybrid tables cannot be cloned: pitfalls 5 and 14). */
function cloneSchemaDdl(t: SfTarget, checkpointId: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.database)}.${quoteIdent(cloneSchemaName(t.schema, checkpointId))} CLONE ${schemaName(t)} IGNORE HYBRID TABLES`;
}

function dropCloneDdl(t: SfTarget, checkpointId: string): string {
  return `DROP SCHEMA IF EXISTS ${quoteIdent(t.database)}.${quoteIdent(cloneSchemaName(t.schema, checkpointId))}`;
}

interface ColumnInfo {
  name: string;
  type: string;
}

function columnOf(row: SfRow): ColumnInfo {
  const base = String(row.DATA_TYPE ?? 'TEXT');
  const p = row.NUMERIC_PRECISION;
  const type = base === 'NUMBER' && p !== null && p !== undefined ? `NUMBER(${Number(p)},${Number(row.NUMERIC_SCALE ?? 0)})` : base;
  return { name: String(row.COLUMN_NAME), type };
}

/**
 * The statements of a content revert. \`live\`/\`source\` are the columns now and in the clone
 * (null for display, when they are not read yet). Names are quoted exactly as stored (pitfall 8).
 */
function contentSql(t: SfTarget, step: Extract<Step, { kind: 'restore-content' }>, live: ColumnInfo[] | null, source: ColumnInfo[] | null): string[] {
  const table = objectName(t, step.object.name);
  if (step.from.kind === 'clone' && step.missing) {
    return [`CREATE TABLE ${table} CLONE ${quoteIdent(t.database)}.${quoteIdent(step.from.location)}.${quoteIdent(step.object.name)}`];
  }
  const wanted = source?.map((c) => c.name) ?? step.columns;
  const statements: string[] = [];
  if (live !== null && wanted !== null) {
    for (const c of live) if (!wanted.includes(c.name)) statements.push(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(c.name)}`);
    for (const c of source ?? []) if (!live.some((l) => l.name === c.name)) statements.push(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`);
  } else if (wanted !== null) {
    statements.push(`-- columns not in the checkpoint are dropped (${wanted.map(quoteIdent).join(', ')} are kept)`);
  }
  const cols = wanted === null ? '*' : wanted.map(quoteIdent).join(', ');
  const into = wanted === null ? table : `${table} (${cols})`;
  const from = step.from.kind === 'time-travel'
    ? `${table} AT(TIMESTAMP => ${sfLiteral(step.from.at)}::TIMESTAMP_LTZ)`
    : `${quoteIdent(t.database)}.${quoteIdent(step.from.location)}.${quoteIdent(step.object.name)}`;
  statements.push(`INSERT OVERWRITE INTO ${into} SELECT ${cols} FROM ${from}`);
  return statements;
}

/** Identity and content-version mapping read from CONTENT_RESTORE audit rows (see contentRestoreInsert). */
interface Lineage {
  /** The incarnation a table version (name, raw CREATED) stands for. */
  incarnation(name: string, created: string): string;
  /** An object with its incarnation and content version mapped (and, live, where its history starts). */
  map<T extends InventoryEntry>(entry: T, live: boolean): T;
}

function readLineage(rows: SfRow[]): Lineage {
  const created = new Map<string, string>();
  const content = new Map<string, string>();
  const ms = (iso: unknown) => String(Date.parse(String(toIso(iso))));
  for (const row of rows) {
    if (row.CHECKPOINT_TYPE !== CONTENT_RESTORE_TYPE) continue;
    const value: unknown = typeof row.OBJECTS_SNAPSHOT === 'string' ? JSON.parse(row.OBJECTS_SNAPSHOT) : row.OBJECTS_SNAPSHOT;
    for (const raw of Array.isArray(value) ? value : []) {
      const e = raw as Record<string, unknown>;
      if (typeof e.name !== 'string' || typeof e.incarnation !== 'string') continue;
      const key = `${e.name}\u0000${ms(e.created)}`;
      created.set(key, e.incarnation);
      if (typeof e.content_as === 'string') content.set(`${key}\u0000${ms(e.last_altered)}`, e.content_as);
      else content.delete(`${key}\u0000${ms(e.last_altered)}`);
    }
  }
  return {
    incarnation: (name, at) => created.get(`${name}\u0000${ms(at)}`) ?? at,
    map(entry, live) {
      if (entry.kind !== 'TABLE') return entry;
      const key = `${entry.name}\u0000${ms(entry.created)}`;
      const incarnation = created.get(key);
      if (incarnation === undefined) return entry;
      const contentAs = entry.lastAltered === null ? undefined : content.get(`${key}\u0000${ms(entry.lastAltered)}`);
      return {
        ...entry,
        created: incarnation,
        ...(contentAs === undefined ? {} : { lastAltered: contentAs }),
        ...(live && !sameInstant(incarnation, entry.created) ? { timeTravelFrom: entry.created } : {}),
      };
    },
  };
}

function parseList(value: unknown): string[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

function liveObject(row: SfRow): LiveObject {
  const kind = row.TABLE_TYPE === 'VIEW' ? 'VIEW' : 'TABLE';
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    name: String(row.NAME),
    kind,
    created: toIso(row.CREATED) ?? '1970-01-01T00:00:00.000Z',
    lastAltered: toIso(row.LAST_ALTERED),
    rowCount: kind === 'TABLE' ? num(row.ROW_COUNT) : null,
    bytes: kind === 'TABLE' ? num(row.BYTES) : null,
    retentionDays: kind === 'TABLE' ? num(row.RETENTION_TIME) : null,
    transient: row.IS_TRANSIENT === 'YES',
    hybrid: row.IS_HYBRID === 'YES',
    definition: kind === 'VIEW' && typeof row.VIEW_DEFINITION === 'string' ? row.VIEW_DEFINITION : null,
    columns: kind === 'TABLE' ? parseList(row.COLS ?? null) : null,
  };
}

/**
 * Dropped versions still restorable: SHOW TABLES HISTORY rows with dropped_on, until dropped_on
 * plus their retention (pitfall 3); hybrid tables cannot be undropped (pitfall 5).
 */
function droppedVersions(rows: SfRow[], now: string): DroppedObject[] {
  return rows
    .filter((r) => r.dropped_on !== null && r.dropped_on !== undefined && String(r.is_hybrid ?? 'N').toUpperCase() !== 'Y')
    .map((r) => {
      const droppedOn = toIso(r.dropped_on) ?? now;
      const until = new Date(Date.parse(droppedOn) + Number(r.retention_time ?? 1) * 86_400_000).toISOString();
      return { name: String(r.name), kind: 'TABLE' as const, created: toIso(r.created_on) ?? droppedOn, droppedOn, restorableUntil: until };
    })
    .filter((d) => d.restorableUntil > now)
    .sort((a, b) => (a.droppedOn < b.droppedOn ? 1 : a.droppedOn > b.droppedOn ? -1 : 0));
}


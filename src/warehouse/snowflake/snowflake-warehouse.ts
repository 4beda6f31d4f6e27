/**
 * Snowflake behind the Warehouse interface: observe in at most three round trips, a checkpoint
 * in one server-side statement, drops with IF EXISTS, UNDROP for tables (with the rename-aside
 * loop when newer versions of the name were dropped since: pitfall 2), views re-created from
 * their captured definition (pitfall 1). Every statement carries a QUERY_TAG naming ckpt.
 */
import { CkptError } from '../../model/errors.js';
import type { Logger } from '../../model/logger.js';
import type { DroppedObject, LiveObject, Observed } from '../../model/observed.js';
import type { Step } from '../../model/plan.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { sameInstant } from '../../model/time.js';
import { version } from '../../version.js';
import { readAuditRows } from '../audit-rows.js';
import { internalTables } from '../../model/desired.js';
import {
  journalInsert,
  journalRead,
  leaseBreak,
  leaseRead,
  leaseRelease,
  leaseRenew,
  leaseSetup,
  leaseTake,
  readJournalRows,
  readLeaseRows,
  type JournalEntry,
  type LeaseDialect,
  type LeaseRow,
} from '../lease-sql.js';
import type { ActionRecord, Capabilities, QueryResult, RunContext, TargetRef, Warehouse } from '../warehouse.js';
import { resolveConnection, type ConnectionEnvironment } from './snowflake-connection.js';
import { SnowflakeDriver, loadSdk, type DriverLimits, type SfRow } from './snowflake-driver.js';
import {
  auditDdl,
  auditInsert,
  auditQuery,
  checkpointInsert,
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
  readonly capabilities: Capabilities = { nameMatching: 'exact', transactionalDdl: false, nativeUndrop: true, maxConcurrency: 8 };
  private currentSchema: string | null = null;

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
      ...(env.CKPT_STATEMENT_TIMEOUT_MS ? { statementTimeoutMs: Number(env.CKPT_STATEMENT_TIMEOUT_MS) } : {}),
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
    return {
      now,
      nameMatching: 'exact',
      schemaExists,
      auditTableExists,
      objects: (objects ?? []).map(liveObject),
      dropped: droppedVersions(history, now),
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
        return [checkpointInsert(t, { id: step.checkpointId, type: step.checkpointType, description: step.description, runId: '<run>', origin: '{}' })];
      case 'expire-checkpoint':
        return [setCheckpointStatus(t, step.checkpointId, 'DELETED')];
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
        await this.driver.execute(
          checkpointInsert(t, { id: step.checkpointId, type: step.checkpointType, description: step.description, runId: run.runId, origin: JSON.stringify(run.origin) }),
          { tag },
        );
        return;
      case 'expire-checkpoint':
        await this.driver.execute(setCheckpointStatus(t, step.checkpointId, 'DELETED'), { tag });
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

  /** Setup, conditional take and read-back in one request (pitfall 18: check by reading). */
  async takeLease(target: TargetRef, holder: string, info: string, ttlMs: number): Promise<LeaseRow[]> {
    const d = leaseDialect(this.resolve(target));
    const { lease, journal } = internalTables(target.auditTable);
    const statements = [...leaseSetup(d, lease, journal), leaseTake(d, lease, holder, info, ttlMs), leaseRead(d, lease)];
    const results = await this.driver.execute(statements.join(';\n'), { statements: statements.length, tag: queryTag({ command: 'lease', target: target.name }) });
    return readLeaseRows(results[results.length - 1] ?? []);
  }

  async renewLease(target: TargetRef, holder: string, ttlMs: number): Promise<boolean> {
    const d = leaseDialect(this.resolve(target));
    const { lease } = internalTables(target.auditTable);
    const [, rows] = await this.driver.execute(`${leaseRenew(d, lease, holder, ttlMs)};\n${leaseRead(d, lease)}`, {
      statements: 2,
      tag: queryTag({ command: 'lease', target: target.name }),
    });
    return readLeaseRows(rows ?? []).every((r) => r.holder === holder);
  }

  async releaseLease(target: TargetRef, holder: string): Promise<void> {
    const d = leaseDialect(this.resolve(target));
    await this.driver.execute(leaseRelease(d, internalTables(target.auditTable).lease, holder), { tag: queryTag({ command: 'lease', target: target.name }) });
  }

  async breakLease(target: TargetRef): Promise<LeaseRow[]> {
    const d = leaseDialect(this.resolve(target));
    const { lease } = internalTables(target.auditTable);
    const tag = queryTag({ command: 'unlock', target: target.name });
    try {
      const before = readLeaseRows(await this.driver.rows(leaseRead(d, lease), { tag }));
      await this.driver.execute(leaseBreak(d, lease), { tag });
      return before;
    } catch (error) {
      if (error instanceof CkptError && error.code === 'OBJECT_MISSING') return [];
      throw error;
    }
  }

  async journal(target: TargetRef, entries: JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const d = leaseDialect(this.resolve(target));
    await this.driver.execute(journalInsert(d, internalTables(target.auditTable).journal, entries), { tag: queryTag({ command: 'journal', target: target.name }) });
  }

  async readJournal(target: TargetRef): Promise<Array<JournalEntry & { at: string }>> {
    const d = leaseDialect(this.resolve(target));
    try {
      return readJournalRows(await this.driver.rows(journalRead(d, internalTables(target.auditTable).journal), { tag: queryTag({ command: 'history', target: target.name }) }));
    } catch (error) {
      if (error instanceof CkptError && error.code === 'OBJECT_MISSING') return [];
      throw error;
    }
  }

  async query(target: TargetRef, sql: string): Promise<QueryResult> {
    await this.useSchema(this.resolve(target), queryTag({ command: 'sql', target: target.name }));
    try {
      return await this.driver.table(sql);
    } finally {
      this.currentSchema = null; // the user's SQL may have changed the session's schema
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /** UNDROP runs against the session's schema on some accounts: set it and qualify (pitfall 19). */
  private async useSchema(t: SfTarget, tag: string): Promise<void> {
    const schema = schemaName(t);
    if (this.currentSchema === schema) return;
    await this.driver.execute(`USE SCHEMA ${schema}`, { tag });
    this.currentSchema = schema;
  }

  /**
   * Brings back the dropped version created at `created`. UNDROP restores the newest dropped
   * version of a name (pitfall 2), so newer dropped versions are undropped and renamed aside
   * first, then dropped again under their aside names once the original is back.
   */
  private async restoreTable(t: SfTarget, name: string, created: string, tag: string): Promise<void> {
    await this.useSchema(t, tag);
    const versions = (await this.driver.rows(historyQuery(t, name), { tag })).filter((r) => r.name === name);
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


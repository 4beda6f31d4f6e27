/**
 * How the embedded warehouse runs each kind of step. DuckDB has no CREATED and no UNDROP, so
 * ckpt keeps a registry of first-seen times and copies a table's rows to its hidden schema when
 * it drops one; restores bring back structure, constraints, comment and rows. Each step is one
 * transaction: a failure changes nothing, and re-running a step already done is progress.
 */
import { CHECKPOINT_TYPE_IN } from '../../model/observed.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { StepOf } from '../../model/step-kinds.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { sameInstant } from '../../model/time.js';
import { auditMigration } from '../audit-ddl.js';
import { ensureSystemInit, SYSTEM_INIT } from '../audit-rules.js';
import type { RunContext, StepHandlers, TargetRef } from '../warehouse.js';
import {
  auditDdl,
  auditName,
  inventoryTable,
  DUCKDB_AUDIT,
  contentVersion,
  duckDbLiteral,
  expireCheckpoint,
  inSchema,
  INTERNAL_DDL,
  INTERNAL_SCHEMA,
  ISO_FORMAT,
  liveObjectsQuery,
  syncRegistrySql,
  trashTableName,
} from './duckdb-sql.js';
import type { CatalogRow, SchemaCache } from './duckdb-cache.js';
import type { DuckDbDriver } from './duckdb-driver.js';
import { contentSignatures, refreshContentVersions } from './duckdb-content.js';
import { purgeExpiredTrash } from './duckdb-trash.js';
import {
  checkpointSql,
  chosenCopy,
  dropStatement,
  fromKeptSql,
  fromTrashSql,
  keepCopySql,
  keptCopy,
  objectIn,
  registeredContent,
  type RegisteredContent,
  registryRowOf,
  systemInitInsert,
  trashRowOf,
  trashRows,
  viewSql,
} from './duckdb-step-sql.js';
import {
  copyRowsSql,
  dropCopiesSql,
  forgetRegisteredSql,
  keptCopiesOf,
  literalOrNull,
  registerTablesSql,
  registerViewSql,
  timeOrNull,
  trashDeleteSql,
  trashInsertSql,
  type TrashRowValues,
} from './duckdb-bookkeeping-sql.js';

/** A table ckpt (re-)created, to register: its catalog row, incarnation, content version and signature (null: hash its rows). */
interface RegisteredTable {
  row: CatalogRow;
  created: string;
  altered: string | null;
  signature: string | null;
}

/** The embedded warehouse's step implementations over one open file. */
export class DuckDbSteps {
  constructor(
    private readonly db: DuckDbDriver,
    private readonly cache: SchemaCache,
    /** Days a dropped table stays in the trash; older copies are purged when ckpt drops. */
    private readonly trashRetentionDays = 7,
  ) {}

  /** The handler of every step kind. */
  readonly handlers: StepHandlers = {
    'init-audit': (target, _step, run) => this.initAudit(target, run),
    // In one transaction: the columns (ADD COLUMN IF NOT EXISTS), then the layout stamp.
    'migrate-audit': (target, step) =>
      this.db.transaction(async () => {
        for (const statement of auditMigration(auditName(target), inventoryTable(target), step.fromLayout, DUCKDB_AUDIT))
          await this.db.run(statement);
      }),
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
          const [row] = await this.db.query(
            `SELECT count(*)::INTEGER AS n FROM ${auditName(target)} WHERE CHECKPOINT_TYPE = ${duckDbLiteral(SYSTEM_INIT.type)}`,
          );
          return Number(row?.n);
        },
        insert: () => this.db.run(systemInitInsert(target, run)),
      });
    });
  }

  /** Records a checkpoint's inventory (and, keep: clone, copies of its tables) in one transaction. */
  private async takeCheckpoint(target: TargetRef, step: StepOf<'take-checkpoint'>, run: RunContext): Promise<void> {
    await this.ensureInternal();
    await this.db.transaction(async () => {
      const [existing] = await this.db.query(`SELECT count(*)::INTEGER AS n FROM ${auditName(target)}
        WHERE CHECKPOINT_ID = ${duckDbLiteral(step.checkpointId)} AND CHECKPOINT_TYPE ${CHECKPOINT_TYPE_IN}`);
      if (Number(existing?.n) > 0) return; // taken by an earlier, interrupted run: progress
      await this.db.run(syncRegistrySql(target.schema, target.auditTable));
      await refreshContentVersions(this.db, target);
      // Copies left under this id by an audit row since lost belong to no checkpoint: a copy
      // belongs to exactly one checkpoint row, the one written next to it here.
      await this.dropCopies(target, step.checkpointId);
      for (const statement of checkpointSql(target, step, run)) await this.db.run(statement);
      if (step.keep === 'clone') await this.keepCopies(target, step.checkpointId);
    });
  }

  private ensured = false;

  /** Creates ckpt's hidden schema and tables once per process. */
  async ensureInternal(): Promise<void> {
    if (this.ensured) return;
    await this.db.run(INTERNAL_DDL);
    this.ensured = true;
  }

  /** Runs a step's body in one transaction; if it fails, the cached catalog is dropped with it. */
  async inStep(body: () => Promise<void>): Promise<void> {
    await this.ensureInternal();
    try {
      await this.db.transaction(body);
    } catch (error) {
      this.cache.clear();
      throw error;
    }
  }

  /**
   * Drops objects; each table's rows, DDL and comment go to the trash first. The registry and the
   * trash are written with one statement each for the whole batch (one scan, not one per object).
   */
  async dropMany(target: TargetRef, steps: Array<StepOf<'drop-object'>>): Promise<void> {
    const present: Array<{ step: (typeof steps)[number]; live: CatalogRow }> = [];
    for (const step of steps) {
      const live = await this.cache.row(target, step.object.name);
      if (live !== undefined) present.push({ step, live }); // absent: already gone, progress (docs/snowflake-behaviour.md#pitfall-11's local twin)
    }
    if (present.length === 0) return;
    await purgeExpiredTrash(this.db, this.trashRetentionDays);
    const registered = await this.registeredContent(
      target,
      present.map((p) => p.step.object.name),
    );
    const trashed: TrashRowValues[] = [];
    const statements: string[] = [];
    for (const { step, live } of present) {
      const name = step.object.name;
      if (step.object.kind === 'VIEW' || live.kind === 'VIEW') {
        statements.push(dropStatement(target, name, 'VIEW'));
        continue;
      }
      const trash = trashTableName();
      statements.push(copyRowsSql(quoteIdent(trash), objectIn(target, name)), dropStatement(target, name, 'TABLE'));
      const content = registered.get(name.toUpperCase());
      const [altered, signature] = [timeOrNull(content?.altered ?? null), literalOrNull(content?.signature ?? null)];
      trashed.push(trashRowOf(target, step, live, { trashTable: duckDbLiteral(trash), altered, signature }));
    }
    if (trashed.length > 0) statements.push(trashInsertSql(trashed));
    // One call for the batch, not one per statement: about 40 % less per dropped or restored table.
    await this.db.runAll(statements);
    await this.forgetRegistered(
      target,
      present.map((p) => p.step.object.name),
    );
    for (const { step } of present) await this.cache.remember(target, step.object.name, null);
  }

  /** The registry's content version and signature of each named table (one read). */
  private registeredContent(target: TargetRef, names: string[]): Promise<Map<string, RegisteredContent>> {
    return registeredContent(this.db, target, names);
  }

  /** Removes names from the registry (one statement). */
  private async forgetRegistered(target: TargetRef, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.run(forgetRegisteredSql(target, names));
  }

  /**
   * Brings tables back from the trash: each one's DDL, then its rows, then its comment; the
   * trash and the registry are updated with one statement each for the whole batch.
   */
  async restoreMany(target: TargetRef, steps: Array<StepOf<'restore-table'>>): Promise<void> {
    const keptRows = await trashRows(
      this.db,
      target,
      steps.map((s) => s.object.name),
    );
    const restored: Array<RegisteredTable & { trash: string }> = [];
    const statements: string[] = [];
    for (const step of steps) {
      const name = step.object.name;
      const kept = keptRows.find((k) => k.key === name.toUpperCase() && sameInstant(k.created, step.created));
      const live = await this.cache.row(target, name);
      if (kept === undefined) {
        if (live?.kind === 'TABLE') continue; // restored by an earlier, interrupted run: progress
        throw new CkptError('OBJECT_MISSING', `no kept copy of ${displayIdent(name)} (created ${step.created}) to restore`, {
          hint: HINTS.planAgain,
        });
      }
      if (live !== undefined) {
        throw new CkptError('NAME_TAKEN', `cannot restore ${displayIdent(name)}: an object of that name exists`, {
          hint: HINTS.planAgain,
        });
      }
      statements.push(...fromTrashSql(target, name, kept));
      const row: CatalogRow = { name, kind: 'TABLE', sql: kept.sql, comment: kept.comment };
      restored.push({ row, created: step.created, altered: kept.altered, signature: kept.signature, trash: kept.trashTable });
    }
    if (restored.length === 0) return;
    statements.push(trashDeleteSql(restored.map((r) => duckDbLiteral(r.trash))));
    // One call for the batch, not one per statement: about 40 % less per dropped or restored table.
    await this.db.runAll(statements);
    await this.registerTables(target, restored);
  }

  /**
   * Registers tables ckpt (re-)created from kept DDL, each as its incarnation `created` with
   * content version `altered` and its content signature, in the registry (one statement each
   * way) and the cached catalog. A table restored from the trash has the signature it had when
   * dropped (its rows are the copy's, taken then); the others' rows are hashed.
   */
  private async registerTables(target: TargetRef, tables: RegisteredTable[]): Promise<void> {
    await this.forgetRegistered(
      target,
      tables.map((t) => t.row.name),
    );
    // Their signatures now, so that a change made before the next refresh is still seen.
    const signatures = await contentSignatures(
      this.db,
      target.schema,
      tables.filter((t) => t.signature === null).map((t) => t.row.name),
    );
    const rows = tables.map((t) => registryRowOf(t, literalOrNull(t.signature ?? signatures.get(t.row.name) ?? null)));
    await this.db.run(registerTablesSql(target, rows));
    for (const t of tables) await this.cache.remember(target, t.row.name, t.row);
  }

  /**
   * \`keep: clone\` on the embedded warehouse: a copy of every table's rows in the hidden schema,
   * with its DDL and comment, registered under the checkpoint (same transaction as its audit row).
   */
  private async keepCopies(target: TargetRef, checkpointId: string): Promise<void> {
    const tables = await this.db.query(`SELECT l.name, l.sql, l.comment, strftime(r.created, ${ISO_FORMAT}) AS created
      FROM (${liveObjectsQuery(target.schema, target.auditTable)}) l JOIN ${INTERNAL_SCHEMA}.objects r
        ON ${inSchema(target.schema, 'r.schema_name')} AND lower(r.name) = lower(l.name) AND r.kind = 'TABLE'
      WHERE l.kind = 'TABLE' ORDER BY l.name`);
    for (const t of tables) {
      const copy = trashTableName('kept');
      const table = { name: String(t.name), sql: String(t.sql), comment: t.comment === null ? null : String(t.comment) };
      for (const statement of keepCopySql(target, checkpointId, table, chosenCopy(copy), timeOrNull(String(t.created))))
        await this.db.run(statement);
    }
  }

  /** Drops the copies a checkpoint kept, and nothing else (expiry). */
  private async dropCopies(target: TargetRef, checkpointId: string): Promise<void> {
    const copies = await keptCopiesOf(this.db, target, checkpointId);
    for (const statement of dropCopiesSql(target, checkpointId, copies)) await this.db.run(statement);
  }

  /**
   * Puts a table's rows and columns back as a checkpoint kept them (or re-creates a missing
   * table from that copy): drop, the kept DDL, the kept rows, the comment; the registry keeps the
   * checkpoint's incarnation and content version, so the next plan sees it unchanged. One
   * transaction: a failure changes nothing. Re-running it after success is a no-op (progress).
   */
  private async restoreContent(target: TargetRef, step: StepOf<'restore-content'>): Promise<void> {
    if (step.from.kind !== 'clone') {
      throw new CkptError(
        'INTERNAL',
        `the embedded warehouse has no Time Travel; cannot restore ${displayIdent(step.object.name)} AT ${step.from.at}`,
      );
    }
    const name = step.object.name;
    const kept = await keptCopy(this.db, target, { checkpointId: step.from.checkpointId, name, created: step.created });
    if (kept === undefined) {
      throw new CkptError(
        'OBJECT_MISSING',
        `checkpoint ${step.from.checkpointId} kept no copy of ${displayIdent(name)} (created ${step.created})`,
        {
          hint: HINTS.checkpointExpiredPlanAgain,
        },
      );
    }
    const live = await this.cache.row(target, name);
    if (live?.kind === 'VIEW') {
      throw new CkptError('NAME_TAKEN', `cannot restore table ${displayIdent(name)}: a view of that name exists`, {
        hint: HINTS.planAgain,
      });
    }
    if (live !== undefined) {
      const [reg] = await this.db
        .query(`SELECT strftime(created, ${ISO_FORMAT}) AS created, strftime(${contentVersion('o')}, ${ISO_FORMAT}) AS altered
        FROM ${INTERNAL_SCHEMA}.objects o WHERE ${inSchema(target.schema)} AND lower(name) = lower(${duckDbLiteral(name)}) AND kind = 'TABLE'`);
      if (
        reg !== undefined &&
        step.lastAltered !== null &&
        sameInstant(String(reg.created), step.created) &&
        sameInstant(String(reg.altered), step.lastAltered) &&
        live.sql === kept.sql
      ) {
        return; // reverted by an earlier, interrupted run: progress
      }
      await this.db.run(dropStatement(target, name, 'TABLE'));
    }
    for (const statement of fromKeptSql(target, name, kept)) await this.db.run(statement);
    const row: CatalogRow = { name, kind: 'TABLE', sql: kept.sql, comment: kept.comment };
    await this.registerTables(target, [{ row, created: step.created, altered: step.lastAltered, signature: null }]);
  }

  /** Re-creates a view from its captured definition (DuckDB has no UNDROP either), in the caller's transaction. */
  async recreateView(target: TargetRef, name: string, definition: string): Promise<void> {
    const live = await this.cache.row(target, name);
    if (live?.kind === 'VIEW' && live.sql === definition) return; // already back: progress
    if (live !== undefined) {
      throw new CkptError('NAME_TAKEN', `cannot re-create view ${displayIdent(name)}: an object of that name exists`, {
        hint: HINTS.planAgain,
      });
    }
    await this.db.runAll([...viewSql(target, name, definition), registerViewSql(target, name, definition)]);
    await this.cache.remember(target, name, { name, kind: 'VIEW', sql: definition, comment: null });
  }
}

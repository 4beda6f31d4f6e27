/**
 * How the Snowflake adapter runs each kind of step: a checkpoint in one server-side statement
 * (after its clone, for keep: clone), drops with IF EXISTS, UNDROP for tables (with the
 * rename-aside loop when newer versions of the name were dropped since: docs/snowflake-behaviour.md#pitfall-2), views
 * re-created from their captured definition (docs/snowflake-behaviour.md#pitfall-1), content reverted in place. DDL
 * auto-commits (docs/snowflake-behaviour.md#pitfall-11): every step treats what an interrupted run already did as progress.
 */
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { Step } from '../../model/plan.js';
import type { StepOf } from '../../model/step-kinds.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { sameInstant } from '../../model/time.js';
import { cloneSchemaName } from '../../model/desired.js';
import { ensureSystemInit, SYSTEM_INIT } from '../audit-rules.js';
import type { RunContext, StepHandlers, TargetRef } from '../warehouse.js';
import { checkedViewDefinition } from '../view-definition.js';
import type { SnowflakeRow, SnowflakeDriver } from './snowflake-driver.js';
import type { Lineage } from './snowflake-lineage.js';
import { tableVersions } from './snowflake-show.js';
import type { TableVersionLedger } from './snowflake-versions.js';
import {
  auditDdl,
  auditInsert,
  auditMigrationSql,
  checkpointInsert,
  columnsQuery,
  contentRestoreInsert,
  isoText,
  objectName,
  queryTag,
  schemaName,
  setCheckpointStatus,
  snowflakeLiteral,
  toIso,
  type SnowflakeTarget,
} from './snowflake-sql.js';

/** What the steps need from the open connection. */
export interface SnowflakeSession {
  readonly driver: SnowflakeDriver;
  /** The target with its database resolved (the connection's when the target names none). */
  resolve(target: TargetRef): SnowflakeTarget;
  /** Sets the session's schema (shared by concurrent steps). */
  useSchema(t: SnowflakeTarget, tag: string): Promise<void>;
  /** The audit table's content-restore lineage, read once. */
  lineage(t: SnowflakeTarget, tag: string): Promise<Lineage>;
  /** Forgets the lineage after this writer added to it. */
  forgetLineage(t: SnowflakeTarget): void;
  /** Forgets which schema the session is in (after a statement that changed it). */
  forgetSchema(): void;
  /** The schema's table versions as observed (and changed by this writer's steps since). */
  versions(t: SnowflakeTarget): TableVersionLedger;
  /** The rows of one SHOW page. */
  readonly showPageRows: number;
}

/** The Snowflake adapter's step implementations over one connection. */
export class SnowflakeSteps {
  constructor(private readonly session: SnowflakeSession) {}

  /** The handler of every step kind. */
  readonly handlers: StepHandlers = {
    'init-audit': (target, step, run) => this.initAudit(this.session.resolve(target), this.tag(target, step, run), run),
    // Each statement is idempotent (ADD COLUMN IF NOT EXISTS, then the stamp): a retried step resumes.
    'migrate-audit': async (target, step, run) => {
      const statements = auditMigrationSql(this.session.resolve(target), step.fromLayout);
      await this.session.driver.execute(statements.join(';\n'), { tag: this.tag(target, step, run), statements: statements.length });
    },
    'take-checkpoint': async (target, step, run) => {
      const t = this.session.resolve(target);
      const tag = this.tag(target, step, run);
      // The clone first, then the audit row, so that a recorded keep: clone checkpoint always has
      // its clone (docs/snowflake-behaviour.md#pitfall-11). A retried step whose row exists is done; otherwise the clone is
      // made anew (OR REPLACE): one left by a crash, or by a checkpoint whose row was lost since,
      // belongs to no checkpoint, and a copy belongs to exactly one checkpoint row.
      if (step.keep === 'clone') {
        if (await this.checkpointRecorded(t, step.checkpointId, tag)) return;
        // CREATE SCHEMA ... CLONE makes the clone the session's schema: set it again before any
        // statement that relies on it (docs/snowflake-behaviour.md, zero-copy schema clones).
        this.session.forgetSchema();
        await this.session.driver.execute(cloneSchemaDdl(t, step.checkpointId), { tag });
      }
      const row = {
        id: step.checkpointId,
        type: step.checkpointType,
        description: step.description,
        runId: run.runId,
        origin: JSON.stringify(run.origin),
        keep: step.keep,
      };
      await this.session.driver.execute(checkpointInsert(t, row), { tag });
    },
    'expire-checkpoint': async (target, step, run) => {
      const t = this.session.resolve(target);
      const tag = this.tag(target, step, run);
      await this.session.driver.execute(setCheckpointStatus(t, step.checkpointId, 'DELETED'), { tag });
      // Only the clone this checkpoint made, by its conventional name: nothing else.
      if (step.keep === 'clone') await this.session.driver.execute(dropCloneDdl(t, step.checkpointId), { tag });
    },
    'restore-content': (target, step, run) => this.restoreContent(this.session.resolve(target), step, run, this.tag(target, step, run)),
    'drop-object': async (target, step, run) => {
      // IF EXISTS: a drop that already happened is progress (docs/snowflake-behaviour.md#pitfall-11: DDL auto-commits).
      const t = this.session.resolve(target);
      const sql = `DROP ${step.object.kind} IF EXISTS ${objectName(t, step.object.name)}`;
      await this.session.driver.execute(sql, { tag: this.tag(target, step, run) });
      if (step.object.kind === 'TABLE') this.session.versions(t).dropped(step.object.name);
    },
    'restore-table': (target, step, run) =>
      this.restoreTable(this.session.resolve(target), step.object.name, step.created, this.tag(target, step, run)),
    'recreate-view': (target, step, run) =>
      this.recreateView(this.session.resolve(target), step.object.name, step.definition, this.tag(target, step, run)),
  };

  /** Whether the audit table holds a checkpoint row with this id. */
  private async checkpointRecorded(t: SnowflakeTarget, checkpointId: string, tag: string): Promise<boolean> {
    const sql = `SELECT COUNT(*) AS N FROM ${objectName(t, t.auditTable)} WHERE CHECKPOINT_ID = ${snowflakeLiteral(checkpointId)} AND CHECKPOINT_TYPE IN ('MANUAL', 'AUTO')`;
    const [row] = await this.session.driver.rows(sql, { tag });
    return Number(row?.N ?? 0) > 0;
  }

  /** The QUERY_TAG of a step's statements. */
  private tag(target: TargetRef, step: Step, run: RunContext): string {
    return queryTag({ command: run.command, target: target.name, step: step.kind, group: step.group, run: run.runId });
  }

  /** Creates the audit table, with its one SYSTEM_INIT row. */
  private async initAudit(t: SnowflakeTarget, tag: string, run: RunContext): Promise<void> {
    const ddl = auditDdl(t);
    await this.session.driver.execute(ddl.join(';\n'), { tag, statements: ddl.length });
    await ensureSystemInit({
      count: async () => {
        const sql = `SELECT COUNT(*) AS N FROM ${objectName(t, t.auditTable)} WHERE CHECKPOINT_TYPE = ${snowflakeLiteral(SYSTEM_INIT.type)}`;
        const [row] = await this.session.driver.rows(sql, { tag });
        return Number(row?.N ?? 0);
      },
      insert: async () => {
        const binds = [
          SYSTEM_INIT.id,
          SYSTEM_INIT.type,
          SYSTEM_INIT.description,
          '[]',
          0,
          SYSTEM_INIT.status,
          null,
          null,
          'null',
          'null',
          null,
          run.runId,
          JSON.stringify(run.origin),
        ];
        await this.session.driver.execute(auditInsert(t), { tag, binds });
      },
    });
  }

  /**
   * Brings back the dropped version created at `created`. UNDROP restores the newest dropped
   * version of a name (docs/snowflake-behaviour.md#pitfall-2), so newer dropped versions are undropped and renamed aside
   * first, then dropped again under their aside names once the original is back. The versions
   * are those observe read (no look-up), else read exactly (STARTS WITH the name, filtered to it).
   */
  private async restoreTable(t: SnowflakeTarget, name: string, created: string, tag: string): Promise<void> {
    await this.session.useSchema(t, tag);
    const lineage = await this.session.lineage(t, tag);
    const ledger = this.session.versions(t);
    const raw =
      ledger.versionsOf(name) ?? (await tableVersions((sql) => this.session.driver.rows(sql, { tag }), t, this.session.showPageRows, name));
    const versions = raw.map((row) => ({ row, created: lineage.incarnation(name, String(toIso(row.created_on))) }));
    const isDropped = (row: SnowflakeRow) => row.dropped_on !== null && row.dropped_on !== undefined;
    const live = versions.find((v) => !isDropped(v.row));
    if (live !== undefined) {
      if (sameInstant(live.created, created)) return; // restored by an earlier, interrupted run
      throw new CkptError('NAME_TAKEN', `cannot restore ${displayIdent(name)}: a table of that name exists`, {
        hint: HINTS.planAgain,
      });
    }
    const dropped = versions
      .filter((v) => isDropped(v.row))
      .sort((a, b) => Date.parse(String(toIso(b.row.dropped_on))) - Date.parse(String(toIso(a.row.dropped_on))));
    const index = dropped.findIndex((v) => sameInstant(v.created, created));
    const version = dropped[index];
    if (version === undefined) {
      throw new CkptError('OBJECT_MISSING', `the version of ${displayIdent(name)} created ${created} is no longer in Time Travel`, {
        hint: HINTS.retentionPassed,
      });
    }
    ledger.forget(name); // until it is back: an interrupted restore leaves the versions unknown
    const table = objectName(t, name);
    const asides: string[] = [];
    for (let i = 0; i < index; i += 1) {
      const aside = `${name.slice(0, 200)}__CKPT_ASIDE_${Date.now().toString(36)}_${i}`;
      await this.session.driver.execute(`UNDROP TABLE ${table}`, { tag });
      await this.session.driver.execute(`ALTER TABLE ${table} RENAME TO ${objectName(t, aside)}`, { tag });
      asides.push(aside);
    }
    await this.session.driver.execute(`UNDROP TABLE ${table}`, { tag });
    for (const aside of asides) await this.session.driver.execute(`DROP TABLE IF EXISTS ${objectName(t, aside)}`, { tag });
    ledger.replace(name, [{ ...version.row, dropped_on: null }, ...dropped.slice(index + 1).map((v) => v.row)]);
  }

  /**
   * Reverts a table's rows and columns to a checkpoint's, in place, so that the table keeps its
   * identity (CREATED) and its own Time Travel history: columns added since are dropped (a kept
   * clone's columns missing now are added back), then one atomic INSERT OVERWRITE reads the rows
   * AT the checkpoint (explicit TIMESTAMP_LTZ cast: docs/snowflake-behaviour.md#pitfall-13) or from the clone. A missing table
   * is re-created as a zero-copy clone of the clone's table. Then a CONTENT_RESTORE audit row
   * records what the table now stands for. Re-running it is progress (docs/snowflake-behaviour.md#pitfall-11): the AT point
   * and the clone are fixed, so the same statements give the same content.
   */
  private async restoreContent(t: SnowflakeTarget, step: StepOf<'restore-content'>, run: RunContext, tag: string): Promise<void> {
    const name = step.object.name;
    const liveColumns = (await this.session.driver.rows(columnsQuery(t, t.schema, name), { tag })).map(columnOf);
    const sourceColumns =
      step.from.kind === 'clone'
        ? (await this.session.driver.rows(columnsQuery(t, step.from.location, name), { tag })).map(columnOf)
        : null;
    if (step.from.kind === 'clone' && (sourceColumns ?? []).length === 0) {
      throw new CkptError('OBJECT_MISSING', `the clone ${displayIdent(step.from.location)} holds no table ${displayIdent(name)}`, {
        hint: HINTS.cloneChanged,
      });
    }
    if (step.missing && liveColumns.length > 0) {
      const lineage = await this.session.lineage(t, tag);
      const [live] = await this.session.driver.rows(
        `SELECT ${isoText('CREATED')} AS CREATED FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.TABLES
        WHERE TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND TABLE_NAME = ${snowflakeLiteral(name)}`,
        { tag },
      );
      if (live !== undefined && sameInstant(lineage.incarnation(name, String(toIso(live.CREATED))), step.created)) return; // done before
      throw new CkptError('NAME_TAKEN', `cannot re-create table ${displayIdent(name)}: an object of that name exists`, {
        hint: HINTS.planAgain,
      });
    }
    if (!step.missing && liveColumns.length === 0) {
      throw new CkptError('OBJECT_MISSING', `table ${displayIdent(name)} does not exist any more`, {
        hint: HINTS.planAgain,
      });
    }
    // A table re-created from a copy is a new version of its name: read its versions again when needed.
    if (step.missing) this.session.versions(t).forget(name);
    for (const statement of contentSql(t, step, liveColumns, sourceColumns)) await this.session.driver.execute(statement, { tag });
    await this.session.driver.execute(
      contentRestoreInsert(t, {
        name,
        incarnation: step.created,
        contentAs: step.lastAltered,
        checkpointId: step.checkpointId,
        runId: run.runId,
        origin: JSON.stringify(run.origin),
      }),
      { tag },
    );
    this.session.forgetLineage(t);
  }

  /** Re-creates a view from its captured CREATE statement (there is no UNDROP VIEW: docs/snowflake-behaviour.md#pitfall-1). */
  private async recreateView(t: SnowflakeTarget, name: string, definition: string, tag: string): Promise<void> {
    await this.session.useSchema(t, tag);
    const [existing] = await this.session.driver.rows(
      `SELECT t.TABLE_TYPE AS TABLE_TYPE, v.VIEW_DEFINITION AS VIEW_DEFINITION FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.TABLES t
       LEFT JOIN ${quoteIdent(t.database)}.INFORMATION_SCHEMA.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
       WHERE t.TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND t.TABLE_NAME = ${snowflakeLiteral(name)}`,
      { tag },
    );
    if (existing !== undefined) {
      if (existing.TABLE_TYPE === 'VIEW' && existing.VIEW_DEFINITION === definition) return; // already back
      throw new CkptError('NAME_TAKEN', `cannot re-create view ${displayIdent(name)}: an object of that name exists`, {
        hint: HINTS.planAgain,
      });
    }
    await this.session.driver.execute(checkedViewDefinition(definition, name, 'exact'), { tag });
  }
}

/** `CREATE SCHEMA ... CLONE` for a keep: clone checkpoint (hybrid tables cannot be cloned: pitfalls 5 and 14 (docs/snowflake-behaviour.md)). */
function cloneSchemaDdl(t: SnowflakeTarget, checkpointId: string): string {
  return `CREATE OR REPLACE SCHEMA ${quoteIdent(t.database)}.${quoteIdent(cloneSchemaName(t.schema, checkpointId))} CLONE ${schemaName(t)} IGNORE HYBRID TABLES`;
}

function dropCloneDdl(t: SnowflakeTarget, checkpointId: string): string {
  return `DROP SCHEMA IF EXISTS ${quoteIdent(t.database)}.${quoteIdent(cloneSchemaName(t.schema, checkpointId))}`;
}

interface ColumnInfo {
  name: string;
  type: string;
}

function columnOf(row: SnowflakeRow): ColumnInfo {
  const base = String(row.DATA_TYPE ?? 'TEXT');
  const p = row.NUMERIC_PRECISION;
  const type = base === 'NUMBER' && p !== null && p !== undefined ? `NUMBER(${Number(p)},${Number(row.NUMERIC_SCALE ?? 0)})` : base;
  return { name: String(row.COLUMN_NAME), type };
}

/**
 * The statements of a content revert. `live`/`source` are the columns now and in the clone
 * (source null when reading AT a timestamp). Names are quoted exactly as stored (docs/snowflake-behaviour.md#pitfall-8).
 */
function contentSql(t: SnowflakeTarget, step: StepOf<'restore-content'>, live: ColumnInfo[], source: ColumnInfo[] | null): string[] {
  const table = objectName(t, step.object.name);
  if (step.from.kind === 'clone' && step.missing) {
    return [`CREATE TABLE ${table} CLONE ${quoteIdent(t.database)}.${quoteIdent(step.from.location)}.${quoteIdent(step.object.name)}`];
  }
  const wanted = source?.map((c) => c.name) ?? step.columns;
  const statements: string[] = [];
  if (wanted !== null) {
    for (const c of live) if (!wanted.includes(c.name)) statements.push(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(c.name)}`);
    for (const c of source ?? [])
      if (!live.some((l) => l.name === c.name)) statements.push(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`);
  }
  const cols = wanted === null ? '*' : wanted.map(quoteIdent).join(', ');
  const into = wanted === null ? table : `${table} (${cols})`;
  const from =
    step.from.kind === 'time-travel'
      ? `${table} AT(TIMESTAMP => ${snowflakeLiteral(step.from.at)}::TIMESTAMP_LTZ)`
      : `${quoteIdent(t.database)}.${quoteIdent(step.from.location)}.${quoteIdent(step.object.name)}`;
  statements.push(`INSERT OVERWRITE INTO ${into} SELECT ${cols} FROM ${from}`);
  return statements;
}

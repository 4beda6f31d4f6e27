/**
 * How the Snowflake adapter runs each kind of step: a checkpoint in one server-side statement
 * (after its clone, for keep: clone), drops with IF EXISTS, UNDROP for tables (with the
 * rename-aside loop when newer versions of the name were dropped since: docs/snowflake-behaviour.md#pitfall-2), views
 * re-created from their captured definition (docs/snowflake-behaviour.md#pitfall-1), content reverted in place. DDL
 * auto-commits (docs/snowflake-behaviour.md#pitfall-11): every step treats what an interrupted run already did as progress.
 */
import { CHECKPOINT_TYPE_IN } from '../../model/observed.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { Step } from '../../model/plan.js';
import type { StepOf } from '../../model/step-kinds.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { sameInstant } from '../../model/time.js';
import { ensureSystemInit, SYSTEM_INIT } from '../audit-rules.js';
import type { RunContext, StepHandlers, TargetRef } from '../warehouse.js';
import type { SnowflakeRow, SnowflakeDriver } from './snowflake-driver.js';
import type { Lineage } from './snowflake-lineage.js';
import { tableVersions } from './snowflake-show.js';
import type { TableVersionLedger } from './snowflake-versions.js';
import {
  auditDdl,
  auditInsert,
  auditMigrationSql,
  columnsQuery,
  isoText,
  objectName,
  queryTag,
  snowflakeLiteral,
  toIso,
  type SnowflakeTarget,
} from './snowflake-sql.js';
import {
  checkpointSql,
  CLOCK_QUERY,
  cloneMissingQuery,
  cloneSchemaDdl,
  cloneTableDdl,
  instantSql,
  columnOf,
  contentRevertRefused,
  contentRevertSql,
  dropSql,
  expireSql,
  tableRestoreSql,
  viewSql,
  type ColumnInfo,
} from './snowflake-step-sql.js';

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
  /** Most statements in one request of a wave (CKPT_STATEMENTS_PER_REQUEST: snowflake-wave.ts). */
  readonly statementsPerRequest: number;
  /** The largest inventory (bytes of JSON) also written as an array into OBJECTS_SNAPSHOT. */
  readonly snapshotArrayBytes: number;
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
      const at = step.keep === 'clone' ? await this.takeClone(t, step.checkpointId, tag) : null;
      if (at === undefined) return;
      // The inventory rows and the audit row: one request of three statements, each safe to run again.
      const inventory = checkpointSql(t, step, run, this.session.snapshotArrayBytes, at);
      await this.session.driver.execute(inventory.join(';\n'), { tag, statements: inventory.length });
    },
    'expire-checkpoint': (target, step, run) => this.runAll(expireSql(this.session.resolve(target), step), this.tag(target, step, run)),
    'restore-content': (target, step, run) => this.restoreContent(this.session.resolve(target), step, run, this.tag(target, step, run)),
    'drop-object': async (target, step, run) => {
      const t = this.session.resolve(target);
      await this.runAll(dropSql(t, step), this.tag(target, step, run));
      if (step.object.kind === 'TABLE') this.session.versions(t).dropped(step.object.name);
    },
    'restore-table': (target, step, run) =>
      this.restoreTable(this.session.resolve(target), step.object.name, step.created, this.tag(target, step, run)),
    'recreate-view': (target, step, run) => this.recreateView(this.session.resolve(target), step, this.tag(target, step, run)),
  };

  /**
   * A keep: clone checkpoint's clone, before its audit row, so that a recorded keep: clone checkpoint
   * always has its clone (docs/snowflake-behaviour.md#pitfall-11): the clock read first, the schema
   * cloned AT that instant, then each table Time Travel could not read then (retention 0) cloned as it
   * is now. Returns the instant (as SQL) the rows are stamped with, or undefined when the checkpoint
   * is already recorded (a retried step is done). Otherwise the clone is made anew (OR REPLACE): one
   * left by a crash, or by a checkpoint whose row was lost since, belongs to no checkpoint, and a copy
   * belongs to exactly one checkpoint row.
   */
  private async takeClone(t: SnowflakeTarget, checkpointId: string, tag: string): Promise<string | undefined> {
    if (await this.checkpointRecorded(t, checkpointId, tag)) return undefined;
    // CREATE SCHEMA ... CLONE makes the clone the session's schema: set it again before any
    // statement that relies on it (docs/snowflake-behaviour.md, zero-copy schema clones).
    this.session.forgetSchema();
    const [clock] = await this.session.driver.rows(CLOCK_QUERY, { tag });
    const at = instantSql(String(clock?.NOW));
    await this.session.driver.execute(cloneSchemaDdl(t, checkpointId, at), { tag });
    const missing = await this.session.driver.rows(cloneMissingQuery(t, checkpointId), { tag });
    await this.runAll(
      missing.map((r) => cloneTableDdl(t, checkpointId, String(r.TABLE_NAME), r.IS_TRANSIENT === 'YES')),
      tag,
    );
    return at;
  }

  /** Runs statements one after another. */
  private async runAll(statements: string[], tag: string): Promise<void> {
    for (const statement of statements) await this.session.driver.execute(statement, { tag });
  }

  /** The versions of a table name: those observe read (no look-up), else read exactly (STARTS WITH the name, filtered to it). */
  async versionsOf(t: SnowflakeTarget, name: string, ledger: TableVersionLedger, tag: string): Promise<SnowflakeRow[]> {
    return (
      ledger.versionsOf(name) ??
      (await tableVersions((sql) => this.session.driver.rows(sql, { tag }), t, this.session.showPageRows, name, true))
    );
  }

  /** The columns of a table now, and in the clone a content revert reads from (null when reading AT a timestamp). */
  async contentColumns(
    t: SnowflakeTarget,
    step: StepOf<'restore-content'>,
    tag: string,
  ): Promise<{ live: ColumnInfo[]; source: ColumnInfo[] | null }> {
    const name = step.object.name;
    const live = (await this.session.driver.rows(columnsQuery(t, t.schema, name), { tag })).map(columnOf);
    const source =
      step.from.kind === 'clone'
        ? (await this.session.driver.rows(columnsQuery(t, step.from.location, name), { tag })).map(columnOf)
        : null;
    return { live, source };
  }

  /** Whether the audit table holds a checkpoint row with this id. */
  private async checkpointRecorded(t: SnowflakeTarget, checkpointId: string, tag: string): Promise<boolean> {
    const sql = `SELECT COUNT(*) AS N FROM ${objectName(t, t.auditTable)} WHERE CHECKPOINT_ID = ${snowflakeLiteral(checkpointId)} AND CHECKPOINT_TYPE ${CHECKPOINT_TYPE_IN}`;
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
    const count = async () => {
      const sql = `SELECT COUNT(*) AS N FROM ${objectName(t, t.auditTable)} WHERE CHECKPOINT_TYPE = ${snowflakeLiteral(SYSTEM_INIT.type)}`;
      const [row] = await this.session.driver.rows(sql, { tag });
      return Number(row?.N ?? 0);
    };
    await ensureSystemInit({
      count,
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
        // Its answer lost, the row is written again only if it is not there.
        await this.session.driver.execute(auditInsert(t), { tag, binds, ranAlready: async () => (await count()) > 0 });
      },
    });
  }

  /**
   * Brings back the dropped version created at `created` (tableRestoreSql), from the versions
   * observe read; until it is back, an interrupted restore leaves the name's versions unknown.
   */
  private async restoreTable(t: SnowflakeTarget, name: string, created: string, tag: string): Promise<void> {
    await this.session.useSchema(t, tag);
    const lineage = await this.session.lineage(t, tag);
    const ledger = this.session.versions(t);
    const restore = tableRestoreSql(t, name, created, await this.versionsOf(t, name, ledger, tag), lineage);
    if (restore.done) return;
    ledger.forget(name);
    await this.runAll(restore.statements, tag);
    ledger.replace(name, restore.after);
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
    const columns = await this.contentColumns(t, step, tag);
    const refused = contentRevertRefused(step, columns);
    if (refused !== null) throw refused;
    if (step.missing && columns.live.length > 0) {
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
    // A table re-created from a copy is a new version of its name: read its versions again when needed.
    if (step.missing) this.session.versions(t).forget(name);
    await this.runAll(contentRevertSql(t, step, columns, run), tag);
    this.session.forgetLineage(t);
  }

  /**
   * Re-creates a view from its captured CREATE statement under its recorded name (there is no
   * UNDROP VIEW: docs/snowflake-behaviour.md#pitfall-1; docs/snowflake-behaviour.md#renamed-views),
   * then checks that the view is there under that name.
   */
  private async recreateView(t: SnowflakeTarget, step: StepOf<'recreate-view'>, tag: string): Promise<void> {
    const name = step.object.name;
    const [statement] = viewSql(t, step);
    await this.session.useSchema(t, tag);
    const existing = await this.viewNamed(t, name, tag);
    if (existing !== undefined) {
      if (existing.TABLE_TYPE === 'VIEW' && existing.VIEW_DEFINITION === statement) return; // already back
      throw new CkptError('NAME_TAKEN', `cannot re-create view ${displayIdent(name)}: an object of that name exists`, {
        hint: HINTS.planAgain,
      });
    }
    await this.runAll([statement as string], tag);
    const created = await this.viewNamed(t, name, tag);
    if (created?.TABLE_TYPE !== 'VIEW') {
      throw new CkptError('STEP_FAILED', `view ${displayIdent(name)} is not there after its CREATE VIEW ran`);
    }
  }

  /** The object named `name` in the target's schema (its TABLE_TYPE, and VIEW_DEFINITION for a view), if any. */
  private async viewNamed(t: SnowflakeTarget, name: string, tag: string): Promise<SnowflakeRow | undefined> {
    const [row] = await this.session.driver.rows(
      `SELECT t.TABLE_TYPE AS TABLE_TYPE, v.VIEW_DEFINITION AS VIEW_DEFINITION FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.TABLES t
       LEFT JOIN ${quoteIdent(t.database)}.INFORMATION_SCHEMA.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
       WHERE t.TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND t.TABLE_NAME = ${snowflakeLiteral(name)}`,
      { tag },
    );
    return row;
  }
}

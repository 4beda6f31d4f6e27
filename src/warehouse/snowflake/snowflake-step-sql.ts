/**
 * The statements of each Snowflake step, built from the step and what the adapter knows: the
 * step handlers (snowflake-steps.ts) run exactly these, and the plan's SQL preview
 * (snowflake-preview.ts) shows exactly these, so that what is shown cannot drift from what runs.
 */
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { StepOf } from '../../model/step-kinds.js';
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { sameInstant } from '../../model/time.js';
import { cloneSchemaName } from '../../model/desired.js';
import type { RunContext } from '../warehouse.js';
import { viewStatementFor } from '../view-definition.js';
import type { SnowflakeRow } from './snowflake-driver.js';
import { checkpointStatements } from './snowflake-inventory-sql.js';
import type { Lineage } from './snowflake-lineage.js';
import { ASIDE_MARK, ASIDE_PREFIX } from './snowflake-versions.js';
import {
  auditInsert,
  contentRestoreInsert,
  isoText,
  liveObjects,
  objectName,
  schemaName,
  setCheckpointStatus,
  snowflakeLiteral,
  toIso,
  type SnowflakeTarget,
} from './snowflake-sql.js';

/** The clone schema of a keep: clone checkpoint, qualified. */
const cloneOf = (t: SnowflakeTarget, checkpointId: string) =>
  `${quoteIdent(t.database)}.${quoteIdent(cloneSchemaName(t.schema, checkpointId))}`;

/** The warehouse clock, read first by a keep: clone checkpoint: the instant its clone is taken AT and its rows are stamped with. */
export const CLOCK_QUERY = `SELECT ${isoText('CURRENT_TIMESTAMP()')} AS NOW`;

/** An instant as SQL: ISO text (as CLOCK_QUERY returns it, milliseconds like every timestamp ckpt reads back) cast to TIMESTAMP_LTZ. */
export const instantSql = (iso: string): string => `${snowflakeLiteral(iso)}::TIMESTAMP_LTZ`;

/**
 * `CREATE SCHEMA ... CLONE ... AT` the checkpoint's instant. Tables Time Travel cannot read at that instant
 * (retention 0) are left out, then cloned without AT (cloneMissingQuery); hybrid tables cannot be
 * cloned (docs/snowflake-behaviour.md, pitfalls 5 and 14).
 */
export function cloneSchemaDdl(t: SnowflakeTarget, checkpointId: string, at: string): string {
  return `CREATE OR REPLACE SCHEMA ${cloneOf(t, checkpointId)} CLONE ${schemaName(t)} AT(TIMESTAMP => ${at}) IGNORE TABLES WITH INSUFFICIENT DATA RETENTION IGNORE HYBRID TABLES`;
}

/** The target's tables (not hybrid) that its clone lacks, with whether each is transient: one statement. */
export function cloneMissingQuery(t: SnowflakeTarget, checkpointId: string): string {
  return `SELECT t.TABLE_NAME AS TABLE_NAME, t.IS_TRANSIENT AS IS_TRANSIENT
${liveObjects(t)}
  AND t.TABLE_TYPE = 'BASE TABLE' AND COALESCE(t.IS_HYBRID, 'NO') = 'NO'
  AND t.TABLE_NAME NOT IN (SELECT c.TABLE_NAME FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.TABLES c
    WHERE c.TABLE_SCHEMA = ${snowflakeLiteral(cloneSchemaName(t.schema, checkpointId))})
ORDER BY t.TABLE_NAME`;
}

/**
 * One table the schema clone left out, cloned now (no AT: its history cannot be read), transient as its
 * source; OR REPLACE, so that a request sent again after a lost answer is harmless (the clone schema is new).
 */
export function cloneTableDdl(t: SnowflakeTarget, checkpointId: string, name: string, transient: boolean): string {
  return `CREATE OR REPLACE ${transient ? 'TRANSIENT ' : ''}TABLE ${cloneOf(t, checkpointId)}.${quoteIdent(name)} CLONE ${objectName(t, name)}`;
}

/**
 * A take-checkpoint step's inventory and audit rows (snowflake-inventory-sql.ts), stamped `at` (a keep:
 * clone checkpoint's instant, as SQL), or with the clock when they are written (`at` null).
 */
export function checkpointSql(
  t: SnowflakeTarget,
  step: StepOf<'take-checkpoint'>,
  run: RunContext,
  arrayBytes: number,
  at: string | null = null,
): string[] {
  return checkpointStatements(
    t,
    {
      id: step.checkpointId,
      type: step.checkpointType,
      description: step.description,
      runId: run.runId,
      origin: JSON.stringify(run.origin),
      keep: step.keep,
    },
    arrayBytes,
    at,
  );
}

/** An expire-checkpoint step: the row marked DELETED, then only the clone this checkpoint made, by its conventional name. */
export function expireSql(t: SnowflakeTarget, step: StepOf<'expire-checkpoint'>): string[] {
  const update = setCheckpointStatus(t, step.checkpointId, 'DELETED');
  if (step.keep !== 'clone') return [update];
  return [update, `DROP SCHEMA IF EXISTS ${cloneOf(t, step.checkpointId)}`];
}

/** A drop-object step; IF EXISTS: a drop that already happened is progress (docs/snowflake-behaviour.md#pitfall-11). */
export function dropSql(t: SnowflakeTarget, step: StepOf<'drop-object'>): string[] {
  return [`DROP ${step.object.kind} IF EXISTS ${objectName(t, step.object.name)}`];
}

/**
 * A recreate-view step: its captured CREATE statement, checked and re-headed to the view's
 * qualified name (there is no UNDROP VIEW: docs/snowflake-behaviour.md#pitfall-1; a definition
 * keeps the name the view was created with: docs/snowflake-behaviour.md#renamed-views).
 */
export function viewSql(t: SnowflakeTarget, step: StepOf<'recreate-view'>): string[] {
  return [viewStatementFor(step.definition, step.object.name, objectName(t, step.object.name))];
}

/** An action's audit row (its values bound at `?`), then the checkpoint it marks RESTORED_TO, if any. */
export function recordActionSql(t: SnowflakeTarget, restoredTo: string | null): [insert: string] | [insert: string, marked: string] {
  return restoredTo === null ? [auditInsert(t)] : [auditInsert(t), setCheckpointStatus(t, restoredTo, 'RESTORED_TO', 'ACTIVE')];
}

/** A table restore: its statements, and the name's versions once they ran (`done`: nothing to run). */
export interface TableRestore {
  done: boolean;
  statements: string[];
  after: SnowflakeRow[];
}

const isDropped = (row: SnowflakeRow) => row.dropped_on !== null && row.dropped_on !== undefined;

/** One version of a name: its row, its incarnation, and the aside name it is dropped under, if a restore set it aside. */
interface Version {
  row: SnowflakeRow;
  created: string;
  aside: string | null;
}

/**
 * Brings back the dropped version created at `created`, from the name's versions (SHOW TABLES
 * HISTORY rows, with the versions an earlier restore set aside: versionName). UNDROP restores the
 * newest dropped version of a name (docs/snowflake-behaviour.md#pitfall-2), so newer dropped
 * versions are undropped and renamed aside first, then dropped again under their aside names once
 * the original is back; they stay findable under those names (a later restore of one undrops its
 * aside name and renames it back). An aside name is made of the version's own CREATED, so the same
 * versions give the same statements.
 */
export function tableRestoreSql(t: SnowflakeTarget, name: string, created: string, raw: SnowflakeRow[], lineage: Lineage): TableRestore {
  const versions: Version[] = raw.map((row) => ({
    row,
    created: lineage.incarnation(name, String(toIso(row.created_on))),
    aside: String(row.name) === name ? null : String(row.name),
  }));
  const live = versions.find((v) => !isDropped(v.row) && v.aside === null);
  if (live !== undefined) {
    if (sameInstant(live.created, created)) return { done: true, statements: [], after: raw }; // restored by an earlier, interrupted run
    throw new CkptError('NAME_TAKEN', `cannot restore ${displayIdent(name)}: a table of that name exists`, { hint: HINTS.planAgain });
  }
  const dropped = versions
    .filter((v) => isDropped(v.row))
    .sort((a, b) => Date.parse(String(toIso(b.row.dropped_on))) - Date.parse(String(toIso(a.row.dropped_on))));
  const version = dropped.find((v) => sameInstant(v.created, created));
  if (version === undefined) {
    throw new CkptError('OBJECT_MISSING', `the version of ${displayIdent(name)} created ${created} is no longer in Time Travel`, {
      hint: HINTS.retentionPassed,
    });
  }
  const table = objectName(t, name);
  const others = raw.filter((row) => row !== version.row);
  if (version.aside !== null) {
    const aside = objectName(t, version.aside);
    return {
      done: false,
      statements: [`UNDROP TABLE ${aside}`, `ALTER TABLE ${aside} RENAME TO ${table}`],
      after: [{ ...version.row, name, dropped_on: null }, ...others],
    };
  }
  // Only versions dropped under the name itself, after this one, stand in UNDROP's way.
  const newer = dropped.slice(0, dropped.indexOf(version)).filter((v) => v.aside === null);
  const asides = newer.map((v, i) => {
    const at = Date.parse(String(toIso(v.row.created_on)));
    return `${name.slice(0, ASIDE_PREFIX)}${ASIDE_MARK}${Number.isNaN(at) ? 'x' : at.toString(36)}_${i}`;
  });
  const statements = [
    ...asides.flatMap((aside) => [`UNDROP TABLE ${table}`, `ALTER TABLE ${table} RENAME TO ${objectName(t, aside)}`]),
    `UNDROP TABLE ${table}`,
    ...asides.map((aside) => `DROP TABLE IF EXISTS ${objectName(t, aside)}`),
  ];
  const setAside = newer.map((v, i) => ({ ...v.row, name: asides[i] }));
  const rest = others.filter((row) => !newer.some((v) => v.row === row));
  return { done: false, statements, after: [{ ...version.row, dropped_on: null }, ...setAside, ...rest] };
}

/** A column of a table as INFORMATION_SCHEMA.COLUMNS describes it, enough to add it back whole. */
export interface ColumnInfo {
  name: string;
  /** The full type: `VARCHAR(n)`, `BINARY(n)`, `NUMBER(p,s)`, else DATA_TYPE. */
  type: string;
  nullable: boolean;
  /** Its DEFAULT expression, or null. */
  defaultSql: string | null;
}

const count = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));

/**
 * A column from an INFORMATION_SCHEMA.COLUMNS row (columnsQuery): DATA_TYPE alone loses a
 * VARCHAR's length and a NUMBER's scale, so they come from CHARACTER_MAXIMUM_LENGTH and
 * NUMERIC_PRECISION / NUMERIC_SCALE (https://docs.snowflake.com/en/sql-reference/info-schema/columns).
 */
export function columnOf(row: SnowflakeRow): ColumnInfo {
  const base = String(row.DATA_TYPE ?? 'TEXT');
  const precision = count(row.NUMERIC_PRECISION);
  const length = count(row.CHARACTER_MAXIMUM_LENGTH);
  let type = base;
  if (base === 'NUMBER' && precision !== null) type = `NUMBER(${precision},${count(row.NUMERIC_SCALE) ?? 0})`;
  else if ((base === 'TEXT' || base === 'BINARY') && length !== null) type = `${base === 'TEXT' ? 'VARCHAR' : 'BINARY'}(${length})`;
  const defaultSql = row.COLUMN_DEFAULT === null || row.COLUMN_DEFAULT === undefined ? null : String(row.COLUMN_DEFAULT);
  return { name: String(row.COLUMN_NAME), type, nullable: row.IS_NULLABLE !== 'NO', defaultSql };
}

/**
 * A column added back by a revert: its full type and default. A NOT NULL is set once the rows are
 * back (notNullSql): the table still holds its current rows when the column is added.
 */
function addColumnSql(table: string, c: ColumnInfo): string {
  return `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(c.name)} ${c.type}${c.defaultSql === null ? '' : ` DEFAULT ${c.defaultSql}`}`;
}

/** The NOT NULL of a column added back, after the rows are (ALTER TABLE … ALTER COLUMN … SET NOT NULL). */
function notNullSql(table: string, c: ColumnInfo): string {
  return `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name)} SET NOT NULL`;
}

/**
 * The statements of a content revert, then its CONTENT_RESTORE audit row. `live`/`source` are
 * the columns now and in the clone (source null when reading AT a timestamp). Names are quoted
 * exactly as stored (docs/snowflake-behaviour.md#pitfall-8).
 */
export function contentRevertSql(
  t: SnowflakeTarget,
  step: StepOf<'restore-content'>,
  columns: { live: ColumnInfo[]; source: ColumnInfo[] | null },
  run: RunContext,
): string[] {
  const audit = contentRestoreInsert(t, {
    name: step.object.name,
    incarnation: step.created,
    contentAs: step.lastAltered,
    checkpointId: step.checkpointId,
    runId: run.runId,
    origin: JSON.stringify(run.origin),
  });
  return [...contentSql(t, step, columns.live, columns.source), audit];
}

function contentSql(t: SnowflakeTarget, step: StepOf<'restore-content'>, live: ColumnInfo[], source: ColumnInfo[] | null): string[] {
  const table = objectName(t, step.object.name);
  if (step.from.kind === 'clone' && step.missing) {
    return [`CREATE TABLE ${table} CLONE ${quoteIdent(t.database)}.${quoteIdent(step.from.location)}.${quoteIdent(step.object.name)}`];
  }
  const wanted = source?.map((c) => c.name) ?? step.columns;
  const statements: string[] = [];
  const added = (source ?? []).filter((c) => !live.some((l) => l.name === c.name));
  if (wanted !== null) {
    for (const c of live) if (!wanted.includes(c.name)) statements.push(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(c.name)}`);
    for (const c of added) statements.push(addColumnSql(table, c));
  }
  const cols = wanted === null ? '*' : wanted.map(quoteIdent).join(', ');
  const into = wanted === null ? table : `${table} (${cols})`;
  const from =
    step.from.kind === 'time-travel'
      ? `${table} AT(TIMESTAMP => ${snowflakeLiteral(step.from.at)}::TIMESTAMP_LTZ)`
      : `${quoteIdent(t.database)}.${quoteIdent(step.from.location)}.${quoteIdent(step.object.name)}`;
  statements.push(`INSERT OVERWRITE INTO ${into} SELECT ${cols} FROM ${from}`);
  if (wanted !== null) for (const c of added) if (!c.nullable) statements.push(notNullSql(table, c));
  return statements;
}

/**
 * What makes a content revert impossible from its columns alone (the clone has no such table; the
 * table to revert is gone), or null. A missing table found live is checked by the handler.
 */
export function contentRevertRefused(
  step: StepOf<'restore-content'>,
  columns: { live: ColumnInfo[]; source: ColumnInfo[] | null },
): CkptError | null {
  if (step.from.kind === 'clone' && (columns.source ?? []).length === 0) {
    return new CkptError(
      'OBJECT_MISSING',
      `the clone ${displayIdent(step.from.location)} holds no table ${displayIdent(step.object.name)}`,
      {
        hint: HINTS.cloneChanged,
      },
    );
  }
  if (!step.missing && columns.live.length === 0) {
    return new CkptError('OBJECT_MISSING', `table ${displayIdent(step.object.name)} does not exist any more`, { hint: HINTS.planAgain });
  }
  return null;
}

/**
 * The statements the embedded warehouse's steps run on ckpt's hidden schema (a dropped table's
 * copy and its trash row, the object registry, a checkpoint's kept copies) and the action's
 * audit row. The step handlers (duckdb-steps.ts, duckdb-warehouse.ts) run exactly these; the
 * plan's SQL preview (duckdb-preview.ts) shows them, with `?` (AT_RUN) in place of a name or value
 * chosen as the step runs (a copy's fresh name, a time, a content signature, the action's outcome).
 */
import { quoteIdent } from '../../model/refs.js';
import type { TargetRef } from '../warehouse.js';
import type { DuckDbDriver } from './duckdb-driver.js';
import { auditName, duckDbLiteral, inSchema, INTERNAL_SCHEMA } from './duckdb-sql.js';

/** What a preview shows for a name or value chosen as the step runs. */
export const AT_RUN = '?';

/** A SQL literal, or NULL. */
export function literalOrNull(value: string | null): string {
  return value === null ? 'NULL' : duckDbLiteral(value);
}

/** A timestamp literal, or NULL. */
export function timeOrNull(iso: string | null): string {
  return iso === null ? 'NULL' : `${duckDbLiteral(iso)}::TIMESTAMPTZ`;
}

/** A table of the hidden schema: `copy` is quoted (or AT_RUN). */
function hidden(copy: string): string {
  return `${INTERNAL_SCHEMA}.${copy}`;
}

/** The copy of a table's rows in the hidden schema, under `copy` (quoted, or AT_RUN). */
export function copyRowsSql(copy: string, from: string): string {
  return `CREATE TABLE ${hidden(copy)} AS SELECT * FROM ${from}`;
}

/** Drops a copy of the hidden schema (quoted name, or AT_RUN). */
export function dropCopySql(copy: string): string {
  return `DROP TABLE IF EXISTS ${hidden(copy)}`;
}

/**
 * One trash row's values (SQL expressions: literals, or AT_RUN): the copy's name, the table, its
 * incarnation, DDL, comment, content version, and content signature (duckdb-content.ts: the
 * registry's at the drop, so that a restore registers it without hashing the rows again; NULL
 * when unknown).
 */
export interface TrashRowValues {
  trashTable: string;
  schema: string;
  name: string;
  created: string;
  sql: string;
  comment: string;
  altered: string;
  signature: string;
}

/** The trash rows of a batch of drops, in one INSERT (dropped now). */
export function trashInsertSql(rows: readonly TrashRowValues[]): string {
  const values = rows.map(
    (r) => `(${r.trashTable}, ${r.schema}, ${r.name}, ${r.created}, now(), ${r.sql}, ${r.comment}, ${r.altered}, ${r.signature})`,
  );
  return `INSERT INTO ${INTERNAL_SCHEMA}.trash (trash_table, schema_name, name, created, dropped_on, sql, comment, altered, content_hash) VALUES ${values.join(', ')}`;
}

/** Removes trash rows by their copies' names (literals, or AT_RUN). */
export function trashDeleteSql(trashTables: readonly string[]): string {
  return `DELETE FROM ${INTERNAL_SCHEMA}.trash WHERE trash_table IN (${trashTables.join(', ')})`;
}

/** Removes names of a schema from the registry (one statement). */
export function forgetRegisteredSql(target: TargetRef, names: readonly string[]): string {
  return `DELETE FROM ${INTERNAL_SCHEMA}.objects WHERE ${inSchema(target.schema)}
      AND upper(name) IN (${names.map((n) => duckDbLiteral(n.toUpperCase())).join(', ')})`;
}

/** One registry row of a table ckpt (re-)created (SQL expressions: literals, or AT_RUN). */
export interface RegistryRowValues {
  name: string;
  created: string;
  sql: string;
  altered: string;
  signature: string;
}

/** Registers tables ckpt (re-)created, with their incarnation, content version and signature (one statement). */
export function registerTablesSql(target: TargetRef, rows: readonly RegistryRowValues[]): string {
  const values = rows.map(
    (r) => `(${duckDbLiteral(target.schema)}, ${r.name}, 'TABLE', ${r.created}, ${r.sql},
        ${r.altered}, ${r.signature})`,
  );
  return `INSERT INTO ${INTERNAL_SCHEMA}.objects (schema_name, name, kind, created, sql, altered, content_hash) VALUES ${values.join(', ')}`;
}

/** Registers a view ckpt re-created, first seen now. */
export function registerViewSql(target: TargetRef, name: string, definition: string): string {
  return `INSERT INTO ${INTERNAL_SCHEMA}.objects (schema_name, name, kind, created, sql)
      VALUES (${duckDbLiteral(target.schema)}, ${duckDbLiteral(name)}, 'VIEW', now(), ${duckDbLiteral(definition)})`;
}

/** A kept copy's row (SQL expressions: literals, or AT_RUN), under its checkpoint. */
export function keptInsertSql(
  target: TargetRef,
  row: { checkpointId: string; name: string; created: string; copy: string; sql: string; comment: string },
): string {
  return `INSERT INTO ${INTERNAL_SCHEMA}.kept (schema_name, checkpoint_id, name, created, copy_table, sql, comment)
        VALUES (${duckDbLiteral(target.schema)}, ${duckDbLiteral(row.checkpointId)}, ${row.name}, ${row.created},
        ${row.copy}, ${row.sql}, ${row.comment})`;
}

/** Removes a checkpoint's kept-copy rows (its copies are dropped first). */
export function keptDeleteSql(target: TargetRef, checkpointId: string): string {
  return `DELETE FROM ${INTERNAL_SCHEMA}.kept WHERE ${inSchema(target.schema)} AND checkpoint_id = ${duckDbLiteral(checkpointId)}`;
}

/** The quoted names of the copies a checkpoint kept (read). */
export async function keptCopiesOf(db: DuckDbDriver, target: TargetRef, checkpointId: string): Promise<string[]> {
  const copies = await db.query(`SELECT copy_table FROM ${INTERNAL_SCHEMA}.kept
      WHERE ${inSchema(target.schema)} AND checkpoint_id = ${duckDbLiteral(checkpointId)}`);
  return copies.map((c) => quoteIdent(String(c.copy_table)));
}

/** Drops the copies a checkpoint kept and their rows, and nothing else. */
export function dropCopiesSql(target: TargetRef, checkpointId: string, copies: readonly string[]): string[] {
  return [...copies.map(dropCopySql), keptDeleteSql(target, checkpointId)];
}

/** An action's audit row's values (SQL expressions: literals, or AT_RUN for what is known once its steps ran). */
export interface ActionRowValues {
  id: string;
  type: string;
  description: string;
  snapshot: string;
  count: string;
  status: string;
  actionId: string;
  specHash: string;
  spec: string;
  steps: string;
  error: string;
  runId: string;
  origin: string;
}

/** An action's audit row, stamped with the warehouse clock. */
export function actionInsertSql(target: TargetRef, v: ActionRowValues): string {
  return `INSERT INTO ${auditName(target)} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
        OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, ACTION_ID, SPEC_HASH, SPEC, STEPS, ERROR, RUN_ID, ORIGIN)
        VALUES (${v.id}, now(), ${v.type}, ${v.description},
        ${v.snapshot}, ${v.count}, ${v.status}, ${v.actionId},
        ${v.specHash}, ${v.spec}, ${v.steps},
        ${v.error}, ${v.runId}, ${v.origin})`;
}

/**
 * The statements the embedded warehouse's steps run on the user's schema, built from the step
 * and what the hidden schema keeps (the trash, a checkpoint's copies): the step handlers
 * (duckdb-steps.ts) run exactly these and the plan's SQL preview (duckdb-preview.ts) shows them.
 */
import { SNAPSHOT_ARRAY_BYTES } from '../../model/audit-layout.js';
import { quoteIdent } from '../../model/refs.js';
import type { StepOf } from '../../model/step-kinds.js';
import { SYSTEM_INIT } from '../audit-rules.js';
import { qualifiedName } from '../sql.js';
import { checkedViewDefinition } from '../view-definition.js';
import type { RunContext, TargetRef } from '../warehouse.js';
import type { DuckDbDriver } from './duckdb-driver.js';
import { checkpointStatements } from './duckdb-inventory-sql.js';
import { auditName, duckDbLiteral, inSchema, INTERNAL_SCHEMA, ISO_FORMAT } from './duckdb-sql.js';

/** A table as ckpt keeps it: the copy of its rows (qualified), its CREATE statement and comment. */
export interface KeptTable {
  copy: string;
  sql: string;
  comment: string | null;
}

/** An object of the target's schema, qualified. */
export function objectIn(target: TargetRef, name: string): string {
  return qualifiedName({ database: null, schema: target.schema }, name);
}

/** The audit table's SYSTEM_INIT row. */
export function systemInitInsert(target: TargetRef, run: RunContext): string {
  return `INSERT INTO ${auditName(target)} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
            OBJECTS_COUNT, STATUS, RUN_ID, ORIGIN) VALUES (${duckDbLiteral(SYSTEM_INIT.id)}, now(), ${duckDbLiteral(SYSTEM_INIT.type)},
            ${duckDbLiteral(SYSTEM_INIT.description)}, 0, ${duckDbLiteral(SYSTEM_INIT.status)}, ${duckDbLiteral(run.runId)}, ${duckDbLiteral(JSON.stringify(run.origin))})`;
}

/** A checkpoint's inventory rows and audit row, its inventory read from the object registry (duckdb-inventory-sql.ts). */
export function checkpointSql(target: TargetRef, step: StepOf<'take-checkpoint'>, run: RunContext): string[] {
  return checkpointStatements(
    target,
    {
      id: step.checkpointId,
      type: step.checkpointType,
      description: step.description,
      runId: run.runId,
      origin: JSON.stringify(run.origin),
      ...(step.keep === undefined ? {} : { keep: step.keep }),
    },
    SNAPSHOT_ARRAY_BYTES,
  );
}

/** The drop itself: a view IF EXISTS; a table once its copy is in the trash. */
export function dropStatement(target: TargetRef, name: string, kind: 'TABLE' | 'VIEW'): string {
  return kind === 'VIEW' ? `DROP VIEW IF EXISTS ${objectIn(target, name)}` : `DROP TABLE ${objectIn(target, name)}`;
}

/** A table (re-)created from what ckpt kept: its DDL in the schema, its rows, its comment. */
export function fromKeptSql(target: TargetRef, name: string, kept: KeptTable): string[] {
  const object = objectIn(target, name);
  return [
    `USE ${quoteIdent(target.schema)}`,
    kept.sql,
    `INSERT INTO ${object} SELECT * FROM ${kept.copy}`,
    ...(kept.comment === null ? [] : [`COMMENT ON TABLE ${object} IS ${duckDbLiteral(kept.comment)}`]),
  ];
}

/** A view re-created from its captured definition, checked. */
export function viewSql(target: TargetRef, name: string, definition: string): string[] {
  return [`USE ${quoteIdent(target.schema)}`, checkedViewDefinition(definition, name, 'case-insensitive')];
}

/** The copy a checkpoint kept of a table version (keep: clone), or undefined. */
export async function keptCopy(
  db: DuckDbDriver,
  target: TargetRef,
  of: { checkpointId: string; name: string; created: string },
): Promise<KeptTable | undefined> {
  const [kept] = await db.query(`SELECT copy_table, sql, comment FROM ${INTERNAL_SCHEMA}.kept
      WHERE ${inSchema(target.schema)} AND checkpoint_id = ${duckDbLiteral(of.checkpointId)} AND lower(name) = lower(${duckDbLiteral(of.name)})
      AND created = ${duckDbLiteral(of.created)}::TIMESTAMPTZ LIMIT 1`);
  if (kept === undefined) return undefined;
  return {
    copy: `${INTERNAL_SCHEMA}.${quoteIdent(String(kept.copy_table))}`,
    sql: String(kept.sql),
    comment: kept.comment === null ? null : String(kept.comment),
  };
}

/** A table restored from the trash: as from a kept copy, then the trash copy dropped. */
export function fromTrashSql(target: TargetRef, name: string, kept: KeptTable): string[] {
  return [...fromKeptSql(target, name, kept), `DROP TABLE ${kept.copy}`];
}

/** A trash row of a dropped table version: its upper-cased name (`key`), incarnation and what was kept. */
export interface TrashRow extends KeptTable {
  key: string;
  created: string;
  trashTable: string;
  altered: string | null;
}

/** The trash rows of the given names in the target's schema, newest drop first. */
export async function trashRows(db: DuckDbDriver, target: TargetRef, names: string[]): Promise<TrashRow[]> {
  const keys = names.map((n) => duckDbLiteral(n.toUpperCase())).join(', ');
  const rows = await db.query(`SELECT upper(name) AS key, strftime(created, ${ISO_FORMAT}) AS created, trash_table, sql, comment,
        strftime(altered, ${ISO_FORMAT}) AS altered
      FROM ${INTERNAL_SCHEMA}.trash WHERE ${inSchema(target.schema)} AND upper(name) IN (${keys}) ORDER BY dropped_on DESC`);
  return rows.map((r) => ({
    key: String(r.key),
    created: String(r.created),
    trashTable: String(r.trash_table),
    copy: `${INTERNAL_SCHEMA}.${quoteIdent(String(r.trash_table))}`,
    sql: String(r.sql),
    comment: r.comment === null ? null : String(r.comment),
    altered: r.altered === null ? null : String(r.altered),
  }));
}

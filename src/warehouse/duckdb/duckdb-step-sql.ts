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
import type { ActionRecord, RunContext, TargetRef } from '../warehouse.js';
import type { ActionSpec } from '../../model/desired.js';
import type { DuckDbDriver } from './duckdb-driver.js';
import {
  actionInsertSql,
  AT_RUN,
  copyRowsSql,
  type ActionRowValues,
  keptInsertSql,
  literalOrNull,
  timeOrNull,
  type RegistryRowValues,
  type TrashRowValues,
} from './duckdb-bookkeeping-sql.js';
import {
  auditName,
  contentVersion,
  duckDbLiteral,
  inSchema,
  INTERNAL_SCHEMA,
  ISO_FORMAT,
  markRestoredTo,
  syncRegistrySql,
} from './duckdb-sql.js';
import { checkpointStatements } from './duckdb-inventory-sql.js';

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
  /** The content signature the table had when dropped, or null (unknown: the restore hashes its rows). */
  signature: string | null;
}

/** The trash rows of the given names in the target's schema, newest drop first. */
export async function trashRows(db: DuckDbDriver, target: TargetRef, names: string[]): Promise<TrashRow[]> {
  const keys = names.map((n) => duckDbLiteral(n.toUpperCase())).join(', ');
  const rows = await db.query(`SELECT upper(name) AS key, strftime(created, ${ISO_FORMAT}) AS created, trash_table, sql, comment,
        strftime(altered, ${ISO_FORMAT}) AS altered, content_hash
      FROM ${INTERNAL_SCHEMA}.trash WHERE ${inSchema(target.schema)} AND upper(name) IN (${keys}) ORDER BY dropped_on DESC`);
  return rows.map((r) => ({
    key: String(r.key),
    created: String(r.created),
    trashTable: String(r.trash_table),
    copy: `${INTERNAL_SCHEMA}.${quoteIdent(String(r.trash_table))}`,
    sql: String(r.sql),
    comment: r.comment === null ? null : String(r.comment),
    altered: r.altered === null ? null : String(r.altered),
    signature: r.content_hash === null ? null : String(r.content_hash),
  }));
}

/** A copy's fresh name in the hidden schema as an identifier and as a value: chosen as the step runs (AT_RUN in a preview). */
export interface ChosenCopy {
  ident: string;
  literal: string;
}

/** The copy named `name`. */
export function chosenCopy(name: string): ChosenCopy {
  return { ident: quoteIdent(name), literal: duckDbLiteral(name) };
}

/** A copy whose name is chosen as the step runs, in a preview. */
export const COPY_AT_RUN: ChosenCopy = { ident: AT_RUN, literal: AT_RUN };

/** A table as the catalog holds it: name, CREATE statement, comment. */
export interface TableDdl {
  name: string;
  sql: string;
  comment: string | null;
}

/** A `keep: clone` copy of a table: its rows into the hidden schema, its row under the checkpoint (`created`: a SQL expression). */
export function keepCopySql(target: TargetRef, checkpointId: string, table: TableDdl, copy: ChosenCopy, created: string): string[] {
  return [
    copyRowsSql(copy.ident, objectIn(target, table.name)),
    keptInsertSql(target, {
      checkpointId,
      name: duckDbLiteral(table.name),
      created,
      copy: copy.literal,
      sql: duckDbLiteral(table.sql),
      comment: literalOrNull(table.comment),
    }),
  ];
}

/** A dropped table's trash row: the step's incarnation, the live table's DDL and comment; the copy's name, content version and signature as given. */
export function trashRowOf(
  target: TargetRef,
  step: StepOf<'drop-object'>,
  live: { sql: string; comment: string | null },
  chosen: { trashTable: string; altered: string; signature: string },
): TrashRowValues {
  return {
    trashTable: chosen.trashTable,
    schema: duckDbLiteral(target.schema),
    name: duckDbLiteral(step.object.name),
    created: timeOrNull(step.created),
    sql: duckDbLiteral(live.sql),
    comment: literalOrNull(live.comment),
    altered: chosen.altered,
    signature: chosen.signature,
  };
}

/** The registry row of a table ckpt (re-)created as incarnation `created` with content version `altered`. */
export function registryRowOf(
  t: { row: { name: string; sql: string }; created: string; altered: string | null },
  signature: string,
): RegistryRowValues {
  return {
    name: duckDbLiteral(t.row.name),
    created: timeOrNull(t.created),
    sql: duckDbLiteral(t.row.sql),
    altered: timeOrNull(t.altered),
    signature,
  };
}

/** What the registry records of a table's content: its version and signature (null: not recorded). */
export interface RegisteredContent {
  altered: string | null;
  signature: string | null;
}

/** The registry's content version and signature of each named table, keyed by upper-cased name (one read). */
export async function registeredContent(db: DuckDbDriver, target: TargetRef, names: string[]): Promise<Map<string, RegisteredContent>> {
  const rows = await db.query(`SELECT upper(o.name) AS key, strftime(max(${contentVersion('o')}), ${ISO_FORMAT}) AS altered,
        arg_max(o.content_hash, ${contentVersion('o')}) AS signature
      FROM ${INTERNAL_SCHEMA}.objects o WHERE ${inSchema(target.schema, 'o.schema_name')} AND o.kind = 'TABLE'
      AND upper(o.name) IN (${names.map((n) => duckDbLiteral(n.toUpperCase())).join(', ')}) GROUP BY upper(o.name)`);
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return new Map(rows.map((r) => [String(r.key), { altered: text(r.altered), signature: text(r.signature) }]));
}

/** An action's audit row as written once its steps ran (`id`: its type and the warehouse clock's second). */
export function actionRowOf(record: ActionRecord, run: RunContext, id: string): ActionRowValues {
  const objects = record.steps.filter((s) => s.object !== null);
  return {
    ...actionRowKnownBefore(record, run),
    id: duckDbLiteral(id),
    snapshot: duckDbLiteral(JSON.stringify(objects.map((s) => ({ name: s.object, step: s.kind })))),
    count: String(objects.length),
    status: duckDbLiteral(record.status),
    steps: duckDbLiteral(JSON.stringify(record.steps)),
    error: literalOrNull(record.error),
  };
}

/** An action's audit row as a preview shows it: what its steps' outcomes decide (and the id, stamped by the clock) is AT_RUN. */
export function actionRowPreview(
  spec: { actionId: string; type: string; spec: ActionSpec; specHash: string },
  run: RunContext,
): ActionRowValues {
  return { ...actionRowKnownBefore(spec, run), id: AT_RUN, snapshot: AT_RUN, count: AT_RUN, status: AT_RUN, steps: AT_RUN, error: AT_RUN };
}

function actionRowKnownBefore(
  r: { actionId: string; type: string; spec: ActionSpec; specHash: string },
  run: RunContext,
): Pick<ActionRowValues, 'type' | 'description' | 'actionId' | 'specHash' | 'spec' | 'runId' | 'origin'> {
  return {
    type: duckDbLiteral(r.type),
    description: duckDbLiteral(`action ${r.actionId}`),
    actionId: duckDbLiteral(r.actionId),
    specHash: duckDbLiteral(r.specHash),
    spec: duckDbLiteral(JSON.stringify(r.spec)),
    runId: duckDbLiteral(run.runId),
    origin: duckDbLiteral(JSON.stringify(run.origin)),
  };
}

/** An action's audit row, the checkpoint it went back to marked, and the registry synced with what its steps left. */
export function recordActionSql(target: TargetRef, row: ActionRowValues, restoredTo: string | null): string[] {
  return [
    actionInsertSql(target, row),
    ...(restoredTo === null ? [] : [markRestoredTo(target, restoredTo)]),
    syncRegistrySql(target.schema, target.auditTable),
  ];
}

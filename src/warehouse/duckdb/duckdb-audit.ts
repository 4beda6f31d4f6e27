/**
 * The audit table on the embedded warehouse: its DDL (the old pipelines' columns, then ckpt's),
 * the server-side checkpoint insert (inventory built in SQL from the catalog and the registry),
 * action rows, and reading it back.
 */
import { qualifiedName } from '../sql.js';
import type { TargetRef } from '../warehouse.js';
import { INTERNAL_SCHEMA, ISO_FORMAT, columnsOf, contentVersion, duckLiteral, foreignKeysOf, inSchema, liveObjectsQuery } from './duckdb-catalog.js';

/** `"SCHEMA"."AUDIT_TABLE"` on DuckDB (the file is the database). */
export function auditName(target: TargetRef): string {
  return qualifiedName({ database: null, schema: target.schema }, target.auditTable);
}

/** CREATE TABLE for the audit table. */
export function auditDdl(target: TargetRef): string {
  return `CREATE TABLE IF NOT EXISTS ${auditName(target)} (
  CHECKPOINT_ID VARCHAR NOT NULL,
  CHECKPOINT_TIMESTAMP TIMESTAMPTZ NOT NULL,
  CHECKPOINT_TYPE VARCHAR NOT NULL,
  DESCRIPTION VARCHAR,
  OBJECTS_SNAPSHOT VARCHAR,
  OBJECTS_COUNT INTEGER,
  STATUS VARCHAR NOT NULL,
  ACTION_ID VARCHAR,
  SPEC_HASH VARCHAR,
  SPEC VARCHAR,
  STEPS VARCHAR,
  ERROR VARCHAR,
  RUN_ID VARCHAR,
  ORIGIN VARCHAR)`;
}

/** Reads every audit row, timestamps as ISO text. */
export function auditSelect(target: TargetRef): string {
  return `SELECT CHECKPOINT_ID, strftime(CHECKPOINT_TIMESTAMP, ${ISO_FORMAT}) AS CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE,
  DESCRIPTION, OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, ACTION_ID, SPEC_HASH, SPEC, STEPS, ERROR, RUN_ID, ORIGIN
  FROM ${auditName(target)} ORDER BY CHECKPOINT_TIMESTAMP, CHECKPOINT_ID`;
}

/**
 * One INSERT ... SELECT that records a checkpoint: the inventory is built in SQL from the
 * catalog joined with the registry, stamped with the warehouse clock.
 */
export function checkpointInsert(
  target: TargetRef,
  row: { id: string; type: string; description: string; runId: string; origin: string; keep?: string },
): string {
  const live = liveObjectsQuery(target.schema, target.auditTable);
  // last_altered is the registry's content version (the local LAST_ALTERED); SPEC records keep.
  return `INSERT INTO ${auditName(target)} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
  OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, RUN_ID, ORIGIN, SPEC)
SELECT ${duckLiteral(row.id)}, now(), ${duckLiteral(row.type)}, ${duckLiteral(row.description)},
  COALESCE(to_json(list({'name': l.name, 'type': l.kind,
    'created': strftime(COALESCE(r.created, now()), ${ISO_FORMAT}),
    'last_altered': CASE WHEN l.kind = 'TABLE' THEN strftime(COALESCE(${contentVersion('r')}, now()), ${ISO_FORMAT}) END,
    'row_count': l.row_count, 'bytes': NULL, 'retention_time': NULL, 'is_transient': false, 'is_hybrid': false,
    'definition': CASE WHEN l.kind = 'VIEW' THEN l.sql END,
    'columns': CASE WHEN l.kind = 'TABLE' THEN ${columnsOf(duckLiteral(target.schema), 'l.name')} END,
    'references': CASE WHEN l.kind = 'TABLE' THEN ${foreignKeysOf(duckLiteral(target.schema), 'l.name')} END} ORDER BY l.name))::VARCHAR, '[]'),
  count(l.name), 'ACTIVE', ${duckLiteral(row.runId)}, ${duckLiteral(row.origin)},
  ${row.keep === 'clone' ? `'{"keep":"clone"}'` : 'NULL'}
FROM (${live}) l LEFT JOIN ${INTERNAL_SCHEMA}.objects r
  ON ${inSchema(target.schema, 'r.schema_name')} AND lower(r.name) = lower(l.name) AND r.kind = l.kind`;
}

/** Expires a checkpoint: it stays in the audit table, with status DELETED. */
export function expireCheckpoint(target: TargetRef, checkpointId: string): string {
  return `UPDATE ${auditName(target)} SET STATUS = 'DELETED' WHERE CHECKPOINT_ID = ${duckLiteral(checkpointId)}
  AND CHECKPOINT_TYPE IN ('MANUAL', 'AUTO')`;
}

/** Marks a checkpoint as the one a reset or restore went back to. */
export function markRestoredTo(target: TargetRef, checkpointId: string): string {
  return `UPDATE ${auditName(target)} SET STATUS = 'RESTORED_TO' WHERE CHECKPOINT_ID = ${duckLiteral(checkpointId)}
  AND CHECKPOINT_TYPE IN ('MANUAL', 'AUTO') AND STATUS = 'ACTIVE'`;
}

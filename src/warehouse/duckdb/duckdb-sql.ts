/**
 * The embedded warehouse's SQL, in DuckDB's dialect, for one target schema: over DuckDB's catalog
 * (live tables and views, as stored, without ckpt's own tables), over ckpt's hidden schema `_ckpt`
 * (registry of first-seen times and content versions, trash of tables ckpt dropped, copies kept by
 * checkpoints), and the audit table (its DDL and migrations from audit-ddl.ts, reading it back at
 * its layout; a checkpoint's inventory: duckdb-inventory-sql.ts); DuckDB timestamps
 * converted to ISO-8601.
 */
import { CHECKPOINT_TYPE_IN } from '../../model/observed.js';
import { HIDDEN_SCHEMA, internalTables, ownTables } from '../../model/desired.js';
import { isoFromText } from '../../model/time.js';
import { layoutColumns } from '../../model/audit-layout.js';
import { auditStamp, auditTableDdl, inventoryTableDdl, type AuditDialect } from '../audit-ddl.js';
import { qualifiedName } from '../sql.js';
import type { TargetRef } from '../warehouse.js';

/** The hidden schema; never a target (config refuses it), never in a plan. */
export const INTERNAL_SCHEMA = HIDDEN_SCHEMA;

/** ISO format for DuckDB strftime (millisecond precision, UTC session). */
export const ISO_FORMAT = "'%Y-%m-%dT%H:%M:%S.%gZ'";

/** A DuckDB timestamp rendered by getRowObjectsJson (`2026-11-27 02:31:25.27+00`) → ISO; zone-less text is UTC (isoFromText). */
export function duckDbTimeToIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return isoFromText(String(value));
}

/** A SQL string literal for DuckDB (no backslash escapes in DuckDB strings). */
export function duckDbLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Statements creating the hidden schema (idempotent). */
export const INTERNAL_DDL = `
CREATE SCHEMA IF NOT EXISTS ${INTERNAL_SCHEMA};
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.objects (
  schema_name VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
  created TIMESTAMPTZ NOT NULL, sql VARCHAR);
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.trash (
  trash_table VARCHAR NOT NULL, schema_name VARCHAR NOT NULL, name VARCHAR NOT NULL,
  created TIMESTAMPTZ NOT NULL, dropped_on TIMESTAMPTZ NOT NULL, sql VARCHAR NOT NULL, comment VARCHAR);
ALTER TABLE ${INTERNAL_SCHEMA}.objects ADD COLUMN IF NOT EXISTS altered TIMESTAMPTZ;
ALTER TABLE ${INTERNAL_SCHEMA}.objects ADD COLUMN IF NOT EXISTS content_hash VARCHAR;
ALTER TABLE ${INTERNAL_SCHEMA}.trash ADD COLUMN IF NOT EXISTS altered TIMESTAMPTZ;
ALTER TABLE ${INTERNAL_SCHEMA}.trash ADD COLUMN IF NOT EXISTS content_hash VARCHAR;
CREATE TABLE IF NOT EXISTS ${INTERNAL_SCHEMA}.kept (
  schema_name VARCHAR NOT NULL, checkpoint_id VARCHAR NOT NULL, name VARCHAR NOT NULL, created TIMESTAMPTZ NOT NULL,
  copy_table VARCHAR NOT NULL, sql VARCHAR NOT NULL, comment VARCHAR);`;

/**
 * A table's content version on the embedded warehouse, DuckDB's stand-in for LAST_ALTERED: the
 * registry's `altered` (moved when the table's rows change: see duckdb-content.ts; and when its
 * DDL changes), or its creation time if never moved.
 */
export function contentVersion(alias = 'r'): string {
  return `COALESCE(${alias}.altered, ${alias}.created)`;
}

/** The next content version of a registry row: now, and always later than the previous one. */
export function nextContentVersion(alias = 'o'): string {
  return `greatest(now(), ${contentVersion(alias)} + INTERVAL 1 MILLISECOND)`;
}

/** Column names of a table in order, as a DuckDB list expression (correlated on `schemaCol`/`nameCol`). */
export function columnsOf(schemaCol: string, nameCol: string): string {
  return `(SELECT list(c.column_name ORDER BY c.column_index) FROM duckdb_columns() c
    WHERE c.database_name = current_database() AND lower(c.schema_name) = lower(${schemaCol}) AND lower(c.table_name) = lower(${nameCol}))`;
}

/**
 * The tables a table's FOREIGN KEYs reference (names as stored, sorted, distinct), as a DuckDB
 * list expression correlated on `schemaCol`/`nameCol`; NULL when it has none.
 */
export function foreignKeysOf(schemaCol: string, nameCol: string): string {
  return `(SELECT list(DISTINCT k.referenced_table ORDER BY k.referenced_table) FROM duckdb_constraints() k
    WHERE k.database_name = current_database() AND k.constraint_type = 'FOREIGN KEY'
    AND lower(k.schema_name) = lower(${schemaCol}) AND lower(k.table_name) = lower(${nameCol}))`;
}

/** A predicate on a `schema_name` column matching the target schema (DuckDB names are case-insensitive). */
export function inSchema(schema: string, column = 'schema_name'): string {
  return `lower(${column}) = lower(${duckDbLiteral(schema)})`;
}

/**
 * Live tables and views of a schema: name, kind, sql, row estimate, comment. Excludes the
 * audit table, temporary and internal objects (docs/snowflake-behaviour.md#pitfall-4 has its local twin: temp tables).
 */
export function liveObjectsQuery(schema: string, auditTable: string): string {
  const filter = `database_name = current_database() AND ${inSchema(schema)} AND NOT internal AND NOT temporary`;
  const own = ownTables(auditTable)
    .map((n) => `lower(${duckDbLiteral(n)})`)
    .join(', ');
  return `
SELECT table_name AS name, 'TABLE' AS kind, sql, estimated_size::DOUBLE AS row_count, comment
  FROM duckdb_tables() WHERE ${filter} AND lower(table_name) NOT IN (${own})
UNION ALL
SELECT view_name, 'VIEW', sql, NULL, comment FROM duckdb_views() WHERE ${filter}`;
}

/**
 * Brings the registry in line with the live schema: forgets objects no longer there (or views
 * whose definition changed: a new incarnation), registers new ones as first seen now, and bumps
 * the content version of a table whose DDL changed (a structure change: ALTER TABLE).
 */
export function syncRegistrySql(schema: string, auditTable: string): string {
  const reg = `${INTERNAL_SCHEMA}.objects`;
  return `
CREATE OR REPLACE TEMP TABLE ckpt_live AS ${liveObjectsQuery(schema, auditTable)};
DELETE FROM ${reg} o WHERE ${inSchema(schema, 'o.schema_name')} AND NOT EXISTS (
  SELECT 1 FROM ckpt_live l WHERE lower(l.name) = lower(o.name) AND l.kind = o.kind AND (o.kind = 'TABLE' OR l.sql = o.sql));
INSERT INTO ${reg} (schema_name, name, kind, created, sql) SELECT ${duckDbLiteral(schema)}, l.name, l.kind, now(), l.sql FROM ckpt_live l WHERE NOT EXISTS (
  SELECT 1 FROM ${reg} o WHERE ${inSchema(schema, 'o.schema_name')} AND lower(o.name) = lower(l.name) AND o.kind = l.kind);
UPDATE ${reg} o SET sql = l.sql, altered = ${nextContentVersion('o')} FROM ckpt_live l
  WHERE ${inSchema(schema, 'o.schema_name')} AND lower(o.name) = lower(l.name) AND o.kind = l.kind AND o.sql IS DISTINCT FROM l.sql;
DROP TABLE ckpt_live;`;
}

/** A fresh (unquoted) name for a table's copy in the trash (or, with another prefix, a kept copy). */
export function trashTableName(prefix = 'trash'): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
}

/** `"SCHEMA"."AUDIT_TABLE"` on DuckDB (the file is the database). */
export function auditName(target: TargetRef): string {
  return qualifiedName({ database: null, schema: target.schema }, target.auditTable);
}

/** The audit table's DDL in DuckDB's dialect (audit-ddl.ts): JSON is kept as text. */
export const DUCKDB_AUDIT: AuditDialect = {
  types: { text: 'VARCHAR', json: 'VARCHAR', timestamp: 'TIMESTAMPTZ', number: 'INTEGER', count: 'BIGINT' },
  setComment: (name, text) => `COMMENT ON TABLE ${name} IS ${duckDbLiteral(text)}`,
};

/** CREATE TABLE for the audit table and its inventory table, then its layout stamp. */
export function auditDdl(target: TargetRef): string {
  return [
    auditTableDdl(auditName(target), DUCKDB_AUDIT),
    inventoryTableDdl(inventoryTable(target), DUCKDB_AUDIT),
    auditStamp(auditName(target), DUCKDB_AUDIT),
  ].join(';\n');
}

/** `"SCHEMA"."AUDIT_TABLE_INVENTORY"`: the inventory table, next to the audit table. */
export function inventoryTable(target: TargetRef): string {
  return qualifiedName({ database: null, schema: target.schema }, internalTables(target.auditTable).inventory);
}

/**
 * Reads every audit row of a table at `layout`, timestamps as ISO text (a TIMESTAMP without
 * zone, as the old pipelines' may be, is printed as it is and read in UTC); columns the layout
 * does not have yet are not selected, nor OBJECTS_SNAPSHOT where the inventory table holds the inventory.
 */
export function auditSelect(target: TargetRef, layout: number): string {
  const columns = layoutColumns(layout).map((c) => {
    if (c === 'CHECKPOINT_TIMESTAMP') return `strftime(${c}, ${ISO_FORMAT}) AS ${c}`;
    // An inventory kept in the inventory table is read from there (duckdb-inventory-sql.ts), not twice.
    if (c === 'OBJECTS_SNAPSHOT' && layout >= 2) return `CASE WHEN INVENTORY_TABLE IS NULL THEN OBJECTS_SNAPSHOT END AS ${c}`;
    return c;
  });
  return `SELECT ${columns.join(', ')} FROM ${auditName(target)} ORDER BY CHECKPOINT_TIMESTAMP, CHECKPOINT_ID`;
}

/** Rows ckpt wrote (they have a RUN_ID): the only ones it ever updates; the old pipelines' rows are left as they are. */
const CKPT_ROW = `COALESCE(RUN_ID, '') <> ''`;

/** Expires a checkpoint: it stays in the audit table, with status DELETED. */
export function expireCheckpoint(target: TargetRef, checkpointId: string): string {
  return `UPDATE ${auditName(target)} SET STATUS = 'DELETED' WHERE CHECKPOINT_ID = ${duckDbLiteral(checkpointId)}
  AND CHECKPOINT_TYPE ${CHECKPOINT_TYPE_IN} AND ${CKPT_ROW}`;
}

/** Marks a checkpoint as the one a reset or restore went back to. */
export function markRestoredTo(target: TargetRef, checkpointId: string): string {
  return `UPDATE ${auditName(target)} SET STATUS = 'RESTORED_TO' WHERE CHECKPOINT_ID = ${duckDbLiteral(checkpointId)}
  AND CHECKPOINT_TYPE ${CHECKPOINT_TYPE_IN} AND STATUS = 'ACTIVE' AND ${CKPT_ROW}`;
}

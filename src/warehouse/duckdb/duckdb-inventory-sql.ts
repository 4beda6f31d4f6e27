/**
 * Checkpoint inventories on the embedded warehouse, as on Snowflake (snowflake-inventory-sql.ts,
 * audit layout 2): one row per object in the inventory table, built in SQL from the catalog
 * joined with the object registry, then the audit row built from those rows, in the step's one
 * transaction. OBJECTS_SNAPSHOT keeps the entries as an array when they fit under a bound, else
 * a summary naming the inventory table; observe reads the entries of the checkpoints the core
 * selects (InventorySelection), and only totals of the others.
 */
import { inventoryEntriesSql, inventoryOfRows, selectedSql, type CheckpointRow, type SelectionDialect } from '../inventory-rows-sql.js';
import type { InventorySelection } from '../../model/observed.js';
import { SUMMARY_NOTE } from '../../model/audit-layout.js';
import { internalTables } from '../../model/desired.js';
import type { TargetRef } from '../warehouse.js';
import {
  auditName,
  columnsOf,
  contentVersion,
  duckDbLiteral,
  foreignKeysOf,
  inSchema,
  INTERNAL_SCHEMA,
  inventoryTable,
  ISO_FORMAT,
  liveObjectsQuery,
} from './duckdb-sql.js';

/** One object's inventory entry (the format of an OBJECTS_SNAPSHOT element: audit-rows.ts); last_altered is the registry's content version. */
function entry(target: TargetRef): string {
  return `to_json({'name': l.name, 'type': l.kind,
    'created': strftime(COALESCE(r.created, now()), ${ISO_FORMAT}),
    'last_altered': CASE WHEN l.kind = 'TABLE' THEN strftime(COALESCE(${contentVersion('r')}, now()), ${ISO_FORMAT}) END,
    'row_count': l.row_count, 'bytes': NULL, 'retention_time': NULL, 'is_transient': false, 'is_hybrid': false,
    'definition': CASE WHEN l.kind = 'VIEW' THEN l.sql END,
    'columns': CASE WHEN l.kind = 'TABLE' THEN ${columnsOf(duckDbLiteral(target.schema), 'l.name')} END,
    'references': CASE WHEN l.kind = 'TABLE' THEN ${foreignKeysOf(duckDbLiteral(target.schema), 'l.name')} END})::VARCHAR`;
}

/**
 * The checkpoint's statements (the step runs them in one transaction, once it found no row of
 * this id): rows a lost attempt left go first, then the inventory rows stamped with the clock,
 * then the audit row from them, timestamped with that same instant.
 */
export function checkpointStatements(target: TargetRef, row: CheckpointRow, arrayBytes: number): string[] {
  const inventory = inventoryTable(target);
  const id = duckDbLiteral(row.id);
  const table = duckDbLiteral(internalTables(target.auditTable).inventory);
  return [
    `DELETE FROM ${inventory} WHERE CHECKPOINT_ID = ${id}`,
    `INSERT INTO ${inventory} (CHECKPOINT_ID, CAPTURED_AT, OBJECT_NAME, OBJECT_TYPE, ROW_COUNT, BYTES, RETENTION_TIME, ENTRY)
SELECT ${id}, now(), l.name, l.kind, l.row_count::BIGINT, NULL, NULL, ${entry(target)}
FROM (${liveObjectsQuery(target.schema, target.auditTable)}) l LEFT JOIN ${INTERNAL_SCHEMA}.objects r
  ON ${inSchema(target.schema, 'r.schema_name')} AND lower(r.name) = lower(l.name) AND r.kind = l.kind`,
    `INSERT INTO ${auditName(target)} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
  OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, RUN_ID, ORIGIN, SPEC, INVENTORY_TABLE)
SELECT ${id}, COALESCE(min(i.CAPTURED_AT), now()), ${duckDbLiteral(row.type)}, ${duckDbLiteral(row.description)},
  CASE WHEN COALESCE(max(i.total_bytes), 0) <= ${arrayBytes}
    THEN COALESCE(to_json(list(i.ENTRY::JSON ORDER BY i.OBJECT_NAME) FILTER (WHERE i.total_bytes <= ${arrayBytes}))::VARCHAR, '[]')
    ELSE json_object('inventory_table', ${table}, 'objects', count(i.OBJECT_NAME), 'note', ${duckDbLiteral(SUMMARY_NOTE)})::VARCHAR END,
  count(i.OBJECT_NAME), 'ACTIVE', ${duckDbLiteral(row.runId)}, ${duckDbLiteral(row.origin)},
  ${row.keep === 'clone' ? `'{"keep":"clone"}'` : 'NULL'}, ${table}
FROM (SELECT OBJECT_NAME, CAPTURED_AT, ENTRY, sum(length(ENTRY)) OVER () AS total_bytes FROM ${inventory} WHERE CHECKPOINT_ID = ${id}) i`,
  ];
}

/** The selection's condition in DuckDB's dialect (SPEC is JSON text). */
const SELECTION: SelectionDialect = { literal: duckDbLiteral, keepsClone: `json_extract_string(a.SPEC, '$.keep') = 'clone'` };

/** The entries of the selected checkpoints (all not DELETED without a selection) kept in the inventory table, by checkpoint and name. */
export function inventoryEntriesQuery(target: TargetRef, selection?: InventorySelection): string {
  return inventoryEntriesSql(inventoryTable(target), auditName(target), selectedSql(selection, SELECTION));
}

/** What the listing shows of the other checkpoints kept in the inventory table (the expired ones among them), summed in SQL. */
export function inventoryTotalsQuery(target: TargetRef, selection?: InventorySelection): string {
  const tables = (condition: string) => `count(*) FILTER (WHERE i.OBJECT_TYPE = 'TABLE' AND ${condition})::INTEGER`;
  const sum = (column: string) => `sum(i.${column}) FILTER (WHERE i.OBJECT_TYPE = 'TABLE')::DOUBLE`;
  return `SELECT i.CHECKPOINT_ID AS CHECKPOINT_ID, count(*)::INTEGER AS OBJECTS, ${tables('TRUE')} AS TABLES,
  ${sum('ROW_COUNT')} AS ROW_COUNT, ${sum('BYTES')} AS BYTES,
  ${tables('i.ROW_COUNT IS NULL')} AS ROWS_UNKNOWN, ${tables('i.BYTES IS NULL')} AS BYTES_UNKNOWN,
  ${tables('i.RETENTION_TIME IS NULL')} AS RETENTION_UNKNOWN, min(i.RETENTION_TIME) FILTER (WHERE i.OBJECT_TYPE = 'TABLE')::DOUBLE AS MIN_RETENTION
${inventoryOfRows(inventoryTable(target), auditName(target), `NOT (${selectedSql(selection, SELECTION)})`)}
GROUP BY i.CHECKPOINT_ID`;
}

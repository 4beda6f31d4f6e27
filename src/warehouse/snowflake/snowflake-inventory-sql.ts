/**
 * Checkpoint inventories on Snowflake (audit layout 2: model/audit-layout.ts). A checkpoint is
 * one row per object in the inventory table, written server-side from INFORMATION_SCHEMA (no
 * inventory travels through the client), then its audit row, built from those rows: no single
 * value holds the whole inventory, so a 100,000-object checkpoint stays within Snowflake's LOB
 * size limit (16 MB without bundle 2025_03: docs/snowflake-behaviour.md, the LOB size limit).
 * OBJECTS_SNAPSHOT keeps the entries as an array when they fit under a bound, else a summary
 * naming the inventory table. Observe reads the entries of the checkpoints the core selects
 * (InventorySelection), and only totals of the others.
 */
import { CHECKPOINT_TYPE_IN, type InventorySelection } from '../../model/observed.js';
import { inventoryEntriesSql, inventoryOfRows, selectedSql, type CheckpointRow, type SelectionDialect } from '../inventory-rows-sql.js';
import { SUMMARY_NOTE } from '../../model/audit-layout.js';
import { internalTables } from '../../model/desired.js';
import { isoText, liveObjects, objectName, snowflakeLiteral, type SnowflakeTarget } from './snowflake-sql.js';

/** One object's inventory entry (the format of an OBJECTS_SNAPSHOT element: audit-rows.ts), from INFORMATION_SCHEMA. */
const ENTRY = `OBJECT_CONSTRUCT_KEEP_NULL(
    'name', t.TABLE_NAME, 'type', IFF(t.TABLE_TYPE = 'VIEW', 'VIEW', 'TABLE'),
    'created', ${isoText('t.CREATED')}, 'last_altered', ${isoText('t.LAST_ALTERED')},
    'row_count', t.ROW_COUNT, 'bytes', t.BYTES, 'retention_time', t.RETENTION_TIME,
    'is_transient', t.IS_TRANSIENT = 'YES', 'is_hybrid', COALESCE(t.IS_HYBRID, 'NO') = 'YES',
    'definition', NULLIF(v.VIEW_DEFINITION, ''), 'columns', c.COLS)`;

const inventoryOf = (t: SnowflakeTarget) => objectName(t, internalTables(t.auditTable).inventory);

/**
 * The checkpoint in three statements, each safe to run again (a retried step is progress, not a
 * duplicate): rows an interrupted attempt left without an audit row are deleted; the inventory
 * rows are inserted, stamped `at` (a keep: clone checkpoint's instant, the one its clone is taken
 * AT: a literal, the same on every attempt) or else the warehouse clock; the audit row is inserted
 * from them, timestamped with that same instant. Until the audit row exists no reader sees the rows
 * (they are read through it), and once it does the first two statements change nothing.
 */
export function checkpointStatements(t: SnowflakeTarget, row: CheckpointRow, arrayBytes: number, at: string | null = null): string[] {
  const stamp = at ?? 'CURRENT_TIMESTAMP()';
  const audit = objectName(t, t.auditTable);
  const inventory = inventoryOf(t);
  const id = snowflakeLiteral(row.id);
  const recorded = `SELECT 1 FROM ${audit} a WHERE a.CHECKPOINT_ID = ${id} AND a.CHECKPOINT_TYPE ${CHECKPOINT_TYPE_IN}`;
  const summary = `OBJECT_CONSTRUCT('inventory_table', ${snowflakeLiteral(internalTables(t.auditTable).inventory)}, 'objects', COUNT(i.OBJECT_NAME), 'note', ${snowflakeLiteral(SUMMARY_NOTE)})`;
  return [
    `DELETE FROM ${inventory} WHERE CHECKPOINT_ID = ${id} AND NOT EXISTS (${recorded})`,
    `INSERT INTO ${inventory} (CHECKPOINT_ID, CAPTURED_AT, OBJECT_NAME, OBJECT_TYPE, ROW_COUNT, BYTES, RETENTION_TIME, ENTRY)
SELECT ${id}, ${stamp}, t.TABLE_NAME, IFF(t.TABLE_TYPE = 'VIEW', 'VIEW', 'TABLE'), t.ROW_COUNT, t.BYTES, t.RETENTION_TIME, ${ENTRY}
${liveObjects(t)}
  AND NOT EXISTS (${recorded})`,
    `INSERT INTO ${audit} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
  OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, RUN_ID, ORIGIN, SPEC, INVENTORY_TABLE)
SELECT ${id}, COALESCE(MIN(i.CAPTURED_AT), ${stamp}), ${snowflakeLiteral(row.type)}, ${snowflakeLiteral(row.description)},
  IFF(COALESCE(MAX(i.TOTAL_BYTES), 0) <= ${arrayBytes},
    ARRAY_AGG(IFF(i.TOTAL_BYTES <= ${arrayBytes}, i.ENTRY, NULL)) WITHIN GROUP (ORDER BY i.OBJECT_NAME), ${summary}),
  COUNT(i.OBJECT_NAME), 'ACTIVE', ${snowflakeLiteral(row.runId)}, PARSE_JSON(${snowflakeLiteral(row.origin)}),
  ${row.keep === 'clone' ? `PARSE_JSON('{"keep":"clone"}')` : 'NULL'}, ${snowflakeLiteral(internalTables(t.auditTable).inventory)}
FROM (SELECT OBJECT_NAME, CAPTURED_AT, ENTRY, SUM(LENGTH(TO_JSON(ENTRY))) OVER () AS TOTAL_BYTES
  FROM ${inventory} WHERE CHECKPOINT_ID = ${id}) i
HAVING NOT EXISTS (${recorded})`,
  ];
}

/** The selection's condition in Snowflake's dialect (SPEC is a VARIANT). */
const SELECTION: SelectionDialect = { literal: snowflakeLiteral, keepsClone: `a.SPEC:keep::VARCHAR = 'clone'` };

/** The entries of the selected checkpoints (all not DELETED without a selection) kept in the inventory table, by checkpoint and name. */
export function inventoryEntriesQuery(t: SnowflakeTarget, selection?: InventorySelection): string {
  return inventoryEntriesSql(inventoryOf(t), objectName(t, t.auditTable), selectedSql(selection, SELECTION));
}

/** What the listing shows of the other checkpoints kept in the inventory table (the expired ones among them), summed server-side. */
export function inventoryTotalsQuery(t: SnowflakeTarget, selection?: InventorySelection): string {
  const tables = (condition: string) => `SUM(IFF(i.OBJECT_TYPE = 'TABLE' AND ${condition}, 1, 0))`;
  return `SELECT i.CHECKPOINT_ID AS CHECKPOINT_ID, COUNT(*) AS OBJECTS, ${tables('TRUE')} AS TABLES,
  SUM(IFF(i.OBJECT_TYPE = 'TABLE', i.ROW_COUNT, NULL)) AS ROW_COUNT, SUM(IFF(i.OBJECT_TYPE = 'TABLE', i.BYTES, NULL)) AS BYTES,
  ${tables('i.ROW_COUNT IS NULL')} AS ROWS_UNKNOWN, ${tables('i.BYTES IS NULL')} AS BYTES_UNKNOWN,
  ${tables('i.RETENTION_TIME IS NULL')} AS RETENTION_UNKNOWN, MIN(IFF(i.OBJECT_TYPE = 'TABLE', i.RETENTION_TIME, NULL)) AS MIN_RETENTION
${inventoryOfRows(inventoryOf(t), objectName(t, t.auditTable), `NOT (${selectedSql(selection, SELECTION)})`)}
GROUP BY i.CHECKPOINT_ID`;
}

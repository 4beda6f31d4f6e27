/**
 * The SQL text the Snowflake adapter emits: introspection of a schema through
 * INFORMATION_SCHEMA (SHOW TABLES HISTORY: snowflake-show.ts) and the audit table (a checkpoint's
 * inventory: snowflake-inventory-sql.ts). Every name is fully qualified and quoted exactly as stored (docs/snowflake-behaviour.md#pitfall-8); literals are
 * escaped for Snowflake (backslash and quote).
 */
import { CHECKPOINT_TYPE_IN } from '../../model/observed.js';
import { version } from '../../version.js';
import { CLONE_SCHEMA_MARK, internalTables, ownTables } from '../../model/desired.js';
import { quoteIdent } from '../../model/refs.js';
import { isoFromText } from '../../model/time.js';
import { layoutColumns } from '../../model/audit-layout.js';
import { BOUND_ROW_COLUMNS } from '../audit-rows.js';
import { auditMigration, auditStamp, auditTableDdl, inventoryTableDdl, type AuditDialect } from '../audit-ddl.js';

/** A resolved target: database known, names as stored. */
export interface SnowflakeTarget {
  database: string;
  schema: string;
  auditTable: string;
}

/** A Snowflake string literal. */
export function snowflakeLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** `"DB"."SCHEMA"`. */
export function schemaName(t: SnowflakeTarget): string {
  return `${quoteIdent(t.database)}.${quoteIdent(t.schema)}`;
}

/** `"DB"."SCHEMA"."NAME"`. */
export function objectName(t: SnowflakeTarget, name: string): string {
  return `${schemaName(t)}.${quoteIdent(name)}`;
}

/**
 * ISO-8601 UTC text of a TIMESTAMP_LTZ (or TZ) expression, whatever the session's TIMEZONE:
 * converted to UTC first (CONVERT_TIMEZONE's two-argument form returns a TIMESTAMP_TZ in UTC), so
 * the wall clock written before the `Z` is UTC's (docs/snowflake-behaviour.md, "Session parameters
 * that change meaning").
 */
export function isoText(expression: string): string {
  return `TO_VARCHAR(CONVERT_TIMEZONE('UTC', ${expression}), 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"')`;
}

const infoSchema = (t: SnowflakeTarget) => `${quoteIdent(t.database)}.INFORMATION_SCHEMA`;

/**
 * FROM/WHERE over every object of the schema INFORMATION_SCHEMA.TABLES lists, of every kind, without the
 * audit table and temporary tables (docs/snowflake-behaviour.md#pitfall-4): observe reads them all and
 * names the kinds ckpt does not manage (snowflake-kinds.ts).
 */
function schemaObjects(t: SnowflakeTarget): string {
  return `FROM ${infoSchema(t)}.TABLES t
LEFT JOIN ${infoSchema(t)}.VIEWS v ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME
LEFT JOIN (SELECT TABLE_NAME, ARRAY_AGG(COLUMN_NAME) WITHIN GROUP (ORDER BY ORDINAL_POSITION) AS COLS
  FROM ${infoSchema(t)}.COLUMNS WHERE TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} GROUP BY TABLE_NAME) c
  ON c.TABLE_NAME = t.TABLE_NAME AND t.TABLE_TYPE <> 'VIEW'
WHERE t.TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND t.TABLE_NAME NOT IN (${ownTableList(t)})
  AND COALESCE(t.IS_TEMPORARY, 'NO') = 'NO'`;
}

/**
 * FROM/WHERE over the objects ckpt manages: tables and views, hybrid and transient tables kept and
 * marked (docs/snowflake-behaviour.md#pitfall-5); not dynamic or Iceberg tables (BASE TABLEs too), external
 * and event tables or materialized views (docs/snowflake-behaviour.md, "Table kinds").
 */
export function liveObjects(t: SnowflakeTarget): string {
  return `${schemaObjects(t)}
  AND t.TABLE_TYPE IN ('BASE TABLE', 'VIEW') AND COALESCE(t.IS_DYNAMIC, 'NO') = 'NO' AND COALESCE(t.IS_ICEBERG, 'NO') = 'NO'`;
}

/** The audit table and its lease, journal and inventory tables, as a SQL list of literals. */
function ownTableList(t: SnowflakeTarget): string {
  return ownTables(t.auditTable).map(snowflakeLiteral).join(', ');
}

/**
 * The clock, whether the audit table exists and what its layout is (its COMMENT and columns: see
 * model/audit-layout.ts), first statement of the observe request.
 */
export function stateQuery(t: SnowflakeTarget): string {
  return `SELECT ${isoText('CURRENT_TIMESTAMP()')} AS NOW, CURRENT_ROLE() AS ROLE,
  (SELECT COUNT(*) FROM ${infoSchema(t)}.TABLES WHERE TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND TABLE_NAME = ${snowflakeLiteral(t.auditTable)}) AS AUDIT_COUNT,
  (SELECT COALESCE(SUM(ROW_COUNT), 0) FROM ${infoSchema(t)}.TABLES WHERE TABLE_SCHEMA = ${snowflakeLiteral(t.schema)}
    AND TABLE_NAME = ${snowflakeLiteral(internalTables(t.auditTable).journal)}) AS JOURNAL_ROWS,
  (SELECT ARRAY_AGG(SCHEMA_NAME) FROM ${infoSchema(t)}.SCHEMATA WHERE STARTSWITH(SCHEMA_NAME, ${snowflakeLiteral(t.schema + CLONE_SCHEMA_MARK)})) AS CLONES,
  (SELECT MAX(COMMENT) FROM ${infoSchema(t)}.TABLES WHERE TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND TABLE_NAME = ${snowflakeLiteral(t.auditTable)}) AS AUDIT_COMMENT,
  (SELECT ARRAY_AGG(COLUMN_NAME) FROM ${infoSchema(t)}.COLUMNS WHERE TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND TABLE_NAME = ${snowflakeLiteral(t.auditTable)}) AS AUDIT_COLUMNS`;
}

/** Objects of every kind with their metadata, owners and view definitions (second statement of the observe request). */
export function objectsQuery(t: SnowflakeTarget): string {
  return `SELECT t.TABLE_NAME AS NAME, t.TABLE_TYPE AS TABLE_TYPE, t.IS_TRANSIENT AS IS_TRANSIENT, t.IS_HYBRID AS IS_HYBRID,
  t.IS_DYNAMIC AS IS_DYNAMIC, t.IS_ICEBERG AS IS_ICEBERG, t.TABLE_OWNER AS TABLE_OWNER,
  t.ROW_COUNT AS ROW_COUNT, t.BYTES AS BYTES, t.RETENTION_TIME AS RETENTION_TIME,
  ${isoText('t.CREATED')} AS CREATED, ${isoText('t.LAST_ALTERED')} AS LAST_ALTERED, v.VIEW_DEFINITION AS VIEW_DEFINITION, c.COLS AS COLS
${schemaObjects(t)}
ORDER BY t.TABLE_NAME`;
}

/**
 * Every audit row of a table at `layout`, timestamps as ISO text; columns the layout does not
 * have yet are not selected, nor OBJECTS_SNAPSHOT where the inventory table holds the inventory. CHECKPOINT_TIMESTAMP is read as TIMESTAMP_LTZ: an old pipeline's
 * TIMESTAMP_NTZ holds no zone and is read in the session's, which ckpt pins to UTC (Snowflake
 * converts NTZ to LTZ in the session time zone: https://docs.snowflake.com/en/sql-reference/data-types-datetime).
 */
export function auditQuery(t: SnowflakeTarget, layout: number): string {
  const cols = layoutColumns(layout).map((c) => {
    if (c === 'CHECKPOINT_TIMESTAMP') return `${isoText(`${c}::TIMESTAMP_LTZ`)} AS ${c}`;
    // An inventory kept in the inventory table is read from there (snowflake-inventory-sql.ts), not twice.
    if (c === 'OBJECTS_SNAPSHOT' && layout >= 2) return `IFF(INVENTORY_TABLE IS NULL, OBJECTS_SNAPSHOT, NULL) AS ${c}`;
    return c;
  });
  return `SELECT ${cols.join(', ')} FROM ${objectName(t, t.auditTable)} ORDER BY CHECKPOINT_TIMESTAMP, CHECKPOINT_ID`;
}

/**
 * The audit table's DDL in Snowflake's dialect (audit-ddl.ts): the layout stamp is the table's
 * COMMENT, set with `ALTER TABLE … SET COMMENT` (https://docs.snowflake.com/en/sql-reference/sql/alter-table).
 */
export const SNOWFLAKE_AUDIT: AuditDialect = {
  types: { text: 'VARCHAR', json: 'VARIANT', timestamp: 'TIMESTAMP_LTZ', number: 'NUMBER', count: 'NUMBER' },
  setComment: (name, text) => `ALTER TABLE ${name} SET COMMENT = ${snowflakeLiteral(text)}`,
};

/** The audit table at ckpt's layout, the old pipelines' columns first, its inventory table, then its layout stamp (three statements). */
export function auditDdl(t: SnowflakeTarget): string[] {
  const name = objectName(t, t.auditTable);
  return [
    auditTableDdl(name, SNOWFLAKE_AUDIT),
    inventoryTableDdl(objectName(t, internalTables(t.auditTable).inventory), SNOWFLAKE_AUDIT),
    auditStamp(name, SNOWFLAKE_AUDIT),
  ];
}

/** The statements migrating the audit table from layout `from` (audit-ddl.ts). */
export function auditMigrationSql(t: SnowflakeTarget, from: number): string[] {
  return auditMigration(objectName(t, t.auditTable), objectName(t, internalTables(t.auditTable).inventory), from, SNOWFLAKE_AUDIT);
}

/** An audit row from bound values (statement with binds; VARIANT columns parsed from JSON text). */
export function auditInsert(t: SnowflakeTarget): string {
  return `INSERT INTO ${objectName(t, t.auditTable)} (${BOUND_ROW_COLUMNS.join(', ')})
SELECT ?, CURRENT_TIMESTAMP(), ?, ?, PARSE_JSON(?), ?, ?, ?, ?, PARSE_JSON(?), PARSE_JSON(?), ?, ?, PARSE_JSON(?)`;
}

/**
 * Whether the audit row an auditInsert adds is there (column N), by its id, type, status, action
 * and run (bound in that order): checked before the insert is sent again after a lost answer.
 */
export function auditRowRecorded(t: SnowflakeTarget): string {
  return `SELECT COUNT(*) AS N FROM ${objectName(t, t.auditTable)}
WHERE CHECKPOINT_ID = ? AND CHECKPOINT_TYPE = ? AND STATUS = ? AND COALESCE(ACTION_ID, '') = COALESCE(?, '') AND COALESCE(RUN_ID, '') = COALESCE(?, '')`;
}

/**
 * Sets a checkpoint's status (DELETED on expiry, RESTORED_TO after a reset or restore), on a row
 * ckpt wrote (it has a RUN_ID): the old pipelines' rows are never changed.
 */
export function setCheckpointStatus(t: SnowflakeTarget, id: string, status: 'DELETED' | 'RESTORED_TO', onlyFrom?: 'ACTIVE'): string {
  return `UPDATE ${objectName(t, t.auditTable)} SET STATUS = ${snowflakeLiteral(status)}
WHERE CHECKPOINT_ID = ${snowflakeLiteral(id)} AND CHECKPOINT_TYPE ${CHECKPOINT_TYPE_IN} AND COALESCE(RUN_ID, '') <> ''${onlyFrom ? ` AND STATUS = ${snowflakeLiteral(onlyFrom)}` : ''}`;
}

/** The audit type of a content-restore row: which table ckpt reverted, as what (see contentRestoreInsert). */
export const CONTENT_RESTORE_TYPE = 'CONTENT_RESTORE';

/**
 * After a content revert, one audit row (type CONTENT_RESTORE, ignored by checkpoint and action
 * readers) recording the table's identity and LAST_ALTERED as they are now, built server-side, with
 * the incarnation and content version they stand for: the checkpoint's. Observe maps them back,
 * so that the next plan sees the table unchanged (and a table re-created from a clone as the
 * checkpoint's incarnation, docs/snowflake-behaviour.md#pitfall-12) until the next DML or DDL moves LAST_ALTERED.
 */
export function contentRestoreInsert(
  t: SnowflakeTarget,
  row: { name: string; incarnation: string; contentAs: string | null; checkpointId: string; runId: string; origin: string },
): string {
  const entry = `OBJECT_CONSTRUCT_KEEP_NULL('name', t.TABLE_NAME, 'created', ${isoText('t.CREATED')}, 'last_altered', ${isoText('t.LAST_ALTERED')},
    'incarnation', ${snowflakeLiteral(row.incarnation)}, 'content_as', ${row.contentAs === null ? 'NULL' : snowflakeLiteral(row.contentAs)},
    'checkpoint', ${snowflakeLiteral(row.checkpointId)})`;
  return `INSERT INTO ${objectName(t, t.auditTable)} (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION,
  OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, RUN_ID, ORIGIN)
SELECT ${snowflakeLiteral(`${CONTENT_RESTORE_TYPE}_`)} || TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY_MM_DD_HH24_MI_SS'), CURRENT_TIMESTAMP(), ${snowflakeLiteral(CONTENT_RESTORE_TYPE)},
  ${snowflakeLiteral(`content of ${row.name} restored to checkpoint ${row.checkpointId}`)}, ARRAY_AGG(${entry}), COUNT(*), 'APPLIED', ${snowflakeLiteral(row.runId)}, PARSE_JSON(${snowflakeLiteral(row.origin)})
FROM ${infoSchema(t)}.TABLES t WHERE t.TABLE_SCHEMA = ${snowflakeLiteral(t.schema)} AND t.TABLE_NAME = ${snowflakeLiteral(row.name)}`;
}

/** Columns of a table with their full type, nullability and default (for ALTER TABLE ADD COLUMN), in order. */
export function columnsQuery(t: SnowflakeTarget, schema: string, name: string): string {
  return `SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, COLUMN_DEFAULT
FROM ${infoSchema(t)}.COLUMNS WHERE TABLE_SCHEMA = ${snowflakeLiteral(schema)} AND TABLE_NAME = ${snowflakeLiteral(name)} ORDER BY ORDINAL_POSITION`;
}

/** A timestamp from the driver (Date, ISO or Snowflake text; zone-less text is UTC: see isoFromText) → ISO, or null. */
export function toIso(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString();
  return isoFromText(String(value));
}

/** The QUERY_TAG of a statement: ckpt, its version and what it is doing (never a secret). */
export function queryTag(fields: Record<string, string>): string {
  return JSON.stringify({ tool: 'ckpt', version, ...fields });
}

/**
 * The bytes the tables of each named schema own (live or dropped, still billed), from
 * TABLE_STORAGE_METRICS: it answers no rows unless the current role is ACCOUNTADMIN.
 */
export function ownedBytesQuery(t: SnowflakeTarget, schemas: readonly string[]): string {
  return `SELECT TABLE_SCHEMA, SUM(ACTIVE_BYTES + TIME_TRAVEL_BYTES + FAILSAFE_BYTES + RETAINED_FOR_CLONE_BYTES) AS BYTES
FROM ${infoSchema(t)}.TABLE_STORAGE_METRICS WHERE TABLE_SCHEMA IN (${schemas.map(snowflakeLiteral).join(', ')}) GROUP BY TABLE_SCHEMA`;
}

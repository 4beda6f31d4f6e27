// Builds <db>.INFORMATION_SCHEMA.TABLES / VIEWS / SCHEMATA / COLUMNS rows from the catalog at
// query time (no latency, no dropped objects, the session's own temporary tables; pitfall 10),
// as typed columns the translator loads into a scratch table.

import { unsupported } from './errors.js';
import type { Catalog, Database, ResolveContext, SchemaObject, TableVersion } from './catalog.js';
import type { StoreColumn } from './row-store.js';

/** Columns and rows of one INFORMATION_SCHEMA view. */
export interface InfoSchemaRows {
  columns: StoreColumn[];
  rows: Array<Array<string | number | boolean | null>>;
}

const V = 'VARCHAR';
const N = 'BIGINT';
const T = 'TIMESTAMPTZ';
const yes = (b: boolean): string => (b ? 'YES' : 'NO');
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const OWN_VIEWS = ['COLUMNS', 'SCHEMATA', 'TABLES', 'TABLE_STORAGE_METRICS', 'VIEWS'];

/** Rows of `db.INFORMATION_SCHEMA.<view>` as seen by a session whose current role is `role`. */
export async function infoSchemaRows(
  catalog: Catalog,
  db: Database,
  view: string,
  ctx: ResolveContext,
  role: string,
): Promise<InfoSchemaRows> {
  const objects: SchemaObject[] = [];
  for (const schema of db.schemas.values()) objects.push(...catalog.visibleObjects(schema, ctx));
  switch (view) {
    case 'TABLES':
      return tables(catalog, db, objects);
    case 'VIEWS':
      return views(db, objects, (o) => catalog.access.definitionHidden(ctx.role, o));
    case 'SCHEMATA':
      return schemata(catalog, db);
    case 'COLUMNS':
      return columns(db, objects);
    case 'TABLE_STORAGE_METRICS':
      return storageMetrics(catalog, db, role);
    default:
      throw unsupported(`INFORMATION_SCHEMA.${view}`);
  }
}

async function tables(catalog: Catalog, db: Database, objects: SchemaObject[]): Promise<InfoSchemaRows> {
  const names = [
    'TABLE_CATALOG',
    'TABLE_SCHEMA',
    'TABLE_NAME',
    'TABLE_OWNER',
    'TABLE_TYPE',
    'IS_TRANSIENT',
    'CLUSTERING_KEY',
    'ROW_COUNT',
    'BYTES',
    'RETENTION_TIME',
    'SELF_REFERENCING_COLUMN_NAME',
    'REFERENCE_GENERATION',
    'USER_DEFINED_TYPE_CATALOG',
    'USER_DEFINED_TYPE_SCHEMA',
    'USER_DEFINED_TYPE_NAME',
    'IS_INSERTABLE_INTO',
    'IS_TYPED',
    'COMMIT_ACTION',
    'CREATED',
    'LAST_ALTERED',
    'LAST_DDL',
    'LAST_DDL_BY',
    'AUTO_CLUSTERING_ON',
    'COMMENT',
    'IS_TEMPORARY',
    'IS_ICEBERG',
    'IS_DYNAMIC',
    'IS_IMMUTABLE',
    'IS_HYBRID',
  ];
  const types: Record<string, string> = { ROW_COUNT: N, BYTES: N, RETENTION_TIME: N, CREATED: T, LAST_ALTERED: T, LAST_DDL: T };
  const rows: InfoSchemaRows['rows'] = [];
  for (const o of objects) {
    const isTable = o.kind === 'table';
    const stats = isTable ? await catalog.stats(o) : null;
    const tableType = !isTable ? 'VIEW' : o.tableType === 'temporary' ? 'TEMPORARY TABLE' : 'BASE TABLE';
    rows.push([
      db.name,
      o.schema.name,
      o.name,
      o.owner,
      tableType,
      yes(isTable && (o.tableType === 'transient' || o.schema.transient)),
      isTable ? o.clusterBy : null,
      stats?.rows ?? null,
      stats?.bytes ?? null,
      isTable ? catalog.retentionOf(o) : null,
      null,
      null,
      null,
      null,
      null,
      yes(isTable),
      'YES',
      isTable && o.tableType === 'temporary' ? 'PRESERVE ROWS' : null,
      iso(o.created),
      iso(o.lastAltered),
      iso(o.lastDdl),
      o.owner,
      isTable ? 'NO' : null,
      o.comment,
      yes(isTable && o.tableType === 'temporary'),
      'NO',
      yes(isTable && o.tableType === 'dynamic'),
      'NO',
      yes(isTable && o.tableType === 'hybrid'),
    ]);
  }
  for (const name of OWN_VIEWS) {
    rows.push([
      db.name,
      'INFORMATION_SCHEMA',
      name,
      null,
      'VIEW',
      'NO',
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      'NO',
      'YES',
      null,
      iso(db.created),
      iso(db.created),
      null,
      null,
      null,
      'The system view',
      'NO',
      'NO',
      'NO',
      'NO',
      'NO',
    ]);
  }
  return { columns: names.map((name) => ({ name, duck: types[name] ?? V })), rows };
}

function views(db: Database, objects: SchemaObject[], hidden: (o: { secure: boolean; owner: string }) => boolean): InfoSchemaRows {
  const names = [
    'TABLE_CATALOG',
    'TABLE_SCHEMA',
    'TABLE_NAME',
    'TABLE_OWNER',
    'VIEW_DEFINITION',
    'CHECK_OPTION',
    'IS_UPDATABLE',
    'INSERTABLE_INTO',
    'IS_SECURE',
    'CREATED',
    'LAST_ALTERED',
    'LAST_DDL',
    'LAST_DDL_BY',
    'COMMENT',
  ];
  const types: Record<string, string> = { CREATED: T, LAST_ALTERED: T, LAST_DDL: T };
  const rows: InfoSchemaRows['rows'] = [];
  for (const o of objects) {
    if (o.kind !== 'view') continue;
    // VIEW_DEFINITION holds the full CREATE statement as written (see pitfall 15 for GET_DDL
    // differences), also after ALTER VIEW ... RENAME TO; NULL for a secure view the role does not own.
    rows.push([
      db.name,
      o.schema.name,
      o.name,
      o.owner,
      hidden(o) ? null : o.text,
      'NONE',
      'NO',
      'NO',
      yes(o.secure),
      iso(o.created),
      iso(o.lastAltered),
      iso(o.lastDdl),
      o.owner,
      o.comment,
    ]);
  }
  for (const name of OWN_VIEWS) {
    rows.push([
      db.name,
      'INFORMATION_SCHEMA',
      name,
      null,
      null,
      'NONE',
      'NO',
      'NO',
      'NO',
      iso(db.created),
      iso(db.created),
      null,
      null,
      'The system view',
    ]);
  }
  return { columns: names.map((name) => ({ name, duck: types[name] ?? V })), rows };
}

function schemata(catalog: Catalog, db: Database): InfoSchemaRows {
  const names = [
    'CATALOG_NAME',
    'SCHEMA_NAME',
    'SCHEMA_OWNER',
    'IS_TRANSIENT',
    'IS_MANAGED_ACCESS',
    'RETENTION_TIME',
    'DEFAULT_CHARACTER_SET_CATALOG',
    'DEFAULT_CHARACTER_SET_SCHEMA',
    'DEFAULT_CHARACTER_SET_NAME',
    'SQL_PATH',
    'CREATED',
    'LAST_ALTERED',
    'COMMENT',
  ];
  const types: Record<string, string> = { RETENTION_TIME: N, CREATED: T, LAST_ALTERED: T };
  const rows: InfoSchemaRows['rows'] = [...db.schemas.values()].map((s) => [
    db.name,
    s.name,
    s.owner,
    yes(s.transient),
    yes(s.managedAccess),
    s.retentionDays ?? db.retentionDays ?? catalog.defaultRetentionDays,
    null,
    null,
    null,
    null,
    iso(s.created),
    iso(s.lastAltered),
    s.comment,
  ]);
  rows.push([
    db.name,
    'INFORMATION_SCHEMA',
    null,
    'NO',
    'NO',
    1,
    null,
    null,
    null,
    null,
    iso(db.created),
    iso(db.created),
    'Views describing the contents of schemas in this database',
  ]);
  return { columns: names.map((name) => ({ name, duck: types[name] ?? V })), rows };
}

function columns(db: Database, objects: SchemaObject[]): InfoSchemaRows {
  const names = [
    'TABLE_CATALOG',
    'TABLE_SCHEMA',
    'TABLE_NAME',
    'COLUMN_NAME',
    'ORDINAL_POSITION',
    'COLUMN_DEFAULT',
    'IS_NULLABLE',
    'DATA_TYPE',
    'CHARACTER_MAXIMUM_LENGTH',
    'NUMERIC_PRECISION',
    'NUMERIC_SCALE',
    'COMMENT',
  ];
  const types: Record<string, string> = { ORDINAL_POSITION: N, CHARACTER_MAXIMUM_LENGTH: N, NUMERIC_PRECISION: N, NUMERIC_SCALE: N };
  const rows: InfoSchemaRows['rows'] = [];
  for (const o of objects) {
    if (o.kind !== 'table') continue;
    o.columns.forEach((c, i) => {
      const m = /^([A-Z_]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(c.type);
      const base = m?.[1] ?? c.type;
      const dataType = base === 'VARCHAR' ? 'TEXT' : base;
      rows.push([
        db.name,
        o.schema.name,
        o.name,
        c.name,
        i + 1,
        c.defaultSql ?? null,
        yes(c.nullable),
        dataType,
        base === 'VARCHAR' ? Number(m?.[2] ?? 16777216) : null,
        base === 'NUMBER' ? Number(m?.[2] ?? 38) : null,
        base === 'NUMBER' ? Number(m?.[3] ?? 0) : null,
        c.comment,
      ]);
    });
  }
  return { columns: names.map((name) => ({ name, duck: types[name] ?? V })), rows };
}

/**
 * TABLE_STORAGE_METRICS: the bytes each table of the database owns (is billed for), live or
 * dropped. Only the ACCOUNTADMIN role sees rows; for any other current role the view answers
 * none (its documented note; the stricter reading: the current role itself, not one it inherits).
 * A clone not written since owns nothing (its rows are its source's storage); the server keeps
 * no Time Travel, Fail-safe or retained-for-clone bytes apart, so those columns are 0.
 */
async function storageMetrics(catalog: Catalog, db: Database, role: string): Promise<InfoSchemaRows> {
  const names = ['TABLE_CATALOG', 'TABLE_SCHEMA', 'TABLE_NAME', 'ID', 'CLONE_GROUP_ID', 'IS_TRANSIENT', 'ACTIVE_BYTES'];
  const zeros = ['TIME_TRAVEL_BYTES', 'FAILSAFE_BYTES', 'RETAINED_FOR_CLONE_BYTES'];
  const columns = [...names, ...zeros, 'TABLE_CREATED', 'TABLE_DROPPED'].map((name) => ({
    name,
    duck: name.endsWith('BYTES') || name.endsWith('ID') ? N : name === 'TABLE_CREATED' || name === 'TABLE_DROPPED' ? T : V,
  }));
  if (role !== 'ACCOUNTADMIN') return { columns, rows: [] };
  const rows: InfoSchemaRows['rows'] = [];
  for (const schema of db.schemas.values()) {
    const tables = [...schema.objects.values(), ...schema.dropped].filter((o): o is TableVersion => o.kind === 'table');
    for (const t of tables) {
      if (t.tableType === 'temporary') continue;
      const owned = t.sharesStorage ? 0 : (await catalog.stats(t)).bytes;
      rows.push([
        db.name,
        schema.name,
        t.name,
        t.id,
        t.id,
        yes(t.tableType === 'transient' || schema.transient),
        owned,
        0,
        0,
        0,
        iso(t.created),
        iso(t.droppedOn),
      ]);
    }
  }
  return { columns, rows };
}

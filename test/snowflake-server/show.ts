// SHOW TABLES [HISTORY] / VIEWS / SCHEMAS / DATABASES / OBJECTS / WAREHOUSES (PARAMETERS: parameters.ts;
// GRANTS: access.ts),
// DESCRIBE TABLE|VIEW and GET_DDL text, built from the catalog with Snowflake's lower-case
// output column names (pitfall 9), one SHOW TABLES HISTORY row per dropped version.

import { objectNotFound, showLimitExceeded, unsupported } from './errors.js';
import { displayName, likeMatches, parseNameString } from './names.js';
import { column, StatementType, wireValue, type ResultColumn, type ResultSet, type WireType } from './results.js';
import type { Catalog, Column, Database, ResolveContext, Schema, SchemaObject, TableVersion } from './catalog.js';
import type { Command } from './ddl-parser.js';
import type { Session } from './session.js';

type Cell = string | number | boolean | Date | null;
type ShowCommand = Extract<Command, { kind: 'show' }>;

function table(columns: Array<[string, WireType]>, rows: Cell[][], statementTypeId: number = StatementType.SHOW): ResultSet {
  return {
    columns: columns.map(([name, type]): ResultColumn => column(name, type)),
    rows: rows.map((r) => r.map(wireValue)),
    statementTypeId,
  };
}

const yn = (b: boolean): string => (b ? 'Y' : 'N');

/** Schemas a SHOW command covers, plus whether same-named objects collapse (no IN clause; pitfall 9). */
function scope(catalog: Catalog, cmd: ShowCommand, ctx: ResolveContext): { schemas: Schema[]; dedupe: boolean } {
  if (cmd.in?.kind === 'SCHEMA') return { schemas: [catalog.schema(cmd.in.name, ctx, 'SHOW')], dedupe: false };
  if (cmd.in?.kind === 'DATABASE') {
    const db = catalog.database(cmd.in.name[0], ctx, 'SHOW');
    return { schemas: [...db.schemas.values()], dedupe: false };
  }
  if (cmd.in?.kind === 'ACCOUNT' || ctx.database === null) {
    return { schemas: [...catalog.databases.values()].flatMap((d) => [...d.schemas.values()]), dedupe: false };
  }
  return { schemas: [...catalog.database(undefined, ctx, 'SHOW').schemas.values()], dedupe: true };
}

/**
 * The rows a SHOW command returns from `items` (in name order): LIKE, STARTS WITH, then the
 * `LIMIT n FROM '<name>'` cursor, which keeps only rows whose name sorts strictly after it (the
 * docs' "rows following the first row whose object name matches"; case-sensitive, and a partial
 * name is a position in the order). A result over `maxRows` without LIMIT, or a LIMIT over it,
 * fails with 090153, as Snowflake does.
 */
function filterNames<T extends { name: string }>(items: T[], cmd: ShowCommand, maxRows: number): T[] {
  const { from } = cmd;
  const out = items.filter(
    (o) =>
      (cmd.like === null || likeMatches(cmd.like, o.name)) &&
      (cmd.startsWith === null || o.name.startsWith(cmd.startsWith)) &&
      (from === null || o.name > from),
  );
  if (cmd.limit !== null && cmd.limit > maxRows) throw showLimitExceeded(maxRows, `LIMIT ${cmd.limit}`);
  if (cmd.limit === null && out.length > maxRows) throw showLimitExceeded(maxRows);
  return cmd.limit === null ? out : out.slice(0, cmd.limit);
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Runs a parsed SHOW command. */
export async function show(catalog: Catalog, session: Session, cmd: ShowCommand): Promise<ResultSet> {
  const ctx = session.resolveContext();
  switch (cmd.what) {
    case 'TABLES':
      return showTables(catalog, cmd, ctx);
    case 'VIEWS':
      return showViews(catalog, cmd, ctx);
    case 'OBJECTS':
      return showObjects(catalog, cmd, ctx);
    case 'SCHEMAS':
      return showSchemas(catalog, cmd, session);
    case 'DATABASES':
      return showDatabases(catalog, cmd, session);
    case 'WAREHOUSES':
      return table(
        [
          ['name', 'text'],
          ['state', 'text'],
          ['type', 'text'],
          ['size', 'text'],
        ],
        [[session.warehouse ?? 'COMPUTE_WH', 'STARTED', 'STANDARD', 'X-Small']],
      );
    default:
      throw unsupported(`SHOW ${cmd.what}`);
  }
}

async function showTables(catalog: Catalog, cmd: ShowCommand, ctx: ResolveContext): Promise<ResultSet> {
  const { schemas, dedupe } = scope(catalog, cmd, ctx);
  let versions: TableVersion[] = [];
  for (const s of schemas) {
    const live = catalog.visibleObjects(s, ctx).filter((o): o is TableVersion => o.kind === 'table');
    // HISTORY: one extra row per dropped version still inside retention; purged ones are gone (pitfall 3).
    const dropped = cmd.history ? s.dropped.filter((t) => catalog.restorable(t)) : [];
    versions.push(
      ...[...live, ...dropped].sort((a, b) => byName(a, b) || (a.droppedOn?.getTime() ?? Infinity) - (b.droppedOn?.getTime() ?? Infinity)),
    );
  }
  if (dedupe) {
    const seen = new Set<string>();
    versions = versions.filter((t) => (t.droppedOn !== null || !seen.has(t.name)) && (t.droppedOn !== null || (seen.add(t.name), true)));
  }
  versions = filterNames(versions, cmd, catalog.showRowLimit);
  if (cmd.terse) {
    return table(
      [
        ['created_on', 'timestamp_ltz'],
        ['name', 'text'],
        ['kind', 'text'],
        ['database_name', 'text'],
        ['schema_name', 'text'],
      ],
      versions.map((t) => [t.created, t.name, 'TABLE', t.schema.database.name, t.schema.name]),
    );
  }
  const columns: Array<[string, WireType]> = [
    ['created_on', 'timestamp_ltz'],
    ['name', 'text'],
    ['database_name', 'text'],
    ['schema_name', 'text'],
    ['kind', 'text'],
    ['comment', 'text'],
    ['cluster_by', 'text'],
    ['rows', 'fixed'],
    ['bytes', 'fixed'],
    ['owner', 'text'],
    ['retention_time', 'text'],
  ];
  if (cmd.history) columns.push(['dropped_on', 'timestamp_ltz']);
  columns.push(
    ['change_tracking', 'text'],
    ['search_optimization', 'text'],
    ['search_optimization_progress', 'text'],
    ['search_optimization_bytes', 'fixed'],
    ['is_external', 'text'],
    ['enable_schema_evolution', 'text'],
    ['owner_role_type', 'text'],
    ['is_event', 'text'],
    ['is_hybrid', 'text'],
    ['is_iceberg', 'text'],
    ['is_dynamic', 'text'],
    ['is_immutable', 'text'],
  );
  const rows: Cell[][] = [];
  for (const t of versions) {
    const stats = await catalog.stats(t);
    const kind = t.tableType === 'temporary' ? 'TEMPORARY' : t.tableType === 'transient' || t.schema.transient ? 'TRANSIENT' : 'TABLE';
    const retention = t.droppedOn ? t.droppedRetentionDays : catalog.retentionOf(t);
    const row: Cell[] = [
      t.created,
      t.name,
      t.schema.database.name,
      t.schema.name,
      kind,
      t.comment ?? '',
      t.clusterBy ?? '',
      stats.rows,
      stats.bytes,
      t.owner,
      String(retention),
    ];
    if (cmd.history) row.push(t.droppedOn);
    row.push('OFF', 'OFF', null, null, 'N', 'N', 'ROLE', 'N', yn(t.tableType === 'hybrid'), 'N', yn(t.tableType === 'dynamic'), 'N');
    rows.push(row);
  }
  return table(columns, rows);
}

function showViews(catalog: Catalog, cmd: ShowCommand, ctx: ResolveContext): ResultSet {
  const { schemas, dedupe } = scope(catalog, cmd, ctx);
  let views = schemas.flatMap((s) => [...s.objects.values()].filter((o) => o.kind === 'view').sort(byName));
  if (dedupe) views = views.filter((v, i) => views.findIndex((w) => w.name === v.name) === i);
  views = filterNames(views, cmd, catalog.showRowLimit);
  return table(
    [
      ['created_on', 'timestamp_ltz'],
      ['name', 'text'],
      ['reserved', 'text'],
      ['kind', 'text'],
      ['database_name', 'text'],
      ['schema_name', 'text'],
      ['owner', 'text'],
      ['comment', 'text'],
      ['text', 'text'],
      ['is_secure', 'text'],
      ['is_materialized', 'text'],
      ['owner_role_type', 'text'],
      ['change_tracking', 'text'],
    ],
    views.map((v) =>
      v.kind === 'view'
        ? [
            v.created,
            v.name,
            '',
            'VIEW',
            v.schema.database.name,
            v.schema.name,
            v.owner,
            v.comment ?? '',
            catalog.access.definitionHidden(ctx.role, v) ? '' : v.text,
            String(v.secure),
            'false',
            'ROLE',
            'OFF',
          ]
        : [],
    ),
  );
}

async function showObjects(catalog: Catalog, cmd: ShowCommand, ctx: ResolveContext): Promise<ResultSet> {
  const { schemas } = scope(catalog, cmd, ctx);
  const objects = filterNames(
    schemas.flatMap((s) => catalog.visibleObjects(s, ctx).sort(byName)),
    cmd,
    catalog.showRowLimit,
  );
  const rows: Cell[][] = [];
  for (const o of objects) {
    const stats = o.kind === 'table' ? await catalog.stats(o) : null;
    rows.push([
      o.created,
      o.name,
      o.schema.database.name,
      o.schema.name,
      o.kind === 'view' ? 'VIEW' : o.tableType === 'temporary' ? 'TEMPORARY' : o.tableType === 'transient' ? 'TRANSIENT' : 'TABLE',
      o.comment ?? '',
      '',
      stats?.rows ?? 0,
      stats?.bytes ?? 0,
      o.owner,
      String(o.kind === 'table' ? catalog.retentionOf(o) : 0),
      'ROLE',
    ]);
  }
  return table(
    [
      ['created_on', 'timestamp_ltz'],
      ['name', 'text'],
      ['database_name', 'text'],
      ['schema_name', 'text'],
      ['kind', 'text'],
      ['comment', 'text'],
      ['cluster_by', 'text'],
      ['rows', 'fixed'],
      ['bytes', 'fixed'],
      ['owner', 'text'],
      ['retention_time', 'text'],
      ['owner_role_type', 'text'],
    ],
    rows,
  );
}

function showSchemas(catalog: Catalog, cmd: ShowCommand, session: Session): ResultSet {
  const ctx = session.resolveContext();
  const dbs: Database[] =
    cmd.in?.kind === 'DATABASE'
      ? [catalog.database(cmd.in.name[0], ctx, 'SHOW')]
      : cmd.in === null && ctx.database !== null
        ? [catalog.database(undefined, ctx, 'SHOW')]
        : [...catalog.databases.values()];
  const columns: Array<[string, WireType]> = [
    ['created_on', 'timestamp_ltz'],
    ['name', 'text'],
    ['is_default', 'text'],
    ['is_current', 'text'],
    ['database_name', 'text'],
    ['owner', 'text'],
    ['comment', 'text'],
    ['options', 'text'],
    ['retention_time', 'text'],
    ['owner_role_type', 'text'],
  ];
  if (cmd.history) columns.push(['dropped_on', 'timestamp_ltz']);
  const rows: Cell[][] = [];
  for (const db of dbs) {
    const schemas = [...db.schemas.values(), ...(cmd.history ? db.droppedSchemas : [])].sort(byName);
    for (const s of filterNames(schemas, cmd, catalog.showRowLimit)) {
      const row: Cell[] = [
        s.created,
        s.name,
        'N',
        yn(session.database === db.name && session.schema === s.name),
        db.name,
        s.owner,
        s.comment ?? '',
        [s.transient ? 'TRANSIENT' : '', s.managedAccess ? 'MANAGED ACCESS' : ''].filter(Boolean).join(', '),
        String(s.retentionDays ?? db.retentionDays ?? catalog.defaultRetentionDays),
        'ROLE',
      ];
      if (cmd.history) row.push(s.droppedOn);
      rows.push(row);
    }
    if (filterNames([{ name: 'INFORMATION_SCHEMA' }], cmd, catalog.showRowLimit).length > 0) {
      const row: Cell[] = [
        db.created,
        'INFORMATION_SCHEMA',
        'N',
        'N',
        db.name,
        '',
        'Views describing the contents of schemas in this database',
        '',
        '1',
        '',
      ];
      if (cmd.history) row.push(null);
      rows.push(row);
    }
  }
  return table(columns, rows);
}

function showDatabases(catalog: Catalog, cmd: ShowCommand, session: Session): ResultSet {
  const dbs = filterNames(
    [...catalog.databases.values(), ...(cmd.history ? catalog.droppedDatabases : [])].sort(byName),
    cmd,
    catalog.showRowLimit,
  );
  const columns: Array<[string, WireType]> = [
    ['created_on', 'timestamp_ltz'],
    ['name', 'text'],
    ['is_default', 'text'],
    ['is_current', 'text'],
    ['origin', 'text'],
    ['owner', 'text'],
    ['comment', 'text'],
    ['options', 'text'],
    ['retention_time', 'text'],
    ['kind', 'text'],
  ];
  if (cmd.history) columns.push(['dropped_on', 'timestamp_ltz']);
  return table(
    columns,
    dbs.map((d) => {
      const row: Cell[] = [
        d.created,
        d.name,
        'N',
        yn(session.database === d.name),
        '',
        d.owner,
        d.comment ?? '',
        d.transient ? 'TRANSIENT' : '',
        String(d.retentionDays ?? catalog.defaultRetentionDays),
        'STANDARD',
      ];
      if (cmd.history) row.push(d.droppedOn);
      return row;
    }),
  );
}

/** DESCRIBE TABLE/VIEW output for a list of columns. */
export function describeColumns(columns: Column[]): ResultSet {
  return table(
    [
      ['name', 'text'],
      ['type', 'text'],
      ['kind', 'text'],
      ['null?', 'text'],
      ['default', 'text'],
      ['primary key', 'text'],
      ['unique key', 'text'],
      ['check', 'text'],
      ['expression', 'text'],
      ['comment', 'text'],
      ['policy name', 'text'],
      ['privacy domain', 'text'],
    ],
    columns.map((c) => [c.name, c.type, 'COLUMN', yn(c.nullable), c.defaultSql ?? null, 'N', 'N', null, null, c.comment, null, null]),
    StatementType.SHOW,
  );
}

function tableDdl(t: TableVersion): string {
  const kind = t.tableType === 'permanent' ? '' : `${t.tableType === 'temporary' ? 'temporary' : t.tableType} `;
  const cols = t.columns.map(
    (c) =>
      `\t${displayName([c.name])} ${c.type}${c.nullable ? '' : ' NOT NULL'}${c.defaultSql ? ` DEFAULT ${c.defaultSql}` : ''}${c.comment ? ` COMMENT '${c.comment.replace(/'/g, "''")}'` : ''}`,
  );
  return `create or replace ${kind}TABLE ${displayName([t.name])} (\n${cols.join(',\n')}\n)${t.comment ? `COMMENT='${t.comment.replace(/'/g, "''")}'\n` : ''};`;
}

function objectDdl(o: SchemaObject): string {
  if (o.kind === 'table') return tableDdl(o);
  // Pitfall 15: GET_DDL is not the original text; the body is kept, the header is regenerated in lower case.
  return `create or replace ${o.secure ? 'secure ' : ''}view ${displayName([o.schema.database.name, o.schema.name, o.name])}${o.columnNames ? `(\n\t${o.columnNames.map((c) => displayName([c])).join(',\n\t')}\n)` : ''} as ${o.body.trim().replace(/;$/, '')};`;
}

/** GET_DDL('TABLE'|'VIEW'|'SCHEMA', '<name>') text. */
export function getDdl(catalog: Catalog, ctx: ResolveContext, kind: string, nameText: string): string {
  const name = parseNameString(nameText);
  if (kind === 'SCHEMA') {
    const schema = catalog.schema(name, ctx, 'GET_DDL');
    const objects = [...schema.objects.values()].sort((a, b) => a.created.getTime() - b.created.getTime() || a.id - b.id);
    return [`create or replace schema ${displayName([schema.name])};`, ...objects.map(objectDdl)].join('\n\n');
  }
  if (kind !== 'TABLE' && kind !== 'VIEW') throw unsupported(`GET_DDL('${kind}')`);
  const object = catalog.resolve(name, ctx, 'GET_DDL');
  if (!object) throw objectNotFound(displayName(name));
  return objectDdl(object);
}

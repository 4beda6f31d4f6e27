// Applies parsed DDL and session commands to the catalog: CREATE/DROP/UNDROP/ALTER of databases,
// schemas, tables and views, CLONE [AT], RENAME, SWAP, retention, comments, USE, ALTER SESSION and
// transactions. Every DDL statement commits an open transaction first and is never rolled back (pitfall 11).

import { alreadyExists, didNotExistOrPurged, objectNotFound, SnowflakeError, unsupported } from './errors.js';
import { displayName, type QualifiedName } from './names.js';
import { statusResult, StatementType, type ResultSet } from './results.js';
import { duckTypeOfSnowflake, snowflakeTypeOfDuck } from './sql-types.js';
import { quoteIdent } from './tokenizer.js';
import { requireOwnership } from './access.js';
import type { Column, Database, ResolveContext, Schema, SchemaObject, TableType, TableVersion, TimePoint } from './catalog.js';
import type { AlterAction, ColumnDef, Command } from './ddl-parser.js';
import type { ExecContext } from './executor.js';
import { clonedPolicies } from './policies.js';
import type { StoreColumn } from './row-store.js';

const DAY_MS = 86_400_000;

function wrongKind(found: string, wanted: string): SnowflakeError {
  return new SnowflakeError(
    '002203',
    '02000',
    `SQL compilation error:\nObject found is of type '${found}', not specified type '${wanted}'.`,
  );
}

/**
 * A dynamic table is dropped and undropped as DYNAMIC TABLE, and only a dynamic table is: the
 * stricter reading of https://docs.snowflake.com/en/sql-reference/sql/drop-dynamic-table and
 * …/undrop-dynamic-table (test/snowflake-server/README.md).
 */
function checkDynamic(table: TableVersion, dynamic: boolean): void {
  if ((table.tableType === 'dynamic') === dynamic) return;
  throw table.tableType === 'dynamic' ? wrongKind('DYNAMIC_TABLE', 'TABLE') : wrongKind('TABLE', 'DYNAMIC_TABLE');
}

function checkRetention(days: number | null, tableType: TableType | 'schema', transient: boolean): void {
  if (days === null) return;
  const max = transient || tableType === 'transient' || tableType === 'temporary' ? 1 : 90;
  if (!Number.isInteger(days) || days < 0 || days > max) {
    throw new SnowflakeError(
      '002018',
      '22023',
      `SQL compilation error:\ninvalid value [${days}] for parameter 'DATA_RETENTION_TIME_IN_DAYS'`,
    );
  }
}

function toColumn(def: ColumnDef): Column {
  return {
    name: def.name,
    type: def.type.snowflake,
    nullable: def.nullable,
    ...(def.defaultSql ? { defaultSql: def.defaultSql } : {}),
    comment: def.comment,
  };
}

function storeColumns(columns: Column[]): StoreColumn[] {
  return columns.map((c) => ({ name: c.name, duck: duckTypeOfSnowflake(c.type), notNull: !c.nullable }));
}

/** Applies one command; `ctx` gives access to the catalog, the session and query translation. */
export async function applyCommand(ctx: ExecContext, cmd: Command): Promise<ResultSet> {
  switch (cmd.kind) {
    case 'create-database':
      return createDatabase(ctx, cmd);
    case 'create-schema':
      return createSchema(ctx, cmd);
    case 'create-table':
      return createTable(ctx, cmd);
    case 'create-view':
      return createView(ctx, cmd);
    case 'drop':
      return drop(ctx, cmd);
    case 'undrop':
      return undrop(ctx, cmd);
    case 'alter-table':
    case 'alter-view':
      return alterObject(ctx, cmd.kind === 'alter-table' ? 'TABLE' : 'VIEW', cmd.name, cmd.ifExists, cmd.action);
    case 'alter-schema':
      return alterSchema(ctx, cmd.name, cmd.ifExists, cmd.action);
    case 'alter-database':
      return alterDatabase(ctx, cmd.name, cmd.ifExists, cmd.action);
    case 'comment':
      return comment(ctx, cmd);
    case 'create-policy':
      return statusResult(ctx.catalog.policies.create(cmd, ctx.session.resolveContext(), ctx.session.role));
    default:
      throw unsupported(cmd.kind);
  }
}

async function createDatabase(ctx: ExecContext, cmd: Extract<Command, { kind: 'create-database' }>): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const existing = catalog.databases.get(cmd.name);
  if (existing) {
    if (cmd.ifNotExists) return statusResult(`${cmd.name} already exists, statement succeeded.`);
    if (!cmd.orReplace) throw alreadyExists(cmd.name);
    dropDatabase(ctx, existing);
  }
  if (cmd.clone) {
    const source = catalog.database(cmd.clone.source[0], session.resolveContext(), 'CREATE DATABASE');
    const point = cmd.clone.at ? await ctx.timePoint(cmd.clone.at) : null;
    const db = catalog.addDatabase(cmd.name, {
      transient: source.transient,
      retentionDays: cmd.retention ?? source.retentionDays,
      comment: cmd.comment ?? source.comment,
      owner: session.role,
    });
    db.schemas.clear();
    try {
      for (const s of source.schemas.values())
        await cloneSchemaInto(ctx, s, db, s.name, point, { ignoreHybrid: false, ignoreInsufficientRetention: false });
    } catch (err) {
      catalog.databases.delete(cmd.name);
      throw err;
    }
  } else {
    catalog.addDatabase(cmd.name, { transient: cmd.transient, retentionDays: cmd.retention, comment: cmd.comment, owner: session.role });
  }
  session.database = cmd.name;
  session.schema = 'PUBLIC';
  return statusResult(`Database ${displayName([cmd.name])} successfully created.`);
}

function dropDatabase(ctx: ExecContext, db: Database): void {
  const { catalog } = ctx;
  catalog.databases.delete(db.name);
  db.droppedOn = catalog.now();
  db.droppedRetentionDays = db.retentionDays ?? catalog.defaultRetentionDays;
  catalog.droppedDatabases.push(db);
}

async function createSchema(ctx: ExecContext, cmd: Extract<Command, { kind: 'create-schema' }>): Promise<ResultSet> {
  const { catalog, session } = ctx;
  if (cmd.name.length > 2) throw objectNotFound(displayName(cmd.name), 'Schema');
  const db = catalog.database(cmd.name.length === 2 ? cmd.name[0] : undefined, session.resolveContext(), 'CREATE SCHEMA');
  const name = cmd.name[cmd.name.length - 1] as string;
  checkRetention(cmd.retention, 'schema', cmd.transient);
  const existing = db.schemas.get(name);
  if (existing) {
    if (cmd.ifNotExists) return statusResult(`${name} already exists, statement succeeded.`);
    if (!cmd.orReplace) throw alreadyExists(name);
    await dropSchema(ctx, existing);
  }
  if (cmd.clone) {
    const source = catalog.schema(cmd.clone.source, session.resolveContext(), 'CREATE SCHEMA');
    const point = cmd.clone.at ? await ctx.timePoint(cmd.clone.at) : null;
    // Cloning AT a time at or before the source's creation fails with 002003 (create-clone page; README).
    if (point && 'time' in point && point.time <= source.created.getTime())
      throw objectNotFound(displayName([source.database.name, source.name]));
    const target = await cloneSchemaInto(ctx, source, db, name, point, cmd.clone);
    if (cmd.comment !== null) target.comment = cmd.comment;
    if (cmd.retention !== null) target.retentionDays = cmd.retention;
  } else {
    catalog.addSchema(db, name, {
      transient: cmd.transient,
      retentionDays: cmd.retention,
      comment: cmd.comment,
      managedAccess: cmd.managedAccess,
      owner: session.role,
    });
  }
  session.database = db.name;
  session.schema = name;
  return statusResult(`Schema ${displayName([name])} successfully created.`);
}

/**
 * Recursive schema clone (pitfalls 5, 7, 14): tables that existed at the point (dropped ones included)
 * with their rows then, views copied verbatim (qualified references keep pointing at the source).
 */
async function cloneSchemaInto(
  ctx: ExecContext,
  source: Schema,
  db: Database,
  name: string,
  point: TimePoint | null,
  options: { ignoreHybrid: boolean; ignoreInsufficientRetention: boolean },
): Promise<Schema> {
  const { catalog } = ctx;
  const target = catalog.addSchema(db, name, {
    transient: source.transient,
    retentionDays: source.retentionDays,
    comment: source.comment,
    managedAccess: source.managedAccess,
    owner: ctx.session.role,
  });
  const existedAt = (o: { created: Date; droppedOn?: Date | null; createdSeq?: number }): boolean => {
    if (!point) return !o.droppedOn;
    if ('time' in point) return o.created.getTime() <= point.time && (!o.droppedOn || o.droppedOn.getTime() > point.time);
    return (o.createdSeq ?? 0) <= point.seq && !o.droppedOn;
  };
  try {
    const tables = [...source.objects.values(), ...source.dropped].filter((o): o is TableVersion => o.kind === 'table' && existedAt(o));
    for (const t of tables) {
      if (target.objects.has(t.name)) continue;
      if (t.tableType === 'hybrid') {
        if (options.ignoreHybrid) continue;
        throw unsupported(`CLONE of hybrid table ${displayName([t.name])}`, 'add IGNORE HYBRID TABLES');
      }
      let rows: string;
      try {
        rows = point ? catalog.rowsAt(t, point) : t.internal;
      } catch (err) {
        if (options.ignoreInsufficientRetention && err instanceof SnowflakeError && err.code === '000707') continue;
        throw err;
      }
      await cloneTableInto(ctx, t, target, t.name, rows, t.tableType);
    }
    for (const v of source.objects.values()) {
      if (v.kind !== 'view' || !existedAt(v)) continue;
      target.objects.set(
        v.name,
        catalog.newView(target, v.name, {
          text: v.text,
          body: v.body,
          secure: v.secure,
          columnNames: v.columnNames,
          comment: v.comment,
          owner: v.owner,
        }),
      );
    }
  } catch (err) {
    db.schemas.delete(name);
    for (const o of target.objects.values()) if (o.kind === 'table') await catalog.discard(o);
    throw err;
  }
  return target;
}

async function cloneTableInto(
  ctx: ExecContext,
  source: TableVersion,
  schema: Schema,
  name: string,
  rows: string,
  tableType: TableType,
): Promise<TableVersion> {
  const { catalog } = ctx;
  const table = catalog.newTable(schema, name, {
    tableType,
    columns: source.columns.map((c) => ({ ...c })),
    retentionDays: source.retentionDays,
    comment: source.comment,
    sessionId: tableType === 'temporary' ? ctx.session.id : null,
    clusterBy: source.clusterBy,
    owner: ctx.session.role,
  });
  table.policies = clonedPolicies(source.policies);
  await catalog.store.copyTable(rows, table.internal);
  table.sharesStorage = true;
  register(ctx, table);
  return table;
}

function register(ctx: ExecContext, table: TableVersion): void {
  if (table.tableType === 'temporary') {
    const temps = ctx.session.temps.get(table.schema.id) ?? new Map<string, TableVersion>();
    temps.set(table.name, table);
    ctx.session.temps.set(table.schema.id, temps);
  } else {
    table.schema.objects.set(table.name, table);
  }
}

async function createTable(ctx: ExecContext, cmd: Extract<Command, { kind: 'create-table' }>): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const resolve = session.resolveContext();
  const { schema, name } = catalog.container(cmd.name, resolve, 'CREATE TABLE');
  const existing: SchemaObject | undefined =
    cmd.tableType === 'temporary' ? (resolve.temps.get(schema.id)?.get(name) ?? schema.objects.get(name)) : schema.objects.get(name);
  if (existing) {
    if (cmd.ifNotExists) return statusResult(`${name} already exists, statement succeeded.`);
    if (existing.kind === 'view') throw wrongKind('VIEW', 'TABLE');
    if (!cmd.orReplace && (cmd.tableType !== 'temporary' || existing.tableType === 'temporary')) throw alreadyExists(name);
  }
  checkRetention(cmd.retention, cmd.tableType, schema.transient);
  let table: TableVersion;
  if (cmd.clone) {
    const source = catalog.resolve(cmd.clone.source, resolve, 'CREATE TABLE');
    if (source.kind !== 'table') throw wrongKind('VIEW', 'TABLE');
    if (source.tableType === 'hybrid') throw unsupported('CLONE of a hybrid table', displayName(cmd.clone.source));
    const point = cmd.clone.at ? await ctx.timePoint(cmd.clone.at) : null;
    const rows = point ? catalog.rowsAt(source, point) : source.internal;
    const tableType = cmd.tableType === 'permanent' ? source.tableType : cmd.tableType;
    table = catalog.newTable(schema, name, {
      tableType,
      columns: source.columns.map((c) => ({ ...c })),
      retentionDays: cmd.retention ?? source.retentionDays,
      comment: cmd.comment ?? source.comment,
      sessionId: tableType === 'temporary' ? session.id : null,
      clusterBy: source.clusterBy,
      owner: session.role,
    });
    table.policies = clonedPolicies(source.policies);
    await catalog.store.copyTable(rows, table.internal);
    table.sharesStorage = true;
  } else if (cmd.like) {
    const source = catalog.resolve(cmd.like, resolve, 'CREATE TABLE');
    if (source.kind !== 'table') throw wrongKind('VIEW', 'TABLE');
    table = catalog.newTable(schema, name, {
      tableType: cmd.tableType,
      columns: source.columns.map((c) => ({ ...c })),
      retentionDays: cmd.retention,
      comment: cmd.comment,
      sessionId: cmd.tableType === 'temporary' ? session.id : null,
      owner: session.role,
    });
    await catalog.store.createTable(table.internal, storeColumns(table.columns));
  } else if (cmd.asQuery) {
    const query = await ctx.translate(cmd.asQuery);
    table = catalog.newTable(schema, name, {
      tableType: cmd.tableType,
      columns: [],
      retentionDays: cmd.retention,
      comment: cmd.comment,
      sessionId: cmd.tableType === 'temporary' ? session.id : null,
      clusterBy: cmd.clusterBy,
      owner: session.role,
    });
    const names = cmd.columns?.map((c) => quoteIdent(c.name));
    const body = names ? `SELECT * FROM (${query.sql}) AS q_(${names.join(', ')})` : query.sql;
    await catalog.store.run(`CREATE TABLE ${quoteIdent(table.internal)} AS ${body}`);
    const described = await catalog.store.run(`SELECT * FROM ${quoteIdent(table.internal)} LIMIT 0`);
    const types = described.columnTypes();
    table.columns = described.columnNames().map((n, i) => ({
      name: n,
      type: cmd.columns?.[i]?.type.snowflake ?? snowflakeTypeOfDuck(types[i]?.toString() ?? 'VARCHAR', types[i]?.alias),
      nullable: true,
      comment: null,
    }));
  } else {
    const defs = cmd.columns ?? [];
    table = catalog.newTable(schema, name, {
      tableType: cmd.tableType,
      columns: defs.map(toColumn),
      retentionDays: cmd.retention,
      comment: cmd.comment,
      sessionId: cmd.tableType === 'temporary' ? session.id : null,
      clusterBy: cmd.clusterBy,
      owner: session.role,
    });
    const cols = storeColumns(table.columns);
    for (const [i, def] of defs.entries()) {
      if (!def.autoincrement) continue;
      const sequence = `q_${table.id}_${i}`;
      await catalog.store.run(
        `CREATE SEQUENCE ${quoteIdent(sequence)} START ${def.autoincrement.start} INCREMENT ${def.autoincrement.step}`,
      );
      (cols[i] as StoreColumn).defaultSql = `nextval('${sequence}')`;
    }
    await catalog.store.createTable(table.internal, cols);
  }
  // CREATE OR REPLACE drops the old version (it stays undroppable and shows in SHOW TABLES HISTORY; pitfall 12).
  if (existing && existing.kind === 'table' && (existing.tableType === 'temporary') === (table.tableType === 'temporary'))
    await catalog.dropTable(existing, resolve);
  register(ctx, table);
  schema.lastAltered = catalog.now();
  return statusResult(`Table ${displayName([name])} successfully created.`);
}

async function createView(ctx: ExecContext, cmd: Extract<Command, { kind: 'create-view' }>): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const { schema, name } = catalog.container(cmd.name, session.resolveContext(), 'CREATE VIEW');
  const existing = schema.objects.get(name);
  if (existing) {
    if (cmd.ifNotExists) return statusResult(`${name} already exists, statement succeeded.`);
    if (existing.kind === 'table') throw wrongKind('TABLE', 'VIEW');
    if (!cmd.orReplace) throw alreadyExists(name);
  }
  const view = catalog.newView(schema, name, {
    text: cmd.text,
    body: cmd.body,
    secure: cmd.secure,
    columnNames: cmd.columnNames,
    comment: cmd.comment,
    owner: session.role,
  });
  // Snowflake compiles the body at CREATE time: a missing base object fails here with 002003.
  await ctx.validateView(view);
  schema.objects.set(name, view);
  schema.lastAltered = catalog.now();
  return statusResult(`View ${displayName([name])} successfully created.`);
}

async function drop(ctx: ExecContext, cmd: Extract<Command, { kind: 'drop' }>): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const resolve = session.resolveContext();
  const gone = (kind: string): ResultSet => {
    if (!cmd.ifExists) throw objectNotFound(displayName(cmd.name), kind);
    return statusResult(
      `Drop statement executed successfully (${displayName([cmd.name[cmd.name.length - 1] as string])} already dropped).`,
    );
  };
  if (cmd.objectKind === 'DATABASE') {
    const db = catalog.databases.get(cmd.name[0] as string);
    if (!db || cmd.name.length > 1) return gone('Database');
    dropDatabase(ctx, db);
    return statusResult(`${displayName([db.name])} successfully dropped.`);
  }
  if (cmd.objectKind === 'SCHEMA') {
    let schema: Schema;
    try {
      schema = catalog.schema(cmd.name, resolve, 'DROP SCHEMA');
    } catch (err) {
      if (err instanceof SnowflakeError && err.code === '002003') return gone('Schema');
      throw err;
    }
    await dropSchema(ctx, schema);
    return statusResult(`${displayName([schema.name])} successfully dropped.`);
  }
  let object: SchemaObject | undefined;
  try {
    const { schema, name } = catalog.container(cmd.name, resolve, `DROP ${cmd.objectKind}`);
    object = catalog.lookup(schema, name, resolve);
  } catch (err) {
    if (!(err instanceof SnowflakeError && err.code === '002003')) throw err;
  }
  if (!object) return gone(cmd.objectKind === 'TABLE' ? 'Table' : 'View');
  if (cmd.objectKind === 'TABLE' && object.kind === 'view') throw wrongKind('VIEW', 'TABLE');
  if (cmd.objectKind === 'VIEW' && object.kind === 'table') throw wrongKind('TABLE', 'VIEW');
  if (object.kind === 'table') checkDynamic(object, cmd.dynamic);
  requireOwnership(catalog.access, session, object, object.kind === 'table' ? 'table' : 'view');
  if (object.kind === 'table') {
    // Views on the table stay in place and fail when queried (pitfall 6).
    await catalog.dropTable(object, resolve);
  } else {
    // A dropped view is gone for good: there is no UNDROP VIEW (pitfall 1).
    object.schema.objects.delete(object.name);
  }
  object.schema.lastAltered = catalog.now();
  return statusResult(`${displayName([object.name])} successfully dropped.`);
}

async function dropSchema(ctx: ExecContext, schema: Schema): Promise<void> {
  const { catalog } = ctx;
  const db = schema.database;
  db.schemas.delete(schema.name);
  schema.droppedOn = catalog.now();
  // Pitfall 3: dropping a schema overrides its children's own retention with the schema's.
  schema.droppedRetentionDays = schema.retentionDays ?? db.retentionDays ?? catalog.defaultRetentionDays;
  for (const temps of ctx.session.temps.get(schema.id)?.values() ?? []) await catalog.discard(temps);
  ctx.session.temps.delete(schema.id);
  for (const o of schema.objects.values()) {
    if (o.kind === 'table' && o.tableType === 'hybrid') {
      schema.objects.delete(o.name);
      await catalog.discard(o);
    }
  }
  db.droppedSchemas.push(schema);
}

async function undrop(ctx: ExecContext, cmd: Extract<Command, { kind: 'undrop' }>): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const resolve = session.resolveContext();
  const now = catalog.now().getTime();
  if (cmd.objectKind === 'DATABASE') {
    const name = cmd.name?.[0] as string;
    if (catalog.databases.has(name)) throw alreadyExists(name);
    const candidates = catalog.droppedDatabases.filter(
      (d) => d.name === name && d.droppedOn && d.droppedRetentionDays > 0 && d.droppedOn.getTime() + d.droppedRetentionDays * DAY_MS > now,
    );
    const db = candidates[candidates.length - 1];
    if (!db) throw didNotExistOrPurged('Database', displayName([name]));
    catalog.droppedDatabases.splice(catalog.droppedDatabases.indexOf(db), 1);
    db.droppedOn = null;
    catalog.databases.set(db.name, db);
    return statusResult(`Database ${displayName([name])} successfully restored.`);
  }
  if (cmd.objectKind === 'SCHEMA') {
    const name = cmd.name as QualifiedName;
    const db = catalog.database(name.length === 2 ? name[0] : undefined, resolve, 'UNDROP SCHEMA');
    const schemaName = name[name.length - 1] as string;
    if (db.schemas.has(schemaName)) throw alreadyExists(schemaName);
    const candidates = db.droppedSchemas.filter(
      (s) =>
        s.name === schemaName && s.droppedOn && s.droppedRetentionDays > 0 && s.droppedOn.getTime() + s.droppedRetentionDays * DAY_MS > now,
    );
    const schema = candidates[candidates.length - 1];
    if (!schema) throw didNotExistOrPurged('Schema', displayName([schemaName]));
    db.droppedSchemas.splice(db.droppedSchemas.indexOf(schema), 1);
    schema.droppedOn = null;
    db.schemas.set(schema.name, schema);
    return statusResult(`Schema ${displayName([schemaName])} successfully restored.`);
  }
  if (cmd.id !== null) {
    // UNDROP TABLE IDENTIFIER(<table_id>) restores that exact version under its original name (pitfall 2).
    for (const db of catalog.databases.values()) {
      for (const schema of db.schemas.values()) {
        const version = schema.dropped.find((t) => t.id === cmd.id);
        if (!version) continue;
        if (schema.objects.has(version.name)) throw alreadyExists(version.name);
        if (!catalog.restorable(version)) break;
        checkDynamic(version, cmd.dynamic);
        requireOwnership(catalog.access, session, version, 'table');
        schema.dropped.splice(schema.dropped.indexOf(version), 1);
        schema.dropped.push(version);
        catalog.undropTable(schema, version.name);
        return statusResult(`Table ${displayName([version.name])} successfully restored.`);
      }
    }
    throw didNotExistOrPurged('Table', String(cmd.id));
  }
  const { schema, name } = catalog.container(cmd.name as QualifiedName, resolve, 'UNDROP TABLE');
  // Pitfall 2: UNDROP fails while the name is taken.
  if (schema.objects.has(name)) throw alreadyExists(name);
  const newest = catalog.newestDropped(schema, name);
  if (newest !== undefined) {
    checkDynamic(newest, cmd.dynamic);
    requireOwnership(catalog.access, session, newest, 'table');
  }
  catalog.undropTable(schema, name);
  schema.lastAltered = catalog.now();
  return statusResult(`Table ${displayName([name])} successfully restored.`);
}

async function alterObject(
  ctx: ExecContext,
  kind: 'TABLE' | 'VIEW',
  nameParts: QualifiedName,
  ifExists: boolean,
  action: AlterAction,
): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const resolve = session.resolveContext();
  let object: SchemaObject;
  try {
    object = catalog.resolve(nameParts, resolve, `ALTER ${kind}`);
  } catch (err) {
    if (ifExists && err instanceof SnowflakeError && err.code === '002003') return statusResult('Statement executed successfully.');
    throw err;
  }
  if (kind === 'TABLE' && object.kind === 'view') throw wrongKind('VIEW', 'TABLE');
  if (kind === 'VIEW' && object.kind === 'table') throw wrongKind('TABLE', 'VIEW');
  requireOwnership(catalog.access, session, object, kind === 'TABLE' ? 'table' : 'view');
  const now = catalog.now();
  switch (action.kind) {
    case 'rename': {
      const target = catalog.container(action.to, resolve, `ALTER ${kind}`);
      // RENAME fails when the target name exists; views referencing the old name are not updated (pitfall 7).
      if (catalog.lookup(target.schema, target.name, resolve)) throw alreadyExists(target.name);
      detach(ctx, object);
      object.name = target.name;
      object.schema = target.schema;
      attach(ctx, object);
      break;
    }
    case 'swap': {
      const other = catalog.resolve(action.with, resolve, 'ALTER TABLE');
      if (other.kind !== 'table' || object.kind !== 'table') throw wrongKind('VIEW', 'TABLE');
      if ((other.tableType === 'temporary') !== (object.tableType === 'temporary')) {
        throw unsupported('SWAP WITH between a temporary and a permanent/transient table', 'use three RENAMEs');
      }
      detach(ctx, object);
      detach(ctx, other);
      const [name, schema] = [object.name, object.schema];
      object.name = other.name;
      object.schema = other.schema;
      other.name = name;
      other.schema = schema;
      attach(ctx, object);
      attach(ctx, other);
      other.lastDdl = now;
      other.lastAltered = now;
      break;
    }
    case 'set':
      if (action.retention !== undefined) {
        if (object.kind !== 'table') throw unsupported('ALTER VIEW SET DATA_RETENTION_TIME_IN_DAYS');
        checkRetention(action.retention, object.tableType, object.schema.transient);
        object.retentionDays = action.retention;
      }
      if (action.comment !== undefined) object.comment = action.comment;
      if (action.secure !== undefined) {
        if (object.kind !== 'view') throw unsupported('ALTER TABLE SET SECURE');
        object.secure = action.secure;
      }
      if (action.clusterBy !== undefined && object.kind === 'table') object.clusterBy = action.clusterBy;
      break;
    case 'unset':
      for (const p of action.properties) {
        if (p === 'DATA_RETENTION_TIME_IN_DAYS' && object.kind === 'table') object.retentionDays = null;
        else if (p === 'COMMENT') object.comment = null;
        else if (p === 'SECURE' && object.kind === 'view') object.secure = false;
        else throw unsupported(`ALTER ${kind} UNSET ${p}`);
      }
      break;
    case 'add-row-access-policy':
    case 'drop-row-access-policy':
    case 'set-masking-policy':
      if (object.kind !== 'table') throw unsupported(`ALTER VIEW ${action.kind}`);
      ctx.catalog.policies.alter(object, action, resolve);
      break;
    case 'add-column':
    case 'drop-column':
    case 'rename-column':
    case 'column-nullability':
      if (object.kind !== 'table') throw unsupported(`ALTER VIEW ${action.kind}`);
      if (await alterColumns(ctx, object, action)) return statusResult('Statement executed successfully.');
      break;
  }
  object.lastDdl = now;
  object.lastAltered = now;
  return statusResult('Statement executed successfully.');
}

/** Column DDL, applied to the live rows and to every history snapshot (historical reads use the current columns; pitfall 13). */
async function alterColumns(
  ctx: ExecContext,
  table: TableVersion,
  action: Extract<AlterAction, { kind: 'add-column' | 'drop-column' | 'rename-column' | 'column-nullability' }>,
): Promise<boolean> {
  const internals = [table.internal, ...table.history.map((h) => h.internal)];
  const run = async (sql: (t: string) => string): Promise<void> => {
    for (const internal of internals) await ctx.catalog.store.run(sql(quoteIdent(internal)));
  };
  if (action.kind === 'column-nullability') {
    await setNullability(ctx, table, action.column, action.nullable);
    return false;
  }
  if (action.kind === 'add-column') {
    if (table.columns.some((c) => c.name === action.column.name)) {
      if (action.ifNotExists) return true;
      throw alreadyExists(action.column.name, 'Column');
    }
    // Stricter reading: a NOT NULL column without a default would leave the table's rows NULL in it.
    if (!action.column.nullable && !action.column.defaultSql && (await ctx.catalog.stats(table)).rows > 0)
      throw new SnowflakeError(
        '002025',
        '42601',
        `SQL compilation error:\nNon-nullable column '${action.column.name}' cannot be added to non-empty table '${table.name}' unless it has a non-null default value.`,
      );
    await run((t) => `ALTER TABLE ${t} ADD COLUMN ${quoteIdent(action.column.name)} ${action.column.type.duck}`);
    table.columns.push(toColumn(action.column));
  } else if (action.kind === 'drop-column') {
    for (const name of action.names) {
      if (!table.columns.some((c) => c.name === name))
        throw new SnowflakeError('000904', '42000', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${name}'`);
      await run((t) => `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(name)}`);
      table.columns = table.columns.filter((c) => c.name !== name);
    }
  } else {
    const col = table.columns.find((c) => c.name === action.from);
    if (!col)
      throw new SnowflakeError('000904', '42000', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${action.from}'`);
    await run((t) => `ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(action.from)} TO ${quoteIdent(action.to)}`);
    col.name = action.to;
  }
  table.stats = null;
  return false;
}

/** ALTER COLUMN … SET NOT NULL (refused while a row holds NULL there) or DROP NOT NULL. */
async function setNullability(ctx: ExecContext, table: TableVersion, name: string, nullable: boolean): Promise<void> {
  const column = table.columns.find((c) => c.name === name);
  if (!column)
    throw new SnowflakeError('000904', '42000', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${name}'`);
  if (!nullable) {
    const nulls = await (
      await ctx.catalog.store.run(`SELECT COUNT(*) FROM ${quoteIdent(table.internal)} WHERE ${quoteIdent(name)} IS NULL`)
    ).getRows();
    if (Number(nulls[0]?.[0] ?? 0) > 0) throw new SnowflakeError('100072', '22000', `NULL result in a non-nullable column`);
  }
  column.nullable = nullable;
}

function detach(ctx: ExecContext, object: SchemaObject): void {
  if (object.kind === 'table' && object.tableType === 'temporary') ctx.session.temps.get(object.schema.id)?.delete(object.name);
  else object.schema.objects.delete(object.name);
}

function attach(ctx: ExecContext, object: SchemaObject): void {
  if (object.kind === 'table') register(ctx, object);
  else object.schema.objects.set(object.name, object);
}

async function alterSchema(ctx: ExecContext, nameParts: QualifiedName, ifExists: boolean, action: AlterAction): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const resolve: ResolveContext = session.resolveContext();
  let schema: Schema;
  try {
    schema = catalog.schema(nameParts, resolve, 'ALTER SCHEMA');
  } catch (err) {
    if (ifExists && err instanceof SnowflakeError && err.code === '002003') return statusResult('Statement executed successfully.');
    throw err;
  }
  const db = schema.database;
  if (action.kind === 'rename') {
    const targetDb = catalog.database(action.to.length === 2 ? action.to[0] : undefined, resolve, 'ALTER SCHEMA');
    const name = action.to[action.to.length - 1] as string;
    if (targetDb.schemas.has(name)) throw alreadyExists(name);
    db.schemas.delete(schema.name);
    schema.name = name;
    schema.database = targetDb;
    targetDb.schemas.set(name, schema);
  } else if (action.kind === 'swap') {
    // Swaps whole schemas; views with qualified names keep pointing at the old name (pitfall 7).
    const other = catalog.schema(action.with, resolve, 'ALTER SCHEMA');
    const [aName, aDb] = [schema.name, schema.database];
    aDb.schemas.delete(aName);
    other.database.schemas.delete(other.name);
    schema.name = other.name;
    schema.database = other.database;
    other.name = aName;
    other.database = aDb;
    schema.database.schemas.set(schema.name, schema);
    other.database.schemas.set(other.name, other);
  } else if (action.kind === 'set') {
    if (action.retention !== undefined) {
      checkRetention(action.retention, 'schema', schema.transient);
      schema.retentionDays = action.retention;
    }
    if (action.comment !== undefined) schema.comment = action.comment;
  } else if (action.kind === 'unset') {
    for (const p of action.properties) {
      if (p === 'DATA_RETENTION_TIME_IN_DAYS') schema.retentionDays = null;
      else if (p === 'COMMENT') schema.comment = null;
      else throw unsupported(`ALTER SCHEMA UNSET ${p}`);
    }
  } else {
    throw unsupported(`ALTER SCHEMA ${action.kind}`);
  }
  schema.lastAltered = catalog.now();
  return statusResult('Statement executed successfully.');
}

async function alterDatabase(ctx: ExecContext, nameParts: QualifiedName, ifExists: boolean, action: AlterAction): Promise<ResultSet> {
  const { catalog } = ctx;
  const db = catalog.databases.get(nameParts[0] as string);
  if (!db) {
    if (ifExists) return statusResult('Statement executed successfully.');
    throw objectNotFound(displayName(nameParts), 'Database');
  }
  if (action.kind === 'rename') {
    const name = action.to[0] as string;
    if (catalog.databases.has(name)) throw alreadyExists(name);
    catalog.databases.delete(db.name);
    db.name = name;
    catalog.databases.set(name, db);
  } else if (action.kind === 'set') {
    if (action.retention !== undefined) {
      checkRetention(action.retention, 'schema', db.transient);
      db.retentionDays = action.retention;
    }
    if (action.comment !== undefined) db.comment = action.comment;
  } else if (action.kind === 'unset') {
    for (const p of action.properties) {
      if (p === 'DATA_RETENTION_TIME_IN_DAYS') db.retentionDays = null;
      else if (p === 'COMMENT') db.comment = null;
    }
  } else {
    throw unsupported(`ALTER DATABASE ${action.kind}`);
  }
  return statusResult('Statement executed successfully.');
}

async function comment(ctx: ExecContext, cmd: Extract<Command, { kind: 'comment' }>): Promise<ResultSet> {
  const { catalog, session } = ctx;
  const resolve = session.resolveContext();
  if (cmd.objectKind === 'DATABASE') {
    const db = catalog.databases.get(cmd.name[0] as string);
    if (!db) throw objectNotFound(displayName(cmd.name), 'Database');
    db.comment = cmd.text;
  } else if (cmd.objectKind === 'SCHEMA') {
    catalog.schema(cmd.name, resolve, 'COMMENT').comment = cmd.text;
  } else if (cmd.objectKind === 'COLUMN') {
    const table = catalog.resolve(cmd.name.slice(0, -1), resolve, 'COMMENT');
    if (table.kind !== 'table') throw unsupported('COMMENT ON COLUMN of a view');
    const col = table.columns.find((c) => c.name === cmd.name[cmd.name.length - 1]);
    if (!col) throw objectNotFound(displayName(cmd.name), 'Column');
    col.comment = cmd.text;
    table.lastAltered = catalog.now();
  } else {
    const object = catalog.resolve(cmd.name, resolve, 'COMMENT');
    if (cmd.objectKind === 'TABLE' && object.kind === 'view') throw wrongKind('VIEW', 'TABLE');
    if (cmd.objectKind === 'VIEW' && object.kind === 'table') throw wrongKind('TABLE', 'VIEW');
    object.comment = cmd.text;
    object.lastAltered = catalog.now();
  }
  return statusResult('Statement executed successfully.', StatementType.DDL);
}

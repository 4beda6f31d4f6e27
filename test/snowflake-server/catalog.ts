// The account's object model: databases, schemas, table versions (live and dropped) and views,
// with creation/alteration times from a controllable clock, retention, and per-version history
// snapshots for Time Travel. It stores metadata only; rows live in the RowStore under internal names.

import { AccessModel } from './access.js';
import { didNotExistOrPurged, noCurrentContainer, objectNotFound, timeTravelUnavailable } from './errors.js';
import { displayName, type QualifiedName } from './names.js';
import { PolicyModel, type TablePolicies } from './policies.js';
import type { RowStore } from './row-store.js';

const DAY_MS = 86_400_000;

/** A table column as declared (canonical Snowflake type). */
export interface Column {
  name: string;
  type: string;
  nullable: boolean;
  defaultSql?: string;
  comment: string | null;
}

/** What every schema object records. */
interface ObjectBase {
  /** Numeric identity (TABLE_ID); a new one for every CREATE, CREATE OR REPLACE and CLONE (pitfall 12). */
  id: number;
  name: string;
  schema: Schema;
  created: Date;
  lastAltered: Date;
  lastDdl: Date;
  comment: string | null;
  owner: string;
}

/** Rows a table held until a change: valid for points before (untilTime, untilSeq). */
export interface Snapshot {
  internal: string;
  untilTime: number;
  untilSeq: number;
}

/**
 * Permanent, transient, session-scoped temporary, hybrid (no undrop, no clone; pitfall 5), or
 * dynamic (CREATE DYNAMIC TABLE: refuses DML, dropped and undropped only as DYNAMIC TABLE).
 */
export type TableType = 'permanent' | 'transient' | 'temporary' | 'hybrid' | 'dynamic';

/** One version of a table (a DROP keeps it, CREATE OR REPLACE makes a new one). */
export interface TableVersion extends ObjectBase {
  kind: 'table';
  tableType: TableType;
  internal: string;
  columns: Column[];
  /** DATA_RETENTION_TIME_IN_DAYS set on the table itself; null = inherited. */
  retentionDays: number | null;
  createdSeq: number;
  droppedOn: Date | null;
  /** Retention fixed when the table was dropped (pitfall 3). */
  droppedRetentionDays: number;
  /** Owning session for temporary tables (pitfall 4). */
  sessionId: string | null;
  history: Snapshot[];
  clusterBy: string | null;
  stats: { rows: number; bytes: number } | null;
  /**
   * A clone not written since: its rows are its source's storage, billed to the source, so it owns
   * no bytes (TABLE_STORAGE_METRICS.ACTIVE_BYTES 0) until a change gives it storage of its own.
   */
  sharesStorage: boolean;
  /** Row access and masking policies set on it (policies.ts); absent when none ever was. */
  policies?: TablePolicies;
}

/** A view: its full CREATE text verbatim and its query body, bound late (pitfalls 1, 6, 7). */
export interface ViewVersion extends ObjectBase {
  kind: 'view';
  text: string;
  body: string;
  secure: boolean;
  columnNames: string[] | null;
}

/** A live schema object. */
export type SchemaObject = TableVersion | ViewVersion;

/** A schema with its live objects and dropped table versions. */
export interface Schema {
  id: number;
  name: string;
  database: Database;
  created: Date;
  lastAltered: Date;
  retentionDays: number | null;
  transient: boolean;
  comment: string | null;
  managedAccess: boolean;
  /** The owning role (the role that created it, or GRANT OWNERSHIP). */
  owner: string;
  objects: Map<string, SchemaObject>;
  dropped: TableVersion[];
  droppedOn: Date | null;
  droppedRetentionDays: number;
}

/** A database with its schemas. */
export interface Database {
  id: number;
  name: string;
  created: Date;
  retentionDays: number | null;
  transient: boolean;
  comment: string | null;
  /** The owning role (the role that created it, or GRANT OWNERSHIP). */
  owner: string;
  schemas: Map<string, Schema>;
  droppedSchemas: Schema[];
  droppedOn: Date | null;
  droppedRetentionDays: number;
}

/** The name-resolution context of a statement: current database/schema and the session's temporary tables. */
export interface ResolveContext {
  database: string | null;
  schema: string | null;
  sessionId: string | null;
  temps: Map<number, Map<string, TableVersion>>;
  /** The session's role (absent: a statement seeded without a session, which sees everything). */
  role?: string;
}

/** A point in time for AT/BEFORE: a clock instant (ms) or a statement sequence number. */
export type TimePoint = { time: number } | { seq: number };

/** Account-wide catalog plus the clock and id counters. */
export class Catalog {
  readonly databases = new Map<string, Database>();
  readonly droppedDatabases: Database[] = [];
  /** Account-level DATA_RETENTION_TIME_IN_DAYS default. */
  defaultRetentionDays = 1;
  /** Most rows a SHOW command returns (Snowflake: 10,000; tests lower it rather than create 10,000 objects). */
  showRowLimit = 10_000;
  /**
   * Largest VARCHAR or VARIANT value, in bytes, a statement may produce or store (100082 beyond
   * it): 16 MB, as on accounts without bundle 2025_03; tests lower it rather than build 16 MB values.
   */
  lobLimit = 16_777_216;
  /** Roles, owners' hierarchy and grants (recorded and reported, not enforced). */
  readonly access = new AccessModel();
  /** Row access and masking policies (policies.ts). */
  readonly policies = new PolicyModel(this);
  private idCounter = 0;
  private seqCounter = 0;
  private snapshotCounter = 0;

  constructor(
    readonly store: RowStore,
    private readonly clock: () => Date,
  ) {}

  /** The model clock. */
  now(): Date {
    return this.clock();
  }

  /** A fresh object identity. */
  nextId(): number {
    return ++this.idCounter;
  }

  /** A new change sequence number: orders changes that share a clock millisecond. */
  nextSeq(): number {
    return ++this.seqCounter;
  }

  /** The latest sequence number handed out. */
  currentSeq(): number {
    return this.seqCounter;
  }

  /** Creates a database (with PUBLIC schema) without any existence check. */
  addDatabase(
    name: string,
    options: { transient?: boolean; retentionDays?: number | null; comment?: string | null; owner?: string } = {},
  ): Database {
    const now = this.now();
    const db: Database = {
      id: this.nextId(),
      name,
      created: now,
      retentionDays: options.retentionDays ?? null,
      transient: options.transient ?? false,
      comment: options.comment ?? null,
      owner: options.owner ?? 'SYSADMIN',
      schemas: new Map(),
      droppedSchemas: [],
      droppedOn: null,
      droppedRetentionDays: 0,
    };
    this.databases.set(name, db);
    this.addSchema(db, 'PUBLIC', { owner: db.owner });
    return db;
  }

  /** Creates a schema without any existence check. */
  addSchema(
    db: Database,
    name: string,
    options: { transient?: boolean; retentionDays?: number | null; comment?: string | null; managedAccess?: boolean; owner?: string } = {},
  ): Schema {
    const now = this.now();
    const schema: Schema = {
      id: this.nextId(),
      name,
      database: db,
      created: now,
      lastAltered: now,
      retentionDays: options.retentionDays ?? null,
      transient: options.transient ?? db.transient,
      comment: options.comment ?? null,
      managedAccess: options.managedAccess ?? false,
      owner: options.owner ?? 'SYSADMIN',
      objects: new Map(),
      dropped: [],
      droppedOn: null,
      droppedRetentionDays: 0,
    };
    db.schemas.set(name, schema);
    return schema;
  }

  /** The database of a name part, or the context's current database. */
  database(name: string | undefined, ctx: ResolveContext, action: string): Database {
    const dbName = name ?? ctx.database;
    if (dbName === null || dbName === undefined) throw noCurrentContainer('database', action);
    const db = this.databases.get(dbName);
    if (!db) throw objectNotFound(dbName, 'Database');
    return db;
  }

  /** Resolves `[db.]schema` (or the current schema when `name` is empty). */
  schema(name: QualifiedName, ctx: ResolveContext, action: string): Schema {
    if (name.length > 2) throw objectNotFound(displayName(name), 'Schema');
    const db = this.database(name.length === 2 ? name[0] : undefined, ctx, action);
    const schemaName = name.length === 0 ? ctx.schema : (name[name.length - 1] as string);
    if (schemaName === null) throw noCurrentContainer('schema', action);
    const schema = db.schemas.get(schemaName);
    if (!schema) throw objectNotFound(`${displayName([db.name, schemaName])}`, 'Schema');
    return schema;
  }

  /** Splits `[[db.]schema.]object` into its schema (which must exist) and object name. */
  container(name: QualifiedName, ctx: ResolveContext, action: string): { schema: Schema; name: string } {
    if (name.length > 3 || name.length === 0) throw objectNotFound(displayName(name));
    return { schema: this.schema(name.slice(0, -1), ctx, action), name: name[name.length - 1] as string };
  }

  /** A live object by name: the session's temporary table first, since it hides a permanent one (pitfall 4). */
  lookup(schema: Schema, name: string, ctx: ResolveContext): SchemaObject | undefined {
    return ctx.temps.get(schema.id)?.get(name) ?? schema.objects.get(name);
  }

  /** Resolves a qualified object name; throws 002003 when it does not exist. */
  resolve(name: QualifiedName, ctx: ResolveContext, action: string): SchemaObject {
    const { schema, name: objectName } = this.container(name, ctx, action);
    const object = this.lookup(schema, objectName, ctx);
    if (!object) throw objectNotFound(displayName(name));
    return object;
  }

  /** Every live object of a schema visible to a session (its own temporary tables included). */
  visibleObjects(schema: Schema, ctx: ResolveContext): SchemaObject[] {
    const temps = [...(ctx.temps.get(schema.id)?.values() ?? [])];
    return [...schema.objects.values(), ...temps];
  }

  /** Effective retention: table, else schema, else database, else account; transient/temporary cap at 1 (pitfall 3). */
  retentionOf(table: TableVersion): number {
    const days = table.retentionDays ?? table.schema.retentionDays ?? table.schema.database.retentionDays ?? this.defaultRetentionDays;
    return table.tableType === 'transient' || table.tableType === 'temporary' || table.schema.transient ? Math.min(days, 1) : days;
  }

  /** Row count and byte estimate, cached until the next change. */
  async stats(table: TableVersion): Promise<{ rows: number; bytes: number }> {
    table.stats ??= await this.store.stats(table.internal);
    return table.stats;
  }

  /**
   * Records that a table is about to change (DML or column DDL): keeps a copy of the current rows
   * for Time Travel while retention allows it, and bumps LAST_ALTERED (even for 0-row DML).
   */
  async beforeChange(table: TableVersion): Promise<void> {
    const now = this.now();
    const seq = this.nextSeq();
    if (this.retentionOf(table) > 0) {
      const internal = `h_${table.id}_${++this.snapshotCounter}`;
      await this.store.copyTable(table.internal, internal);
      table.history.push({ internal, untilTime: now.getTime(), untilSeq: seq });
    }
    table.lastAltered = now;
    table.stats = null;
    table.sharesStorage = false;
  }

  /**
   * The internal table holding a table's rows at a point in time. Fails with 000707 at or before
   * the table's creation instant (the stricter reading: README) or beyond its retention (pitfalls 3 and 13).
   */
  rowsAt(table: TableVersion, point: TimePoint): string {
    const now = this.now().getTime();
    const retentionStart = now - this.retentionOf(table) * DAY_MS;
    if ('time' in point) {
      if (point.time <= table.created.getTime() || point.time < retentionStart || this.retentionOf(table) === 0) {
        throw timeTravelUnavailable(table.name);
      }
      return table.history.find((s) => s.untilTime > point.time)?.internal ?? table.internal;
    }
    if (point.seq < table.createdSeq) throw timeTravelUnavailable(table.name);
    const snapshot = table.history.find((s) => s.untilSeq > point.seq);
    if (snapshot && snapshot.untilTime < retentionStart) throw timeTravelUnavailable(table.name);
    return snapshot?.internal ?? table.internal;
  }

  /** Moves a live table version to its schema's dropped list (temporary and hybrid ones are discarded). */
  async dropTable(table: TableVersion, ctx: ResolveContext): Promise<void> {
    const now = this.now();
    if (table.tableType === 'temporary') {
      ctx.temps.get(table.schema.id)?.delete(table.name);
      await this.discard(table);
      return;
    }
    table.schema.objects.delete(table.name);
    if (table.tableType === 'hybrid') {
      await this.discard(table);
      return;
    }
    table.droppedOn = now;
    table.droppedRetentionDays = this.retentionOf(table);
    table.lastDdl = now;
    table.schema.dropped.push(table);
    if (table.droppedRetentionDays === 0) await this.purgeExpired();
  }

  /** Restores the newest restorable dropped version of a table name (pitfall 2). */
  undropTable(schema: Schema, name: string): TableVersion {
    const newest = this.newestDropped(schema, name);
    if (!newest) throw didNotExistOrPurged('Table', name);
    schema.dropped.splice(schema.dropped.indexOf(newest), 1);
    const now = this.now();
    newest.droppedOn = null;
    newest.lastDdl = now;
    newest.lastAltered = now;
    schema.objects.set(newest.name, newest);
    return newest;
  }

  /** The version of `name` UNDROP would restore (the most recently dropped, still in retention). */
  newestDropped(schema: Schema, name: string): TableVersion | undefined {
    this.purgeExpiredSync();
    return schema.dropped
      .filter((t) => t.name === name)
      .reduce<TableVersion | undefined>((a, b) => (!a || (b.droppedOn as Date) >= (a.droppedOn as Date) ? b : a), undefined);
  }

  /** True while a dropped version can still be restored. */
  restorable(table: TableVersion): boolean {
    if (!table.droppedOn) return true;
    return table.droppedRetentionDays > 0 && table.droppedOn.getTime() + table.droppedRetentionDays * DAY_MS > this.now().getTime();
  }

  /** Frees dropped versions and history snapshots that are past retention. */
  async purgeExpired(): Promise<void> {
    for (const internal of this.purgeExpiredSync()) await this.store.dropTable(internal);
  }

  /** Removes expired metadata and returns the internal tables to free. */
  private purgeExpiredSync(): string[] {
    const freed: string[] = [];
    const now = this.now().getTime();
    for (const db of this.databases.values()) {
      db.droppedSchemas = db.droppedSchemas.filter(
        (s) => s.droppedOn !== null && s.droppedRetentionDays > 0 && s.droppedOn.getTime() + s.droppedRetentionDays * DAY_MS > now,
      );
      for (const schema of db.schemas.values()) {
        schema.dropped = schema.dropped.filter((t) => {
          if (this.restorable(t)) return true;
          freed.push(t.internal, ...t.history.map((h) => h.internal));
          return false;
        });
        for (const object of schema.objects.values()) {
          if (object.kind !== 'table') continue;
          const start = now - this.retentionOf(object) * DAY_MS;
          const keep = object.history.filter((h) => h.untilTime >= start);
          for (const h of object.history) if (!keep.includes(h)) freed.push(h.internal);
          object.history = keep;
        }
      }
    }
    return freed;
  }

  /** Frees a table version's rows and history immediately. */
  async discard(table: TableVersion): Promise<void> {
    await this.store.dropTable(table.internal);
    for (const h of table.history) await this.store.dropTable(h.internal);
    table.history = [];
  }

  /** A new table version's metadata (rows are created by the caller under `internal`). */
  newTable(
    schema: Schema,
    name: string,
    fields: Pick<TableVersion, 'tableType' | 'columns'> &
      Partial<Pick<TableVersion, 'retentionDays' | 'comment' | 'sessionId' | 'clusterBy' | 'owner'>>,
  ): TableVersion {
    const now = this.now();
    const id = this.nextId();
    return {
      kind: 'table',
      id,
      name,
      schema,
      created: now,
      lastAltered: now,
      lastDdl: now,
      comment: fields.comment ?? null,
      owner: fields.owner ?? 'SYSADMIN',
      tableType: fields.tableType,
      internal: `t_${id}`,
      columns: fields.columns,
      retentionDays: fields.retentionDays ?? null,
      createdSeq: this.nextSeq(),
      droppedOn: null,
      droppedRetentionDays: 0,
      sessionId: fields.sessionId ?? null,
      history: [],
      clusterBy: fields.clusterBy ?? null,
      stats: null,
      sharesStorage: false,
    };
  }

  /** A new view's metadata. */
  newView(
    schema: Schema,
    name: string,
    fields: Pick<ViewVersion, 'text' | 'body' | 'secure' | 'columnNames'> & { comment?: string | null; owner?: string },
  ): ViewVersion {
    const now = this.now();
    return {
      kind: 'view',
      id: this.nextId(),
      name,
      schema,
      created: now,
      lastAltered: now,
      lastDdl: now,
      comment: fields.comment ?? null,
      owner: fields.owner ?? 'SYSADMIN',
      text: fields.text,
      body: fields.body,
      secure: fields.secure,
      columnNames: fields.columnNames,
    };
  }
}

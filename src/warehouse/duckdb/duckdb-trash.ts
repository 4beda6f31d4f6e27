/**
 * ckpt's trash on the embedded warehouse beyond ckpt's own drops: its retention (like Time
 * Travel's: `CKPT_TRASH_RETENTION_DAYS`, default 7; expired copies are purged when ckpt writes),
 * its size, and keeping what a user's `ckpt sql` drops (`DROP TABLE`, `DROP SCHEMA`, `CREATE OR
 * REPLACE TABLE`) in the same format as ckpt's own drops, so that a restore brings it back.
 */
import { internalTables } from '../../model/desired.js';
import { wholeNumberFromEnv, type Environment } from '../../model/env.js';
import { quoteIdent } from '../../model/refs.js';
import { qualifiedName } from '../sql.js';
import type { TargetRef } from '../warehouse.js';
import { contentSignatures } from './duckdb-content.js';
import type { DuckDbDriver, StatementKind } from './duckdb-driver.js';
import { contentVersion, duckDbLiteral, inSchema, INTERNAL_SCHEMA, ISO_FORMAT, nextContentVersion, trashTableName } from './duckdb-sql.js';

/** Days a dropped table stays in the trash (`CKPT_TRASH_RETENTION_DAYS`, 1 to 36500, default 7). */
export function trashRetentionDays(env: Environment): number {
  return wholeNumberFromEnv('CKPT_TRASH_RETENTION_DAYS', env, { fallback: 7, min: 1, max: 36_500, unit: 'days' });
}

/** The SQL expression of when a trash row stops being restorable. */
export function trashExpiry(days: number, alias = 't'): string {
  return `(${alias}.dropped_on + to_days(${Math.trunc(days)}))`;
}

/** Drops the copies of every schema's trash past retention, and their rows (ckpt writes: in its transaction). */
export async function purgeExpiredTrash(db: DuckDbDriver, days: number): Promise<void> {
  const expired = await db.query(`SELECT trash_table FROM ${INTERNAL_SCHEMA}.trash t WHERE ${trashExpiry(days)} <= now()`);
  if (expired.length === 0) return;
  for (const row of expired) await db.run(`DROP TABLE IF EXISTS ${INTERNAL_SCHEMA}.${quoteIdent(String(row.trash_table))}`);
  await db.run(`DELETE FROM ${INTERNAL_SCHEMA}.trash t WHERE ${trashExpiry(days)} <= now()`);
}

/** The trash of a schema: how many tables, their rows, and an estimate of their bytes (DuckDB blocks in use). */
export async function trashUsage(db: DuckDbDriver, schema: string): Promise<{ tables: number; rows: number; bytes: number }> {
  const tables = await db.query(`SELECT t.trash_table FROM ${INTERNAL_SCHEMA}.trash t WHERE ${inSchema(schema, 't.schema_name')}`);
  return copiesUsage(
    db,
    tables.map((t) => String(t.trash_table)),
  );
}

/** Tables of the hidden schema (unquoted names): how many there are, their rows (DuckDB's estimate) and bytes (blocks in use). */
export async function copiesUsage(db: DuckDbDriver, copies: readonly string[]): Promise<{ tables: number; rows: number; bytes: number }> {
  if (copies.length === 0) return { tables: 0, rows: 0, bytes: 0 };
  const tables = await db.query(`SELECT table_name, estimated_size::DOUBLE AS rows FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name = '${INTERNAL_SCHEMA}' AND table_name IN (${copies.map(duckDbLiteral).join(', ')})`);
  let bytes = 0;
  const [block] = await db.query(`SELECT block_size::BIGINT AS size FROM pragma_database_size()`);
  for (const t of tables) {
    const [row] = await db.query(`SELECT count(DISTINCT block_id)::BIGINT AS blocks FROM pragma_storage_info(
      ${duckDbLiteral(`${INTERNAL_SCHEMA}.${quoteIdent(String(t.table_name))}`)}) WHERE block_id >= 0`);
    bytes += Number(row?.blocks ?? 0) * Number(block?.size ?? 0);
  }
  return { tables: tables.length, rows: tables.reduce((n, t) => n + Number(t.rows ?? 0), 0), bytes };
}

/** Whether SQL may drop a table: a DROP, or a CREATE OR REPLACE (cheap test on the text). */
export function mayDropTables(sql: string): boolean {
  return /\bdrop\b|\bor\s+replace\b/i.test(sql);
}

/** A copy taken before a statement that may drop the table, kept only if the table is really gone. */
interface Copy {
  oid: string;
  name: string;
  trash: string;
}

/**
 * Keeps what a user's SQL drops: before each statement that may drop tables of the target schema,
 * copies those the SQL mentions (by name, case-insensitively; all of them for DROP SCHEMA) with
 * their incarnation, content version, DDL and comment; after the SQL, the copies of tables still
 * there (same DuckDB oid, whatever their name) are dropped and the others become trash rows.
 */
export class SqlDropGuard {
  private readonly copies = new Map<string, Copy>();
  private readonly replaces: boolean;
  private readonly dropsSchema: boolean;

  constructor(
    private readonly db: DuckDbDriver,
    private readonly target: TargetRef,
    private readonly sql: string,
  ) {
    this.replaces = /\bor\s+replace\b/i.test(sql);
    this.dropsSchema = /\bdrop\s+schema\b/i.test(sql);
  }

  /** Called before each statement with its type. */
  async before(kind: StatementKind): Promise<void> {
    if (kind !== 'drop' && !(kind === 'create' && this.replaces)) return;
    const own = new Set(Object.values(internalTables(this.target.auditTable)).map((n) => n.toLowerCase()));
    own.add(this.target.auditTable.toLowerCase());
    const text = this.sql.toLowerCase();
    const live = await this.db.query(`SELECT table_name AS name, table_oid::VARCHAR AS oid, sql, comment FROM duckdb_tables()
      WHERE database_name = current_database() AND ${inSchema(this.target.schema)} AND NOT temporary`);
    for (const t of live) {
      const name = String(t.name);
      const lower = name.toLowerCase();
      if (this.copies.has(String(t.oid)) || own.has(lower)) continue;
      if (!this.dropsSchema && !text.includes(lower) && !text.includes(lower.replaceAll('"', '""'))) continue;
      await this.copy({ oid: String(t.oid), name, sql: String(t.sql), comment: t.comment === null ? null : String(t.comment) });
    }
  }

  /** Copies one table into the trash with its content signature (its row is written at `settle`, if the table is gone by then). */
  private async copy(t: { oid: string; name: string; sql: string; comment: string | null }): Promise<void> {
    const trash = trashTableName();
    const object = qualifiedName({ database: null, schema: this.target.schema }, t.name);
    await this.db.run(`CREATE TABLE ${INTERNAL_SCHEMA}.${quoteIdent(trash)} AS SELECT * FROM ${object}`);
    // The content version: the registry's, moved if the rows changed since it was recorded (DML earlier in this SQL).
    const signature = (await contentSignatures(this.db, this.target.schema, [t.name])).get(t.name) ?? null;
    await this.db.run(`CREATE TEMP TABLE IF NOT EXISTS ckpt_sql_drops (trash_table VARCHAR, oid VARCHAR, name VARCHAR, created TIMESTAMPTZ,
      sql VARCHAR, comment VARCHAR, altered TIMESTAMPTZ, content_hash VARCHAR)`);
    await this.db.run(`INSERT INTO ckpt_sql_drops SELECT ${duckDbLiteral(trash)}, ${duckDbLiteral(t.oid)}, ${duckDbLiteral(t.name)},
      COALESCE(max(o.created), now()), ${duckDbLiteral(t.sql)}, ${t.comment === null ? 'NULL' : duckDbLiteral(t.comment)},
      CASE WHEN max(o.created) IS NULL THEN now() WHEN max(o.content_hash) IS NOT DISTINCT FROM ${signature === null ? 'NULL' : duckDbLiteral(signature)}
        THEN max(${contentVersion('o')}) ELSE max(${nextContentVersion('o')}) END,
      ${signature === null ? 'NULL' : duckDbLiteral(signature)}
      FROM ${INTERNAL_SCHEMA}.objects o WHERE ${inSchema(this.target.schema, 'o.schema_name')} AND o.kind = 'TABLE' AND lower(o.name) = lower(${duckDbLiteral(t.name)})`);
    this.copies.set(t.oid, { oid: t.oid, name: t.name, trash });
  }

  /**
   * After the SQL (and a rollback of what it left open): tables still there lose their copies;
   * the others, whose copies survived, enter the trash. Before the registry forgets them.
   */
  async settle(after: Map<string, string>): Promise<void> {
    if (this.copies.size === 0) return;
    const oids = new Set(after.values());
    const present = new Set(
      (
        await this.db
          .query(`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '${INTERNAL_SCHEMA}'
        AND table_name IN (${[...this.copies.values()].map((c) => duckDbLiteral(c.trash)).join(', ')})`)
      ).map((r) => String(r.name)),
    );
    const kept = [...this.copies.values()].filter((c) => present.has(c.trash) && !oids.has(c.oid));
    for (const c of this.copies.values()) {
      if (!kept.includes(c)) await this.db.run(`DROP TABLE IF EXISTS ${INTERNAL_SCHEMA}.${quoteIdent(c.trash)}`);
    }
    if (kept.length > 0) {
      await this.db
        .run(`INSERT INTO ${INTERNAL_SCHEMA}.trash (trash_table, schema_name, name, created, dropped_on, sql, comment, altered, content_hash)
        SELECT trash_table, ${duckDbLiteral(this.target.schema)}, name, created, now(), sql, comment, altered, content_hash FROM ckpt_sql_drops
        WHERE trash_table IN (${kept.map((c) => duckDbLiteral(c.trash)).join(', ')})`);
    }
    await this.db.run('DROP TABLE IF EXISTS ckpt_sql_drops');
  }
}

/** The trash rows of a schema, for observe: newest first, with when each stops being restorable. */
export function trashSelect(schema: string, days: number): string {
  return `SELECT name, strftime(created, ${ISO_FORMAT}) AS created, strftime(dropped_on, ${ISO_FORMAT}) AS dropped_on,
    strftime(altered, ${ISO_FORMAT}) AS altered, strftime(${trashExpiry(days)}, ${ISO_FORMAT}) AS restorable_until
    FROM ${INTERNAL_SCHEMA}.trash t WHERE ${inSchema(schema, 't.schema_name')} AND ${trashExpiry(days)} > now() ORDER BY dropped_on DESC`;
}

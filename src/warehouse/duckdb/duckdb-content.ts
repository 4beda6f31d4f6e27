/**
 * What a table holds, as DuckDB itself reports it: an order-independent signature of its rows
 * (row count and the sum of every row's hash) kept next to ckpt's content version in the
 * registry. Whatever wrote to a table (any spelling of DML through `ckpt sql`, another target's
 * SQL, a transaction left open, another program that opened the file), the next refresh sees a
 * signature that differs from the recorded one and moves the table's content version, so a
 * reset to a `keep: clone` checkpoint always sees the change. No reading of the user's SQL.
 */
import type { TargetRef } from '../warehouse.js';
import { INTERNAL_SCHEMA, duckDbLiteral, inSchema, nextContentVersion } from './duckdb-sql.js';
import type { DuckDbDriver } from './duckdb-driver.js';
import { quoteIdent } from '../../model/refs.js';

/** Tables hashed per statement (one UNION ALL of that many scans). */
const CHUNK = 200;

/** The SQL expression of a table's content signature, over the rows of alias `t`. */
const SIGNATURE = `count(*)::VARCHAR || ':' || COALESCE(sum(hash(t))::VARCHAR, '0')`;

/** The content signature of each named table of a schema (names as stored), in chunked scans. */
export async function contentSignatures(db: DuckDbDriver, schema: string, names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let at = 0; at < names.length; at += CHUNK) {
    const parts = names
      .slice(at, at + CHUNK)
      .map((name) => `SELECT ${duckDbLiteral(name)} AS name, ${SIGNATURE} AS signature FROM ${quoteIdent(schema)}.${quoteIdent(name)} t`);
    for (const row of await db.query(parts.join('\nUNION ALL\n'))) out.set(String(row.name), String(row.signature));
  }
  return out;
}

/**
 * Brings the registry's content versions in line with what the tables hold: a table whose
 * signature differs from the recorded one gets a new content version (now); a table with none
 * recorded yet (just registered, or registered by a ckpt before signatures) gets its signature.
 * Run after the registry is synced, so every live table has a row.
 */
export async function refreshContentVersions(db: DuckDbDriver, target: TargetRef): Promise<void> {
  const tables = await db.query(`SELECT r.name, r.content_hash FROM ${INTERNAL_SCHEMA}.objects r
    JOIN duckdb_tables() d ON d.database_name = current_database() AND lower(d.schema_name) = lower(r.schema_name) AND lower(d.table_name) = lower(r.name)
    WHERE ${inSchema(target.schema, 'r.schema_name')} AND r.kind = 'TABLE'`);
  if (tables.length === 0) return;
  const live = await contentSignatures(
    db,
    target.schema,
    tables.map((t) => String(t.name)),
  );
  const changed: string[] = [];
  const unset: string[] = [];
  for (const t of tables) {
    const now = live.get(String(t.name));
    if (now === undefined || now === t.content_hash) continue;
    (t.content_hash === null ? unset : changed).push(`(${duckDbLiteral(String(t.name))}, ${duckDbLiteral(now)})`);
  }
  const update = (rows: string[], bump: boolean) =>
    db.run(`UPDATE ${INTERNAL_SCHEMA}.objects o SET content_hash = v.signature${bump ? `, altered = ${nextContentVersion('o')}` : ''}
      FROM (VALUES ${rows.join(', ')}) v(name, signature)
      WHERE ${inSchema(target.schema, 'o.schema_name')} AND o.kind = 'TABLE' AND o.name = v.name`);
  if (changed.length > 0) await update(changed, true);
  if (unset.length > 0) await update(unset, false);
}

/**
 * The embedded warehouse's live objects per schema, as this process last read or changed them.
 * The file is locked to this process, so only ckpt changes it: steps update the copy instead of
 * re-reading DuckDB's catalog, whose functions cost a scan of every table (114 ms at 10,000
 * tables). User SQL and failed steps clear it.
 */
import type { TargetRef } from '../warehouse.js';
import { liveObjectsQuery } from './duckdb-sql.js';
import type { DuckDbDriver } from './duckdb-driver.js';

/** A live object as the catalog shows it. */
export interface CatalogRow {
  name: string;
  kind: 'TABLE' | 'VIEW';
  sql: string;
  comment: string | null;
}

export function catalogRow(r: Record<string, unknown>): CatalogRow {
  return {
    name: String(r.name),
    kind: r.kind === 'VIEW' ? 'VIEW' : 'TABLE',
    sql: String(r.sql),
    comment: r.comment === null || r.comment === undefined ? null : String(r.comment),
  };
}

/** The cached live objects of each schema. */
export class SchemaCache {
  private readonly schemas = new Map<string, Map<string, CatalogRow>>();

  constructor(private readonly db: DuckDbDriver) {}

  /** Replaces a schema's objects with rows just read from the catalog. */
  set(schema: string, rows: Array<Record<string, unknown>>): void {
    this.schemas.set(schema.toUpperCase(), new Map(rows.map((r) => [String(r.name).toUpperCase(), catalogRow(r)])));
  }

  /** Forgets everything (after user SQL or a failed step). */
  clear(): void {
    this.schemas.clear();
  }

  /** The schema's live objects, read from DuckDB's catalog once, then kept in step by the steps. */
  async of(target: TargetRef): Promise<Map<string, CatalogRow>> {
    const key = target.schema.toUpperCase();
    const known = this.schemas.get(key);
    if (known !== undefined) return known;
    this.set(target.schema, await this.db.query(liveObjectsQuery(target.schema, target.auditTable)));
    return this.schemas.get(key) ?? new Map();
  }

  /** One live object by name, or undefined. */
  async row(target: TargetRef, name: string): Promise<CatalogRow | undefined> {
    return (await this.of(target)).get(name.toUpperCase());
  }

  /** Records what a step just did (after its transaction committed): a row, or null when dropped. */
  async remember(target: TargetRef, name: string, row: CatalogRow | null): Promise<void> {
    const rows = await this.of(target);
    if (row === null) rows.delete(name.toUpperCase());
    else rows.set(name.toUpperCase(), row);
  }
}

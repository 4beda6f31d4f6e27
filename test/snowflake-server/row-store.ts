// The in-memory DuckDB database that holds every table version's rows, history snapshots and
// per-statement scratch tables. It knows only internal names (t_<id>, h_<id>_<n>, s_<n>); the
// catalog maps Snowflake names onto them, because DuckDB identifiers are case-insensitive.

import { DuckDBInstance, type DuckDBConnection, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { quoteIdent } from './tokenizer.js';

/** A column to create in DuckDB: its name as stored in the catalog and its DuckDB type. */
export interface StoreColumn {
  name: string;
  duck: string;
  notNull?: boolean;
  defaultSql?: string;
}

// Type-dispatching helpers for the translator (typeof() is constant per column, so only one
// branch runs). They give VARIANT strings without quotes, Snowflake's default timestamp output
// format in TO_VARCHAR and variants, and timestamp parsing that accepts a ' +0000' offset.
const MACROS = [
  `CREATE MACRO sf_to_varchar(x) AS CASE typeof(x)
     WHEN 'JSON' THEN json_extract_string(CAST(x AS JSON), '$')
     WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ), '%Y-%m-%d %H:%M:%S.%g +0000')
     WHEN 'TIMESTAMP' THEN strftime(CAST(CAST(x AS VARCHAR) AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g')
     ELSE CAST(x AS VARCHAR) END`,
  `CREATE MACRO sf_to_variant(x) AS CASE WHEN typeof(x) IN ('TIMESTAMP WITH TIME ZONE', 'TIMESTAMP') THEN to_json(sf_to_varchar(x)) ELSE to_json(x) END`,
  `CREATE MACRO sf_to_timestamp_ltz(x) AS CASE
     WHEN typeof(x) IN ('VARCHAR', 'JSON') THEN CAST(regexp_replace(sf_to_varchar(x), ' ?([+-][0-9][0-9]):?([0-9][0-9])$', '\\1:\\2') AS TIMESTAMPTZ)
     WHEN typeof(x) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'DOUBLE', 'FLOAT') OR typeof(x) LIKE 'DECIMAL%' THEN to_timestamp(CAST(CAST(x AS VARCHAR) AS DOUBLE))
     ELSE CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ) END`,
  // The text of a timestamp in time zone tz: TIMESTAMPTZ (LTZ) converted, anything else as it is.
  `CREATE MACRO sf_local_text(x, tz) AS CASE WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE'
     THEN CAST(timezone(tz, CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ)) AS VARCHAR) ELSE CAST(x AS VARCHAR) END`,
  // The offset of time zone tz at instant x, in minutes (0 for values that are not TIMESTAMPTZ).
  `CREATE MACRO sf_offset_minutes(x, tz) AS CASE WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE'
     THEN CAST(datediff('minute', timezone('UTC', CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ)), timezone(tz, CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ))) AS INTEGER) ELSE 0 END`,
  `CREATE MACRO sf_to_timestamp_ntz(x) AS CASE WHEN typeof(x) = 'TIMESTAMP' THEN CAST(CAST(x AS VARCHAR) AS TIMESTAMP) ELSE CAST(sf_to_timestamp_ltz(x) AS TIMESTAMP) END`,
];

/** Owner of the DuckDB instance; all calls are serialised by the caller (one statement at a time). */
export class RowStore {
  private scratchCounter = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** DuckDB keywords (lower case) that cannot be bare column names; the translator quotes them. */
    readonly reservedWords: ReadonlySet<string>,
  ) {}

  /** Opens an in-memory DuckDB with extension auto-loading off and the UTC time zone. */
  static async open(): Promise<RowStore> {
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    for (const macro of MACROS) await connection.run(macro);
    const keywords = await connection.run(
      `SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category IN ('reserved', 'type_function')`,
    );
    const reserved = new Set((await keywords.getRows()).map((r) => String(r[0])));
    return new RowStore(instance, connection, reserved);
  }

  /** Runs one DuckDB statement. */
  run(sql: string, params?: string[]): Promise<DuckDBMaterializedResult> {
    return params ? this.connection.run(sql, params) : this.connection.run(sql);
  }

  /** Creates an empty internal table. */
  async createTable(internal: string, columns: StoreColumn[]): Promise<void> {
    const defs = columns.map(
      (c) => `${quoteIdent(c.name)} ${c.duck}${c.notNull ? ' NOT NULL' : ''}${c.defaultSql ? ` DEFAULT ${c.defaultSql}` : ''}`,
    );
    await this.run(`CREATE TABLE ${quoteIdent(internal)} (${defs.join(', ')})`);
  }

  /** Copies all rows (and column types) of one internal table into a new one. */
  async copyTable(from: string, to: string): Promise<void> {
    await this.run(`CREATE TABLE ${quoteIdent(to)} AS SELECT * FROM ${quoteIdent(from)}`);
  }

  /** Replaces the rows of `target` with those of `source` (ROLLBACK). */
  async replaceRows(target: string, source: string): Promise<void> {
    await this.run(`DELETE FROM ${quoteIdent(target)}`);
    await this.run(`INSERT INTO ${quoteIdent(target)} SELECT * FROM ${quoteIdent(source)}`);
  }

  /** Drops an internal table if it exists. */
  async dropTable(internal: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${quoteIdent(internal)}`);
  }

  /** Row count and a byte estimate (JSON length of the rows) of an internal table. */
  async stats(internal: string): Promise<{ rows: number; bytes: number }> {
    const result = await this.run(
      `SELECT count(*)::BIGINT, coalesce(sum(length(CAST(to_json(x) AS VARCHAR))), 0)::BIGINT FROM ${quoteIdent(internal)} x`,
    );
    const row = (await result.getRows())[0] ?? [];
    return { rows: Number(row[0] ?? 0), bytes: Number(row[1] ?? 0) };
  }

  /**
   * Creates a scratch table (name returned) holding the given rows; values are JSON-encodable and
   * converted by DuckDB (ISO strings for timestamps). The caller drops it after the statement.
   */
  async loadScratch(columns: StoreColumn[], rows: unknown[][]): Promise<string> {
    const name = `s_${++this.scratchCounter}`;
    await this.createTable(name, columns);
    if (rows.length > 0) {
      const structure: Record<string, string> = {};
      columns.forEach((c, i) => {
        structure[`c${i}`] = c.duck;
      });
      const objects = rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v])));
      await this.run(
        `INSERT INTO ${quoteIdent(name)} SELECT unnest(from_json(CAST($1 AS JSON), '${JSON.stringify([structure])}'), recursive := true)`,
        [JSON.stringify(objects)],
      );
    }
    return name;
  }

  /** Closes the DuckDB connection and instance. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

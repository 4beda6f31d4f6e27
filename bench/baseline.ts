/**
 * The naive baseline ckpt is measured against: what the old pipelines do, one statement per
 * object, sent one after another through the same driver ckpt uses (snowflake-sdk through
 * SnowflakeDriver; DuckDB through DuckDbDriver). Observe and checkpoint baselines may run a sample
 * of the objects and extrapolate linearly; apply baselines run every statement. Never runs ckpt.
 */
import { DuckDbDriver } from '../src/warehouse/duckdb/duckdb-driver.js';
import { resolveConnection } from '../src/warehouse/snowflake/snowflake-connection.js';
import { SnowflakeDriver, loadSdk } from '../src/warehouse/snowflake/snowflake-driver.js';
import type { SnowflakeServer } from '../test/snowflake-server/server.js';
import { measure } from './measure.js';
import type { BaselineFigure } from './report.js';

/** Runs one statement and waits for it. */
export type Execute = (sql: string) => Promise<void>;

/** A connection the baseline sends its statements through. */
export interface BaselineConnection {
  execute: Execute;
  close(): Promise<void>;
}

/** A snowflake-sdk session on a connections.toml entry, as ckpt opens it (SNOWFLAKE_HOME from the environment). */
export async function snowflakeBaseline(connectionName: string): Promise<BaselineConnection> {
  const lib = await loadSdk();
  const resolved = resolveConnection(connectionName, (o) => lib.normalizeConnectionOptions(o));
  const driver = await SnowflakeDriver.connect(
    resolved.options,
    { statementTimeoutMs: 300_000, copyTimeoutMs: null, retries: 3, backoffMs: 250 },
    `baseline ${connectionName}`,
  );
  const tag = JSON.stringify({ tool: 'baseline' });
  return { execute: async (sql) => void (await driver.execute(sql, { tag })), close: () => driver.close() };
}

/** The embedded warehouse file, opened as ckpt opens it. */
export async function duckBaseline(path: string): Promise<BaselineConnection> {
  const driver = await DuckDbDriver.open(path, 5000);
  return { execute: (sql) => driver.run(sql), close: async () => driver.close() };
}

/**
 * Sends `listing` (statements run once, e.g. SHOW TABLES), then one statement per object
 * (`perObject(i)` for object i < `objects`), sequentially. With `sample` below `objects`, only
 * the first `sample` per-object statements run and the per-object time is extrapolated.
 */
export async function runBaseline(
  connection: BaselineConnection,
  listing: string[],
  perObject: (index: number) => string,
  objects: number,
  options: { sample?: number; server?: SnowflakeServer } = {},
): Promise<BaselineFigure> {
  const measured = Math.min(objects, options.sample ?? objects);
  const listed = await measure(async () => {
    for (const sql of listing) await connection.execute(sql);
  }, options.server);
  const each = await measure(async () => {
    for (let i = 0; i < measured; i += 1) await connection.execute(perObject(i));
  }, options.server);
  const perObjectMs = measured === 0 ? 0 : each.cost.wallMs / measured;
  return {
    wallMs: listed.cost.wallMs + perObjectMs * objects,
    roundTrips: listing.length + objects,
    measuredObjects: measured,
    objects,
  };
}

/**
 * Opens the warehouse a connection name refers to: `local` is the embedded DuckDB file next to
 * the config, any other name a Snowflake connections.toml entry. Adapters are loaded with
 * `await import()` so that one never loads the other's driver.
 */
import { join } from 'node:path';
import { LOCAL_CONNECTION } from '../model/desired.js';
import type { Logger } from '../model/logger.js';
import type { Warehouse } from './warehouse.js';

/** What is needed to open a connection. */
export interface OpenOptions {
  /** `local` or a connections.toml entry name. */
  connection: string;
  /** Folder of the config file; the embedded warehouse lives in `.ckpt/local.duckdb` under it. */
  configDir: string;
  /** How long to wait for a lock held by another process (embedded warehouse). */
  lockWaitMs?: number;
  logger: Logger;
}

/** Path of the embedded warehouse for a config folder. */
export function localWarehousePath(configDir: string): string {
  return join(configDir, '.ckpt', 'local.duckdb');
}

/** Opens one connection. */
export async function openWarehouse(options: OpenOptions): Promise<Warehouse> {
  if (options.connection === LOCAL_CONNECTION) {
    const { DuckDbWarehouse } = await import('./duckdb/duckdb-warehouse.js');
    return DuckDbWarehouse.open({ path: localWarehousePath(options.configDir), lockWaitMs: options.lockWaitMs });
  }
  const { SnowflakeWarehouse } = await import('./snowflake/snowflake-warehouse.js');
  return SnowflakeWarehouse.open({ connectionName: options.connection, logger: options.logger });
}

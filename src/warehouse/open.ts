/**
 * Opens the warehouse a connection name refers to: `local` is the embedded DuckDB file next to
 * the config, any other name a Snowflake connections.toml entry. Adapters are loaded with
 * `await import()` so that one never loads the other's driver.
 */
import { join } from 'node:path';
import { LOCAL_CONNECTION } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
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

/** An adapter: which connections it serves, and how to open one (loaded only when used). */
interface AdapterEntry {
  name: string;
  serves(connection: string): boolean;
  open(options: OpenOptions): Promise<Warehouse>;
}

/**
 * Every adapter, first match wins: one line each. The embedded warehouse serves `local`; every
 * other name is a Snowflake connections.toml entry. Each adapter is loaded with `await import()`,
 * so that one never loads another's driver.
 */
const ADAPTERS: readonly AdapterEntry[] = [
  {
    name: 'duckdb',
    serves: (c) => c === LOCAL_CONNECTION,
    open: async (o) => (await import('./duckdb/duckdb-warehouse.js')).openDuckDb(o),
  },
  { name: 'snowflake', serves: () => true, open: async (o) => (await import('./snowflake/snowflake-warehouse.js')).openSnowflake(o) },
];

/** Opens one connection with the first adapter that serves it. */
export async function openWarehouse(options: OpenOptions): Promise<Warehouse> {
  const adapter = ADAPTERS.find((a) => a.serves(options.connection));
  if (adapter === undefined) throw new CkptError('CONNECTION_UNKNOWN', `no warehouse adapter serves connection ${options.connection}`);
  return adapter.open(options);
}

/**
 * The two connections the model-based test runs on: the embedded DuckDB warehouse (a fresh file
 * per run) and the Snowflake adapter through the real snowflake-sdk to the in-process test server
 * (one server per test file, a fresh database per run). Each run gets an empty target schema.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../src/model/desired.js';
import { silentLogger } from '../../src/model/logger.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import type { QueryResult, TargetRef, Warehouse } from '../../src/warehouse/warehouse.js';
import { startSnowflakeServer, type SnowflakeServer } from '../snowflake-server/server.js';
import { target } from '../support/desired.js';
import type { Capabilities } from './reference-model.js';
import { grantPolicyReading } from '../contract/snowflake-harness.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
process.env.NO_PROXY = '127.0.0.1,localhost';

export type ConnectionName = 'duckdb' | 'snowflake';

/** One run's empty target on a connection. */
export interface RunFixture {
  warehouse: Warehouse;
  base: Target;
  ref: TargetRef;
  /** `ckpt sql`: the Warehouse's query in the target schema. */
  query(sql: string): Promise<QueryResult>;
  /** SQL listing the target schema's tables and views: rows of (name, 'BASE TABLE' | 'VIEW'). */
  listSql: string;
  close(): Promise<void>;
}

/** A connection: opened once per test file, a fresh fixture per run. */
export interface Connection {
  name: ConnectionName;
  caps: Capabilities;
  fresh(): Promise<RunFixture>;
  close(): Promise<void>;
}

const SCHEMA = 'MODEL';

function fixture(warehouse: Warehouse, base: Target, listSql: string, close: () => Promise<void>): RunFixture {
  const ref = { name: base.name, database: base.database, schema: base.schema, auditTable: base.auditTable };
  return { warehouse, base, ref, query: (sql) => warehouse.query(ref, sql), listSql, close };
}

/** The embedded warehouse: a DuckDB file in a temp folder per run (no state shared between runs). */
export async function duckdbConnection(): Promise<Connection> {
  return {
    name: 'duckdb',
    caps: { timeTravel: false, versionByRows: true, enforcesForeignKeys: true, knowsDroppedVersion: true },
    async fresh() {
      const dir = await mkdtemp(join(tmpdir(), 'ckpt-model-'));
      const warehouse = await DuckDbWarehouse.open({ path: join(dir, 'local.duckdb') });
      const base = target({ schema: SCHEMA });
      return fixture(
        warehouse,
        base,
        `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = '${SCHEMA}'`,
        async () => {
          await warehouse.close();
          await rm(dir, { recursive: true, force: true });
        },
      );
    },
    close: async () => {},
  };
}

/**
 * The Snowflake adapter against the test server. The server's clock never stands still: every
 * reading is at least 1 ms after the previous one, so that a table dropped and re-created within
 * a millisecond still gets another creation time (as on Snowflake, whose clock has finer grain).
 */
export async function snowflakeConnection(): Promise<Connection> {
  let last = 0;
  const server: SnowflakeServer = await startSnowflakeServer({
    clock: () => {
      last = Math.max(Date.now(), last + 1);
      return new Date(last);
    },
  });
  await grantPolicyReading(server);
  const home = await mkdtemp(join(tmpdir(), 'ckpt-model-sf-'));
  const url = new URL(server.url);
  await writeFile(
    join(home, 'connections.toml'),
    `[model]\naccount = "ckpt"\nuser = "tester"\npassword = "secret-pw"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\nwarehouse = "WH"\n`,
    { mode: 0o600 },
  );
  const warehouse = await SnowflakeWarehouse.open({
    connectionName: 'model',
    logger: silentLogger,
    environment: { env: { SNOWFLAKE_HOME: home }, home },
    // ckpt's own default: a hang detector. 10 s was too short on a loaded machine (a 30-minute
    // fuzz run with load average 12 on 2 cores timed out on CREATE TABLE IF NOT EXISTS).
    limits: { statementTimeoutMs: 60_000 },
  });
  let counter = 0;
  return {
    name: 'snowflake',
    caps: { timeTravel: true, versionByRows: false, enforcesForeignKeys: false, knowsDroppedVersion: false },
    async fresh() {
      counter += 1;
      const database = `MODEL_${process.pid}_${counter}`;
      await server.account.execute(`CREATE DATABASE ${database}`);
      await server.account.execute(`CREATE SCHEMA ${database}.${SCHEMA}`);
      const base = target({ connection: 'model', database, schema: SCHEMA });
      // The warehouse is shared by the runs of the file; a run must not close it.
      const shared: Warehouse = Object.create(warehouse, { close: { value: async () => {} } });
      return fixture(
        shared,
        base,
        `SELECT TABLE_NAME, TABLE_TYPE FROM ${database}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '${SCHEMA}'`,
        async () => {
          await server.account.execute(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
        },
      );
    },
    async close() {
      await warehouse.close();
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

export async function openConnection(name: ConnectionName): Promise<Connection> {
  return name === 'duckdb' ? duckdbConnection() : snowflakeConnection();
}

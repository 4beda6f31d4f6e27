/**
 * The two kinds of connection the end-to-end tests run the CLI against: the embedded warehouse,
 * and a Snowflake connection (connections.toml entry) to the local Snowflake-protocol server.
 */
import { join } from 'node:path';
import { silentLogger } from '../../src/model/logger.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import type { TargetRef, Warehouse } from '../../src/warehouse/warehouse.js';
import { snowflakeHome, type SnowflakeHome } from '../contract/snowflake-harness.js';
import type { SnowflakeServer } from '../snowflake-server/server.js';

/** How a test workspace reaches its warehouse. */
export interface E2eConnection {
  name: 'local' | 'snowflake';
  /** The lines of checkpoints.yaml before `targets:` entries, and the target's location keys. */
  header: string;
  location: string;
  /** Environment for the spawned CLI. */
  env: Record<string, string>;
  /** The schema name as the warehouse reports it in information_schema. */
  schema: string;
  /** The target `demo` as the adapters see it. */
  ref: TargetRef;
  /** Opens the warehouse in this process (close it before spawning the CLI on DuckDB). */
  open(dir: string): Promise<Warehouse>;
  /** The test server behind a Snowflake connection. */
  server: SnowflakeServer | null;
  close(): Promise<void>;
}

/** The embedded warehouse's lines of the demo config. */
export const LOCAL: Pick<E2eConnection, 'header' | 'location'> = {
  header: 'version: 1\nconnection: local\n',
  location: '    schema: DEMO\n',
};

let databases = 0;

/** A connection of the given kind (a fresh database on a fresh server for Snowflake). */
export async function e2eConnection(kind: 'local' | 'snowflake'): Promise<E2eConnection> {
  if (kind === 'local') {
    return {
      name: 'local',
      ...LOCAL,
      env: {},
      schema: 'DEMO',
      ref: { name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' },
      open: (dir) => DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') }),
      server: null,
      close: async () => {},
    };
  }
  const sf: SnowflakeHome = await snowflakeHome();
  databases += 1;
  const database = `E2E_DB_${databases}`;
  await sf.server.account.execute(`CREATE DATABASE ${database}`);
  await sf.server.account.execute(`CREATE SCHEMA ${database}.DEMO`);
  return {
    name: 'snowflake',
    header: 'version: 1\nconnection: test\n',
    location: `    database: ${database}\n    schema: DEMO\n`,
    env: {
      SNOWFLAKE_HOME: sf.home,
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: '1',
      NO_PROXY: '127.0.0.1,localhost',
      // Waves of a few steps go in multi-statement requests (two statements each) rather than one request per step.
      CKPT_STATEMENTS_PER_REQUEST: '2',
    },
    schema: 'DEMO',
    ref: { name: 'demo', database, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' },
    open: () =>
      SnowflakeWarehouse.open({
        connectionName: 'test',
        logger: silentLogger,
        environment: { env: { SNOWFLAKE_HOME: sf.home }, home: sf.home },
      }),
    server: sf.server,
    close: () => sf.close(),
  };
}

/**
 * Runs setup statements in the target's schema from this process (the warehouse opened, then
 * closed again so that a CLI spawned next finds the embedded database free): for tests whose
 * subject is not `ckpt sql`, without a CLI start (and on Snowflake a login) per statement.
 */
export async function runSetupSql(conn: E2eConnection, dir: string, statements: string[]): Promise<void> {
  const wh = await conn.open(dir);
  try {
    for (const sql of statements) await wh.query(conn.ref, sql);
  } finally {
    await wh.close();
  }
}

/** The demo target's config on a connection: REF_* protected, a `baseline` checkpoint, and `actions` (YAML after `actions:`). */
export function demoConfig(conn: Pick<E2eConnection, 'header' | 'location'>, actions: string): string {
  return `${conn.header}targets:
  - name: demo
${conn.location}    protect: ["REF_*"]
    checkpoints:
      - id: baseline
        description: before the demo
    actions:${actions}
`;
}

/**
 * The contract harness for the Snowflake adapter: the real snowflake-sdk against the local
 * Snowflake-protocol test server, through a connections.toml entry in a temp SNOWFLAKE_HOME.
 * Each fixture gets its own database, so tests do not see each other.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/model/logger.js';
import type { DriverLimits } from '../../src/warehouse/snowflake/snowflake-driver.js';
import { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import { startSnowflakeServer, type SnowflakeServer, type SnowflakeServerOptions } from '../snowflake-server/server.js';
import { target } from '../support/desired.js';
import type { Fixture, Harness } from './harness.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
process.env.NO_PROXY = '127.0.0.1,localhost';

/** A server and a SNOWFLAKE_HOME whose connections.toml has an entry `test` pointing at it. */
export interface SnowflakeHome {
  server: SnowflakeServer;
  home: string;
  close(): Promise<void>;
}

/**
 * Sets ckpt's role (SYSADMIN, the server's default) up as README.md says: with the global APPLY
 * privileges on policies, without which POLICY_REFERENCES hides policies from it and ckpt holds
 * content reverts back (POLICIES_NOT_READ).
 */
export async function grantPolicyReading(server: SnowflakeServer): Promise<void> {
  await server.account.execute('GRANT APPLY ROW ACCESS POLICY, APPLY MASKING POLICY ON ACCOUNT TO ROLE SYSADMIN');
}

/**
 * Starts a server and writes `[test]` (password auth) into a temp connections.toml; ckpt's role
 * can read policies (grantPolicyReading) unless `policyReading` is false.
 */
export async function snowflakeHome(extra = '', options: SnowflakeServerOptions = {}, policyReading = true): Promise<SnowflakeHome> {
  const server = await startSnowflakeServer(options);
  if (policyReading) await grantPolicyReading(server);
  const home = await mkdtemp(join(tmpdir(), 'ckpt-sfhome-'));
  const url = new URL(server.url);
  await writeFile(
    join(home, 'connections.toml'),
    `[test]\naccount = "ckpt"\nuser = "tester"\npassword = "secret-pw"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\nwarehouse = "WH"\n${extra}`,
    { mode: 0o600 },
  );
  return {
    server,
    home,
    close: async () => {
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** A Snowflake fixture, with the server behind it for pitfall tests. */
export interface SnowflakeFixture extends Fixture {
  server: SnowflakeServer;
  database: string;
  /** Opens another connection to the same server now (the caller closes it), e.g. after an account parameter changed. */
  connect(limits?: Partial<DriverLimits>): Promise<SnowflakeWarehouse>;
}

/** What a Snowflake fixture may change from the defaults. */
export interface SnowflakeFixtureOptions {
  /** The server's SHOW row limit, and the adapter's SHOW page (CKPT_SHOW_PAGE_ROWS): lower than 10,000 to page small schemas. */
  showRowLimit?: number;
  /** How long the server's query requests wait before answering 333333 "in progress" (default 45 s, as Snowflake). */
  inProgressAfterMs?: number;
  /**
   * The server's LOB size limit in bytes (100082 beyond it), and the adapter's bound on the
   * inventory array it writes into OBJECTS_SNAPSHOT (CKPT_SNAPSHOT_ARRAY_BYTES: half the limit).
   */
  lobLimit?: number;
  /** What the server does after a failed statement of a multi-statement request (default `stop`). */
  afterFailedStatement?: 'stop' | 'continue';
  /** Most statements in one request of a wave (CKPT_STATEMENTS_PER_REQUEST). */
  statementsPerRequest?: number;
  /** Whether ckpt's role holds the global APPLY privileges on policies (default true: grantPolicyReading). */
  policyReading?: boolean;
}

/** A harness whose fixtures expose the server. */
interface SnowflakeHarness extends Harness {
  fresh(options?: SnowflakeFixtureOptions): Promise<SnowflakeFixture>;
}

/** Harness over the test server. */
export const snowflakeHarness: SnowflakeHarness = {
  name: 'snowflake',
  nativeUndrop: true,
  timeTravel: true,
  pipeline: {
    timestamp: 'TIMESTAMP_NTZ',
    json: 'VARIANT',
    jsonValue: (text) => `PARSE_JSON('${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}')`,
  },
  async fresh(options: SnowflakeFixtureOptions = {}) {
    const sf = await snowflakeHome(
      '',
      {
        ...(options.inProgressAfterMs === undefined ? {} : { inProgressAfterMs: options.inProgressAfterMs }),
        ...(options.afterFailedStatement === undefined ? {} : { afterFailedStatement: options.afterFailedStatement }),
      },
      options.policyReading ?? true,
    );
    const env: Record<string, string> = { SNOWFLAKE_HOME: sf.home };
    if (options.statementsPerRequest !== undefined) env.CKPT_STATEMENTS_PER_REQUEST = String(options.statementsPerRequest);
    if (options.showRowLimit !== undefined) {
      sf.server.account.catalog.showRowLimit = options.showRowLimit;
      env.CKPT_SHOW_PAGE_ROWS = String(options.showRowLimit);
    }
    if (options.lobLimit !== undefined) {
      sf.server.account.catalog.lobLimit = options.lobLimit;
      env.CKPT_SNAPSHOT_ARRAY_BYTES = String(Math.floor(options.lobLimit / 2));
    }
    counter += 1;
    const database = `CONTRACT_${process.pid}_${counter}`;
    await sf.server.account.execute(`CREATE DATABASE ${database}`);
    await sf.server.account.execute(`CREATE SCHEMA ${database}.DEMO`);
    const connect = (limits: Partial<DriverLimits> = {}) =>
      SnowflakeWarehouse.open({
        connectionName: 'test',
        logger: silentLogger,
        environment: { env, home: sf.home },
        limits: { statementTimeoutMs: 10_000, ...limits },
      });
    const warehouse = await connect();
    const base = target({ connection: 'test', database, schema: 'DEMO' });
    const ref = { name: base.name, database, schema: base.schema, auditTable: base.auditTable };
    return {
      server: sf.server,
      database,
      warehouse,
      connect,
      base,
      sql: async (statement) => (await warehouse.query(ref, statement)).rows,
      // The server logs each statement with the rows of its result.
      reads: async (work) => {
        const from = sf.server.statementLog.length;
        await work();
        return sf.server.statementLog.slice(from).map((e) => ({ sql: e.sql, rows: e.resultRows }));
      },
      close: async () => {
        await warehouse.close();
        await sf.close();
      },
    };
  },
};

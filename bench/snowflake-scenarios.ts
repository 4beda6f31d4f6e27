/**
 * Scenario 1: the Snowflake adapter against the local Snowflake-protocol server with a realistic
 * cost model (50 ms per HTTP request, 30 ms per statement executed; requests in flight overlap).
 * Observe 1,000 and 10,000 objects, take a checkpoint of 10,000, clean up 1,000 new objects,
 * reset restoring 200 dropped tables; each against the sequential per-object baseline. Seeding
 * goes straight into the server's model (no HTTP, no latency) and is never measured.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnowflakeServer, type SnowflakeServer } from '../test/snowflake-server/server.js';
import { benchDesired, type BenchTarget } from './bench-config.js';
import { runBaseline, snowflakeBaseline, type BaselineConnection } from './baseline.js';
import type { ResultRow } from './report.js';
import { applyPhase, observePhase, stepCounts, type ApplyPhase } from './session-phases.js';
import { scaled, type BenchSettings } from './settings.js';
import { grantPolicyReading } from '../test/contract/snowflake-harness.js';

/** The injected cost model. */
export const COST_MODEL = { perRequestMs: 50, perStatementMs: 30 } as const;

const CONNECTION = 'bench';
const DB = 'BENCH';

/** Tables and views of a seeded schema, by name. */
interface Seeded {
  tables: string[];
  views: string[];
}

/** `CREATE` statements for `tables` tables and `views` views (each reading a table) named with `prefix`. */
function objectsSql(schema: string, prefix: string, tables: number, views: number, rows: boolean): { sql: string[]; seeded: Seeded } {
  const pad = (i: number) => String(i).padStart(5, '0');
  const tableNames = Array.from({ length: tables }, (_, i) => `${prefix}T${pad(i)}`);
  const viewNames = Array.from({ length: views }, (_, i) => `${prefix}V${pad(i)}`);
  const sql = [
    ...tableNames.map((t) => `CREATE TABLE ${DB}.${schema}.${t} (ID INT, NAME VARCHAR)`),
    ...(rows ? tableNames.map((t) => `INSERT INTO ${DB}.${schema}.${t} VALUES (1, 'a'), (2, 'b'), (3, 'c')`) : []),
    ...viewNames.map((v, i) => `CREATE VIEW ${DB}.${schema}.${v} AS SELECT ID, NAME FROM ${DB}.${schema}.${tableNames[i % tables] ?? ''}`),
  ];
  return { sql, seeded: { tables: tableNames, views: viewNames } };
}

/** Runs statements in the server's model, 1,000 per call. */
async function seed(server: SnowflakeServer, statements: string[]): Promise<void> {
  for (let i = 0; i < statements.length; i += 1000) await server.account.execute(statements.slice(i, i + 1000).join(';\n'));
}

/** Seeds a schema with tables (90 %) and views (10 %). */
async function seedSchema(server: SnowflakeServer, schema: string, objects: number, prefix = '', rows = false): Promise<Seeded> {
  const views = Math.floor(objects / 10);
  const { sql, seeded } = objectsSql(schema, prefix, objects - views, views, rows);
  await seed(server, [`CREATE SCHEMA ${DB}.${schema}`, ...sql]);
  return seeded;
}

/** A server and a SNOWFLAKE_HOME whose connections.toml has `[bench]` pointing at it. */
async function benchServer(): Promise<{ server: SnowflakeServer; home: string }> {
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
  process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
  process.env.NO_PROXY = '127.0.0.1,localhost';
  // The test server builds INFORMATION_SCHEMA for the whole database per query (13,400 objects
  // here) on a shared machine: a statement may take longer than the default 60 s.
  process.env.CKPT_STATEMENT_TIMEOUT_MS ??= '600000';
  const server = await startSnowflakeServer();
  await grantPolicyReading(server);
  const home = await mkdtemp(join(tmpdir(), 'ckpt-bench-sf-'));
  const url = new URL(server.url);
  await writeFile(
    join(home, 'connections.toml'),
    `[${CONNECTION}]\naccount = "ckpt"\nuser = "bench"\npassword = "bench-pw"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\nwarehouse = "WH"\ndatabase = "${DB}"\n`,
    { mode: 0o600 },
  );
  process.env.SNOWFLAKE_HOME = home;
  await server.account.execute(
    `CREATE DATABASE ${DB}; CREATE SCHEMA ${DB}.PIPELINE; CREATE TABLE ${DB}.PIPELINE.SNAPSHOT (CHECKPOINT_ID VARCHAR, OBJECT_NAME VARCHAR, OBJECT_TYPE VARCHAR)`,
  );
  return { server, home };
}

/** One target's config on the bench connection. */
function desiredFor(home: string, target: BenchTarget) {
  return benchDesired(join(home, 'checkpoints.yaml'), CONNECTION, [{ database: DB, ...target }]);
}

/** The per-object statements of the pipelines' observe: list, then DESCRIBE each object. */
function observeBaseline(connection: BaselineConnection, server: SnowflakeServer, schema: string, seeded: Seeded, sample: number) {
  const all = [
    ...seeded.tables.map((n) => `DESCRIBE TABLE ${DB}.${schema}.${n}`),
    ...seeded.views.map((n) => `DESCRIBE VIEW ${DB}.${schema}.${n}`),
  ];
  return runBaseline(
    connection,
    [`SHOW TABLES IN SCHEMA ${DB}.${schema}`, `SHOW VIEWS IN SCHEMA ${DB}.${schema}`],
    (i) => all[i] ?? '',
    all.length,
    { sample, server },
  );
}

function applyRow(name: string, phase: ApplyPhase, baseline: ResultRow['baseline'], extra: ResultRow['extra'] = {}): ResultRow {
  return {
    group: 'snowflake',
    name,
    ckpt: phase.apply,
    baseline,
    extra: {
      steps: stepCounts(phase.steps),
      http_requests: phase.apply.httpRequests ?? 0,
      plan_ms: Math.round(phase.plan.wallMs),
      plan_round_trips: phase.plan.roundTrips ?? 0,
      progress_ms: Number(phase.progressMs.toFixed(1)),
      progress_overhead_pct: Number(((100 * phase.progressMs) / phase.apply.wallMs).toFixed(2)),
      status_lines: phase.statusLines,
      log_lines: phase.logLines,
      last_status_line: phase.lastStatus,
      ...extra,
    },
  };
}

/** Runs scenario 1 and returns its rows. */
export async function snowflakeScenarios(settings: BenchSettings, note: (text: string) => void): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  const { server, home } = await benchServer();
  const sizes = {
    small: scaled(settings, 1000),
    large: scaled(settings, 10_000),
    cleanup: scaled(settings, 1000),
    restore: scaled(settings, 200),
  };
  try {
    const seedStart = Date.now();
    const small = await seedSchema(server, 'O1K', sizes.small);
    const large = await seedSchema(server, 'O10K', sizes.large);
    await seedSchema(server, 'CLEAN', scaled(settings, 100), 'BASE_');
    await seed(server, [`CREATE SCHEMA ${DB}.CLEAN_B`]);
    const restoreTables = objectsSql('RESET', '', sizes.restore, 0, true);
    await seed(server, [`CREATE SCHEMA ${DB}.RESET`, ...restoreTables.sql]);
    const restoreTwin = objectsSql('RESET_B', '', sizes.restore, 0, true);
    await seed(server, [
      `CREATE SCHEMA ${DB}.RESET_B`,
      ...restoreTwin.sql,
      ...restoreTwin.seeded.tables.map((t) => `DROP TABLE ${DB}.RESET_B.${t}`),
    ]);
    note(
      `snowflake: seeded ${sizes.small + sizes.large + sizes.cleanup * 2 + sizes.restore * 2} objects into the server model in ${((Date.now() - seedStart) / 1000).toFixed(1)} s (not measured)`,
    );

    // Audit tables and checkpoints the scenarios start from: set up before the cost model, not measured.
    for (const schema of ['O1K', 'O10K'])
      await applyPhase(desiredFor(home, { name: schema.toLowerCase(), schema }), schema.toLowerCase(), { server });
    const o10k = { name: 'o10k', schema: 'O10K' };
    const clean = { name: 'clean', schema: 'CLEAN', checkpoints: ['baseline'] };
    await applyPhase(desiredFor(home, clean), 'clean', { server });
    const reset = { name: 'reset', schema: 'RESET', checkpoints: ['baseline'] };
    await applyPhase(desiredFor(home, reset), 'reset', { server });
    const created = objectsSql('CLEAN', 'NEW_', sizes.cleanup - Math.floor(sizes.cleanup / 5), Math.floor(sizes.cleanup / 5), false);
    const twin = objectsSql('CLEAN_B', 'NEW_', sizes.cleanup - Math.floor(sizes.cleanup / 5), Math.floor(sizes.cleanup / 5), false);
    await seed(server, [...created.sql, ...twin.sql, ...restoreTables.seeded.tables.map((t) => `DROP TABLE ${DB}.RESET.${t}`)]);

    server.injectLatency(COST_MODEL);
    const baseline = await snowflakeBaseline(CONNECTION);
    try {
      for (const [schema, seeded, label] of [
        ['O1K', small, sizes.small],
        ['O10K', large, sizes.large],
      ] as const) {
        const observed = await observePhase(desiredFor(home, { name: schema.toLowerCase(), schema }), schema.toLowerCase(), server);
        if (observed.objects !== label) throw new Error(`observe of ${schema} saw ${observed.objects} objects, expected ${label}`);
        rows.push({
          group: 'snowflake',
          name: `observe ${label} objects`,
          ckpt: observed.cost,
          baseline: await observeBaseline(baseline, server, schema, seeded, settings.baselineSample),
          extra: { http_requests: observed.cost.httpRequests ?? 0 },
        });
      }

      const logBefore = server.statementLog.length;
      const checkpoint = await applyPhase(desiredFor(home, { ...o10k, checkpoints: ['baseline'] }), 'o10k', { server });
      const checkpointStatements = server.statementLog
        .slice(logBefore)
        .filter((s) => s.queryTag?.includes('"step":"take-checkpoint"') === true).length;
      const everything = [...large.tables.map((n) => [n, 'TABLE']), ...large.views.map((n) => [n, 'VIEW'])];
      rows.push(
        applyRow(
          `checkpoint ${sizes.large} objects`,
          checkpoint,
          await runBaseline(
            baseline,
            [`SHOW TABLES IN SCHEMA ${DB}.O10K`, `SHOW VIEWS IN SCHEMA ${DB}.O10K`],
            (i) => `INSERT INTO ${DB}.PIPELINE.SNAPSHOT VALUES ('baseline', '${everything[i]?.[0] ?? ''}', '${everything[i]?.[1] ?? ''}')`,
            everything.length,
            { sample: settings.baselineSample, server },
          ),
          { checkpoint_statements: checkpointStatements },
        ),
      );

      const cleanup = await applyPhase(
        desiredFor(home, { ...clean, actions: ['{ id: wipe, cleanup: { since: baseline }, allow_large: true }'] }),
        'clean',
        { server },
      );
      const drops = [
        ...twin.seeded.views.map((v) => `DROP VIEW IF EXISTS ${DB}.CLEAN_B.${v}`),
        ...twin.seeded.tables.map((t) => `DROP TABLE IF EXISTS ${DB}.CLEAN_B.${t}`),
      ];
      rows.push(
        applyRow(
          `cleanup ${sizes.cleanup} new objects`,
          cleanup,
          await runBaseline(baseline, [], (i) => drops[i] ?? '', drops.length, { server }),
        ),
      );

      const restore = await applyPhase(
        desiredFor(home, { ...reset, actions: ['{ id: back, reset: { to: baseline }, allow_large: true }'] }),
        'reset',
        { server },
      );
      const undrops = restoreTwin.seeded.tables.map((t) => `UNDROP TABLE ${DB}.RESET_B.${t}`);
      rows.push(
        applyRow(
          `reset restoring ${sizes.restore} tables`,
          restore,
          await runBaseline(baseline, [], (i) => undrops[i] ?? '', undrops.length, { server }),
        ),
      );
    } finally {
      await baseline.close();
    }
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
  return rows;
}

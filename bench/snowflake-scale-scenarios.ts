/**
 * Scenario group `snowflake-scale`: the Snowflake adapter past Snowflake's single-statement
 * limits, against the local server with the cost model of scenario 1. A schema of 12,000 live
 * tables and 3,000 dropped versions (15,000 rows of SHOW TABLES HISTORY: two pages) is observed
 * and reset to a checkpoint; a checkpoint of 100,000 objects (an inventory far past the 16 MB
 * LOB limit as one value) is taken, listed and planned; with two more such checkpoints present,
 * the observe of a plan that resets to one of them reads that one's inventory only (compared with
 * reading every inventory, as ckpt did before). Round trips, statements, inventory rows read back
 * and wall time are reported. Seeding goes straight into the server's model and is never measured.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnowflakeServer, type SnowflakeServer } from '../test/snowflake-server/server.js';
import { benchDesired, type BenchTarget } from './bench-config.js';
import type { ResultRow } from './report.js';
import { applyPhase, observePhase, planPhase, stepCounts, type ApplyPhase } from './session-phases.js';
import { scaled, type BenchSettings } from './settings.js';
import { COST_MODEL } from './snowflake-scenarios.js';
import { grantPolicyReading } from '../test/contract/snowflake-harness.js';

const CONNECTION = 'bench';
const DB = 'BENCH';

/** Runs statements in the server's model, 1,000 per call. */
async function seed(server: SnowflakeServer, statements: string[]): Promise<void> {
  for (let i = 0; i < statements.length; i += 1000) await server.account.execute(statements.slice(i, i + 1000).join(';\n'));
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(6, '0')}`);

/** A server and a SNOWFLAKE_HOME whose connections.toml has `[bench]` pointing at it. */
async function benchServer(): Promise<{ server: SnowflakeServer; home: string }> {
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
  process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
  process.env.NO_PROXY = '127.0.0.1,localhost';
  // The test server builds INFORMATION_SCHEMA for a whole database per query (tens of thousands
  // of tables here) on a shared machine: a statement may take longer than the default 60 s.
  process.env.CKPT_STATEMENT_TIMEOUT_MS = '600000';
  const server = await startSnowflakeServer();
  await grantPolicyReading(server);
  const home = await mkdtemp(join(tmpdir(), 'ckpt-bench-sf-scale-'));
  const url = new URL(server.url);
  await writeFile(
    join(home, 'connections.toml'),
    `[${CONNECTION}]\naccount = "ckpt"\nuser = "bench"\npassword = "bench-pw"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\nwarehouse = "WH"\ndatabase = "${DB}"\n`,
    { mode: 0o600 },
  );
  process.env.SNOWFLAKE_HOME = home;
  await server.account.execute(`CREATE DATABASE ${DB}`);
  return { server, home };
}

function desiredFor(home: string, target: BenchTarget) {
  return benchDesired(join(home, 'checkpoints.yaml'), CONNECTION, [{ database: DB, ...target }]);
}

function applyRow(name: string, phase: ApplyPhase, extra: ResultRow['extra']): ResultRow {
  return {
    group: 'snowflake',
    name,
    ckpt: phase.apply,
    baseline: null,
    extra: {
      steps: stepCounts(phase.steps),
      plan_ms: Math.round(phase.plan.wallMs),
      plan_round_trips: phase.plan.roundTrips ?? 0,
      ...extra,
    },
  };
}

/** The schema of live tables and dropped versions: observed, then reset to its checkpoint after changes. */
async function historyRows(
  server: SnowflakeServer,
  home: string,
  settings: BenchSettings,
  note: (text: string) => void,
): Promise<ResultRow[]> {
  const live = names('T', scaled(settings, 12_000));
  const dropped = names('D', scaled(settings, 3_000));
  const started = Date.now();
  await seed(server, [
    `CREATE SCHEMA ${DB}.HIST`,
    ...[...live, ...dropped].map((t) => `CREATE TABLE ${DB}.HIST.${t} (ID INT, NAME VARCHAR)`),
    ...dropped.map((t) => `DROP TABLE ${DB}.HIST.${t}`),
  ]);
  note(
    `snowflake-scale: seeded ${live.length} live tables and ${dropped.length} dropped versions in ${((Date.now() - started) / 1000).toFixed(1)} s (not measured)`,
  );
  const hist = { name: 'hist', schema: 'HIST', checkpoints: ['baseline'] };
  await applyPhase(desiredFor(home, hist), 'hist', { server });
  // Since the checkpoint: 100 tables dropped, 100 created.
  const changed = Math.min(100, live.length);
  await seed(server, [
    ...live.slice(0, changed).map((t) => `DROP TABLE ${DB}.HIST.${t}`),
    ...names('NEW_', changed).map((t) => `CREATE TABLE ${DB}.HIST.${t} (ID INT)`),
  ]);
  server.injectLatency(COST_MODEL);
  const observed = await observePhase(desiredFor(home, hist), 'hist', server);
  const rows: ResultRow[] = [
    {
      group: 'snowflake',
      name: `observe ${live.length} live tables + ${dropped.length + changed} dropped versions`,
      ckpt: observed.cost,
      baseline: null,
      extra: { objects: observed.objects, http_requests: observed.cost.httpRequests ?? 0 },
    },
  ];
  const reset = await applyPhase(
    desiredFor(home, { ...hist, actions: ['{ id: back, reset: { to: baseline }, allow_large: true }'] }),
    'hist',
    {
      server,
    },
  );
  rows.push(
    applyRow(`reset of that schema (${changed} restored, ${changed} dropped)`, reset, { http_requests: reset.apply.httpRequests ?? 0 }),
  );
  server.clearInjections();
  return rows;
}

/** The checkpoint of many objects: taken (one request), listed (observe reads it), planned (a reset to it). */
async function bigCheckpointRows(
  server: SnowflakeServer,
  home: string,
  settings: BenchSettings,
  note: (text: string) => void,
): Promise<ResultRow[]> {
  const tables = names('B', scaled(settings, 100_000));
  const started = Date.now();
  await seed(server, [
    `CREATE SCHEMA ${DB}.BIG`,
    ...tables.map((t) => `CREATE TABLE ${DB}.BIG.${t} (ID INT, NAME VARCHAR, AMOUNT NUMBER(10,2))`),
  ]);
  note(`snowflake-scale: seeded ${tables.length} tables in ${((Date.now() - started) / 1000).toFixed(1)} s (not measured)`);
  const big = { name: 'big', schema: 'BIG' };
  await applyPhase(desiredFor(home, big), 'big', { server }); // the audit table
  server.injectLatency(COST_MODEL);
  const logBefore = server.statementLog.length;
  const taken = await applyPhase(desiredFor(home, { ...big, checkpoints: ['many'] }), 'big', { server });
  const audit = await server.account.execute(
    `SELECT OBJECTS_COUNT, LENGTH(TO_JSON(OBJECTS_SNAPSHOT)) AS SNAPSHOT_BYTES FROM ${DB}.BIG.CHECKPOINT_AUDIT WHERE CHECKPOINT_ID = 'many'`,
  );
  const takeStatements = server.statementLog.slice(logBefore).filter((s) => s.queryTag?.includes('"step":"take-checkpoint"') === true);
  const rows: ResultRow[] = [
    applyRow(`checkpoint ${tables.length} objects`, taken, {
      http_requests: taken.apply.httpRequests ?? 0,
      checkpoint_statements: takeStatements.length,
      objects_count: String(audit.rows[0]?.[0] ?? '?'),
      snapshot_bytes: String(audit.rows[0]?.[1] ?? '?'),
    }),
  ];
  const listed = await observePhase(desiredFor(home, { ...big, checkpoints: ['many'] }), 'big', server);
  rows.push({
    group: 'snowflake',
    name: `list a checkpoint of ${tables.length} objects (observe)`,
    ckpt: listed.cost,
    baseline: null,
    extra: { http_requests: listed.cost.httpRequests ?? 0 },
  });
  server.clearInjections();
  const all = ['many', 'many_2', 'many_3'];
  await applyPhase(desiredFor(home, { ...big, checkpoints: all }), 'big', { server }); // two more, not measured
  server.injectLatency(COST_MODEL);
  await seed(
    server,
    tables.slice(0, 10).map((t) => `DROP TABLE ${DB}.BIG.${t}`),
  );
  const resetting = desiredFor(home, { ...big, checkpoints: all, actions: ['{ id: back, reset: { to: many } }'] });
  for (const every of [false, true]) {
    const from = server.statementLog.length;
    const seen = await observePhase(resetting, 'big', server, every);
    const entries = server.statementLog.slice(from).filter((s) => /AS ENTRY\b/.test(s.sql));
    rows.push({
      group: 'snowflake',
      name: every
        ? `  the same, reading every checkpoint's inventory (before)`
        : `observe for a reset to one of ${all.length} checkpoints of ${tables.length} objects`,
      ckpt: seen.cost,
      baseline: null,
      extra: {
        http_requests: seen.cost.httpRequests ?? 0,
        inventory_rows_read: entries.reduce((n, s) => n + s.resultRows, 0),
        inventory_chars_read: entries.reduce((n, s) => n + s.resultChars, 0),
      },
    });
  }
  const planned = await planPhase(resetting, 'big', server);
  rows.push({
    group: 'snowflake',
    name: `plan a reset to a checkpoint of ${tables.length} objects`,
    ckpt: planned.cost,
    baseline: null,
    extra: { steps: stepCounts(planned.steps), http_requests: planned.cost.httpRequests ?? 0 },
  });
  server.clearInjections();
  return rows;
}

/** Runs the group and returns its rows. */
export async function snowflakeScaleScenarios(settings: BenchSettings, note: (text: string) => void): Promise<ResultRow[]> {
  const { server, home } = await benchServer();
  try {
    return [...(await historyRows(server, home, settings, note)), ...(await bigCheckpointRows(server, home, settings, note))];
  } finally {
    await server.close();
    await rm(home, { recursive: true, force: true });
  }
}

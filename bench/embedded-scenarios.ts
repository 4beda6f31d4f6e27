/**
 * Scenario 2: the embedded warehouse (DuckDB file) with 10,000 tables and 2,000 views: observe,
 * checkpoint, cleanup of 5,000 new objects, and a reset that drops 1,000 newer objects and
 * restores the 5,000 the cleanup dropped; the sequential per-object baseline runs on a twin
 * schema in the same file. Seeding (CTAS in transactions of 1,000) is never measured. The
 * cleanup and the reset each run in a fresh process, as `ckpt reconcile` does (fresh-process.ts),
 * and the reset's whole-process peak RSS is set beside the floor: DuckDB alone holding the same file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localWarehousePath } from '../src/warehouse/open.js';
import { DuckDbDriver } from '../src/warehouse/duckdb/duckdb-driver.js';
import { benchDesired, type BenchTarget } from './bench-config.js';
import { duckBaseline, runBaseline } from './baseline.js';
import type { ResultRow } from './report.js';
import { applyInFreshProcess, duckDbFloor } from './fresh-process.js';
import { applyPhase, observePhase, stepCounts, type ApplyPhase } from './session-phases.js';
import { scaled, type BenchSettings } from './settings.js';

/** Names of the objects a seeding created. */
interface Seeded {
  tables: string[];
  views: string[];
}

/** Creates `tables` tables of 10 rows and `views` views in `schema`, 1,000 statements per transaction, then checkpoints the file. */
async function seedObjects(path: string, schema: string, prefix: string, tables: number, views: number): Promise<Seeded> {
  const pad = (i: number) => String(i).padStart(5, '0');
  const seeded: Seeded = {
    tables: Array.from({ length: tables }, (_, i) => `${prefix}T${pad(i)}`),
    views: Array.from({ length: views }, (_, i) => `${prefix}V${pad(i)}`),
  };
  const statements = [
    ...seeded.tables.map((t) => `CREATE TABLE ${schema}.${t} AS SELECT range AS id, 'row ' || range AS name FROM range(10)`),
    ...seeded.views.map((v, i) => `CREATE VIEW ${schema}.${v} AS SELECT id, name FROM ${schema}.${seeded.tables[i % tables] ?? ''}`),
  ];
  const driver = await DuckDbDriver.open(path, 5000);
  try {
    await driver.run(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (let i = 0; i < statements.length; i += 1000) {
      await driver.transaction(() => driver.run(statements.slice(i, i + 1000).join(';\n')));
    }
    await driver.run('CHECKPOINT');
  } finally {
    driver.close();
  }
  return seeded;
}

/**
 * A row of an apply; one stopped by the time budget reports the time it would take at the rate
 * measured (steps/second), marked as extrapolated.
 */
function row(name: string, phase: ApplyPhase, baseline: ResultRow['baseline']): ResultRow {
  const total = phase.steps.length;
  const wallMs = phase.stopped ? (phase.apply.wallMs * total) / Math.max(1, phase.done) : phase.apply.wallMs;
  return {
    group: 'embedded',
    name: phase.stopped ? `${name} [${phase.done}/${total} steps in budget]` : name,
    ckpt: { ...phase.apply, wallMs },
    baseline,
    extra: {
      steps: stepCounts(phase.steps),
      steps_done: phase.done,
      measured_wall_ms: Math.round(phase.apply.wallMs),
      ms_per_step: Number((phase.apply.wallMs / Math.max(1, phase.done)).toFixed(1)),
      plan_ms: Math.round(phase.plan.wallMs),
      progress_ms: Number(phase.progressMs.toFixed(1)),
      progress_overhead_pct: Number(((100 * phase.progressMs) / phase.apply.wallMs).toFixed(2)),
      status_lines: phase.statusLines,
      log_lines: phase.logLines,
      last_status_line: phase.lastStatus,
    },
  };
}

/** Runs scenario 2 and returns its rows. */
export async function embeddedScenarios(settings: BenchSettings, note: (text: string) => void): Promise<ResultRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ckpt-bench-duck-'));
  const path = localWarehousePath(dir);
  const file = join(dir, 'checkpoints.yaml');
  const desired = (target: BenchTarget) => benchDesired(file, 'local', [target]);
  const sizes = {
    tables: scaled(settings, 10_000),
    views: scaled(settings, 2000),
    cleanup: scaled(settings, 5000),
    newer: scaled(settings, 1000),
  };
  const rows: ResultRow[] = [];
  try {
    let start = Date.now();
    const base = await seedObjects(path, 'DEMO', '', sizes.tables, sizes.views);
    note(
      `embedded: seeded ${sizes.tables} tables and ${sizes.views} views in ${((Date.now() - start) / 1000).toFixed(1)} s (not measured)`,
    );

    const demo = { name: 'demo', schema: 'DEMO' };
    const observed = await observePhase(desired(demo), 'demo');
    const baselineDb = await duckBaseline(path);
    const all = [...base.tables, ...base.views];
    const observeBaseline = await runBaseline(
      baselineDb,
      ['SELECT * FROM duckdb_tables()', 'SELECT * FROM duckdb_views()'],
      (i) => `DESCRIBE DEMO.${all[i] ?? ''}`,
      all.length,
      { sample: settings.baselineSample },
    );
    await baselineDb.close();
    rows.push({
      group: 'embedded',
      name: `observe ${observed.objects} objects`,
      ckpt: observed.cost,
      baseline: observeBaseline,
      extra: {},
    });

    await applyPhase(desired(demo), 'demo'); // the audit table: not measured
    const checkpoint = await applyPhase(desired({ ...demo, checkpoints: ['baseline'] }), 'demo');
    const snapshotDb = await duckBaseline(path);
    await snapshotDb.execute('CREATE TABLE main.pipeline_snapshot (checkpoint_id VARCHAR, object_name VARCHAR, object_type VARCHAR)');
    const checkpointBaseline = await runBaseline(
      snapshotDb,
      ['SELECT * FROM duckdb_tables()', 'SELECT * FROM duckdb_views()'],
      (i) => `INSERT INTO main.pipeline_snapshot VALUES ('baseline', '${all[i] ?? ''}', '${i < base.tables.length ? 'TABLE' : 'VIEW'}')`,
      all.length,
      { sample: settings.baselineSample },
    );
    await snapshotDb.close();
    rows.push(row(`checkpoint ${all.length} objects`, checkpoint, checkpointBaseline));

    start = Date.now();
    const cleanupViews = Math.floor(sizes.cleanup / 5);
    await seedObjects(path, 'DEMO', 'NEW_', sizes.cleanup - cleanupViews, cleanupViews);
    const twin = await seedObjects(path, 'DEMO_B', 'NEW_', sizes.cleanup - cleanupViews, cleanupViews);
    await applyPhase(desired({ ...demo, checkpoints: ['baseline', 'extra'] }), 'demo'); // checkpoint `extra` holds the new objects: not measured
    note(
      `embedded: seeded ${2 * sizes.cleanup} more objects and took checkpoint extra in ${((Date.now() - start) / 1000).toFixed(1)} s (not measured)`,
    );

    const budgetMs = settings.applyBudgetS * 1000;
    const cleanup = await applyInFreshProcess(
      file,
      { ...demo, checkpoints: ['baseline', 'extra'], actions: ['{ id: wipe, cleanup: { since: baseline }, allow_large: true }'] },
      budgetMs,
    );
    const dropDb = await duckBaseline(path);
    const drops = [...twin.views.map((v) => `DROP VIEW DEMO_B.${v}`), ...twin.tables.map((t) => `DROP TABLE DEMO_B.${t}`)];
    const cleanupBaseline = await runBaseline(dropDb, [], (i) => drops[i] ?? '', drops.length);
    await dropDb.close();
    rows.push(row(`cleanup ${sizes.cleanup} new objects`, cleanup, cleanupBaseline));

    const newerViews = Math.floor(sizes.newer / 5);
    await seedObjects(path, 'DEMO', 'NEWER_', sizes.newer - newerViews, newerViews);
    // Only the reset is declared: after a cleanup stopped by the budget it restores what was dropped.
    const reset = await applyInFreshProcess(
      file,
      { ...demo, checkpoints: ['baseline', 'extra'], actions: ['{ id: back, reset: { to: extra }, allow_large: true }'] },
      budgetMs,
    );
    // The floor: DuckDB alone on the file as the reset left it (as many tables as before it: the
    // restored tables were the trash's copies, the dropped ones are in the trash now).
    const floor = await duckDbFloor(path);
    const resetRow = row(`reset on ${sizes.tables} tables`, reset, null);
    resetRow.extra = {
      ...resetRow.extra,
      floor_tables: floor.tables,
      floor_catalog_mb: Math.round(floor.catalogMb),
      floor_read_mb: Math.round(floor.readMb),
      floor_max_rss_mb: Math.round(floor.maxRssMb),
      process_max_rss_mb: Math.round(reset.apply.maxRssMb),
      overhead_above_floor_pct: Math.round((100 * (reset.apply.maxRssMb - floor.maxRssMb)) / floor.maxRssMb),
    };
    rows.push(resetRow);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * `npm run bench`: runs each group of scenarios in its own process (so that peak RSS is the
 * group's own, and the planner runs with --expose-gc), prints the results and the targets as
 * tables, and writes `bench/results.json`. A benchmark, not a test: a missed target is reported,
 * never a failure; only a scenario that crashes makes the exit code 1.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemonScenario } from './daemon-scenario.js';
import { embeddedScenarios } from './embedded-scenarios.js';
import { plannerScenario } from './planner-scenario.js';
import { renderRows, renderTargets, writeResults, type ResultRow } from './report.js';
import { GROUPS, readSettings, type BenchSettings, type Group } from './settings.js';
import { COST_MODEL, snowflakeScenarios } from './snowflake-scenarios.js';
import { snowflakeScaleScenarios } from './snowflake-scale-scenarios.js';
import { checkTargets } from './targets.js';

const HERE = fileURLToPath(import.meta.url);
/** dist-bench/bench/run.js → <repo>/bench/results.json */
const RESULTS = join(dirname(HERE), '..', '..', 'bench', 'results.json');

/** What a group's process sends back. */
interface GroupReport {
  rows: ResultRow[];
  notes: string[];
  error?: string;
}

const SCENARIOS: Record<Group, (settings: BenchSettings, note: (text: string) => void) => Promise<ResultRow[]>> = {
  planner: plannerScenario,
  embedded: embeddedScenarios,
  snowflake: snowflakeScenarios,
  'snowflake-scale': snowflakeScaleScenarios,
  daemon: daemonScenario,
};

/** In a group's process: runs it and sends the report to the parent. */
async function runGroup(group: Group, settings: BenchSettings): Promise<void> {
  const notes: string[] = [];
  let report: GroupReport;
  try {
    report = { rows: await SCENARIOS[group](settings, (text) => notes.push(text)), notes };
  } catch (error) {
    report = { rows: [], notes, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  await new Promise<void>((resolve) => process.send?.(report, () => resolve()));
  process.exit(0);
}

/** Forks a process for a group and waits for its report. */
function forkGroup(group: Group): Promise<GroupReport> {
  return new Promise((resolve) => {
    let report: GroupReport | undefined;
    const child = fork(HERE, ['--group', group], {
      execArgv: group === 'planner' ? ['--expose-gc'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message) => {
      report = message as GroupReport;
    });
    child.on('exit', (code, signal) =>
      resolve(report ?? { rows: [], notes: [], error: `the ${group} process exited (${code ?? signal ?? '?'}) without a report` }),
    );
  });
}

async function main(): Promise<number> {
  const settings = readSettings();
  const index = process.argv.indexOf('--group');
  if (index >= 0) {
    const group = process.argv[index + 1] as Group;
    if (!GROUPS.includes(group)) throw new Error(`unknown group ${group}`);
    await runGroup(group, settings);
    return 0;
  }
  const startedAt = new Date();
  process.stderr.write(
    `ckpt bench: groups ${settings.groups.join(', ')}, scale ${settings.scale}, baseline sample ${settings.baselineSample}\n`,
  );
  const rows: ResultRow[] = [];
  const notes = [
    `snowflake cost model: ${COST_MODEL.perRequestMs} ms per HTTP request + ${COST_MODEL.perStatementMs} ms per statement executed`,
  ];
  let crashed = false;
  for (const group of settings.groups) {
    const began = Date.now();
    process.stderr.write(`- ${group}...\n`);
    const report = await forkGroup(group);
    rows.push(...report.rows);
    notes.push(...report.notes, `${group}: ${((Date.now() - began) / 1000).toFixed(1)} s in all (seeding included)`);
    if (report.error !== undefined) {
      crashed = true;
      notes.push(`${group} FAILED: ${report.error}`);
    }
  }
  const targets = checkTargets(rows, settings.scale);
  const durationMs = Date.now() - startedAt.getTime();
  process.stdout.write(
    `\n${renderRows(rows)}\n\n* baseline extrapolated linearly from its first ${settings.baselineSample} objects; [k/N steps in budget]: the apply was stopped after ${settings.applyBudgetS} s (CKPT_BENCH_APPLY_BUDGET_S) and its wall time extrapolated at the rate measured\n\n${renderTargets(targets)}\n\n`,
  );
  process.stdout.write(`${notes.map((n) => `- ${n}`).join('\n')}\n\nbench: ${(durationMs / 1000).toFixed(0)} s; results in ${RESULTS}\n`);
  await writeResults(RESULTS, { startedAt: startedAt.toISOString(), durationMs, settings, rows, targets, notes });
  return crashed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);

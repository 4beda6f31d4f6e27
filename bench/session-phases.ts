/**
 * ckpt's side of a scenario, through the Session every command uses: observe a target, or lock,
 * plan and apply it with progress measured. A failed step or a blocker is an error (a benchmark
 * of a broken apply means nothing). Runs ckpt only; never seeds or builds baselines.
 */
import type { TargetOutcome } from '../src/apply/apply.js';
import { Session, targetRef } from '../src/engine/session.js';
import type { Desired, Target } from '../src/model/desired.js';
import { silentLogger } from '../src/model/logger.js';
import type { Step } from '../src/model/plan.js';
import type { SnowflakeServer } from '../test/snowflake-server/server.js';
import { measure, type Measurement } from './measure.js';
import { progressProbe } from './progress-probe.js';

/** Locks and plans a target without applying: what it cost and the steps planned (a blocker is an error). */
export async function planPhase(desired: Desired, name: string, server?: SnowflakeServer): Promise<{ cost: Measurement; steps: Step[] }> {
  const session = new Session(desired, { logger: silentLogger, command: 'bench' });
  const target = targetOf(desired, name);
  try {
    await session.warehouse(target);
    const { result, cost } = await measure(async () => {
      await session.lock([target]);
      return (await session.plan([target])).plan;
    }, server);
    const blockers = result.targets[0]?.findings.filter((f) => f.severity === 'blocker') ?? [];
    if (blockers.length > 0) throw new Error(`bench plan of ${name} is blocked: ${blockers.map((b) => b.message).join('; ')}`);
    return { cost, steps: result.targets[0]?.steps ?? [] };
  } finally {
    await session.close();
  }
}

/** What an apply phase measured. */
export interface ApplyPhase {
  /** Lock, observe and plan. */
  plan: Measurement;
  apply: Measurement;
  steps: Step[];
  /** Steps that succeeded (fewer than `steps` when the time budget stopped the apply). */
  done: number;
  /** Whether the time budget stopped the apply (its figures are then extrapolated by the caller). */
  stopped: boolean;
  /** Time spent writing progress and log lines during the apply. */
  progressMs: number;
  statusLines: number;
  logLines: number;
  lastStatus: string;
}

function targetOf(desired: Desired, name: string): Target {
  const target = desired.targets.find((t) => t.name === name);
  if (target === undefined) throw new Error(`no target ${name} in the bench config`);
  return target;
}

/**
 * Observes one target as a plan does (reading the inventories its actions need); the connection
 * is opened before the measurement starts. With `everyInventory`, reads the entries of every
 * active checkpoint instead, as ckpt did before it read only what the plan needs (for comparison).
 */
export async function observePhase(
  desired: Desired,
  name: string,
  server?: SnowflakeServer,
  everyInventory = false,
): Promise<{ cost: Measurement; objects: number }> {
  const session = new Session(desired, { logger: silentLogger, command: 'bench' });
  const target = targetOf(desired, name);
  try {
    const warehouse = await session.warehouse(target);
    const { result, cost } = await measure(
      async () => (everyInventory ? warehouse.observe(targetRef(target)) : (await session.observe([target])).get(name)),
      server,
    );
    return { cost, objects: result?.objects.length ?? 0 };
  } finally {
    await session.close();
  }
}

/**
 * Locks, observes and plans one target, then applies the plan with progress on; all steps must
 * succeed. With `budgetMs`, the apply is stopped (as a shutdown stops it) once that time is spent.
 */
export async function applyPhase(
  desired: Desired,
  name: string,
  options: { server?: SnowflakeServer; concurrency?: number; budgetMs?: number } = {},
): Promise<ApplyPhase> {
  const probe = progressProbe();
  const session = new Session(desired, { logger: probe.logger, command: 'bench', concurrency: options.concurrency });
  const target = targetOf(desired, name);
  try {
    await session.warehouse(target);
    const planned = await measure(async () => {
      await session.lock([target]);
      return (await session.plan([target])).plan;
    }, options.server);
    const targetPlan = planned.result.targets[0];
    const blockers = targetPlan?.findings.filter((f) => f.severity === 'blocker') ?? [];
    if (blockers.length > 0) throw new Error(`bench plan of ${name} is blocked: ${blockers.map((b) => b.message).join('; ')}`);
    const spentBefore = probe.spentMs();
    const budget = options.budgetMs === undefined ? undefined : AbortSignal.timeout(options.budgetMs);
    const applied = await measure(() => session.apply(planned.result, probe.listener, budget), options.server);
    const stopped = budget?.aborted === true;
    if (!stopped) failOnFailure(applied.result);
    return {
      plan: planned.cost,
      apply: applied.cost,
      steps: targetPlan?.steps ?? [],
      done: applied.result.flatMap((o) => o.steps).filter((s) => s.outcome === 'succeeded').length,
      stopped,
      progressMs: probe.spentMs() - spentBefore,
      statusLines: probe.statusLines(),
      logLines: probe.logLines(),
      lastStatus: probe.lastStatus(),
    };
  } finally {
    await session.close();
  }
}

function failOnFailure(outcomes: TargetOutcome[]): void {
  for (const outcome of outcomes) {
    const failed = outcome.steps.find((s) => s.outcome === 'failed');
    if (outcome.failed) throw new Error(`bench apply of ${outcome.target} failed: ${failed?.error ?? 'interrupted'}`);
  }
}

/** How many steps of each kind a plan holds, e.g. `drop-object=1000 record-action=1`. */
export function stepCounts(steps: Step[]): string {
  const counts = new Map<string, number>();
  for (const step of steps) counts.set(step.kind, (counts.get(step.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind}=${n}`).join(' ');
}

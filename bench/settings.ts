/**
 * The benchmark's knobs, read once from the environment: the scale of every size (for quick
 * runs), how many objects the per-object baselines of observe and checkpoint actually run
 * before extrapolating, and which scenario groups run. Reads only; never changes a size itself.
 */

/** The groups of scenarios, each run in its own process. */
export const GROUPS = ['planner', 'embedded', 'snowflake', 'snowflake-scale', 'daemon'] as const;

/** One group of scenarios. */
export type Group = (typeof GROUPS)[number];

/** Knobs of a run. */
export interface BenchSettings {
  /** `CKPT_BENCH_SCALE` (default 1): every object count of the issue is multiplied by it. */
  scale: number;
  /**
   * `CKPT_BENCH_BASELINE_SAMPLE` (default 200): the sequential baselines of observe and
   * checkpoint run their per-object statements for this many objects and extrapolate linearly
   * (one statement per object costs the same for every object); apply baselines always run fully.
   */
  baselineSample: number;
  /**
   * `CKPT_BENCH_APPLY_BUDGET_S` (default 60): an embedded apply still running after this long is
   * stopped and its full time extrapolated from its rate (see the README's performance notes).
   */
  applyBudgetS: number;
  /** `CKPT_BENCH_ONLY` (comma-separated groups; default all). */
  groups: Group[];
}

/** Reads the knobs; an invalid value is an error, not a silent default. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const scale = Number(env.CKPT_BENCH_SCALE ?? '1');
  if (!(scale > 0)) throw new Error(`CKPT_BENCH_SCALE must be a positive number, not ${env.CKPT_BENCH_SCALE}`);
  const baselineSample = Number(env.CKPT_BENCH_BASELINE_SAMPLE ?? '200');
  if (!Number.isInteger(baselineSample) || baselineSample < 1) throw new Error(`CKPT_BENCH_BASELINE_SAMPLE must be a positive integer`);
  const applyBudgetS = Number(env.CKPT_BENCH_APPLY_BUDGET_S ?? '60');
  if (!(applyBudgetS > 0)) throw new Error('CKPT_BENCH_APPLY_BUDGET_S must be a positive number of seconds');
  const only = env.CKPT_BENCH_ONLY?.split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  const unknown = only?.filter((g) => !(GROUPS as readonly string[]).includes(g)) ?? [];
  if (unknown.length > 0) throw new Error(`CKPT_BENCH_ONLY: unknown group ${unknown.join(', ')} (known: ${GROUPS.join(', ')})`);
  return { scale, baselineSample, applyBudgetS, groups: only === undefined || only.length === 0 ? [...GROUPS] : (only as Group[]) };
}

/** An object count of the issue at the run's scale (at least 1). */
export function scaled(settings: BenchSettings, count: number): number {
  return Math.max(1, Math.round(count * settings.scale));
}

/**
 * `ckpt reconcile`: observe, plan, show the plan, then (unless --plan) ask for consent before
 * any destructive step and apply. Exit 2 with --detailed-exitcode when changes are pending,
 * 3 when consent is missing off a TTY, 1 when a step failed or a blocker holds an action back.
 */
import type { TargetOutcome } from '../../apply/apply.js';
import { stateFingerprint } from '../../engine/fingerprint.js';
import { selectTargets, targetNamed } from '../../engine/session.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import { hasBlockers, hasChanges, type Plan, type Step } from '../../model/plan.js';
import { isDestructive, kindOf, stepSubject } from '../../model/step-kinds.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { progressReporter } from '../progress.js';
import { readSavedPlan, writeSavedPlan } from '../saved-plan.js';
import { ask, canPrompt } from '../prompt.js';
import { renderPlanMarkdown } from '../render-markdown.js';
import { renderPlan, stepTitle } from '../render-plan.js';

/** Options of `ckpt reconcile`. */
export interface ReconcileOptions {
  file?: string;
  target?: string[];
  plan?: boolean;
  yes?: boolean;
  /** Same as `format: 'json'`. */
  json?: boolean;
  /** How the plan is printed: for people (default), as JSON (schemas/plan.schema.json), or as Markdown for a pull request. */
  format?: PlanFormat;
  detailedExitcode?: boolean;
  /** With --plan: write the plan and the state fingerprints here. */
  out?: string;
  /** Apply this saved plan exactly, if nothing changed since it was made. */
  fromPlan?: string;
}

/** The ways a plan can be printed. */
export const PLAN_FORMATS = ['human', 'json', 'markdown'] as const;

/** One of PLAN_FORMATS. */
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** The format asked for: `--json` is `--format json`; asking for two different ones is an error. */
function formatOf(options: ReconcileOptions): PlanFormat {
  if (options.json === true && options.format !== undefined && options.format !== 'json') {
    throw new CkptError('CONFIG_INVALID', `--json and --format ${options.format} ask for two formats`, { hint: HINTS.oneFormat });
  }
  return options.json === true ? 'json' : (options.format ?? 'human');
}

/** The plan as text in a format that is not JSON. */
function shown(ctx: CliContext, plan: Plan, format: PlanFormat): string {
  return format === 'markdown' ? renderPlanMarkdown(plan) : renderPlan(plan, ctx.out);
}

/** Runs the command and returns its exit code. */
export async function reconcileCommand(ctx: CliContext, options: ReconcileOptions): Promise<number> {
  options = { ...options, json: formatOf(options) === 'json', format: formatOf(options) };
  if (options.fromPlan !== undefined) return applySavedPlan(ctx, options.fromPlan, options);
  if (options.out !== undefined && options.plan !== true) {
    throw new CkptError('CONFIG_INVALID', '--out writes a saved plan and needs --plan', { hint: HINTS.outNeedsPlan });
  }
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const targets = selectTargets(desired, options.target);
  return withSession(ctx, desired, 'reconcile', async (session) => {
    // A writer holds the leases before it looks, so that what it plans is what it applies.
    if (options.plan !== true) await session.lock(targets);
    const { plan, observed } = await session.plan(targets);
    const pending = hasChanges(plan);
    if (options.out !== undefined) {
      const fingerprints = Object.fromEntries([...observed].map(([name, obs]) => [name, stateFingerprint(obs)]));
      await writeSavedPlan(options.out, { plan, fingerprints });
      ctx.out.message(`Saved the plan to ${options.out}; apply it with \`ckpt reconcile --from-plan ${options.out}\`.`);
    }
    if (options.plan === true || !pending) {
      // Without --plan the document says what was applied, here nothing: `outcomes` is empty.
      if (options.json === true) ctx.out.data(toJsonText(options.plan === true ? plan : { ...plan, outcomes: [] }));
      else ctx.out.data(shown(ctx, plan, options.format ?? 'human'));
      if (hasBlockers(plan)) return ExitCode.error;
      return pending && options.detailedExitcode === true ? ExitCode.changesPending : ExitCode.ok;
    }
    if (options.json !== true) ctx.out.data(shown(ctx, plan, options.format ?? 'human'));
    await confirm(plan, options);
    const outcomes = await session.apply(plan, progressReporter(ctx.out));
    if (options.json === true) ctx.out.data(toJsonText({ ...plan, outcomes: outcomeSummary(outcomes) }));
    else reportOutcomes(ctx, plan, outcomes);
    return outcomes.some((o) => o.failed) || hasBlockers(plan) ? ExitCode.error : ExitCode.ok;
  });
}

/**
 * Applies a saved plan exactly as written, once: refused (PLAN_STALE) when the config, the
 * schema or the audit table changed since it was made. The saved file is the consent.
 */
async function applySavedPlan(ctx: CliContext, path: string, options: ReconcileOptions): Promise<number> {
  const saved = await readSavedPlan(path);
  const desired = await loadDesired(options.file ?? saved.plan.configFile, ctx.out, ctx.connections);
  if (desired.sourceHash !== saved.plan.configHash) {
    throw new CkptError('PLAN_STALE', `${desired.file} changed since the plan in ${path} was made`, {
      hint: HINTS.savedPlanStale,
    });
  }
  const targets = saved.plan.targets.map((tp) => targetNamed(desired, tp.target));
  return withSession(ctx, desired, 'reconcile', async (session) => {
    await session.lock(targets);
    const observed = await session.observe(targets);
    for (const [name, obs] of observed) {
      if (saved.fingerprints[name] !== stateFingerprint(obs)) {
        throw new CkptError(
          'PLAN_STALE',
          `target ${name} changed since the plan in ${path} was made (its schema or audit table is not what the plan saw)`,
          {
            hint: HINTS.savedPlanStale,
          },
        );
      }
    }
    // The file is only trusted as far as ckpt would plan the same steps from this state: an
    // edited step (a drop of a protected table, SQL in a view definition) is refused.
    const expected = session.planAt(targets, observed, saved.plan.generatedAt);
    const edited = saved.plan.targets.find((tp) => !sameSteps(tp.steps, expected.targets.find((e) => e.target === tp.target)?.steps ?? []));
    if (edited !== undefined) {
      throw new CkptError(
        'PLAN_STALE',
        `the steps of target ${edited.target} in ${path} are not the plan ckpt makes from this state: the file was edited, or made by another ckpt`,
        {
          hint: HINTS.savedPlanEdited,
        },
      );
    }
    if (options.json !== true) ctx.out.data(shown(ctx, saved.plan, options.format ?? 'human'));
    const outcomes = await session.apply(saved.plan, progressReporter(ctx.out));
    if (options.json === true) ctx.out.data(toJsonText({ ...saved.plan, outcomes: outcomeSummary(outcomes) }));
    else reportOutcomes(ctx, saved.plan, outcomes);
    return outcomes.some((o) => o.failed) ? ExitCode.error : ExitCode.ok;
  });
}

/** Destructive steps need `--yes`, or a typed `yes` at a terminal. */
async function confirm(plan: Plan, options: ReconcileOptions): Promise<void> {
  const what = consentCounts(plan);
  if (what === null || options.yes === true) return;
  if (!canPrompt()) {
    throw new CkptError('CONSENT_REQUIRED', `the plan has ${what} and no one is at a terminal to confirm`, {
      hint: HINTS.consent,
    });
  }
  // A full cleanup empties a schema: at a terminal, the person types which one (Argo CD-style).
  for (const target of plan.targets.filter((t) => t.steps.some((s) => s.kind === 'drop-object' && s.cause === 'full-cleanup'))) {
    const typed = await ask(`\nThe plan empties ${target.location} (full cleanup). Type ${target.location} to confirm: `);
    if (typed !== target.location) throw new CkptError('CANCELLED', 'apply cancelled; nothing was changed');
  }
  const answer = await ask(`\nThe plan has ${what}. Apply it? Only 'yes' will be accepted: `);
  if (answer !== 'yes') throw new CkptError('CANCELLED', 'apply cancelled; nothing was changed');
}

/** The destructive steps of a plan counted per kind in the kinds' own consent wording, or null when there are none. */
export function consentCounts(plan: Plan): string | null {
  const counts = new Map<string, { n: number; one: string; many: string }>();
  for (const step of plan.targets.flatMap((t) => t.steps).filter(isDestructive)) {
    const wording = kindOf(step)?.consent ?? { one: `${step.kind} step`, many: `${step.kind} steps` };
    const entry = counts.get(wording.one) ?? { n: 0, ...wording };
    entry.n += 1;
    counts.set(wording.one, entry);
  }
  if (counts.size === 0) return null;
  return [...counts.values()].map((c) => `${c.n} ${c.n === 1 ? c.one : c.many}`).join(' and ');
}

/** What each step of an apply did, for `--json` (`outcomes` in schemas/plan.schema.json). */
function outcomeSummary(outcomes: TargetOutcome[]) {
  return outcomes.map((o) => ({
    target: o.target,
    failed: o.failed,
    durationMs: o.durationMs,
    steps: o.steps.map((s) => ({
      kind: s.step.kind,
      group: s.step.group,
      object: stepSubject(s.step),
      outcome: s.outcome,
      durationMs: s.durationMs,
      error: s.error,
      errorCode: s.outcome === 'failed' ? (s.code ?? 'INTERNAL') : null,
    })),
  }));
}

function reportOutcomes(ctx: CliContext, plan: Plan, outcomes: TargetOutcome[]): void {
  for (const outcome of outcomes) {
    const location = plan.targets.find((t) => t.target === outcome.target)?.location ?? outcome.target;
    const done = outcome.steps.filter((s) => s.outcome === 'succeeded').length;
    for (const failed of outcome.steps.filter((s) => s.outcome === 'failed')) {
      ctx.out.message(`${ctx.out.paint('red', 'error')}: ${stepTitle(failed.step, location)} failed: ${failed.error ?? ''}`);
    }
    const skipped = outcome.steps.filter((s) => s.outcome === 'skipped').length;
    ctx.out.message(
      outcome.failed
        ? `Target ${outcome.target}: ${done} of ${outcome.steps.length} steps applied, ${skipped} not attempted; the failed action is recorded FAILED and will be planned again.`
        : `Target ${outcome.target}: ${done} step${done === 1 ? '' : 's'} applied.`,
    );
  }
}

/** Whether two step lists are the same steps, field by field. */
function sameSteps(a: Step[], b: Step[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted, so that key order in a file does not matter. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
}

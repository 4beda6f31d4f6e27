/**
 * `ckpt reconcile`: observe, plan, show the plan (with --sql, each step's statements), then
 * (unless --plan) ask for consent before any destructive step (the answer `sql` shows the
 * statements first) and apply. Exit 2 with --detailed-exitcode when changes are pending,
 * 3 when consent is missing off a TTY, 1 when a step failed or a blocker holds an action back.
 */
import type { TargetOutcome } from '../../apply/apply.js';
import { stateFingerprint } from '../../engine/fingerprint.js';
import { selectTargets, targetNamed, type Session } from '../../engine/session.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import { hasBlockers, hasChanges, type Plan } from '../../model/plan.js';
import { stepSubject } from '../../model/step-kinds.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { withFaultPoint } from '../fault-point.js';
import { progressReporter } from '../progress.js';
import { readSavedPlan, savedPlanStale, writeSavedPlan } from '../saved-plan.js';
import { confirm } from '../consent.js';
import { interruptible, type Interruptible } from '../interrupt.js';
import { ask, canPrompt } from '../prompt.js';
import { renderPlanMarkdown } from '../render-markdown.js';
import { renderPlan, stepTitle } from '../render-plan.js';
import { withStatements, type PlanStatements } from '../render-sql.js';

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
  /** Show each step's statements (human and Markdown under the step, JSON as its `statements`). */
  sql?: boolean;
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

/** The plan as text in a format that is not JSON; with `sql`, each step's statements. */
function shown(ctx: CliContext, plan: Plan, format: PlanFormat, sql?: PlanStatements): string {
  return format === 'markdown' ? renderPlanMarkdown(plan, sql) : renderPlan(plan, ctx.out, sql);
}

/** The plan (with its outcomes) as a JSON document; with `sql`, each step's statements. */
function json(doc: Plan & { outcomes?: unknown[] }, sql: PlanStatements | undefined): string {
  return toJsonText(sql === undefined ? doc : withStatements(doc, sql));
}

/** The consent prompt's `sql` answer: the plan about to be applied, each step's statements under it (those `--sql` showed, if it did). */
function sqlOnRequest(ctx: CliContext, session: Session, plan: Plan, shownSql: PlanStatements | undefined): () => Promise<void> {
  return async () => {
    ctx.out.message(renderPlan(plan, ctx.out, shownSql ?? (await session.statements(plan))));
  };
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
    const sql = options.sql === true ? await session.statements(plan) : undefined;
    if (options.out !== undefined) {
      const fingerprints = Object.fromEntries([...observed].map(([name, obs]) => [name, stateFingerprint(obs)]));
      await writeSavedPlan(options.out, { plan, fingerprints });
      ctx.out.message(`Saved the plan to ${options.out}; apply it with \`ckpt reconcile --from-plan ${options.out}\`.`);
    }
    if (options.plan === true || !pending) {
      // Without --plan the document says what was applied, here nothing: `outcomes` is empty.
      if (options.json === true) ctx.out.data(json(options.plan === true ? plan : { ...plan, outcomes: [] }, sql));
      else ctx.out.data(shown(ctx, plan, options.format ?? 'human', sql));
      if (hasBlockers(plan)) return ExitCode.error;
      return pending && options.detailedExitcode === true ? ExitCode.changesPending : ExitCode.ok;
    }
    if (options.json !== true) ctx.out.data(shown(ctx, plan, options.format ?? 'human', sql));
    await confirm(plan, options.yes === true, { canPrompt, ask }, sqlOnRequest(ctx, session, plan, sql));
    const applied = await interruptible(ctx.out, (signal) => session.apply(plan, withFaultPoint(progressReporter(ctx.out), plan), signal));
    return applyExit(ctx, plan, applied, options, sql) ?? (hasBlockers(plan) ? ExitCode.error : ExitCode.ok);
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
    const fingerprints = new Map([...observed].map(([name, obs]) => [name, stateFingerprint(obs)]));
    // The file is only trusted as far as ckpt would plan the same steps from this state: an
    // edited step (a drop of a protected table, SQL in a view definition) is refused.
    const stale = savedPlanStale(saved, path, fingerprints, session.planAt(targets, observed, saved.plan.generatedAt));
    if (stale !== null) throw stale;
    const sql = options.sql === true ? await session.statements(saved.plan) : undefined;
    if (options.json !== true) ctx.out.data(shown(ctx, saved.plan, options.format ?? 'human', sql));
    const applied = await interruptible(ctx.out, (signal) =>
      session.apply(saved.plan, withFaultPoint(progressReporter(ctx.out), saved.plan), signal),
    );
    return applyExit(ctx, saved.plan, applied, options, sql) ?? ExitCode.ok;
  });
}

/**
 * Reports what an apply did (the JSON document or the outcome lines) and returns its exit code
 * when it is not a success: 130 when a signal stopped it between two steps, 1 when a step failed.
 */
function applyExit(
  ctx: CliContext,
  plan: Plan,
  applied: Interruptible<TargetOutcome[]>,
  options: ReconcileOptions,
  sql?: PlanStatements,
): number | null {
  const outcomes = applied.value;
  if (options.json === true) ctx.out.data(json({ ...plan, outcomes: outcomeSummary(outcomes) }, sql));
  else reportOutcomes(ctx, plan, outcomes);
  if (applied.interrupted !== null) {
    ctx.out.message(`Interrupted (${applied.interrupted}): every step that ran is whole; \`ckpt reconcile\` again finishes the plan.`);
    return ExitCode.cancelled;
  }
  return outcomes.some((o) => o.failed) ? ExitCode.error : null;
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

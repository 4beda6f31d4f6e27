/**
 * One reconcile of one target, as the daemon runs it (in its reconcile child, reconcile-child.ts):
 * lease (unless plan-only), observe, plan, apply, observe again; and how it ended, as a
 * ReconcileOutcome. A failure keeps its CkptError code, so the queue can tell a transient error
 * (retried with backoff) from a terminal one. Also the log fields and the error of an outcome,
 * which the daemon itself uses.
 */
import { describeError, type ProgressListener } from '../apply/apply.js';
import type { Session } from '../engine/session.js';
import type { Target } from '../model/desired.js';
import { asCkptError, CkptError, kindOf } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import type { Observed } from '../model/observed.js';
import { hasChanges, summarise, type Plan, type PlanSummary, type Step } from '../model/plan.js';
import { isDestructive, stepSubject } from '../model/step-kinds.js';
import { heldMessage, heldName, targetWhileHeld, type HeldAction } from './settle.js';
import { failureReason, type ReconcileOutcome } from './status.js';

/** What a reconcile needs besides its session and target. */
export interface ReconcileContext {
  planOnly: boolean;
  /** Aborted at shutdown: the running step finishes, the rest of the plan is skipped. */
  signal: AbortSignal;
  logger: Logger;
  /** Told what each observation showed and the plan made on it (for metrics). */
  record(target: string, plan: Plan, observed: Observed | undefined): void;
  /** What of a plan to hold back for now (new destructive actions and lowered retentions of a file not yet settled); not asked under planOnly. */
  hold?(target: Target, plan: Plan): Promise<HeldAction[]>;
  /** Told of each step of the plan being applied (the crash tests' fault point listens here). */
  progress?(plan: Plan): ProgressListener;
}

/** Runs one reconcile; never throws (a failure is an outcome carrying its error). */
export async function reconcileTarget(session: Session, target: Target, ctx: ReconcileContext): Promise<ReconcileOutcome> {
  const progress = { reachedWarehouse: false };
  try {
    return await observeAndApply(session, target, ctx, progress);
  } catch (error) {
    return failedOutcome(error, progress.reachedWarehouse, null);
  }
}

/** The error of a failed outcome, to throw to the queue (which retries it unless terminal). */
export function outcomeError(outcome: ReconcileOutcome): CkptError {
  return new CkptError(outcome.error?.code ?? 'INTERNAL', outcome.message);
}

async function observeAndApply(
  session: Session,
  target: Target,
  ctx: ReconcileContext,
  progress: { reachedWarehouse: boolean },
): Promise<ReconcileOutcome> {
  if (!ctx.planOnly) {
    try {
      await session.lock([target]); // a writer holds the target's lease from observe to apply, as `reconcile` does
    } catch (error) {
      progress.reachedWarehouse = error instanceof CkptError && error.code === 'LEASE_HELD';
      throw error;
    }
  }
  const full = await session.plan([target]);
  progress.reachedWarehouse = true;
  const { plan, observed, held } = await withoutHeld(session, target, full, ctx);
  logPlan(ctx.logger, target.name, plan);
  if (ctx.planOnly) logWouldChange(ctx.logger, target.name, plan);
  const blocked = blockedOutcome(plan);
  if (!hasChanges(plan) || ctx.planOnly) {
    ctx.record(target.name, plan, observed.get(target.name));
    return settling(held, blocked ?? (hasChanges(plan) ? planned(plan) : done('no-changes', 'UpToDate', 'no changes', plan)));
  }
  if (ctx.signal.aborted) return interrupted(plan, plan.targets.flatMap((t) => t.steps).length);
  const steps = (await session.apply(plan, ctx.progress?.(plan), ctx.signal)).flatMap((o) => o.steps);
  const failedStep = steps.find((s) => s.outcome === 'failed');
  if (failedStep === undefined && steps.some((s) => s.outcome === 'skipped')) {
    return interrupted(plan, steps.filter((s) => s.outcome === 'skipped').length);
  }
  // Observing again tells a failed step from a warehouse gone away (that throws, transient).
  const after = await session.plan([target]);
  ctx.record(target.name, after.plan, after.observed.get(target.name));
  if (failedStep !== undefined) {
    // The step's own code says whether a retry can help (a lock or the network: yes; a constraint: no).
    const code = failedStep.code === undefined || failedStep.code === 'INTERNAL' ? 'STEP_FAILED' : failedStep.code;
    return failedOutcome(new CkptError(code, `${failedStep.step.kind} failed: ${failedStep.error ?? 'unknown error'}`), true, plan);
  }
  return settling(held, blocked ?? done('applied', 'Applied', `${steps.length} step${steps.length === 1 ? '' : 's'} applied`, plan));
}

/**
 * The plan without what `ctx.hold` holds back (planned again, on the same observation, from the
 * target without those actions and with those schedules keeping what they kept), and what was
 * held; logged with why and until when.
 */
async function withoutHeld(
  session: Session,
  target: Target,
  full: { plan: Plan; observed: Map<string, Observed> },
  ctx: ReconcileContext,
): Promise<{ plan: Plan; observed: Map<string, Observed>; held: HeldAction[] }> {
  const held = ctx.planOnly || ctx.hold === undefined ? [] : await ctx.hold(target, full.plan);
  const now = full.observed.get(target.name)?.now;
  if (held.length === 0 || now === undefined) return { ...full, held: [] };
  for (const h of held) ctx.logger.warn(heldMessage(h), { target: target.name, ...h });
  const rest = targetWhileHeld(target, held);
  return { plan: session.planAt([rest], full.observed, now), observed: full.observed, held };
}

/** The outcome, with the actions held back said in its message and reason. */
function settling(held: HeldAction[], outcome: ReconcileOutcome): ReconcileOutcome {
  if (held.length === 0 || outcome.result === 'blocked') return { ...outcome, held };
  const names = held.map(heldName).join(', ');
  const message = `${outcome.message}; ${names} wait${held.length === 1 ? 's' : ''} for the file to settle (until ${held[0]?.until ?? ''})`;
  return { ...outcome, reason: 'Settling', message, held };
}

/**
 * A plan's totals at stake as log fields: the rows and bytes its drops drop and its reverts
 * overwrite (sums of what is known; absent when nothing is), whether the row counts are
 * estimates and whether some tables' size is not known (the sums are then lower bounds).
 */
export function totalsFields(summary: PlanSummary): Record<string, number | boolean> {
  const { drops, reverts } = summary.weights;
  const fields: Record<string, number | boolean> = {};
  for (const [name, value] of Object.entries({
    drop_rows: drops.rows,
    drop_bytes: drops.bytes,
    revert_rows: reverts.rows,
    revert_bytes: reverts.bytes,
  }))
    if (value !== null) fields[name] = value;
  if (drops.estimated || reverts.estimated) fields.rows_estimated = true;
  if (drops.rowsUnknown + drops.bytesUnknown + reverts.rowsUnknown + reverts.bytesUnknown > 0) fields.sizes_partly_unknown = true;
  return fields;
}

function logPlan(logger: Logger, target: string, plan: Plan): void {
  const summary = summarise(plan);
  const { weights: _inFields, ...counts } = summary;
  logger.info('plan', { target, ...counts, ...totalsFields(summary), steps: plan.targets[0]?.steps.length ?? 0 });
  for (const f of plan.targets.flatMap((t) => t.findings)) {
    logger.warn(f.severity === 'blocker' ? 'blocker' : 'finding', { target, code: f.code, action: f.actionId, message: f.message });
  }
}

/** Most object names a `would drop` / `would revert content` log line lists; the rest are counted in `more`. */
const LOGGED_SUBJECTS = 50;

/**
 * Under --plan, what applying the plan would destroy, by name: a `would drop` line with the
 * objects it would drop and a `would revert content` line with the tables whose content it would
 * overwrite, each listing at most LOGGED_SUBJECTS names (`more`: how many it leaves out).
 */
function logWouldChange(logger: Logger, target: string, plan: Plan): void {
  const steps = plan.targets.flatMap((t) => t.steps).filter(isDestructive);
  const lines: Array<[string, Step['kind']]> = [
    ['would drop', 'drop-object'],
    ['would revert content', 'restore-content'],
  ];
  for (const [msg, kind] of lines) {
    const subjects = steps.filter((s) => s.kind === kind).map((s) => stepSubject(s) ?? '');
    if (subjects.length === 0) continue;
    const more = subjects.length - LOGGED_SUBJECTS;
    logger.info(msg, { target, count: subjects.length, objects: subjects.slice(0, LOGGED_SUBJECTS), ...(more > 0 ? { more } : {}) });
  }
}

function done(result: 'applied' | 'no-changes', reason: 'Applied' | 'UpToDate', message: string, plan: Plan): ReconcileOutcome {
  return { result, reason, message, reachedWarehouse: true, plan, error: null };
}

function planned(plan: Plan): ReconcileOutcome {
  const steps = plan.targets[0]?.steps.length ?? 0;
  return {
    result: 'planned',
    reason: 'ChangesPending',
    message: `${steps} step${steps === 1 ? '' : 's'} pending (--plan: not applied)`,
    reachedWarehouse: true,
    plan,
    error: null,
  };
}

/** The outcome of a plan with blockers, or null when it has none. */
function blockedOutcome(plan: Plan): ReconcileOutcome | null {
  const blockers = summarise(plan).blockers;
  if (blockers === 0) return null;
  const first = plan.targets.flatMap((t) => t.findings).find((f) => f.severity === 'blocker');
  const message = `${blockers} blocker${blockers === 1 ? '' : 's'}: ${first?.message ?? ''}`;
  return { result: 'blocked', reason: 'PlanBlocked', message, reachedWarehouse: true, plan, error: null };
}

function interrupted(plan: Plan, skipped: number): ReconcileOutcome {
  const message = `interrupted by shutdown; ${skipped} step${skipped === 1 ? '' : 's'} not run`;
  return { result: 'interrupted', reason: 'Interrupted', message, reachedWarehouse: true, plan, error: null };
}

/** The outcome of a reconcile that failed with `thrown`, keeping its code (and whether a retry can help). */
export function failedOutcome(thrown: unknown, reachedWarehouse: boolean, plan: Plan | null): ReconcileOutcome {
  const error = asCkptError(thrown);
  return {
    result: 'failed',
    reason: failureReason(error.code),
    message: describeError(error),
    reachedWarehouse,
    plan,
    error: { code: error.code, retry: kindOf(error.code).retry, hint: error.hint ?? null },
  };
}

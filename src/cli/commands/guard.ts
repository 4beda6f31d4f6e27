/**
 * `ckpt guard [options] -- <command> [args…]`: experiment safely. Takes a checkpoint of the
 * target (type GUARD, id GUARD_YYYY_MM_DD_HH_MI_SS on this machine's clock unless --id, its
 * description the command line with secrets redacted), runs the command (guard-child.ts) while
 * holding the target's lease, then keeps the schema when the command succeeded (expiring guard
 * checkpoints beyond --retain) or, when it failed, plans the undo (a reset to the checkpoint, or
 * a cleanup since it), shows it and applies it after consent. ckpt exits with the command's exit
 * code (128 + n for signal n, 124 for --timeout). Each step is journalled (engine/guards.ts), so
 * that a ckpt killed while the command ran leaves an unfinished guard that `ckpt reconcile`
 * reports and `ckpt guard --resume` finishes. After the command, a signal stops the guard between
 * two whole steps (cli/interrupt.ts), leaving it unfinished in the same way, and says so.
 *
 * The lease while the command runs: on Snowflake the session stays connected and renews it as
 * any writer does. On the embedded warehouse ckpt closes the file (the command may open it, e.g.
 * with `ckpt sql`), so nothing renews the lease: it is taken with an expiry past the timeout (7
 * days without one), and another writer on this machine sees from its pid whether the guard
 * still runs (lease-holder.ts); the embedded file is always on this machine.
 */
import { guardEntry, guardUndoAction } from '../../engine/guards.js';
import { selectTargets, singleTarget, type Session } from '../../engine/session.js';
import { LOCAL_CONNECTION, type CheckpointKeep, type Target } from '../../model/desired.js';
import { CkptError } from '../../model/errors.js';
import { commandOutcomeText, redactedCommandLine, type CommandEnd, type GuardFinish, type GuardOnFailure } from '../../model/guard.js';
import { HINTS } from '../../model/hints.js';
import type { Observed, UnfinishedGuard } from '../../model/observed.js';
import { hasBlockers, type Plan, type TargetPlan } from '../../model/plan.js';
import { timestampId } from '../../model/time.js';
import { planAdHocCheckpoint } from '../../plan/ad-hoc.js';
import { guardUndoTarget, planGuardExpiry, planGuardUndo } from '../../plan/guard.js';
import type { ObservePurpose } from '../../plan/inventory-needs.js';
import { targetLocation } from '../../plan/plan.js';
import { loadDesired } from '../config-file.js';
import { confirm } from '../consent.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { commandExitCode, KILL_GRACE_MS, runGuarded } from '../guard-child.js';
import { interruptible } from '../interrupt.js';
import { progressReporter } from '../progress.js';
import { ask, canPrompt } from '../prompt.js';
import { renderPlan } from '../render-plan.js';
import { checkCheckpointId } from './checkpoint-create.js';

/** Options of `ckpt guard`. */
export interface GuardOptions {
  file?: string;
  target?: string[];
  /**
   * What the guard's checkpoint keeps. Default: inventory on Snowflake (Time Travel reverts
   * content), clone on the embedded warehouse (it has no Time Travel: without copies a command
   * that changed rows could not be undone).
   */
  keep?: CheckpointKeep;
  /** What to do when the command fails (default reset; on --resume, what the guard was started with). */
  onFailure?: GuardOnFailure;
  /** Keep the newest N guard checkpoints of the target after a success; absent: keep all. */
  retain?: number;
  /** Milliseconds the command may run; 0: no limit. */
  timeout?: number;
  id?: string;
  yes?: boolean;
  /** Show the undo without applying it (the guard stays unfinished: --resume applies it). */
  planOnly?: boolean;
  /** Finish a guard that never finished (ckpt was killed, or the undo waited for consent). */
  resume?: boolean;
}

/** How long the embedded warehouse's guard lease stays held without renewal when there is no --timeout. */
const EMBEDDED_GUARD_LEASE_MS = 7 * 24 * 3_600_000;
/** Past the command's timeout (and its grace period), how long the embedded guard lease stays held. */
const EMBEDDED_LEASE_MARGIN_MS = 10 * 60_000;

/** Runs the command and returns ckpt's exit code: the guarded command's, unless ckpt itself failed before running it. */
export async function guardCommand(ctx: CliContext, argv: string[], options: GuardOptions): Promise<number> {
  if (options.resume === true) {
    if (argv.length > 0) throw usage('--resume finishes a guard that already ran its command: give no command with it');
    return resumeGuard(ctx, options);
  }
  if (argv.length === 0) throw usage('give the command to guard after --');
  checkCheckpointId(options.id);
  if (options.retain !== undefined && (!Number.isInteger(options.retain) || options.retain < 1)) {
    throw usage('--retain takes a whole number of at least 1');
  }
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const target = singleTarget(selectTargets(desired, options.target), desired.file);
  const id = options.id ?? timestampId('GUARD', new Date().toISOString());
  const command = redactedCommandLine(argv);
  const onFailure = options.onFailure ?? 'reset';
  const embedded = target.connection === LOCAL_CONNECTION;
  const timeoutMs = options.timeout ?? 0;
  const leaseTtl = !embedded ? undefined : timeoutMs > 0 ? timeoutMs + KILL_GRACE_MS + EMBEDDED_LEASE_MARGIN_MS : EMBEDDED_GUARD_LEASE_MS;
  return withSession(
    ctx,
    desired,
    `guard ${id}`,
    async (session) => {
      await session.lock([target]);
      const obs = await observeOne(session, target, 'totals');
      const unfinished = obs.unfinishedGuards?.[0];
      if (unfinished !== undefined) {
        throw new CkptError('PLAN_BLOCKED', `guard ${unfinished.checkpointId} of target ${target.name} has not finished`, {
          hint: HINTS.guardUnfinished(target.name),
        });
      }
      await takeGuardCheckpoint(session, target, obs, id, command, options.keep ?? (embedded ? 'clone' : 'inventory'));
      await session.journal(target, [guardEntry(id, 'guard-started', { command, onFailure })]);
      ctx.out.message(`Checkpoint ${id} taken of ${target.name}; running: ${command}`);
      // The embedded warehouse's file is closed while the command runs (it may open it): the lease stays held.
      if (embedded) await session.suspend();
      const end = await runGuarded(
        {
          argv,
          env: { CKPT_GUARD_TARGET: target.name, CKPT_GUARD_CHECKPOINT: id, CKPT_GUARD_FILE: desired.file },
          timeoutMs,
          atTerminal: process.stdin.isTTY === true,
        },
        ctx.out,
      );
      // From here a signal stops the guard between two whole steps; it stays unfinished (--resume).
      const finished = await interruptible(ctx.out, async (signal) => {
        if (!(await relock(session, target, signal))) return stopped(ctx, target, id);
        await session.journal(target, [guardEntry(id, 'guard-command-ended', end)]);
        return finishGuard(ctx, session, target, { checkpointId: id, end, onFailure }, options, signal);
      });
      const code = commandExitCode(end);
      return code === 0 ? finished.value : code;
    },
    leaseTtl,
  );
}

/** How long the guard tries to open the embedded warehouse's file again after its command. */
const RELOCK_MS = 120_000;

/**
 * Takes the target's lease again after the command (the guard's own: nobody else could take it).
 * On the embedded warehouse another process may hold the file for a moment (a daemon finding the
 * target leased, a `ckpt sql`): the guard tries again until RELOCK_MS have passed, or until
 * `signal` stops it (then false).
 */
async function relock(session: Session, target: Target, signal: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + RELOCK_MS;
  for (;;) {
    try {
      await session.lock([target]);
      return true;
    } catch (error) {
      const busy = error instanceof CkptError && (error.code === 'LEASE_HELD' || error.code === 'WAREHOUSE_LOCKED');
      if (!busy || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (signal.aborted) return false;
    }
  }
}

/** A guard stopped by a signal after its command ended: left unfinished, for --resume; 130 (the command's code wins when not 0). */
function stopped(ctx: CliContext, target: Target, checkpointId: string): number {
  ctx.out.message(
    `Guard ${checkpointId} stopped before its end: nothing more was done. \`ckpt guard --resume -t ${target.name}\` finishes it.`,
  );
  return ExitCode.cancelled;
}

function usage(message: string): CkptError {
  return new CkptError('CONFIG_INVALID', message, { hint: HINTS.guardUsage });
}

/**
 * One target's observation: `totals` (no inventory entries) to take the checkpoint, find an
 * unfinished guard or expire old ones; `plan` only for the undo, observed as the target it plans.
 */
async function observeOne(session: Session, target: Target, purpose: ObservePurpose): Promise<Observed> {
  const obs = (await session.observe([target], purpose)).get(target.name);
  if (obs === undefined) throw new CkptError('INTERNAL', 'target not observed');
  return obs;
}

function planOf(session: Session, obs: Observed, tp: TargetPlan): Plan {
  return {
    formatVersion: 1,
    generatedAt: obs.now,
    configFile: session.desired.file,
    configHash: session.desired.sourceHash,
    targets: [tp],
  };
}

/** Takes the guard's checkpoint (type GUARD, described by the command line); STEP_FAILED when it could not be taken. */
async function takeGuardCheckpoint(session: Session, target: Target, obs: Observed, id: string, command: string, keep: CheckpointKeep) {
  const tp = planAdHocCheckpoint(target, obs, id, `ckpt guard: ${command}`, keep, true);
  const [outcome] = await session.apply(planOf(session, obs, tp));
  if (outcome?.failed) {
    const error = outcome.steps.find((s) => s.outcome === 'failed')?.error ?? 'unknown error';
    throw new CkptError('STEP_FAILED', `checkpoint ${id} was not taken, so the command was not run: ${error}`);
  }
}

/** A guard at its end: its checkpoint, how its command ended (null: unknown, ckpt was killed), what to do on failure. */
interface GuardEnd {
  checkpointId: string;
  end: CommandEnd | null;
  onFailure: GuardOnFailure;
}

/**
 * Finishes a guard whose command ended: keeps the schema after a success (and expires guard
 * checkpoints beyond --retain), or undoes the command. Returns ckpt's own exit code: 0 when the
 * guard finished; otherwise it stays unfinished (consent missing, --plan-only, a blocker, a
 * failed or interrupted undo) and --resume finishes it later.
 */
async function finishGuard(
  ctx: CliContext,
  session: Session,
  target: Target,
  guard: GuardEnd,
  options: GuardOptions,
  signal: AbortSignal,
): Promise<number> {
  const { checkpointId } = guard;
  if (signal.aborted) return stopped(ctx, target, checkpointId);
  const journalFinish = (finish: GuardFinish) => session.journal(target, [guardEntry(checkpointId, 'guard-finished', finish)]);
  if (guard.end !== null && commandOutcomeText(guard.end) === null) {
    if (options.retain !== undefined) {
      const obs = await observeOne(session, target, 'totals');
      const keep = new Set([checkpointId, ...(obs.unfinishedGuards ?? []).map((g) => g.checkpointId)]);
      const steps = planGuardExpiry(target, obs, options.retain, keep);
      if (steps.length > 0) {
        const tp: TargetPlan = {
          target: target.name,
          connection: target.connection,
          location: targetLocation(target),
          steps,
          findings: [],
        };
        const [outcome] = await session.apply(planOf(session, obs, tp), undefined, signal);
        if (outcome?.failed) ctx.out.message(`warning: guard checkpoints beyond --retain ${options.retain} were not all expired`);
      }
    }
    await journalFinish({ undo: 'none', undoAction: null, stepsUndone: 0 });
    ctx.out.message(`The command succeeded: the schema is kept; guard ${checkpointId} recorded.`);
    return ExitCode.ok;
  }
  ctx.out.message(
    guard.end === null
      ? `Guard ${checkpointId}: ckpt was stopped while its command ran; what the command changed is undone to ${checkpointId}.`
      : `The command ${commandOutcomeText(guard.end) ?? 'failed'}.`,
  );
  if (guard.onFailure === 'keep') {
    await journalFinish({ undo: 'kept', undoAction: null, stepsUndone: 0 });
    ctx.out.message(`--on-failure keep: the schema is kept as the command left it; checkpoint ${checkpointId} can still be reset to.`);
    return ExitCode.ok;
  }
  return undo(ctx, session, target, { ...guard, onFailure: guard.onFailure }, options, journalFinish, signal);
}

/** The undo of a failed command: plan, show, consent, apply (see finishGuard). */
async function undo(
  ctx: CliContext,
  session: Session,
  target: Target,
  guard: GuardEnd & { onFailure: 'reset' | 'cleanup' },
  options: GuardOptions,
  journalFinish: (finish: GuardFinish) => Promise<void>,
  signal: AbortSignal,
): Promise<number> {
  const action = guardUndoAction(target, guard.checkpointId, guard.onFailure);
  const obs = await observeOne(session, guardUndoTarget(target, action), 'plan');
  const plan = planOf(session, obs, planGuardUndo(target, obs, action));
  ctx.out.message(renderPlan(plan, ctx.out));
  const resume = `ckpt guard --resume -t ${target.name}`;
  if (hasBlockers(plan)) {
    ctx.out.message(`Nothing was undone: the plan is blocked. Deal with the blocker, then \`${resume}\`.`);
    return ExitCode.error;
  }
  if (options.planOnly === true) {
    ctx.out.message(`Nothing was undone (--plan-only). \`${resume}\` applies it; add --on-failure keep to keep the schema instead.`);
    return ExitCode.ok;
  }
  if (signal.aborted) return stopped(ctx, target, guard.checkpointId);
  try {
    await confirm(plan, options.yes === true, { canPrompt, ask });
  } catch (error) {
    if (!(error instanceof CkptError) || (error.code !== 'CONSENT_REQUIRED' && error.code !== 'CANCELLED')) throw error;
    if (error.code === 'CANCELLED') {
      await journalFinish({ undo: 'kept', undoAction: null, stepsUndone: 0 });
      ctx.out.message(`Not undone (answered no): the schema is kept as the command left it.`);
      return ExitCode.ok;
    }
    ctx.out.message(`Nothing was undone: no one is at a terminal to confirm and --yes was not given. Run \`${resume} --yes\` to undo it.`);
    return ExitCode.refused;
  }
  if (signal.aborted) return stopped(ctx, target, guard.checkpointId);
  const applied = await session.apply(plan, progressReporter(ctx.out), signal);
  const steps = applied.flatMap((o) => o.steps);
  const failed = steps.find((s) => s.outcome === 'failed');
  if (failed !== undefined || signal.aborted) {
    const why = failed === undefined ? 'interrupted' : `${failed.step.kind} failed: ${failed.error ?? ''}`;
    ctx.out.message(`error: the undo did not finish (${why}); \`${resume}\` tries again.`);
    return failed === undefined ? ExitCode.cancelled : ExitCode.error;
  }
  const undone = steps.filter((s) => s.outcome === 'succeeded' && s.step.kind !== 'record-action').length;
  await journalFinish({ undo: 'applied', undoAction: action.id, stepsUndone: undone });
  ctx.out.message(
    `Undone: ${target.name} is back to checkpoint ${guard.checkpointId} (${guard.onFailure}, ${undone} step${undone === 1 ? '' : 's'}).`,
  );
  return ExitCode.ok;
}

/** `--resume`: finishes the target's unfinished guard (the one --id names when there are several). */
async function resumeGuard(ctx: CliContext, options: GuardOptions): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const target = singleTarget(selectTargets(desired, options.target), desired.file);
  return withSession(ctx, desired, 'guard --resume', async (session) => {
    await session.lock([target]);
    const obs = await observeOne(session, target, 'totals');
    const guard = unfinishedGuard(obs.unfinishedGuards ?? [], target, options.id);
    ctx.out.message(`Resuming guard ${guard.checkpointId} (started ${guard.startedAt}): ${guard.command}`);
    const ended = { checkpointId: guard.checkpointId, end: guard.commandEnded, onFailure: options.onFailure ?? guard.onFailure };
    return (await interruptible(ctx.out, (signal) => finishGuard(ctx, session, target, ended, options, signal))).value;
  });
}

function unfinishedGuard(guards: UnfinishedGuard[], target: Target, id: string | undefined): UnfinishedGuard {
  const named = id === undefined ? guards : guards.filter((g) => g.checkpointId === id);
  const [first] = named;
  if (first !== undefined && named.length === 1) return first;
  if (first === undefined) {
    throw new CkptError(
      'CONFIG_INVALID',
      `target ${target.name} has no unfinished guard${id === undefined ? '' : ` ${id}`}: every guard ran to its end`,
      { hint: 'see `ckpt history` for the guards and what they undid' },
    );
  }
  throw new CkptError('CONFIG_INVALID', `target ${target.name} has ${named.length} unfinished guards`, {
    hint: `name one with --id: ${named.map((g) => g.checkpointId).join(', ')}`,
  });
}

/**
 * `ckpt history`: the runs of each target (from the journal: completed, failed, interrupted;
 * their steps, duration and the config commit they came from),
 * then its guards (`ckpt guard`: the command, how it ended, what was undone), then the actions recorded in its audit table, with their outcome, the config commit they
 * came from and what each step did.
 */
import { summariseGuards } from '../../engine/guards.js';
import { summariseRuns, type RunSummary } from '../../engine/runs.js';
import type { GuardSummary } from '../../model/guard.js';
import type { RecordedAction, StepRecord } from '../../model/observed.js';
import { selectTargets, targetRef } from '../../engine/session.js';
import { displayTime } from '../../model/time.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { renderTable } from '../render-table.js';

/** Runs the command and returns its exit code. */
export async function historyCommand(ctx: CliContext, options: { file?: string; target?: string[]; json?: boolean }): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const targets = selectTargets(desired, options.target);
  return withSession(ctx, desired, 'history', async (session) => {
    const observed = await session.observe(targets, 'totals');
    const listing = await Promise.all(
      targets.map(async (t) => {
        const journal = await (await session.warehouse(t)).leases(targetRef(t)).readJournal();
        return {
          target: t.name,
          runs: summariseRuns(journal),
          guards: summariseGuards(journal),
          actions: observed.get(t.name)?.actions ?? [],
        };
      }),
    );
    if (options.json === true) {
      ctx.out.data(toJsonText({ formatVersion: 1, targets: listing }));
      return ExitCode.ok;
    }
    for (const t of listing) printTarget(ctx, t);
    return ExitCode.ok;
  });
}

/** What `ckpt history` lists of one target. */
interface TargetHistory {
  target: string;
  runs: RunSummary[];
  guards: GuardSummary[];
  actions: RecordedAction[];
}

/** One target's history for a person: its runs, its guards, its actions. */
function printTarget(ctx: CliContext, t: TargetHistory): void {
  ctx.out.data(`Target ${t.target}`);
  if (t.runs.length > 0) {
    ctx.out.data(
      renderTable(
        ['RUN', 'STARTED', 'COMMAND', 'OUTCOME', 'STEPS', 'DURATION', 'COMMIT'],
        t.runs.map((r) => [
          r.runId.slice(0, 8),
          displayTime(r.startedAt),
          r.command ?? '-',
          r.outcome,
          runStepsCell(r),
          r.durationMs === null ? '-' : `${(r.durationMs / 1000).toFixed(1)}s`,
          r.commit?.slice(0, 12) ?? '-',
        ]),
      ),
    );
    ctx.out.data('');
  }
  if (t.guards.length > 0) {
    ctx.out.data(
      renderTable(
        ['GUARD', 'STARTED', 'COMMAND', 'OUTCOME', 'EXIT', 'UNDONE'],
        t.guards.map((g) => [
          g.checkpointId,
          displayTime(g.startedAt),
          g.command ?? '-',
          g.outcome,
          g.signal ?? (g.exitCode === null ? '-' : String(g.exitCode)),
          guardUndoCell(g),
        ]),
      ),
    );
    ctx.out.data('');
  }
  if (t.actions.length === 0) {
    ctx.out.data('  no actions recorded yet');
    return;
  }
  ctx.out.data(
    renderTable(
      ['WHEN', 'ACTION', 'TYPE', 'OUTCOME', 'STEPS', 'COMMIT', 'ERROR'],
      t.actions.map((a) => [
        displayTime(a.timestamp),
        a.actionId,
        a.type,
        a.status,
        actionStepsCell(a.steps),
        a.commit?.slice(0, 12) ?? '-',
        a.error ?? '',
      ]),
    ),
  );
}

/** What a guard did about the schema: nothing to undo, kept, or the undo's action and steps. */
function guardUndoCell(g: GuardSummary): string {
  switch (g.undo) {
    case null:
      return '-';
    case 'none':
      return 'nothing (kept)';
    case 'kept':
      return 'not undone (--on-failure keep, or answered no)';
    case 'applied':
      return `${g.undoAction ?? ''}: ${g.stepsUndone} step${g.stepsUndone === 1 ? '' : 's'}`;
  }
}

/**
 * A run's steps: succeeded of planned, failed ones, and (a run killed mid-wave) the steps it
 * started whose outcome the journal never got: they may or may not have run.
 */
export function runStepsCell(r: RunSummary): string {
  const unknown = r.stepsStarted - r.stepsSucceeded - r.stepsFailed;
  const parts = [
    `${r.stepsSucceeded}${r.stepsPlanned === null ? '' : `/${r.stepsPlanned}`}`,
    ...(r.stepsFailed > 0 ? [`${r.stepsFailed} failed`] : []),
    ...(r.outcome === 'interrupted' && unknown > 0 ? [`${unknown} started, outcome unknown`] : []),
  ];
  return parts.length === 1 ? (parts[0] ?? '') : `${parts[0] ?? ''} (${parts.slice(1).join(', ')})`;
}

/** Most objects an action's STEPS cell names; the rest are counted. */
const NAMED_OBJECTS = 5;

/** An action's steps in one bounded cell: counts per kind, the first few objects, failures named. */
export function actionStepsCell(steps: StepRecord[]): string {
  if (steps.length === 0) return '-';
  const counts = new Map<string, number>();
  for (const s of steps) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, n]) => (n === 1 ? kind : `${kind} x${n}`)).join(', ');
  const failed = steps.filter((s) => s.outcome === 'failed').map((s) => `${s.object ?? s.kind} (failed)`);
  const objects = steps.filter((s) => s.object !== null && s.outcome !== 'failed').map((s) => s.object as string);
  const named = [...failed, ...objects].slice(0, NAMED_OBJECTS);
  const more = failed.length + objects.length - named.length;
  return `${kinds}${named.length > 0 ? `: ${named.join('; ')}` : ''}${more > 0 ? ` and ${more} more` : ''}`;
}

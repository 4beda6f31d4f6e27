/**
 * A guard's journal (`ckpt guard`): its events are journalled under the run id `guard:<checkpoint
 * id>`, each at most once (a fixed sequence number per event); read back, they are the guards
 * `ckpt history` lists and the unfinished guards a killed ckpt leaves (Observed.unfinishedGuards).
 * The action that undoes a guard's command is made here too. Pure.
 */
import { commandOutcome, type CommandEnd, type GuardFinish, type GuardStart, type GuardSummary } from '../model/guard.js';
import { specHash } from '../config/normalise.js';
import type { Action, Target } from '../model/desired.js';
import type { UnfinishedGuard } from '../model/observed.js';
import { guardUndoId } from '../plan/guard.js';
import type { GuardEvent, JournalEntry } from '../warehouse/lease-sql.js';

/** The run id a guard's journal entries carry: `guard:<checkpoint id>`. */
export function guardRunId(checkpointId: string): string {
  return `${GUARD_RUN_PREFIX}${checkpointId}`;
}

const GUARD_RUN_PREFIX = 'guard:';

/** The sequence number of each guard event: each is journalled at most once per guard. */
export const GUARD_EVENT_SEQ: Readonly<Record<GuardEvent, number>> = {
  'guard-started': 0,
  'guard-command-ended': 1,
  'guard-finished': 2,
};

/** The journal entry of a guard event. */
export function guardEntry(checkpointId: string, event: GuardEvent, detail: GuardStart | CommandEnd | GuardFinish): JournalEntry {
  return {
    runId: guardRunId(checkpointId),
    seq: GUARD_EVENT_SEQ[event],
    event,
    stepIndex: null,
    kind: null,
    object: checkpointId,
    group: null,
    detail: JSON.stringify(detail),
  };
}

function parsed<T>(entry: JournalEntry | undefined): Partial<T> {
  try {
    return JSON.parse(entry?.detail ?? '{}') as Partial<T>;
  } catch {
    return {};
  }
}

/** The guards of a journal (entries of other runs are ignored), oldest first. */
export function summariseGuards(entries: ReadonlyArray<JournalEntry & { at: string }>): GuardSummary[] {
  const byGuard = new Map<string, Array<JournalEntry & { at: string }>>();
  for (const e of entries) {
    if (!e.runId.startsWith(GUARD_RUN_PREFIX)) continue;
    byGuard.set(e.runId, [...(byGuard.get(e.runId) ?? []), e]);
  }
  const out: GuardSummary[] = [];
  for (const [runId, events] of byGuard) {
    const started = events.find((e) => e.event === 'guard-started');
    if (started === undefined) continue;
    const ended = events.find((e) => e.event === 'guard-command-ended');
    const finished = events.find((e) => e.event === 'guard-finished');
    const end = parsed<CommandEnd>(ended);
    const finish = parsed<GuardFinish>(finished);
    out.push({
      checkpointId: runId.slice(GUARD_RUN_PREFIX.length),
      command: parsed<GuardStart>(started).command ?? null,
      startedAt: started.at,
      endedAt: finished?.at ?? null,
      outcome: finished === undefined ? 'unfinished' : ended === undefined ? 'interrupted' : commandOutcome(end),
      exitCode: end.exitCode ?? null,
      signal: end.signal ?? null,
      undo: finish.undo ?? null,
      undoAction: finish.undoAction ?? null,
      stepsUndone: finish.stepsUndone ?? 0,
    });
  }
  return out.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
}

/**
 * The guards of a journal that started and never finished, with how their command ended when
 * the journal says (null: ckpt was killed while it ran) and what to do on failure.
 */
export function unfinishedGuards(entries: ReadonlyArray<JournalEntry & { at: string }>): UnfinishedGuard[] {
  const finished = new Set(entries.filter((e) => e.event === 'guard-finished').map((e) => e.runId));
  return entries
    .filter((e) => e.event === 'guard-started' && e.runId.startsWith(GUARD_RUN_PREFIX) && !finished.has(e.runId))
    .map((e) => {
      const start = parsed<GuardStart>(e);
      const ended = entries.find((x) => x.runId === e.runId && x.event === 'guard-command-ended');
      const end = parsed<CommandEnd>(ended);
      return {
        checkpointId: e.runId.slice(GUARD_RUN_PREFIX.length),
        command: start.command ?? '',
        startedAt: e.at,
        onFailure: start.onFailure ?? 'reset',
        commandEnded:
          ended === undefined ? null : { exitCode: end.exitCode ?? null, signal: end.signal ?? null, timedOut: end.timedOut === true },
      };
    });
}

/** The action that undoes a guard's command, recorded in the audit table as any action: a reset to its checkpoint, or a cleanup since it. */
export function guardUndoAction(target: Target, checkpointId: string, onFailure: 'reset' | 'cleanup'): Action {
  const spec: Action['spec'] = onFailure === 'reset' ? { kind: 'reset', to: checkpointId } : { kind: 'cleanup', since: checkpointId };
  return { id: guardUndoId(checkpointId), spec, specHash: specHash(spec, false), allowLarge: false, position: target.position };
}

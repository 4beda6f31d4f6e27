/**
 * Plans of `ckpt guard` besides its checkpoint (ad-hoc.ts): the undo of a failed command (a
 * reset to, or a cleanup since, the guard's checkpoint, planned as the action it is recorded as,
 * within the target's limits), and the expiry of the target's guard checkpoints beyond
 * `--retain`. Pure.
 */
import type { Action, Target } from '../model/desired.js';
import type { Observed, RecordedCheckpoint } from '../model/observed.js';
import type { Step, TargetPlan } from '../model/plan.js';
import { planTarget } from './plan.js';

/** The id of the action that undoes a guard's command: `<checkpoint id>_UNDO`. */
export function guardUndoId(checkpointId: string): string {
  return `${checkpointId}_UNDO`;
}

/**
 * The target a guard's undo is observed and planned as: `action` (a reset to, or a cleanup since,
 * the guard's checkpoint) alone, without the file's checkpoints, schedules and actions. Observing
 * this target reads the guard checkpoint's inventory (plan/inventory-needs.ts).
 */
export function guardUndoTarget(target: Target, action: Action): Target {
  return { ...target, checkpoints: [], schedules: [], actions: [action] };
}

/**
 * The plan of a guard's undo: the undo target (guardUndoTarget), planned as any action is (its
 * findings, max_drop and weight limits included) on an observation of that target. Unfinished
 * guards do not hold it back: it is what finishes them.
 */
export function planGuardUndo(target: Target, observed: Observed, action: Action): TargetPlan {
  return planTarget(guardUndoTarget(target, action), { ...observed, unfinishedGuards: [] });
}

/**
 * The expiry of the target's guard checkpoints beyond the newest `retain` (their clones with
 * them), but never one of `keep` (a guard not finished yet needs its checkpoint).
 */
export function planGuardExpiry(target: Target, observed: Observed, retain: number, keep: ReadonlySet<string>): Step[] {
  const guards = observed.checkpoints
    .filter((c) => c.type === 'GUARD' && c.status !== 'DELETED' && c.origin === 'ckpt')
    .sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : b.id < a.id ? -1 : 1));
  return guards
    .slice(retain)
    .filter((c) => !keep.has(c.id))
    .map((c: RecordedCheckpoint) => ({
      target: target.name,
      group: `checkpoint:${c.id}`,
      kind: 'expire-checkpoint' as const,
      checkpointId: c.id,
      keep: c.keep,
      reason: `ckpt guard --retain ${retain} keeps the newest ${retain} guard checkpoint${retain === 1 ? '' : 's'}${c.keep === 'clone' ? '; its clone is dropped' : ''}`,
    }));
}

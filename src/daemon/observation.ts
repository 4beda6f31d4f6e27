/**
 * What the daemon's metrics read from an observation and the plan made on it: the actions still
 * pending and the checkpoint clocks. Pure; computed in the process that observed (the reconcile
 * child), so that only these few numbers travel to the daemon, never the observation.
 */
import type { DroppedObject, Observed, RecordedCheckpoint } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { nameKey } from '../model/refs.js';
import { isAfter, sameInstant } from '../model/time.js';

/** When a target's checkpoints were taken and how long the oldest stays restorable. */
export interface CheckpointClocks {
  /** Timestamp of the newest ACTIVE (or RESTORED_TO) checkpoint, or null when there is none. */
  newestAt: string | null;
  /**
   * When the oldest such checkpoint stops being restorable: the earliest `restorableUntil` of the
   * dropped objects it holds. Null when nothing bounds it (no checkpoint, or every copy is kept
   * until ckpt releases it, as the embedded warehouse does).
   */
  oldestRestorableUntil: string | null;
}

/** Reads the checkpoint clocks of one observation. Pure. */
export function checkpointClocks(observed: Observed): CheckpointClocks {
  const kept = observed.checkpoints
    .filter((c) => (c.type === 'MANUAL' || c.type === 'AUTO') && c.status !== 'DELETED')
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const oldest = kept[0];
  const newest = kept[kept.length - 1];
  let until: string | null = null;
  if (oldest !== undefined) {
    for (const copy of observed.dropped.filter((d) => heldBy(oldest, d, observed))) {
      if (copy.restorableUntil != null && (until === null || Date.parse(copy.restorableUntil) < Date.parse(until)))
        until = copy.restorableUntil;
    }
  }
  return { newestAt: newest?.timestamp ?? null, oldestRestorableUntil: until };
}

/**
 * Whether a dropped version is one a checkpoint holds: in its inventory (same name, same
 * incarnation) when observe read it, else (only totals read) a version live when it was taken:
 * created before, dropped after.
 */
function heldBy(checkpoint: RecordedCheckpoint, d: DroppedObject, observed: Observed): boolean {
  if (checkpoint.objects === null) return !isAfter(d.created, checkpoint.timestamp) && isAfter(d.droppedOn, checkpoint.timestamp);
  const key = nameKey(d.name, observed.nameMatching);
  return checkpoint.objects.some((entry) => nameKey(entry.name, observed.nameMatching) === key && sameInstant(d.created, entry.created));
}

/** The actions of a plan not applied yet: those it still has to apply (record) and those a blocker holds back. */
export function pendingActions(plan: Plan): number {
  const pending = new Set<string>();
  for (const tp of plan.targets) {
    for (const step of tp.steps) if (step.kind === 'record-action') pending.add(step.actionId);
    for (const f of tp.findings) if (f.severity === 'blocker' && f.actionId !== null) pending.add(f.actionId);
  }
  return pending.size;
}

/**
 * Which checkpoint an action reads: one recorded in the audit table (active), or one declared in
 * the file that this same plan takes first (pending: no timestamp yet, the schema as it will be
 * when the plan takes it). Resolution gives either the source or the finding that blocks the
 * action, never both and never neither.
 */
import type { Action } from '../model/desired.js';
import { entriesRead, type InventoryEntry, type ReadCheckpoint, type RecordedCheckpoint } from '../model/observed.js';
import type { Finding } from '../model/plan.js';
import { displayTime } from '../model/time.js';
import { finding } from './findings.js';

interface SourceBase {
  id: string;
  /** What the checkpoint holds (or will hold). */
  inventory: InventoryEntry[];
  /** `checkpoint ID (TIME)`, or `checkpoint ID` while pending, for reasons and messages. */
  label: string;
}

/** A checkpoint recorded in the audit table, not deleted. */
export interface RecordedSource extends SourceBase {
  timestamp: string;
  recorded: RecordedCheckpoint;
}

/** A checkpoint declared in the file and taken by a step earlier in the same plan. */
export interface PendingSource extends SourceBase {
  timestamp: null;
  recorded: null;
}

/** Where an action's checkpoint comes from: the audit table, or a step earlier in this plan. */
export type CheckpointSource = RecordedSource | PendingSource;

/** The source of a recorded checkpoint whose entries were read. */
export function recordedSource(checkpoint: ReadCheckpoint): RecordedSource {
  return {
    id: checkpoint.id,
    inventory: checkpoint.objects,
    label: `checkpoint ${checkpoint.id}${checkpoint.timestamp ? ` (${displayTime(checkpoint.timestamp)})` : ''}`,
    timestamp: checkpoint.timestamp,
    recorded: checkpoint,
  };
}

/** The source of a checkpoint this plan takes, holding `inventory` (the schema at that point). */
export function pendingSource(id: string, inventory: InventoryEntry[]): PendingSource {
  return { id, inventory, label: `checkpoint ${id}`, timestamp: null, recorded: null };
}

/** The checkpoint an action reads, or the blocker saying why there is none. */
export type CheckpointResolution = { source: CheckpointSource } | { finding: Finding };

/**
 * Resolves checkpoint `id` for `action`: an active recorded checkpoint first, else one the plan
 * takes; a deleted or unknown id is a blocker, and so is an active one whose inventory entries
 * observe did not read (plan/inventory-needs.ts decides which it reads): ckpt never acts on an
 * inventory it has not seen.
 */
export function resolveCheckpoint(
  target: { name: string },
  action: Action,
  id: string,
  recorded: ReadonlyMap<string, RecordedCheckpoint>,
  pending: ReadonlyMap<string, PendingSource>,
): CheckpointResolution {
  const found = recorded.get(id);
  if (found !== undefined && found.status !== 'DELETED') {
    if (entriesRead(found)) return { source: recordedSource(found) };
    return {
      finding: finding(target, 'blocker', 'INVENTORY_NOT_READ', action.position, {
        actionId: action.id,
        message: `action ${action.id} needs checkpoint ${id}, whose inventory was not read for this plan (only its totals), so ckpt does not act on it rather than take it for empty; plan again: a plan reads the inventory of every checkpoint the file's actions name`,
      }),
    };
  }
  const taken = pending.get(id);
  if (taken !== undefined) return { source: taken };
  const deleted = found !== undefined;
  return {
    finding: finding(target, 'blocker', deleted ? 'CHECKPOINT_DELETED' : 'CHECKPOINT_UNKNOWN', action.position, {
      actionId: action.id,
      message: deleted
        ? `action ${action.id} needs checkpoint ${id}, which was deleted; point it at an active checkpoint`
        : `action ${action.id} needs checkpoint ${id}, which is neither declared in the file nor in the audit table; declare it under checkpoints or fix the id`,
    }),
  };
}

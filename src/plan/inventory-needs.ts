/**
 * Which checkpoints' inventory entries an observation reads: the one place that decides it, from
 * what the planner uses. Entries are the dominant cost of observe (a checkpoint of 100,000
 * objects is 100,000 rows); every other checkpoint is read by its totals only, which is all the
 * listing, restorability and the daemon's clocks need. Pure.
 *
 * What the planner reads entries of:
 * - the checkpoint each action names (`reset.to`, `cleanup.since`, `restore.from`: the diff, the
 *   restores and reverts are computed from them; checkpoint-source.ts holds an action back with
 *   INVENTORY_NOT_READ when they were not read, never treats them as empty);
 * - for a reset or a restore, every checkpoint that keeps a clone: a kept copy of another
 *   checkpoint holding the same table version can serve the content (content-source.ts keptCopy).
 * An action already applied still counts: whether it was is read in the same request as the entries.
 * Nothing else: declared checkpoints and schedules use ids, types, statuses and timestamps; the
 * fingerprint (engine/fingerprint.ts) covers checkpoint rows, not entries (an inventory never
 * changes once its audit row exists); restorability and `ckpt checkpoints` work from totals.
 */
import type { Target } from '../model/desired.js';
import { actionCheckpoint } from '../model/desired.js';
import type { InventorySelection } from '../model/observed.js';

/**
 * What an observation is for: a plan of the target's actions, or only the records (`totals`: no
 * checkpoint's entries; the listing, history, an ad-hoc checkpoint, init).
 */
export type ObservePurpose = 'plan' | 'totals';

/** The checkpoints whose entries an observation of `target` reads for `purpose`. */
export function inventoriesNeeded(target: Pick<Target, 'actions'>, purpose: ObservePurpose = 'plan'): InventorySelection {
  if (purpose === 'totals') return { ids: [], keptCopies: false };
  const ids = new Set(target.actions.flatMap((a) => actionCheckpoint(a.spec) ?? []));
  const keptCopies = target.actions.some((a) => a.spec.kind === 'reset' || a.spec.kind === 'restore');
  return { ids: [...ids].sort(), keptCopies };
}

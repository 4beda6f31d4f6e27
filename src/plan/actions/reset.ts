/**
 * Plans a reset: the schema back to the checkpoint. Drops what was created after it (as a
 * cleanup does), replaces what was re-created with the original, brings back what is missing and
 * reverts the content of tables changed since; within the target's max_drop and weight limits
 * (the rows a revert overwrites count, see weight-guard.ts). A checkpoint of
 * the old pipelines recorded neither view definitions nor content versions: what needs them is a
 * warning, and the rest goes ahead.
 */
import type { ActionSpec } from '../../model/desired.js';
import type { InventoryEntry } from '../../model/observed.js';
import { displayTime } from '../../model/time.js';
import type { ActionPlan } from '../action-plan.js';
import { dropCreated, limitDrops, sinceCheckpoint } from './cleanup.js';

/** Plans a reset (see the header). */
export function planReset(plan: ActionPlan, spec: Extract<ActionSpec, { kind: 'reset' }>): void {
  const since = sinceCheckpoint(plan, spec.to);
  if (since === null) return;
  const { src, diff } = since;
  dropCreated(plan, src, diff);
  for (const { live, recorded } of diff.recreated) {
    // A view that cannot come back (the old pipelines recorded no definition) is left in place.
    if (plan.unrecordedView(recorded, src)) continue;
    if (
      plan.drop(live, 'recreated-after-checkpoint', `re-created ${displayTime(live.created)} after ${src.label}; the original comes back`)
    ) {
      plan.restore(recorded, src);
    }
  }
  // Indexed: an iterator result per object is garbage on a large schema (see diff.ts).
  for (let i = 0; i < diff.missing.length; i += 1) plan.restore(diff.missing[i] as InventoryEntry, src);
  if (src.recorded?.origin === 'pipeline') plan.contentNotRecorded(src);
  else for (let i = 0; i < src.inventory.length; i += 1) plan.revertContent(src.inventory[i] as InventoryEntry, src);
  limitDrops(plan);
}

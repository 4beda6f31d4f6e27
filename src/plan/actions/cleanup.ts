/**
 * Plans a cleanup: drops every object created or re-created after the checkpoint, within the
 * target's max_drop and weight limits (max_drop_rows, max_drop_bytes: see weight-guard.ts). Its
 * parts (`sinceCheckpoint`, `dropCreated`, `limitDrops`) are the first and last parts of a reset too.
 */
import type { ActionSpec } from '../../model/desired.js';
import type { LiveObject } from '../../model/observed.js';
import { displayTime } from '../../model/time.js';
import type { ActionPlan } from '../action-plan.js';
import type { CheckpointSource } from '../checkpoint-source.js';
import { diffInventory, type InventoryDiff } from '../diff.js';
import { limitWeight } from '../weight-guard.js';

/** The checkpoint an action reads and how the schema differs from it; null (blocker reported) when it cannot be read. */
export function sinceCheckpoint(plan: ActionPlan, id: string): { src: CheckpointSource; diff: InventoryDiff } | null {
  const src = plan.checkpoint(id);
  if (src === null) return null;
  const { model } = plan.context;
  return { src, diff: diffInventory(src.inventory, model.objects(), model.matching) };
}

/** Drops the objects created after the checkpoint (their names are not in it). */
export function dropCreated(plan: ActionPlan, src: CheckpointSource, diff: InventoryDiff): void {
  // Indexed: an iterator result per object is garbage on a large schema (see diff.ts).
  for (let i = 0; i < diff.created.length; i += 1) {
    const object = diff.created[i] as LiveObject;
    plan.drop(object, 'created-after-checkpoint', `created ${displayTime(object.created)}, not in ${src.label}`);
  }
}

/**
 * A blocker when the action drops more objects than the target's max_drop, or more rows or bytes
 * than its weight limits, and is not allowed to.
 */
export function limitDrops(plan: ActionPlan): void {
  const { action, context } = plan;
  const max = context.target.maxDrop;
  if (plan.drops > max && !action.allowLarge) {
    plan.report(
      'blocker',
      'TOO_MANY_DROPS',
      `action ${action.id} would drop ${plan.drops} objects, more than max_drop (${max}); check the checkpoint, or add allow_large: true to the action`,
    );
  }
  limitWeight(plan);
}

/** Plans a cleanup (see the header). */
export function planCleanup(plan: ActionPlan, spec: Extract<ActionSpec, { kind: 'cleanup' }>): void {
  const since = sinceCheckpoint(plan, spec.since);
  if (since === null) return;
  const { src, diff } = since;
  dropCreated(plan, src, diff);
  for (const { live } of diff.recreated) {
    plan.drop(live, 'recreated-after-checkpoint', `re-created ${displayTime(live.created)}, after ${src.label}`);
  }
  limitDrops(plan);
}

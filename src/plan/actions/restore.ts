/**
 * Plans a restore: brings back the checkpoint's objects (all, or the ones named) that are
 * missing now. Leaves alone what exists, and says so for an object re-created since, or of
 * another kind now (a view where the checkpoint held a table, or the opposite): a reset would
 * replace it; never drops anything.
 */
import type { ActionSpec } from '../../model/desired.js';
import type { InventoryEntry, ObjectKind } from '../../model/observed.js';
import { displayIdent, nameKey } from '../../model/refs.js';
import type { ActionPlan } from '../action-plan.js';
import type { CheckpointSource } from '../checkpoint-source.js';
import { sameIncarnation } from '../diff.js';

/** Plans a restore (see the header). */
export function planRestore(plan: ActionPlan, spec: Extract<ActionSpec, { kind: 'restore' }>): void {
  const src = plan.checkpoint(spec.from);
  if (src === null) return;
  const { model } = plan.context;
  for (const entry of wanted(plan, src, spec.objects)) {
    const live = model.get(entry.name);
    if (live === undefined) plan.restore(entry, src);
    else if (live.kind !== entry.kind) {
      plan.report(
        'warning',
        'KIND_CHANGED_NOT_REPLACED',
        `${displayIdent(entry.name)} was a ${kindName(entry.kind)} in ${src.label} and is a ${kindName(live.kind)} now; restore leaves the existing ${kindName(live.kind)} in place and does not bring the ${kindName(entry.kind)} back (a reset replaces it)`,
        entry.name,
      );
    } else if (!sameIncarnation(entry, live)) {
      plan.report(
        'warning',
        'RECREATED_NOT_REPLACED',
        `${displayIdent(entry.name)} was re-created after ${src.label}; restore leaves the newer one in place (a reset replaces it)`,
        entry.name,
      );
    }
  }
}

/** `table` or `view`, for messages. */
function kindName(kind: ObjectKind): string {
  return kind.toLowerCase();
}

/** The checkpoint entries asked for: all when `objects` is null; a blocker for each name the checkpoint lacks. */
function wanted(plan: ActionPlan, src: CheckpointSource, objects: string[] | null): InventoryEntry[] {
  if (objects === null) return src.inventory;
  const { matching } = plan.context.model;
  const inventory = new Map(src.inventory.map((e) => [nameKey(e.name, matching), e]));
  return objects.flatMap((name) => {
    const entry = inventory.get(nameKey(name, matching));
    if (entry === undefined) {
      plan.report(
        'blocker',
        'OBJECT_NOT_IN_CHECKPOINT',
        `action ${plan.action.id} asks to restore ${displayIdent(name)}, which ${src.label} does not hold; ckpt does not guess: remove it from objects or pick another checkpoint`,
        name,
      );
      return [];
    }
    return [entry];
  });
}

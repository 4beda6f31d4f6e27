/**
 * Plans a full cleanup: drops every object of the schema but the protected ones (and ckpt's own
 * tables, which are never live objects). Needs no checkpoint; max_drop does not apply (the file
 * confirms it with DELETE_ALL), but the weight limits do (max_drop_rows, max_drop_bytes: a
 * DELETE_ALL says "every object", not "however much data"; see weight-guard.ts).
 */
import type { ActionPlan } from '../action-plan.js';
import { limitWeight } from '../weight-guard.js';

/** Plans a full cleanup (see the header). */
export function planFullCleanup(plan: ActionPlan): void {
  const { model, location } = plan.context;
  const reason = `full cleanup of ${location} (confirmed DELETE_ALL)`;
  for (const object of model.objects()) plan.drop(object, 'full-cleanup', reason);
  limitWeight(plan);
}

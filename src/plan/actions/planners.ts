/**
 * One planner per action kind, in a map the compiler keeps total: a new kind of action does not
 * compile until it has a planner. `planAction` runs the action's planner and finishes the plan.
 */
import type { Action, ActionSpec } from '../../model/desired.js';
import { ActionPlan, type PlanContext, type PlannedAction } from '../action-plan.js';
import { planCleanup } from './cleanup.js';
import { planFullCleanup } from './full-cleanup.js';
import { planReset } from './reset.js';
import { planRestore } from './restore.js';

/** The kinds of action. */
export type ActionKind = ActionSpec['kind'];

/** The spec of one kind of action. */
export type SpecOf<K extends ActionKind> = Extract<ActionSpec, { kind: K }>;

/** Plans the steps and findings of one kind of action into `plan`. */
export type ActionPlanner<K extends ActionKind> = (plan: ActionPlan, spec: SpecOf<K>) => void;

/** The planner of every action kind. */
export const ACTION_PLANNERS: { readonly [K in ActionKind]: ActionPlanner<K> } = {
  cleanup: planCleanup,
  reset: planReset,
  restore: planRestore,
  'full-cleanup': planFullCleanup,
};

function runPlanner<K extends ActionKind>(plan: ActionPlan, spec: SpecOf<K>): void {
  const planner: ActionPlanner<K> = ACTION_PLANNERS[spec.kind];
  planner(plan, spec);
}

/**
 * Plans one action against the schema as the context's model has it, and advances the model
 * when the action goes ahead (no blocker).
 */
export function planAction(context: PlanContext, action: Action): PlannedAction {
  const plan = new ActionPlan(context, action);
  runPlanner(plan, action.spec);
  return plan.finish();
}

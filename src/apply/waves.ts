/**
 * Which steps may run at the same time: a run of consecutive drops of one kind (views, or
 * tables) or table restores within one action are independent; view re-creations follow their
 * dependency order and every other step stands alone, so the plan's order is kept where it
 * matters (views dropped before tables, tables restored before views: docs/snowflake-behaviour.md#pitfall-6).
 * A run of consecutive view re-creations of one action is a sequence: one after another, in plan
 * order, which a warehouse may run as one unit (Warehouse.executeSequence).
 */
import type { Step } from '../model/plan.js';
import { kindOf } from '../model/step-kinds.js';

function keyOf(step: Step, which: 'wave' | 'sequence'): string | null {
  const kind = kindOf(step);
  const key = kind === undefined ? null : which === 'wave' ? kind.wave(step) : kind.sequence(step);
  return key === null ? null : `${which}\u0000${step.group}\u0000${key}`;
}

/** Step indexes grouped by consecutive equal keys (null: alone), in plan order. */
function grouped(steps: Step[], key: (step: Step) => string | null): number[][] {
  const groups: number[][] = [];
  let last: string | null = null;
  steps.forEach((step, index) => {
    const k = key(step);
    const current = groups[groups.length - 1];
    if (k !== null && k === last && current !== undefined) current.push(index);
    else groups.push([index]);
    last = k;
  });
  return groups;
}

/** Step indexes grouped into waves, in plan order. */
export function formWaves(steps: Step[]): number[][] {
  return grouped(steps, (step) => keyOf(step, 'wave'));
}

/** A run of steps apply takes together: a wave (independent steps), or a sequence (in plan order). */
export interface StepRun {
  indexes: number[];
  /** Whether the steps must run one after another in plan order (a sequence). */
  inOrder: boolean;
}

/** The plan's steps as waves and sequences, in plan order (a step in neither runs alone). */
export function formRuns(steps: Step[]): StepRun[] {
  return grouped(steps, (step) => keyOf(step, 'wave') ?? keyOf(step, 'sequence')).map((indexes) => ({
    indexes,
    inOrder: keyOf(steps[indexes[0] as number] as Step, 'sequence') !== null,
  }));
}

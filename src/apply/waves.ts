/**
 * Which steps may run at the same time: a run of consecutive drops of one kind (views, or
 * tables) or table restores within one action are independent; view re-creations follow their
 * dependency order and every other step stands alone, so the plan's order is kept where it
 * matters (views dropped before tables, tables restored before views: docs/snowflake-behaviour.md#pitfall-6).
 */
import type { Step } from '../model/plan.js';
import { kindOf } from '../model/step-kinds.js';

function waveKey(step: Step): string | null {
  const wave = kindOf(step)?.wave(step) ?? null;
  return wave === null ? null : `${step.group}\u0000${wave}`;
}

/** Step indexes grouped into waves, in plan order. */
export function formWaves(steps: Step[]): number[][] {
  const waves: number[][] = [];
  let key: string | null = null;
  steps.forEach((step, index) => {
    const k = waveKey(step);
    const last = waves[waves.length - 1];
    if (k !== null && k === key && last !== undefined) last.push(index);
    else waves.push([index]);
    key = k;
  });
  return waves;
}

/**
 * Ordering never loses a step (src/plan/order.ts): a step whose phase PHASE_ORDER does not list
 * (a phase added to ActionPhase but forgotten there) still comes out, once, after the listed
 * phases. PHASE_ORDER is replaced here by one that lacks the `view` and `drop` phases.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Step } from '../../src/model/plan.js';
import { orderActionSteps } from '../../src/plan/order.js';

vi.mock('../../src/model/step-kinds.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/model/step-kinds.js')>();
  return { ...original, PHASE_ORDER: original.PHASE_ORDER.filter((p) => p !== 'view' && p !== 'drop') };
});

const base = { target: 'demo', group: 'a1', reason: 'r', checkpointId: 'baseline' };
const view = (name: string, definition: string): Step => ({ ...base, kind: 'recreate-view', object: { name, kind: 'VIEW' }, definition });
const drop = (name: string): Step => ({
  ...base,
  kind: 'drop-object',
  object: { name, kind: 'TABLE' },
  created: '2026-11-27T08:00:00.000Z',
  cause: 'created-after-checkpoint',
});
const record: Step = { ...base, kind: 'record-action', actionId: 'a1', spec: { kind: 'reset', to: 'baseline' }, specHash: 'h' };

describe('a phase PHASE_ORDER does not list', () => {
  it('keeps its steps, after the listed phases, each phase ordered as usual', () => {
    const steps = [view('A', 'CREATE VIEW A AS SELECT * FROM B'), drop('T2'), record, view('B', 'CREATE VIEW B AS SELECT 1'), drop('T1')];
    const out = orderActionSteps(
      steps,
      'exact',
      (s) => (s.kind === 'recreate-view' ? s.definition : null),
      () => [],
    );
    expect(out.map((s) => `${s.kind} ${'object' in s ? s.object.name : ''}`.trim())).toEqual([
      'record-action',
      'recreate-view B',
      'recreate-view A',
      'drop-object T1',
      'drop-object T2',
    ]);
  });
});

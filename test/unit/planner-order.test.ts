/**
 * Ordering of an action's steps (src/plan/order.ts): by phase in PHASE_ORDER order, and within a
 * phase as the planner promises; above all, ordering only permutes: every step that goes in
 * comes out once, whatever its kind (one of each kind is built below through a total map, so a
 * new step kind does not compile until this test builds it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Step, StepKind } from '../../src/model/plan.js';
import { PHASE_ORDER, stepPhase, type StepOf } from '../../src/model/step-kinds.js';
import { orderActionSteps, type DefinitionOf, type ReferencesOf } from '../../src/plan/order.js';

const base = (name: string) => ({ target: 'demo', group: 'a1', reason: `step on ${name}` });
const table = (name: string) => ({ name, kind: 'TABLE' as const });
const view = (name: string) => ({ name, kind: 'VIEW' as const });

/** A step of each kind, on an object named after `name`. */
const BUILD: { [K in StepKind]: (name: string) => StepOf<K> } = {
  'init-audit': (name) => ({ ...base(name), kind: 'init-audit', auditTable: 'CHECKPOINT_AUDIT' }),
  'migrate-audit': (name) => ({ ...base(name), kind: 'migrate-audit', auditTable: name, fromLayout: 0, toLayout: 1, columns: ['RUN_ID'] }),
  'take-checkpoint': (name) => ({ ...base(name), kind: 'take-checkpoint', checkpointId: name, checkpointType: 'MANUAL', description: '' }),
  'expire-checkpoint': (name) => ({ ...base(name), kind: 'expire-checkpoint', checkpointId: name, scheduleId: 's' }),
  'drop-object': (name) => ({
    ...base(name),
    kind: 'drop-object',
    object: name.startsWith('V') ? view(name) : table(name),
    created: '2026-11-27T08:00:00.000Z',
    cause: 'created-after-checkpoint',
  }),
  'restore-table': (name) => ({
    ...base(name),
    kind: 'restore-table',
    object: table(name),
    created: '2026-11-27T08:00:00.000Z',
    checkpointId: 'baseline',
  }),
  'recreate-view': (name) => ({
    ...base(name),
    kind: 'recreate-view',
    object: view(name),
    definition: `CREATE VIEW ${name} AS SELECT * FROM V1`,
    checkpointId: 'baseline',
  }),
  'restore-content': (name) => ({
    ...base(name),
    kind: 'restore-content',
    object: table(name),
    created: '2026-11-27T08:00:00.000Z',
    lastAltered: null,
    columns: null,
    checkpointId: 'baseline',
    from: { kind: 'time-travel', at: '2026-11-27T09:00:00.000Z' },
    missing: false,
  }),
  'record-action': (name) => ({
    ...base(name),
    kind: 'record-action',
    actionId: 'a1',
    spec: { kind: 'reset', to: 'baseline' },
    specHash: 'h',
    checkpointId: 'baseline',
  }),
};
const KINDS = Object.keys(BUILD) as StepKind[];

function build(kind: StepKind, name: string): Step {
  const make: (name: string) => Step = BUILD[kind];
  return make(name);
}

const definitionOf: DefinitionOf = (step) => (step.kind === 'recreate-view' ? step.definition : null);
/** No step's table references another: no foreign-key ordering. */
const noReferences: ReferencesOf = () => [];
const names = fc.constantFrom('T1', 'T2', 'T3', 'V1', 'V2', 'V3', 'b', 'A');
const stepsArb = fc
  .array(fc.tuple(fc.constantFrom(...KINDS), names), { maxLength: 40 })
  .map((pairs) => pairs.map(([kind, name]) => build(kind, name)));

describe('ordering an action’s steps', () => {
  it('keeps every step, of every kind, exactly once', () => {
    const every = KINDS.flatMap((kind) => ['V2', 'T1', 'V1', 'T2'].map((name) => build(kind, name)));
    const unknown = { ...base('X'), kind: 'rename-object' } as unknown as Step; // a kind this ckpt does not know
    const input = [...every, unknown];
    const out = orderActionSteps(input, 'exact', definitionOf, noReferences);
    expect(out).toHaveLength(input.length);
    expect(new Set(out)).toEqual(new Set(input));
  });

  it('is a permutation of its input and puts phases in PHASE_ORDER order, for any steps', () => {
    fc.assert(
      fc.property(stepsArb, fc.constantFrom('exact' as const, 'case-insensitive' as const), (steps, matching) => {
        const out = orderActionSteps(steps, matching, definitionOf, noReferences);
        expect(out).toHaveLength(steps.length);
        const count = (list: Step[]) => list.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<Step, number>());
        expect(count(out)).toEqual(count(steps));
        const ranks = out.map((s) => PHASE_ORDER.indexOf(stepPhase(s)));
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });

  it('drops views (readers first) before tables by name; undrops and reverts by name; re-creates views after what they read', () => {
    const v1 = BUILD['recreate-view']('V1');
    const v2 = { ...BUILD['recreate-view']('V2'), definition: 'CREATE VIEW V2 AS SELECT * FROM V3' };
    const v3 = { ...BUILD['recreate-view']('V3'), definition: 'CREATE VIEW V3 AS SELECT 1' };
    const steps: Step[] = [
      BUILD['record-action']('R'),
      BUILD['restore-content']('T2'),
      v2,
      BUILD['drop-object']('T2'),
      BUILD['restore-table']('T9'),
      BUILD['drop-object']('V1'),
      BUILD['restore-content']('T1'),
      v1,
      BUILD['drop-object']('T1'),
      v3,
      BUILD['restore-table']('T3'),
      BUILD['drop-object']('V2'),
    ];
    const definitions = new Map([
      ['V1', 'CREATE VIEW V1 AS SELECT 1'],
      ['V2', 'CREATE VIEW V2 AS SELECT * FROM V1'],
    ]);
    const live: DefinitionOf = (s) =>
      s.kind === 'recreate-view' ? s.definition : 'object' in s ? (definitions.get(s.object.name) ?? null) : null;
    const out = orderActionSteps(steps, 'exact', live, noReferences).map((s) => `${s.kind} ${'object' in s ? s.object.name : ''}`.trim());
    expect(out).toEqual([
      'drop-object V2',
      'drop-object V1',
      'drop-object T1',
      'drop-object T2',
      'restore-table T3',
      'restore-table T9',
      'restore-content T1',
      'restore-content T2',
      'recreate-view V1',
      'recreate-view V3',
      'recreate-view V2',
      'record-action',
    ]);
  });

  describe('tables linked by foreign keys (issue 11 item 8)', () => {
    const label = (s: Step) => `${s.kind} ${'object' in s ? s.object.name : ''}`.trim();
    /** CHILD references PARENT, GRANDCHILD references CHILD; names sort against that order. */
    const fks = new Map([
      ['A_GRANDCHILD', ['B_CHILD']],
      ['B_CHILD', ['C_PARENT']],
      ['Z_LOOSE', []],
    ]);
    const referencesOf: ReferencesOf = (s) => ('object' in s ? (fks.get(s.object.name) ?? []) : []);
    const missing = (name: string): Step => ({ ...BUILD['restore-content'](name), missing: true });

    it('drops children before parents, undrops and re-creates parents before children, the rest by name', () => {
      const steps: Step[] = [
        BUILD['drop-object']('C_PARENT'),
        BUILD['drop-object']('Z_LOOSE'),
        BUILD['drop-object']('A_GRANDCHILD'),
        BUILD['drop-object']('B_CHILD'),
        BUILD['drop-object']('V1'),
        BUILD['restore-table']('A_GRANDCHILD'),
        BUILD['restore-table']('C_PARENT'),
        BUILD['restore-table']('B_CHILD'),
        missing('B_CHILD'),
        missing('A_GRANDCHILD'),
        missing('C_PARENT'),
        BUILD['record-action']('R'),
      ];
      expect(orderActionSteps(steps, 'exact', definitionOf, referencesOf).map(label)).toEqual([
        'drop-object V1',
        'drop-object A_GRANDCHILD',
        'drop-object B_CHILD',
        'drop-object C_PARENT',
        'drop-object Z_LOOSE',
        'restore-table C_PARENT',
        'restore-table B_CHILD',
        'restore-table A_GRANDCHILD',
        'restore-content C_PARENT',
        'restore-content B_CHILD',
        'restore-content A_GRANDCHILD',
        'record-action',
      ]);
    });

    it('matches references by the warehouse name matching, and ignores references to tables the action does not touch', () => {
      const lower: ReferencesOf = (s) => ('object' in s && s.object.name === 'A' ? ['b', 'OUTSIDE'] : []);
      const out = (matching: 'exact' | 'case-insensitive') =>
        orderActionSteps([BUILD['restore-table']('B'), BUILD['restore-table']('A')], matching, definitionOf, lower).map(label);
      expect(out('case-insensitive')).toEqual(['restore-table B', 'restore-table A']);
      expect(out('exact')).toEqual(['restore-table A', 'restore-table B']);
    });

    it('falls back to name order within a cycle (and for a table that references itself), keeping every step', () => {
      const cycle = new Map([
        ['T1', ['T3']],
        ['T2', ['T1']],
        ['T3', ['T2']],
        ['S', ['S']],
        ['U', ['T2']],
      ]);
      const cyclic: ReferencesOf = (s) => ('object' in s ? (cycle.get(s.object.name) ?? []) : []);
      const restores = ['U', 'T3', 'S', 'T1', 'T2'].map((n) => BUILD['restore-table'](n));
      const drops = ['U', 'T3', 'S', 'T1', 'T2'].map((n) => BUILD['drop-object'](n));
      expect(orderActionSteps(restores, 'exact', definitionOf, cyclic).map(label)).toEqual([
        'restore-table S',
        'restore-table T1',
        'restore-table T2',
        'restore-table T3',
        'restore-table U',
      ]);
      expect(orderActionSteps(drops, 'exact', definitionOf, cyclic).map(label)).toEqual([
        'drop-object S',
        'drop-object U',
        'drop-object T1',
        'drop-object T2',
        'drop-object T3',
      ]);
    });

    it('keeps every step and every foreign-key constraint of an acyclic schema, for any steps', () => {
      const order = ['T1', 'T2', 'T3', 'b', 'A'];
      const rank = (s: Step) => ('object' in s && s.object.kind === 'TABLE' ? order.indexOf(s.object.name) : -1);
      const acyclic: ReferencesOf = (s) => (rank(s) < 0 ? [] : order.slice(rank(s) + 1));
      fc.assert(
        fc.property(stepsArb, (steps) => {
          const out = orderActionSteps(steps, 'exact', definitionOf, acyclic);
          expect(new Set(out)).toEqual(new Set(steps));
          for (const phase of ['drop', 'undrop', 'content'] as const) {
            const ranks = out.filter((s) => stepPhase(s) === phase && rank(s) >= 0).map(rank);
            // A table references every table after it in `order`: parents are the later names.
            expect(ranks).toEqual([...ranks].sort((a, b) => (phase === 'drop' ? a - b : b - a)));
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});

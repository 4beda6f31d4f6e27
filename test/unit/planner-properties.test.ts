/**
 * Properties of the planner over generated schemas, audit tables and configs: the audit table,
 * ckpt's lease and journal tables and every `protect` glob are never dropped; nothing is
 * dropped for an action whose checkpoint is unknown; the same inputs give the same plan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, ActionSpec } from '../../src/model/desired.js';
import type { InventoryEntry, Observed } from '../../src/model/observed.js';
import { planTarget } from '../../src/plan/plan.js';
import { action, target } from '../support/desired.js';
import { BASELINE_AT, checkpoint, obj, observed } from '../support/observed.js';

const names = fc.constantFrom(
  'ORDERS',
  'CUSTOMERS',
  'REF_CODES',
  'REF_X',
  'KEEP_ME',
  'scratch',
  'Mixed',
  'V_A',
  'V_B',
  'TMP_1',
  'CHECKPOINT_AUDIT',
  'CHECKPOINT_AUDIT_LEASE',
  'CHECKPOINT_AUDIT_JOURNAL',
  // Names that differ from a glob or an internal table only in case.
  'SCRATCH',
  'ref_lower',
  'keep_me',
  'v_c',
  'checkpoint_audit',
);

/**
 * The test's own reading of a `protect` glob, written apart from src/model/protect.ts (which
 * compiles a regular expression): `*` any run, `?` one character, anything else itself, compared
 * case-blind when the warehouse folds names.
 */
function protectedByOracle(glob: string, name: string, caseBlind: boolean): boolean {
  const g = caseBlind ? glob.toUpperCase() : glob;
  const n = caseBlind ? name.toUpperCase() : name;
  const match = (i: number, j: number): boolean => {
    if (i === g.length) return j === n.length;
    if (g[i] === '*') return match(i + 1, j) || (j < n.length && match(i, j + 1));
    return j < n.length && (g[i] === '?' || g[i] === n[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}
const times = fc.constantFrom('2026-11-27T08:00:00.000Z', '2026-11-27T10:00:00.000Z', '2026-11-27T11:00:00.000Z');
const entry = fc
  .record({ name: names, kind: fc.constantFrom('TABLE' as const, 'VIEW' as const), created: times })
  .map((e) => obj(e.name, e.kind, e.created));
const uniqueEntries = fc.uniqueArray(entry, { selector: (e) => e.name.toUpperCase(), maxLength: 10 });
const globs = fc.subarray(['REF_*', 'KEEP_ME', '*AUDIT*', 'V_?', 'scratch', 'ref_l*']);
const spec: fc.Arbitrary<ActionSpec> = fc.oneof(
  fc.constant({ kind: 'cleanup', since: 'baseline' } as ActionSpec),
  fc.constant({ kind: 'reset', to: 'baseline' } as ActionSpec),
  fc.constant({ kind: 'restore', from: 'baseline', objects: null } as ActionSpec),
  fc.constant({ kind: 'full-cleanup' } as ActionSpec),
  fc.constant({ kind: 'cleanup', since: 'ghost' } as ActionSpec),
);
const matching = fc.constantFrom('exact' as const, 'case-insensitive' as const);

interface World {
  live: InventoryEntry[];
  inventory: InventoryEntry[];
  protect: string[];
  specs: ActionSpec[];
  matching: 'exact' | 'case-insensitive';
}

const worlds = fc.record({
  live: uniqueEntries,
  inventory: uniqueEntries,
  protect: globs,
  specs: fc.array(spec, { minLength: 1, maxLength: 3 }),
  matching,
});

function build(w: World): { actions: Action[]; obs: Observed } {
  const actions = w.specs.map((s, i) => action(`a${i}`, s, true));
  const obs = observed({
    nameMatching: w.matching,
    objects: w.live,
    dropped: w.inventory
      .filter((e) => e.kind === 'TABLE')
      .map((e) => ({ name: e.name, kind: 'TABLE', created: e.created, droppedOn: BASELINE_AT, restorableUntil: null })),
    checkpoints: [checkpoint('baseline', w.inventory)],
  });
  return { actions, obs };
}

describe('planner properties', () => {
  it('never drops the audit table, the lease or journal table, or a protected name', () => {
    fc.assert(
      fc.property(worlds, (w) => {
        const { actions, obs } = build(w);
        const plan = planTarget(target({ protect: w.protect, actions }), obs);
        const caseBlind = w.matching === 'case-insensitive';
        const internal = ['CHECKPOINT_AUDIT', 'CHECKPOINT_AUDIT_LEASE', 'CHECKPOINT_AUDIT_JOURNAL'];
        for (const step of plan.steps) {
          if (step.kind !== 'drop-object') continue;
          const name = step.object.name;
          expect(internal.some((n) => protectedByOracle(n, name, caseBlind))).toBe(false);
          expect(w.protect.filter((g) => protectedByOracle(g, name, caseBlind))).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('plans nothing for an action whose checkpoint is unknown, and says so', () => {
    fc.assert(
      fc.property(uniqueEntries, (live) => {
        const plan = planTarget(target({ actions: [action('x', { kind: 'cleanup', since: 'ghost' })] }), observed({ objects: live }));
        expect(plan.steps).toEqual([]);
        expect(plan.findings.map((f) => f.code)).toEqual(['CHECKPOINT_UNKNOWN']);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(worlds, (w) => {
        const { actions, obs } = build(w);
        const t = target({ protect: w.protect, actions });
        expect(JSON.stringify(planTarget(t, obs))).toBe(JSON.stringify(planTarget(t, obs)));
      }),
      { numRuns: 200 },
    );
  });
});

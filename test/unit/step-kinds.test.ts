/**
 * The step-kind registry is total and consistent: every kind has a symbol, a title, a summary
 * bucket, a phase and a wave rule; every destructive kind has consent wording; both adapters
 * have a handler for every kind they run. (The type checker refuses a kind missing from
 * STEP_KINDS or from an adapter's handler table; these tests catch what a cast could hide.)
 */
import { describe, expect, it } from 'vitest';
import type { Step, StepKind } from '../../src/model/plan.js';
import { summarise } from '../../src/model/plan.js';
import { PHASE_ORDER, STEP_KINDS, isDestructive, stepSubject } from '../../src/model/step-kinds.js';
import { formRuns, formWaves } from '../../src/apply/waves.js';
import { consentCounts } from '../../src/cli/consent.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { planOf } from './support/fake-warehouse.js';
import { join } from 'node:path';

const base = { target: 'demo', group: 'act', reason: 'test' };
const table = { name: 'ORDERS', kind: 'TABLE' as const };

/** One step of every kind (a Record over StepKind: a new kind must add its sample here). */
const SAMPLES: { [K in StepKind]: Extract<Step, { kind: K }> } = {
  'init-audit': { ...base, group: 'audit', kind: 'init-audit', auditTable: 'CHECKPOINT_AUDIT' },
  'migrate-audit': {
    ...base,
    group: 'audit',
    kind: 'migrate-audit',
    auditTable: 'CHECKPOINT_AUDIT',
    fromLayout: 0,
    toLayout: 1,
    columns: ['ACTION_ID', 'RUN_ID'],
  },
  'take-checkpoint': {
    ...base,
    group: 'checkpoint:b',
    kind: 'take-checkpoint',
    checkpointId: 'b',
    checkpointType: 'MANUAL',
    description: 'd',
  },
  'expire-checkpoint': { ...base, group: 'checkpoint:b', kind: 'expire-checkpoint', checkpointId: 'b', scheduleId: 's' },
  'drop-object': { ...base, kind: 'drop-object', object: table, created: '2026-01-01T00:00:00.000Z', cause: 'full-cleanup' },
  'restore-table': { ...base, kind: 'restore-table', object: table, created: '2026-01-01T00:00:00.000Z', checkpointId: 'b' },
  'recreate-view': {
    ...base,
    kind: 'recreate-view',
    object: { name: 'V', kind: 'VIEW' },
    definition: 'CREATE VIEW V AS SELECT 1',
    checkpointId: 'b',
  },
  'restore-content': {
    ...base,
    kind: 'restore-content',
    object: table,
    created: '2026-01-01T00:00:00.000Z',
    lastAltered: null,
    columns: null,
    checkpointId: 'b',
    from: { kind: 'clone', checkpointId: 'b', location: '_ckpt' },
    missing: false,
  },
  'record-action': { ...base, kind: 'record-action', actionId: 'act', spec: { kind: 'full-cleanup' }, specHash: 'h', checkpointId: null },
};

describe('step kinds', () => {
  it('every kind is defined, with a title that names what it acts on', () => {
    expect(Object.keys(STEP_KINDS).sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const step of Object.values(SAMPLES)) {
      const kind = STEP_KINDS[step.kind] as (typeof STEP_KINDS)[StepKind] & { title(s: Step, l: string): string };
      expect(['+', '-', '<', '~', '=']).toContain(kind.symbol);
      expect(PHASE_ORDER).toContain(kind.phase);
      const title = kind.title(step, 'DEMO');
      expect(title.length).toBeGreaterThan(5);
      const subject = stepSubject(step);
      if (subject !== null) expect(title).toContain(subject);
    }
  });

  it('every destructive kind has consent wording, and consent counts each destructive kind apart', () => {
    for (const step of Object.values(SAMPLES)) {
      if (isDestructive(step)) expect(STEP_KINDS[step.kind].consent, step.kind).not.toBeNull();
    }
    expect(consentCounts(planOf(Object.values(SAMPLES)))).toBe('1 object to drop and 1 table whose content is overwritten');
    expect(consentCounts(planOf([SAMPLES['take-checkpoint'], SAMPLES['restore-table']]))).toBeNull();
    expect(consentCounts(planOf([{ ...SAMPLES['restore-content'], missing: true }]))).toBeNull();
  });

  it('a step of a kind this ckpt does not know is counted as other and runs alone', () => {
    const unknown = { ...base, kind: 'grant-role' } as unknown as Step;
    expect(summarise(planOf([unknown])).other).toBe(1);
    expect(formWaves([unknown, unknown])).toEqual([[0], [1]]);
  });

  it('the summary counts every kind once, reverts apart from restores', () => {
    const s = summarise(planOf([...Object.values(SAMPLES), { ...SAMPLES['restore-content'], missing: true }]));
    expect(s).toMatchObject({
      audits: 1,
      migrations: 1,
      checkpoints: 1,
      expiries: 1,
      drops: 1,
      restores: 3,
      reverts: 1,
      actions: 1,
      other: 0,
    });
  });

  it('only drops of one object kind, or table restores, of one action share a wave', () => {
    const drop = SAMPLES['drop-object'];
    const view = { ...drop, object: { name: 'V', kind: 'VIEW' as const } };
    const other = { ...drop, group: 'other' };
    const steps: Step[] = [
      view,
      view,
      drop,
      drop,
      other,
      SAMPLES['restore-table'],
      SAMPLES['restore-table'],
      SAMPLES['recreate-view'],
      SAMPLES['recreate-view'],
    ];
    expect(formWaves(steps)).toEqual([[0, 1], [2, 3], [4], [5, 6], [7], [8]]);
  });

  it('consecutive view re-creations of one action form a sequence (in order); other steps keep their waves', () => {
    const view = SAMPLES['recreate-view'];
    const steps: Step[] = [
      SAMPLES['restore-table'],
      SAMPLES['restore-table'],
      view,
      view,
      { ...view, group: 'other' },
      SAMPLES['record-action'],
      view,
    ];
    expect(formRuns(steps)).toEqual([
      { indexes: [0, 1], inOrder: false },
      { indexes: [2, 3], inOrder: true },
      { indexes: [4], inOrder: true },
      { indexes: [5], inOrder: false },
      { indexes: [6], inOrder: true },
    ]);
  });

  it('the embedded adapter has a handler for every kind it runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-kinds-'));
    try {
      const wh = await DuckDbWarehouse.open({ path: join(dir, 'w.duckdb') });
      const kinds = Object.keys(STEP_KINDS)
        .filter((k) => k !== 'record-action')
        .sort();
      expect(Object.keys(wh.steps).sort()).toEqual(kinds);
      await wh.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

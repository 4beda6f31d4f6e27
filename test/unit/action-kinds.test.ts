/**
 * What each kind of action plans (src/plan/actions/*.ts), in the words a person reads: a cleanup
 * drops what came after the checkpoint, a reset also puts back what was replaced or is missing, a
 * restore only brings back what is missing (the named objects, or all) and says what it leaves,
 * a full cleanup drops everything unprotected whatever max_drop says.
 */
import { describe, expect, it } from 'vitest';
import type { Observed } from '../../src/model/observed.js';
import type { Step, TargetPlan } from '../../src/model/plan.js';
import type { Target } from '../../src/model/desired.js';
import { planTarget } from '../../src/plan/plan.js';
import { action, target } from '../support/desired.js';
import { checkpoint, dropped, obj, observed } from '../support/observed.js';

const LATE = '2026-11-27T10:30:00.000Z';
const ORDERS = obj('ORDERS');
const CUSTOMERS = obj('CUSTOMERS');
const BASELINE_LABEL = 'checkpoint baseline (2026-11-27 09:00:00 UTC)';

const cleanup = action('c1', { kind: 'cleanup', since: 'baseline' });
const reset = action('r1', { kind: 'reset', to: 'baseline' });
const restoreOf = (objects: string[] | null) => action('s1', { kind: 'restore', from: 'baseline', objects });
const wipe = action('w1', { kind: 'full-cleanup' });

function plan(t: Partial<Target>, o: Partial<Observed>): TargetPlan {
  return planTarget(target(t), observed(o));
}

const label = (s: Step) => `${s.kind}${'object' in s ? `:${s.object.name}` : s.kind === 'record-action' ? `:${s.actionId}` : ''}`;
const drops = (p: TargetPlan) => p.steps.flatMap((s) => (s.kind === 'drop-object' ? [[s.object.name, s.cause, s.reason]] : []));

describe('cleanup', () => {
  it('drops a table re-created since, saying when', () => {
    const p = plan({ actions: [cleanup] }, { objects: [obj('ORDERS', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [ORDERS])] });
    expect(drops(p)).toEqual([['ORDERS', 'recreated-after-checkpoint', `re-created 2026-11-27 10:30:00 UTC, after ${BASELINE_LABEL}`]]);
  });

  it('never brings back what is missing', () => {
    const p = plan({ actions: [cleanup] }, { dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] });
    expect(p.steps.map(label)).toEqual(['record-action:c1']);
  });

  it('counts re-created objects against max_drop', () => {
    const p = plan(
      { actions: [cleanup], maxDrop: 1 },
      { objects: [obj('NEW', 'TABLE', LATE), obj('ORDERS', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    );
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['TOO_MANY_DROPS']);
  });

  it('plans nothing and drops nothing on an unknown checkpoint', () => {
    const p = plan({ actions: [cleanup] }, { objects: [obj('NEW', 'TABLE', LATE)] });
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['CHECKPOINT_UNKNOWN']);
  });
});

describe('reset', () => {
  it('replaces a table re-created since with the original, saying so', () => {
    const p = plan(
      { actions: [reset] },
      { objects: [obj('ORDERS', 'TABLE', LATE)], dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    );
    expect(drops(p)).toEqual([
      ['ORDERS', 'recreated-after-checkpoint', `re-created 2026-11-27 10:30:00 UTC after ${BASELINE_LABEL}; the original comes back`],
    ]);
    expect(p.steps.map(label)).toEqual(['drop-object:ORDERS', 'restore-table:ORDERS', 'record-action:r1']);
  });

  it('drops what was created since and brings back what is missing', () => {
    const p = plan(
      { actions: [reset] },
      { objects: [obj('NEW', 'TABLE', LATE)], dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    );
    expect(p.steps.map(label)).toEqual(['drop-object:NEW', 'restore-table:ORDERS', 'record-action:r1']);
    expect(drops(p)[0]?.[1]).toBe('created-after-checkpoint');
  });

  it('counts its drops against max_drop, replacements included', () => {
    const p = plan(
      { actions: [reset], maxDrop: 1 },
      {
        objects: [obj('NEW', 'TABLE', LATE), obj('ORDERS', 'TABLE', LATE)],
        dropped: [dropped(ORDERS)],
        checkpoints: [checkpoint('baseline', [ORDERS])],
      },
    );
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.message)).toEqual([
      'action r1 would drop 2 objects, more than max_drop (1); check the checkpoint, or add allow_large: true to the action',
    ]);
  });

  it('plans nothing on a deleted checkpoint', () => {
    const p = plan(
      { actions: [reset] },
      { objects: [obj('NEW', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [], { status: 'DELETED' })] },
    );
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['CHECKPOINT_DELETED']);
  });
});

describe('restore', () => {
  it('brings back only the named objects, matched as the warehouse matches names', () => {
    const p = planTarget(
      target({ actions: [restoreOf(['orders'])] }),
      observed({
        nameMatching: 'case-insensitive',
        dropped: [dropped(ORDERS), dropped(CUSTOMERS)],
        checkpoints: [checkpoint('baseline', [ORDERS, CUSTOMERS])],
      }),
    );
    expect(p.steps.map(label)).toEqual(['restore-table:ORDERS', 'record-action:s1']);
    const exact = plan(
      { actions: [restoreOf(['orders'])] },
      { dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    );
    expect(exact.findings.map((f) => f.code)).toEqual(['OBJECT_NOT_IN_CHECKPOINT']);
  });

  it('refuses a name the checkpoint does not hold, naming it and saying ckpt does not guess', () => {
    const p = plan(
      { actions: [restoreOf(['ORDERS', 'GHOST'])] },
      { dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    );
    expect(p.steps).toEqual([]);
    expect(p.findings).toEqual([
      {
        target: 'demo',
        severity: 'blocker',
        code: 'OBJECT_NOT_IN_CHECKPOINT',
        message: `action s1 asks to restore GHOST, which ${BASELINE_LABEL} does not hold; ckpt does not guess: remove it from objects or pick another checkpoint`,
        actionId: 's1',
        object: 'GHOST',
        position: restoreOf(null).position,
      },
    ]);
  });

  it('leaves a table re-created since, and says a reset would replace it', () => {
    const p = plan(
      { actions: [restoreOf(null)] },
      { objects: [obj('ORDERS', 'TABLE', LATE)], dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    );
    expect(p.steps.map(label)).toEqual(['record-action:s1']);
    expect(p.findings.map((f) => [f.severity, f.code, f.object, f.message])).toEqual([
      [
        'warning',
        'RECREATED_NOT_REPLACED',
        'ORDERS',
        `ORDERS was re-created after ${BASELINE_LABEL}; restore leaves the newer one in place (a reset replaces it)`,
      ],
    ]);
  });

  it('leaves an object of another kind, naming both kinds', () => {
    const p = plan(
      { actions: [restoreOf(null)] },
      { objects: [obj('ORDERS', 'VIEW', LATE, 'CREATE VIEW ORDERS AS SELECT 1')], checkpoints: [checkpoint('baseline', [ORDERS])] },
    );
    expect(p.findings.map((f) => f.message)).toEqual([
      `ORDERS was a table in ${BASELINE_LABEL} and is a view now; restore leaves the existing view in place and does not bring the table back (a reset replaces it)`,
    ]);
  });

  it('says nothing about an object that is as the checkpoint holds it, and never reverts content', () => {
    const changed = { ...ORDERS, rowCount: 99 };
    const p = plan({ actions: [restoreOf(null)] }, { objects: [changed], checkpoints: [checkpoint('baseline', [ORDERS])] });
    expect(p.steps.map(label)).toEqual(['record-action:s1']);
    expect(p.findings).toEqual([]);
  });

  it('plans nothing on an unknown checkpoint', () => {
    const p = plan({ actions: [restoreOf(null)] }, { dropped: [dropped(ORDERS)] });
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['CHECKPOINT_UNKNOWN']);
  });
});

describe('full cleanup', () => {
  it('drops every unprotected object whatever max_drop says', () => {
    const p = plan({ actions: [wipe], maxDrop: 0 }, { objects: [ORDERS, CUSTOMERS] });
    expect(p.steps.map(label)).toEqual(['drop-object:CUSTOMERS', 'drop-object:ORDERS', 'record-action:w1']);
    expect(p.findings).toEqual([]);
  });
});

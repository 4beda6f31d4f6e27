/**
 * One action's plan (src/plan/action-plan.ts) through the planner: the steps it records and
 * their reasons, how a missing table comes back (its dropped version, else a kept copy, else a
 * blocker saying why), content reverts and their sources, foreign-key parents that must be
 * there, and the model following an action only when it goes ahead.
 */
import { describe, expect, it } from 'vitest';
import type { InventoryEntry, Observed } from '../../src/model/observed.js';
import type { Step, TargetPlan } from '../../src/model/plan.js';
import type { Target } from '../../src/model/desired.js';
import { planTarget } from '../../src/plan/plan.js';
import { action, target } from '../support/desired.js';
import { BASELINE_AT, checkpoint, dropped, obj, observed } from '../support/observed.js';

const LATE = '2026-11-27T10:30:00.000Z';
const ALTERED = '2026-11-27T08:30:00.000Z';
const ORDERS = obj('ORDERS');
const ORDERS_AT: InventoryEntry = { ...ORDERS, lastAltered: ALTERED, columns: ['ID', 'NOTE'] };
const ORDERS_CHANGED: InventoryEntry = { ...ORDERS_AT, lastAltered: '2026-11-27T10:00:00.000Z' };
const BASELINE_LABEL = 'checkpoint baseline (2026-11-27 09:00:00 UTC)';

const cleanup = action('c1', { kind: 'cleanup', since: 'baseline' });
const reset = action('r1', { kind: 'reset', to: 'baseline' });
const restoreAll = action('s1', { kind: 'restore', from: 'baseline', objects: null });
const wipe = action('w1', { kind: 'full-cleanup' });

function plan(t: Partial<Target>, o: Partial<Observed>): TargetPlan {
  return planTarget(target(t), observed(o));
}

const label = (s: Step) => `${s.kind}${'object' in s ? `:${s.object.name}` : s.kind === 'record-action' ? `:${s.actionId}` : ''}`;

describe('steps an action records', () => {
  it('a drop names the object, its kind, its incarnation, why, and the action it serves', () => {
    const p = plan({ actions: [cleanup] }, { objects: [obj('EXTRA', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] });
    expect(p.steps[0]).toEqual({
      target: 'demo',
      group: 'c1',
      kind: 'drop-object',
      object: { name: 'EXTRA', kind: 'TABLE' },
      created: LATE,
      cause: 'created-after-checkpoint',
      reason: `created 2026-11-27 10:30:00 UTC, not in ${BASELINE_LABEL}`,
      weight: { rows: 10, bytes: null, estimated: false },
    });
  });

  it('a dropped table carries its observed weight (rows and bytes; estimated where the warehouse only estimates), a view none', () => {
    const heavy = { ...obj('HEAVY', 'TABLE', LATE), rowCount: 41_203_113, bytes: 12_300_000_000 };
    const snow = plan({ actions: [cleanup] }, { objects: [heavy, obj('V', 'VIEW', LATE)], checkpoints: [checkpoint('baseline', [])] });
    const weights = Object.fromEntries(snow.steps.filter((s) => s.kind === 'drop-object').map((s) => [s.object.name, s.weight]));
    expect(weights).toEqual({ HEAVY: { rows: 41_203_113, bytes: 12_300_000_000, estimated: false }, V: undefined });
    const local = plan(
      { actions: [cleanup] },
      {
        rowCountsEstimated: true,
        objects: [
          { ...heavy, bytes: null },
          { ...obj('EMPTY_UNKNOWN', 'TABLE', LATE), rowCount: null },
        ],
        checkpoints: [checkpoint('baseline', [])],
      },
    );
    expect(local.steps.filter((s) => s.kind === 'drop-object').map((s) => s.weight)).toEqual([
      { rows: null, bytes: null, estimated: false },
      { rows: 41_203_113, bytes: null, estimated: true },
    ]);
  });

  it('the record step carries the spec, its hash and checkpoint, and says whether the action changes anything', () => {
    const idle = plan({ actions: [cleanup] }, { checkpoints: [checkpoint('baseline', [])] });
    expect(idle.steps).toEqual([
      {
        target: 'demo',
        group: 'c1',
        kind: 'record-action',
        actionId: 'c1',
        spec: cleanup.spec,
        specHash: cleanup.specHash,
        checkpointId: 'baseline',
        reason: 'nothing to change; records the action as applied',
      },
    ]);
    const busy = plan({ actions: [cleanup] }, { objects: [obj('EXTRA', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] });
    expect(busy.steps.at(-1)).toMatchObject({ kind: 'record-action', reason: 'records the action as applied' });
  });

  it('a full cleanup names no checkpoint and says the file confirmed it', () => {
    const p = plan({ actions: [wipe], database: 'ANALYTICS' }, { objects: [ORDERS] });
    expect(p.steps.map((s) => [s.kind, s.reason])).toEqual([
      ['drop-object', 'full cleanup of ANALYTICS.DEMO (confirmed DELETE_ALL)'],
      ['record-action', 'records the action as applied'],
    ]);
    expect(p.steps[0]).toMatchObject({ cause: 'full-cleanup' });
    expect(p.steps[1]).toMatchObject({ checkpointId: null });
  });

  it('a protected object is left in place, and the warning names it and the action', () => {
    const p = plan(
      { actions: [cleanup], protect: ['KEEP_*'] },
      { objects: [obj('KEEP_ME', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] },
    );
    expect(p.findings).toEqual([
      {
        target: 'demo',
        severity: 'warning',
        code: 'PROTECTED_KEPT',
        message: 'KEEP_ME is protected; action c1 leaves it in place',
        actionId: 'c1',
        object: 'KEEP_ME',
        position: cleanup.position,
      },
    ]);
  });
});

describe('a missing table comes back', () => {
  it('by undropping the dropped version of its incarnation', () => {
    const p = plan({ actions: [restoreAll] }, { dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] });
    expect(p.steps[0]).toEqual({
      target: 'demo',
      group: 's1',
      kind: 'restore-table',
      object: { name: 'ORDERS', kind: 'TABLE' },
      created: ORDERS.created,
      checkpointId: 'baseline',
      reason: `in ${BASELINE_LABEL} and missing now`,
      source: { droppedOn: '2026-11-27T10:00:00.000Z', restorableUntil: null },
    });
  });

  const kept = checkpoint('baseline', [ORDERS_AT], { keep: 'clone', clone: '_ckpt_baseline' });

  it('from the kept copy when its dropped version holds later rows', () => {
    const laterRows = { ...dropped(ORDERS_AT), lastAltered: ORDERS_CHANGED.lastAltered };
    const p = plan({ actions: [restoreAll] }, { dropped: [laterRows], checkpoints: [kept] });
    expect(p.steps[0]).toEqual({
      target: 'demo',
      group: 's1',
      kind: 'restore-content',
      object: { name: 'ORDERS', kind: 'TABLE' },
      created: ORDERS_AT.created,
      lastAltered: ALTERED,
      columns: ['ID', 'NOTE'],
      checkpointId: 'baseline',
      from: { kind: 'clone', checkpointId: 'baseline', location: '_ckpt_baseline' },
      missing: true,
      reason: `in ${BASELINE_LABEL} and missing now; re-created from the copy kept by checkpoint baseline`,
      writes: { rows: 10, bytes: null, estimated: false },
    });
  });

  it('from the kept copy when the content of its dropped version is unknown', () => {
    const p = plan({ actions: [restoreAll] }, { dropped: [dropped(ORDERS_AT)], checkpoints: [kept] });
    expect(p.steps.map(label)).toEqual(['restore-content:ORDERS', 'record-action:s1']);
  });

  it('by undropping when its dropped version holds the checkpoint rows, even with a kept copy', () => {
    const sameRows = { ...dropped(ORDERS_AT), lastAltered: '2026-11-27T08:30:00Z' };
    const p = plan({ actions: [restoreAll] }, { dropped: [sameRows], checkpoints: [kept] });
    expect(p.steps.map(label)).toEqual(['restore-table:ORDERS', 'record-action:s1']);
  });

  it('by undropping a version dropped earlier in the same plan, which holds the rows it had', () => {
    const p = plan({ actions: [wipe, restoreAll] }, { objects: [ORDERS_AT], checkpoints: [kept] });
    expect(p.steps.map(label)).toEqual(['drop-object:ORDERS', 'record-action:w1', 'restore-table:ORDERS', 'record-action:s1']);
  });

  it('never, when nothing was kept: the blocker names the table, its creation and why', () => {
    const p = plan({ actions: [restoreAll] }, { checkpoints: [checkpoint('baseline', [ORDERS])] });
    expect(p.steps).toEqual([]);
    expect(p.findings).toEqual([
      {
        target: 'demo',
        severity: 'blocker',
        code: 'NOT_RESTORABLE',
        message:
          'ORDERS (created 2026-11-27 08:00:00 UTC) cannot be restored: it was dropped outside ckpt or its retention has passed, so no copy of it is kept',
        actionId: 's1',
        object: 'ORDERS',
        position: restoreAll.position,
      },
    ]);
  });

  it('never, when only later versions of the name were kept, and the blocker says so', () => {
    const later = dropped(obj('ORDERS', 'TABLE', LATE));
    const p = plan({ actions: [restoreAll] }, { dropped: [later], checkpoints: [checkpoint('baseline', [ORDERS])] });
    expect(p.findings.map((f) => f.message)).toEqual([
      'ORDERS (created 2026-11-27 08:00:00 UTC) cannot be restored: only later versions of that name were kept',
    ]);
  });

  it('a view from its captured definition, or a blocker when none was captured', () => {
    const view = obj('V_ORDERS', 'VIEW', ORDERS.created, 'CREATE VIEW V_ORDERS AS SELECT * FROM ORDERS');
    const p = plan({ actions: [restoreAll] }, { objects: [ORDERS], checkpoints: [checkpoint('baseline', [ORDERS, view])] });
    expect(p.steps[0]).toEqual({
      target: 'demo',
      group: 's1',
      kind: 'recreate-view',
      object: { name: 'V_ORDERS', kind: 'VIEW' },
      definition: 'CREATE VIEW V_ORDERS AS SELECT * FROM ORDERS',
      checkpointId: 'baseline',
      reason: `in ${BASELINE_LABEL} and missing now; re-created from its captured definition`,
    });
    const blind = plan({ actions: [restoreAll] }, { checkpoints: [checkpoint('baseline', [{ ...view, definition: null }])] });
    expect(blind.steps).toEqual([]);
    expect(blind.findings.map((f) => [f.code, f.object, f.message])).toEqual([
      [
        'NOT_RESTORABLE',
        'V_ORDERS',
        `the checkpoint holds no definition for view V_ORDERS: the role that took ${BASELINE_LABEL} could not see it (Snowflake shows a secure view's definition only to the role that owns it), so ckpt cannot bring it back: run ckpt with the role that owns the view (or one that inherits it), so that the checkpoints it takes hold the definition`,
      ],
    ]);
  });
});

describe('content reverts', () => {
  it('carry what they overwrite (the live table) and what they write (the checkpoint inventory)', () => {
    const now = { ...ORDERS_CHANGED, rowCount: 500, bytes: 9_000 };
    const then = { ...ORDERS_AT, rowCount: 40, bytes: 1_024 };
    const p = plan({ actions: [reset] }, { objects: [now], checkpoints: [checkpoint('baseline', [then])] });
    expect(p.steps[0]).toMatchObject({
      kind: 'restore-content',
      weight: { rows: 500, bytes: 9_000, estimated: false },
      writes: { rows: 40, bytes: 1_024, estimated: false },
    });
  });

  it('say what changed and where the rows come from: Time Travel', () => {
    const p = plan({ actions: [reset] }, { objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] });
    expect(p.steps[0]).toMatchObject({
      kind: 'restore-content',
      checkpointId: 'baseline',
      reason: `it was altered at 2026-11-27 10:00:00 UTC after ${BASELINE_LABEL}; its rows and columns are reverted from Time Travel AT ${BASELINE_AT}`,
    });
  });

  it('say what changed and where the rows come from: a kept copy', () => {
    const p = plan(
      { actions: [reset] },
      { objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT], { keep: 'clone', clone: '_ckpt' })] },
    );
    expect(p.steps[0]?.reason).toBe(
      `it was altered at 2026-11-27 10:00:00 UTC after ${BASELINE_LABEL}; its rows and columns are reverted from the copy kept by checkpoint baseline`,
    );
  });

  it('a protected table keeps its content, and the warning says what changed', () => {
    const p = plan(
      { actions: [reset], protect: ['ORDERS'] },
      { objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    );
    expect(p.findings.map((f) => [f.code, f.object, f.message])).toEqual([
      [
        'PROTECTED_KEPT',
        'ORDERS',
        'ORDERS is protected; action r1 leaves its content as it is (it was altered at 2026-11-27 10:00:00 UTC)',
      ],
    ]);
  });

  it('a blocker says what changed since the checkpoint and why it cannot be restored', () => {
    const p = plan(
      { actions: [reset] },
      { now: '2026-11-29T12:00:00.000Z', objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    );
    expect(p.findings).toHaveLength(1);
    expect(p.findings[0]).toMatchObject({ code: 'NOT_RESTORABLE', object: 'ORDERS', severity: 'blocker' });
    expect(p.findings[0]?.message).toMatch(
      new RegExp(
        `^the content of ORDERS changed after checkpoint baseline \\(2026-11-27 09:00:00 UTC\\) \\(it was altered at 2026-11-27 10:00:00 UTC\\) and cannot be restored: checkpoint baseline stopped being restorable on `,
      ),
    );
  });

  it('advise keep: clone unless the file declares it for that very checkpoint', () => {
    const late = { now: '2026-11-29T12:00:00.000Z', objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] };
    const spec = { id: 'baseline', description: '', keep: 'inventory' as const, position: { line: 2, col: 3 } };
    const advice = 'declare checkpoints with keep: clone to restore at any age';
    expect(plan({ actions: [reset], checkpoints: [spec] }, late).findings.at(-1)?.message).toContain(advice);
    expect(plan({ actions: [reset], checkpoints: [{ ...spec, id: 'other', keep: 'clone' }] }, late).findings.at(-1)?.message).toContain(
      advice,
    );
    expect(plan({ actions: [reset], checkpoints: [{ ...spec, keep: 'clone' }] }, late).findings.at(-1)?.message).toContain(
      'checkpoint baseline was taken without keep: clone',
    );
  });

  it('never touch a table re-created since: the reset replaces it with the original', () => {
    const newer = { ...ORDERS_CHANGED, created: LATE, rowCount: 99 };
    const p = plan(
      { actions: [reset] },
      { objects: [newer], dropped: [dropped(ORDERS_AT)], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    );
    expect(p.steps.map(label)).toEqual(['drop-object:ORDERS', 'restore-table:ORDERS', 'record-action:r1']);
    expect(p.findings).toEqual([]);
  });

  it('a protected re-created table is neither dropped nor replaced', () => {
    const newer = { ...ORDERS_CHANGED, created: LATE };
    const p = plan(
      { actions: [reset], protect: ['ORDERS'] },
      { objects: [newer], dropped: [dropped(ORDERS_AT)], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    );
    expect(p.steps.map(label)).toEqual(['record-action:r1']);
    expect(p.findings.map((f) => f.code)).toEqual(['PROTECTED_KEPT']);
  });

  it('a reset to a checkpoint this plan takes, after an earlier action changed a table, is held back until the checkpoint is recorded', () => {
    const spec = { id: 'baseline', description: '', keep: 'inventory' as const, position: { line: 2, col: 3 } };
    const toOld = action('r0', { kind: 'reset', to: 'old' });
    const p = plan(
      { actions: [toOld, reset], checkpoints: [spec] },
      { objects: [ORDERS_CHANGED], checkpoints: [checkpoint('old', [ORDERS_AT])] },
    );
    expect(p.steps.map(label)).toEqual(['take-checkpoint', 'restore-content:ORDERS', 'record-action:r0']);
    expect(p.findings.map((f) => [f.severity, f.code, f.actionId, f.object])).toEqual([
      ['blocker', 'CHECKPOINT_NOT_TAKEN', 'r1', 'ORDERS'],
    ]);
    expect(p.findings[0]?.message).toContain('reconcile again after this run');
  });

  it('a reset to a checkpoint this plan takes reverts nothing when no earlier action changed the table', () => {
    const spec = { id: 'baseline', description: '', keep: 'inventory' as const, position: { line: 2, col: 3 } };
    const p = plan({ actions: [reset], checkpoints: [spec] }, { objects: [ORDERS_CHANGED], checkpoints: [] });
    expect(p.steps.map(label)).toEqual(['take-checkpoint', 'record-action:r1']);
    expect(p.findings).toEqual([]);
  });
});

describe('the model follows an action only when it goes ahead', () => {
  it('a held-back action leaves the schema as it was for the next action', () => {
    const first = action('c1', { kind: 'cleanup', since: 'baseline' });
    const second = action('c2', { kind: 'cleanup', since: 'baseline' }, true);
    const p = plan(
      { actions: [first, second], maxDrop: 1 },
      { objects: [obj('A', 'TABLE', LATE), obj('B', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] },
    );
    expect(p.findings.map((f) => [f.code, f.actionId, f.message])).toEqual([
      [
        'TOO_MANY_DROPS',
        'c1',
        'action c1 would drop 2 objects, more than max_drop (1); check the checkpoint, or add allow_large: true to the action',
      ],
    ]);
    expect(p.steps.map(label)).toEqual(['drop-object:A', 'drop-object:B', 'record-action:c2']);
  });

  it('a restore after a reset sees what the reset brought back', () => {
    const p = plan({ actions: [reset, restoreAll] }, { dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] });
    expect(p.steps.map(label)).toEqual(['restore-table:ORDERS', 'record-action:r1', 'record-action:s1']);
  });

  it('a restore after a reset sees the views it re-created and the tables whose content it reverted', () => {
    const view = obj('V_ORDERS', 'VIEW', ORDERS.created, 'CREATE VIEW V_ORDERS AS SELECT * FROM ORDERS');
    const p = plan(
      { actions: [reset, restoreAll] },
      { objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT, view], { keep: 'clone', clone: '_ckpt' })] },
    );
    expect(p.steps.map(label)).toEqual(['restore-content:ORDERS', 'recreate-view:V_ORDERS', 'record-action:r1', 'record-action:s1']);
    expect(p.findings).toEqual([]);
  });
});

describe('foreign keys', () => {
  const CUSTOMERS = obj('CUSTOMERS');
  const child = (name: string, ...references: string[]): InventoryEntry => ({ ...obj(name), references });

  it('a restored table whose parent will not be there is held back, naming the parent', () => {
    const orders = child('ORDERS', 'CUSTOMERS');
    const p = plan(
      { actions: [action('s2', { kind: 'restore', from: 'baseline', objects: ['ORDERS'] })] },
      { dropped: [dropped(orders)], checkpoints: [checkpoint('baseline', [orders, CUSTOMERS])] },
    );
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => [f.code, f.object, f.message])).toEqual([
      ['NOT_RESTORABLE', 'ORDERS', 'ORDERS references CUSTOMERS (FOREIGN KEY), which will not be there; restore it too'],
    ]);
  });

  it('names every missing parent, and asks to restore them too', () => {
    const orders = child('ORDERS', 'CUSTOMERS', 'PRODUCTS');
    const p = plan({ actions: [restoreAll] }, { dropped: [dropped(orders)], checkpoints: [checkpoint('baseline', [orders])] });
    expect(p.findings.map((f) => f.message)).toEqual([
      'ORDERS references CUSTOMERS, PRODUCTS (FOREIGN KEY), which will not be there; restore them too',
    ]);
  });

  it('a parent that is live, restored by the same action, or the table itself is there', () => {
    const orders = child('ORDERS', 'CUSTOMERS', 'ORDERS');
    const live = plan(
      { actions: [restoreAll] },
      { objects: [CUSTOMERS], dropped: [dropped(orders)], checkpoints: [checkpoint('baseline', [orders, CUSTOMERS])] },
    );
    expect(live.findings).toEqual([]);
    expect(live.steps.map(label)).toEqual(['restore-table:ORDERS', 'record-action:s1']);
    const both = plan(
      { actions: [restoreAll] },
      { dropped: [dropped(orders), dropped(CUSTOMERS)], checkpoints: [checkpoint('baseline', [orders, CUSTOMERS])] },
    );
    expect(both.findings).toEqual([]);
  });

  it('parents are matched by name as the warehouse matches names', () => {
    const orders = child('orders', 'Customers');
    const p = planTarget(
      target({ actions: [restoreAll] }),
      observed({
        nameMatching: 'case-insensitive',
        objects: [obj('CUSTOMERS')],
        dropped: [dropped(orders)],
        checkpoints: [checkpoint('baseline', [orders])],
      }),
    );
    expect(p.findings).toEqual([]);
  });

  it('a parent the same action drops is not there', () => {
    const orders = child('ORDERS', 'CUSTOMERS');
    const newer = obj('CUSTOMERS', 'TABLE', LATE);
    const p = plan({ actions: [reset] }, { objects: [newer], dropped: [dropped(orders)], checkpoints: [checkpoint('baseline', [orders])] });
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['NOT_RESTORABLE']);
  });

  it('a reset replacing a re-created parent restores the parent before its child', () => {
    const orders = child('A_ORDERS', 'Z_CUSTOMERS');
    const customers = obj('Z_CUSTOMERS');
    const p = plan(
      { actions: [reset] },
      {
        objects: [obj('Z_CUSTOMERS', 'TABLE', LATE)],
        dropped: [dropped(orders), dropped(customers)],
        checkpoints: [checkpoint('baseline', [orders, customers])],
      },
    );
    expect(p.steps.map(label)).toEqual([
      'drop-object:Z_CUSTOMERS',
      'restore-table:Z_CUSTOMERS',
      'restore-table:A_ORDERS',
      'record-action:r1',
    ]);
  });

  it('drops a child before the parent it references', () => {
    const live = [obj('A_CUSTOMERS', 'TABLE', LATE), { ...obj('Z_ORDERS', 'TABLE', LATE), references: ['A_CUSTOMERS'] }];
    const p = plan({ actions: [cleanup] }, { objects: live, checkpoints: [checkpoint('baseline', [])] });
    expect(p.steps.map(label)).toEqual(['drop-object:Z_ORDERS', 'drop-object:A_CUSTOMERS', 'record-action:c1']);
  });
});

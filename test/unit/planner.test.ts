/**
 * The planner, table-driven: every step kind and every finding, from (desired, observed)
 * values only. Also: purity (same inputs, same plan) and ordering rules.
 */
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import type { FindingCode, Step } from '../../src/model/plan.js';
import type { Observed } from '../../src/model/observed.js';
import { planTarget, type PlanClock } from '../../src/plan/plan.js';
import { action, target } from '../support/desired.js';
import { checkpoint, dropped, obj, observed, recorded } from '../support/observed.js';

const BASELINE = [{ id: 'baseline', description: 'start', keep: 'inventory' as const, position: { line: 3, col: 9 } }];
const ORDERS = obj('ORDERS');
const CUSTOMERS = obj('CUSTOMERS');
const V_ORDERS = obj('V_ORDERS', 'VIEW', '2026-11-27T08:00:00.000Z', 'CREATE VIEW V_ORDERS AS SELECT * FROM ORDERS');
const LATE = '2026-11-27T10:30:00.000Z';

const cleanup = action('c1', { kind: 'cleanup', since: 'baseline' });
const reset = action('r1', { kind: 'reset', to: 'baseline' });
const restoreAll = action('s1', { kind: 'restore', from: 'baseline', objects: null });
const wipe = action('w1', { kind: 'full-cleanup' });

interface Case {
  name: string;
  target: Partial<Target>;
  observed: Partial<Observed>;
  steps: string[];
  findings?: FindingCode[];
  clock?: PlanClock;
}

const HOURLY = { id: 'hourly', cron: '0 * * * *', timezone: 'UTC', description: '', retain: 2, position: { line: 5, col: 9 } };
const DAILY = { ...HOURLY, id: 'daily', cron: '0 0 * * *', retain: null };
const firedAt = (iso: string): PlanClock => ({ lastFiring: () => iso });
const auto = (id: string, timestamp: string) => checkpoint(id, [], { type: 'AUTO', timestamp });

const ALTERED = '2026-11-27T08:30:00.000Z';
/** ORDERS as the checkpoint recorded it (content version ALTERED, two columns), and changed since. */
const ORDERS_AT = { ...ORDERS, lastAltered: ALTERED, columns: ['ID', 'NOTE'] };
const ORDERS_CHANGED = { ...ORDERS_AT, lastAltered: '2026-11-27T10:00:00.000Z' };
const NO_TT = { retentionDays: null };

const label = (s: Step) =>
  `${s.kind}${'object' in s ? `:${s.object.name}` : s.kind === 'take-checkpoint' || s.kind === 'expire-checkpoint' ? `:${s.checkpointId}` : s.kind === 'record-action' ? `:${s.actionId}` : ''}`;

const cases: Case[] = [
  { name: 'creates the audit table when missing', target: {}, observed: { auditTableExists: false }, steps: ['init-audit'] },
  {
    name: 'takes a declared checkpoint not in the audit table',
    target: { checkpoints: BASELINE },
    observed: { objects: [ORDERS] },
    steps: ['take-checkpoint:baseline'],
  },
  {
    name: 'never retakes a checkpoint',
    target: { checkpoints: BASELINE },
    observed: { checkpoints: [checkpoint('baseline', [], { description: 'start' })] },
    steps: [],
  },
  {
    name: 'a taken checkpoint whose keep changed in the file is reported, not retaken',
    target: { checkpoints: [{ ...BASELINE[0]!, keep: 'clone' }] },
    observed: { checkpoints: [checkpoint('baseline', [], { description: 'start' })] },
    steps: [],
    findings: ['CHECKPOINT_SPEC_CHANGED'],
  },
  {
    name: 'a taken checkpoint whose description changed in the file is reported, not retaken',
    target: { checkpoints: BASELINE },
    observed: { checkpoints: [checkpoint('baseline', [], { description: 'the start' })] },
    steps: [],
    findings: ['CHECKPOINT_SPEC_CHANGED'],
  },
  {
    name: 'reports a deleted declared checkpoint instead of retaking it',
    target: { checkpoints: BASELINE },
    observed: { checkpoints: [checkpoint('baseline', [], { status: 'DELETED' })] },
    steps: [],
    findings: ['CHECKPOINT_DELETED'],
  },
  {
    name: 'a schedule that fired and has no checkpoint takes an AUTO one',
    target: { schedules: [HOURLY] },
    observed: {},
    clock: firedAt('2026-11-27T12:00:00.000Z'),
    steps: ['take-checkpoint:AUTO_hourly_2026_11_27_12_00_00'],
  },
  {
    name: 'a schedule whose newest checkpoint is after its last firing takes nothing',
    target: { schedules: [HOURLY] },
    observed: { checkpoints: [auto('AUTO_hourly_2026_11_27_11_00_00', '2026-11-27T11:00:01.000Z')] },
    clock: firedAt('2026-11-27T11:00:00.000Z'),
    steps: [],
  },
  {
    name: 'a schedule keeps its newest `retain` checkpoints and expires the rest',
    target: { schedules: [HOURLY] },
    observed: {
      checkpoints: [
        auto('AUTO_hourly_2026_11_27_09_00_00', '2026-11-27T09:00:01.000Z'),
        auto('AUTO_hourly_2026_11_27_10_00_00', '2026-11-27T10:00:01.000Z'),
        auto('AUTO_hourly_2026_11_27_11_00_00', '2026-11-27T11:00:01.000Z'),
        auto('AUTO_other_2026_11_27_08_00_00', '2026-11-27T08:00:01.000Z'),
        auto('AUTO_hourly_2026_11_27_07_00_00', '2026-11-27T07:00:01.000Z'),
      ],
    },
    clock: firedAt('2026-11-27T12:00:00.000Z'),
    steps: [
      'take-checkpoint:AUTO_hourly_2026_11_27_12_00_00',
      'expire-checkpoint:AUTO_hourly_2026_11_27_10_00_00',
      'expire-checkpoint:AUTO_hourly_2026_11_27_09_00_00',
      'expire-checkpoint:AUTO_hourly_2026_11_27_07_00_00',
    ],
  },
  {
    name: "a schedule's retention never counts another schedule's checkpoints whose id extends its own",
    target: { schedules: [{ ...DAILY, retain: 1 }] },
    observed: {
      checkpoints: [
        auto('AUTO_daily_2026_11_27_09_00_00', '2026-11-27T09:00:01.000Z'),
        auto('AUTO_daily_eu_2026_11_27_10_00_00', '2026-11-27T10:00:01.000Z'),
        auto('AUTO_daily_eu_2026_11_27_08_00_00', '2026-11-27T08:00:01.000Z'),
        auto('AUTO_daily_2026_11_27_07_00_00_old', '2026-11-27T07:00:01.000Z'),
      ],
    },
    steps: [],
  },
  {
    name: "a schedule never takes another schedule's newer checkpoint for its own",
    target: { schedules: [DAILY] },
    observed: { checkpoints: [auto('AUTO_daily_eu_2026_11_27_10_00_00', '2026-11-27T10:00:01.000Z')] },
    clock: firedAt('2026-11-27T10:00:00.000Z'),
    steps: ['take-checkpoint:AUTO_daily_2026_11_27_12_00_00'],
  },
  {
    name: 'each of two schedules whose ids share a prefix expires only its own checkpoints',
    target: {
      schedules: [
        { ...DAILY, retain: 1 },
        { ...DAILY, id: 'daily_eu', retain: 1 },
      ],
    },
    observed: {
      checkpoints: [
        auto('AUTO_daily_2026_11_27_09_00_00', '2026-11-27T09:00:01.000Z'),
        auto('AUTO_daily_2026_11_27_08_00_00', '2026-11-27T08:00:01.000Z'),
        auto('AUTO_daily_eu_2026_11_27_10_00_00', '2026-11-27T10:00:01.000Z'),
        auto('AUTO_daily_eu_2026_11_27_07_00_00', '2026-11-27T07:00:01.000Z'),
      ],
    },
    steps: ['expire-checkpoint:AUTO_daily_2026_11_27_08_00_00', 'expire-checkpoint:AUTO_daily_eu_2026_11_27_07_00_00'],
  },
  {
    name: 'cleanup drops objects created after the checkpoint, views first',
    target: { actions: [cleanup] },
    observed: {
      objects: [ORDERS, obj('EXTRA', 'TABLE', LATE), obj('V_EXTRA', 'VIEW', LATE, 'CREATE VIEW V_EXTRA AS SELECT * FROM EXTRA')],
      checkpoints: [checkpoint('baseline', [ORDERS])],
    },
    steps: ['drop-object:V_EXTRA', 'drop-object:EXTRA', 'record-action:c1'],
  },
  {
    name: 'cleanup drops views that read views before the views they read',
    target: { actions: [cleanup] },
    observed: {
      objects: [
        obj('A_TOP', 'VIEW', LATE, 'CREATE VIEW A_TOP AS SELECT * FROM Z_MID'),
        obj('Z_MID', 'VIEW', LATE, 'CREATE VIEW Z_MID AS SELECT * FROM ORDERS'),
        ORDERS,
      ],
      checkpoints: [checkpoint('baseline', [ORDERS])],
    },
    steps: ['drop-object:A_TOP', 'drop-object:Z_MID', 'record-action:c1'],
  },
  {
    name: 'cleanup drops a table re-created after the checkpoint',
    target: { actions: [cleanup] },
    observed: { objects: [obj('ORDERS', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    steps: ['drop-object:ORDERS', 'record-action:c1'],
  },
  {
    name: 'cleanup keeps protected names and says so',
    target: { actions: [cleanup], protect: ['REF_*'] },
    observed: { objects: [obj('REF_CODES', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] },
    steps: ['record-action:c1'],
    findings: ['PROTECTED_KEPT'],
  },
  {
    name: 'cleanup never drops the audit table',
    target: { actions: [cleanup] },
    observed: { objects: [obj('CHECKPOINT_AUDIT', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] },
    steps: ['record-action:c1'],
    findings: ['PROTECTED_KEPT'],
  },
  {
    name: 'an action whose checkpoint is unknown is a blocker, never "everything is new"',
    target: { actions: [cleanup] },
    observed: { objects: [ORDERS] },
    steps: [],
    findings: ['CHECKPOINT_UNKNOWN'],
  },
  {
    name: 'an action on a deleted checkpoint is a blocker',
    target: { actions: [cleanup] },
    observed: { objects: [ORDERS], checkpoints: [checkpoint('baseline', [], { status: 'DELETED' })] },
    steps: [],
    findings: ['CHECKPOINT_DELETED'],
  },
  {
    name: 'an action on a checkpoint taken in the same run changes nothing',
    target: { checkpoints: BASELINE, actions: [cleanup] },
    observed: { objects: [ORDERS] },
    steps: ['take-checkpoint:baseline', 'record-action:c1'],
  },
  {
    name: 'more drops than max_drop are refused',
    target: { actions: [cleanup], maxDrop: 1 },
    observed: { objects: [obj('A', 'TABLE', LATE), obj('B', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] },
    steps: [],
    findings: ['TOO_MANY_DROPS'],
  },
  {
    name: 'exactly max_drop drops are allowed (the limit is inclusive)',
    target: { actions: [cleanup], maxDrop: 2 },
    observed: { objects: [obj('A', 'TABLE', LATE), obj('B', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] },
    steps: ['drop-object:A', 'drop-object:B', 'record-action:c1'],
  },
  {
    name: 'allow_large lifts max_drop',
    target: { actions: [action('c1', { kind: 'cleanup', since: 'baseline' }, true)], maxDrop: 1 },
    observed: { objects: [obj('A', 'TABLE', LATE), obj('B', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [])] },
    steps: ['drop-object:A', 'drop-object:B', 'record-action:c1'],
  },
  {
    name: 'restore brings back kept tables first, then views in dependency order',
    target: { actions: [restoreAll] },
    observed: {
      objects: [],
      dropped: [dropped(ORDERS), dropped(CUSTOMERS)],
      checkpoints: [
        checkpoint('baseline', [
          ORDERS,
          CUSTOMERS,
          obj('A_TOP', 'VIEW', '2026-11-27T08:00:00.000Z', 'CREATE VIEW A_TOP AS SELECT * FROM V_ORDERS'),
          V_ORDERS,
        ]),
      ],
    },
    steps: ['restore-table:CUSTOMERS', 'restore-table:ORDERS', 'recreate-view:V_ORDERS', 'recreate-view:A_TOP', 'record-action:s1'],
  },
  {
    name: 'restore of a table nothing kept is a blocker',
    target: { actions: [restoreAll] },
    observed: { objects: [], checkpoints: [checkpoint('baseline', [ORDERS])] },
    steps: [],
    findings: ['NOT_RESTORABLE'],
  },
  {
    name: 'restore of an object the checkpoint never held is a blocker',
    target: { actions: [action('s2', { kind: 'restore', from: 'baseline', objects: ['GHOST'] })] },
    observed: { checkpoints: [checkpoint('baseline', [ORDERS])], objects: [ORDERS] },
    steps: [],
    findings: ['OBJECT_NOT_IN_CHECKPOINT'],
  },
  {
    name: 'restore leaves a re-created object and says reset would replace it',
    target: { actions: [restoreAll] },
    observed: { objects: [obj('ORDERS', 'TABLE', LATE)], dropped: [dropped(ORDERS)], checkpoints: [checkpoint('baseline', [ORDERS])] },
    steps: ['record-action:s1'],
    findings: ['RECREATED_NOT_REPLACED'],
  },
  {
    name: 'restore leaves a view now holding the name of a checkpoint table, and says so',
    target: { actions: [restoreAll] },
    observed: {
      objects: [obj('ORDERS', 'VIEW', LATE, 'CREATE VIEW ORDERS AS SELECT 1')],
      dropped: [dropped(ORDERS)],
      checkpoints: [checkpoint('baseline', [ORDERS])],
    },
    steps: ['record-action:s1'],
    findings: ['KIND_CHANGED_NOT_REPLACED'],
  },
  {
    name: 'restore leaves a table now holding the name of a checkpoint view, and says so',
    target: { actions: [restoreAll] },
    observed: { objects: [obj('V_ORDERS', 'TABLE', LATE)], checkpoints: [checkpoint('baseline', [V_ORDERS])] },
    steps: ['record-action:s1'],
    findings: ['KIND_CHANGED_NOT_REPLACED'],
  },
  {
    name: 'reset replaces a view now holding the name of a checkpoint table',
    target: { actions: [reset] },
    observed: {
      objects: [obj('ORDERS', 'VIEW', LATE, 'CREATE VIEW ORDERS AS SELECT 1')],
      dropped: [dropped(ORDERS)],
      checkpoints: [checkpoint('baseline', [ORDERS])],
    },
    steps: ['drop-object:ORDERS', 'restore-table:ORDERS', 'record-action:r1'],
  },
  {
    name: 'reset drops the newcomer and brings the original back',
    target: { actions: [reset] },
    observed: {
      objects: [obj('ORDERS', 'TABLE', LATE), obj('NEW', 'TABLE', LATE)],
      dropped: [dropped(ORDERS)],
      checkpoints: [checkpoint('baseline', [ORDERS, V_ORDERS])],
    },
    steps: ['drop-object:NEW', 'drop-object:ORDERS', 'restore-table:ORDERS', 'recreate-view:V_ORDERS', 'record-action:r1'],
  },
  {
    name: 'reset treats a redefined view as a newcomer',
    target: { actions: [reset] },
    observed: {
      objects: [ORDERS, obj('V_ORDERS', 'VIEW', LATE, 'CREATE VIEW V_ORDERS AS SELECT 2')],
      checkpoints: [checkpoint('baseline', [ORDERS, V_ORDERS])],
    },
    steps: ['drop-object:V_ORDERS', 'recreate-view:V_ORDERS', 'record-action:r1'],
  },
  {
    name: 'reset reverts the content of a table altered since, through Time Travel within retention',
    target: { actions: [reset] },
    observed: { objects: [ORDERS_CHANGED, CUSTOMERS], checkpoints: [checkpoint('baseline', [ORDERS_AT, CUSTOMERS])] },
    steps: ['restore-content:ORDERS', 'record-action:r1'],
  },
  {
    name: 'reset reverts a table whose columns changed, even with the same content version',
    target: { actions: [reset] },
    observed: { objects: [{ ...ORDERS_AT, columns: ['ID', 'NOTE', 'EXTRA'] }], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    steps: ['restore-content:ORDERS', 'record-action:r1'],
  },
  {
    name: 'reset leaves a table whose content version is the recorded one',
    target: { actions: [reset] },
    observed: { objects: [{ ...ORDERS_AT, rowCount: 99 }], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    steps: ['record-action:r1'],
  },
  {
    name: 'without content versions, a different row count is a change',
    target: { actions: [reset] },
    observed: { objects: [{ ...ORDERS, rowCount: 11 }], checkpoints: [checkpoint('baseline', [ORDERS])] },
    steps: ['restore-content:ORDERS', 'record-action:r1'],
  },
  {
    name: 'cleanup and restore never revert content',
    target: { actions: [cleanup, restoreAll] },
    observed: { objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    steps: ['record-action:c1', 'record-action:s1'],
  },
  {
    name: 'past retention and without a clone, a changed table is a blocker',
    target: { actions: [reset] },
    observed: { now: '2026-11-29T12:00:00.000Z', objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    steps: [],
    findings: ['NOT_RESTORABLE'],
  },
  {
    name: 'without Time Travel, an inventory-only checkpoint cannot revert content',
    target: { actions: [reset] },
    observed: { objects: [{ ...ORDERS_CHANGED, ...NO_TT }], checkpoints: [checkpoint('baseline', [{ ...ORDERS_AT, ...NO_TT }])] },
    steps: [],
    findings: ['NOT_RESTORABLE'],
  },
  {
    name: 'a column dropped since cannot come back through Time Travel',
    target: { actions: [reset] },
    observed: { objects: [{ ...ORDERS_CHANGED, columns: ['ID'] }], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    steps: [],
    findings: ['NOT_RESTORABLE'],
  },
  {
    name: 'a keep: clone checkpoint reverts content from its clone at any age, and brings back a missing table',
    target: { actions: [reset] },
    observed: {
      now: '2027-06-01T00:00:00.000Z',
      objects: [ORDERS_CHANGED],
      checkpoints: [checkpoint('baseline', [ORDERS_AT, CUSTOMERS, V_ORDERS], { keep: 'clone', clone: 'DEMO__CKPT_baseline' })],
    },
    steps: ['restore-content:CUSTOMERS', 'restore-content:ORDERS', 'recreate-view:V_ORDERS', 'record-action:r1'],
  },
  {
    name: 'an inventory-only checkpoint reverts from a later clone that kept the same content version',
    target: { actions: [reset] },
    observed: {
      objects: [{ ...ORDERS_CHANGED, ...NO_TT }],
      checkpoints: [
        checkpoint('baseline', [{ ...ORDERS_AT, ...NO_TT }]),
        checkpoint('later', [{ ...ORDERS_AT, ...NO_TT }], { keep: 'clone', clone: '_ckpt', timestamp: '2026-11-27T09:30:00.000Z' }),
      ],
    },
    steps: ['restore-content:ORDERS', 'record-action:r1'],
  },
  {
    name: 'a protected table keeps its content, and the plan says so',
    target: { actions: [reset], protect: ['ORD*'] },
    observed: { objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] },
    steps: ['record-action:r1'],
    findings: ['PROTECTED_KEPT'],
  },
  {
    name: 'expiring a keep: clone checkpoint says its clone goes',
    target: { schedules: [{ ...HOURLY, retain: 1 }] },
    observed: {
      checkpoints: [
        auto('AUTO_hourly_2026_11_27_10_00_00', '2026-11-27T10:00:01.000Z'),
        { ...auto('AUTO_hourly_2026_11_27_11_00_00', '2026-11-27T11:00:01.000Z'), keep: 'clone', clone: 'X' },
        auto('AUTO_hourly_2026_11_27_12_00_00', '2026-11-27T12:00:01.000Z'),
      ],
    },
    clock: firedAt('2026-11-27T12:00:00.000Z'),
    steps: ['expire-checkpoint:AUTO_hourly_2026_11_27_11_00_00', 'expire-checkpoint:AUTO_hourly_2026_11_27_10_00_00'],
  },
  {
    name: 'full cleanup drops everything but protected names and the audit table',
    target: { actions: [wipe], protect: ['REF_*'] },
    observed: { objects: [ORDERS, V_ORDERS, obj('REF_X'), obj('CHECKPOINT_AUDIT')] },
    steps: ['drop-object:V_ORDERS', 'drop-object:ORDERS', 'record-action:w1'],
    findings: ['PROTECTED_KEPT', 'PROTECTED_KEPT'],
  },
  {
    name: 'an applied action is not run again',
    target: { actions: [cleanup] },
    observed: {
      objects: [obj('EXTRA', 'TABLE', LATE)],
      checkpoints: [checkpoint('baseline', [])],
      actions: [recorded('c1', cleanup.specHash)],
    },
    steps: [],
  },
  {
    name: 'an applied action whose spec changed is reported, not re-run',
    target: { actions: [cleanup] },
    observed: {
      objects: [obj('EXTRA', 'TABLE', LATE)],
      checkpoints: [checkpoint('baseline', [])],
      actions: [recorded('c1', 'other-hash')],
    },
    steps: [],
    findings: ['ACTION_SPEC_CHANGED'],
  },
  {
    name: 'a failed action is planned again with a warning',
    target: { actions: [cleanup] },
    observed: {
      objects: [obj('EXTRA', 'TABLE', LATE)],
      checkpoints: [checkpoint('baseline', [])],
      actions: [recorded('c1', cleanup.specHash, 'FAILED')],
    },
    steps: ['drop-object:EXTRA', 'record-action:c1'],
    findings: ['ACTION_FAILED_BEFORE'],
  },
  {
    name: 'a later action is planned against what earlier actions leave',
    target: { actions: [wipe, restoreAll] },
    observed: { objects: [ORDERS, V_ORDERS], checkpoints: [checkpoint('baseline', [ORDERS, V_ORDERS])] },
    steps: [
      'drop-object:V_ORDERS',
      'drop-object:ORDERS',
      'record-action:w1',
      'restore-table:ORDERS',
      'recreate-view:V_ORDERS',
      'record-action:s1',
    ],
  },
  {
    name: 'a table with zero retention is gone once dropped',
    target: { actions: [wipe, restoreAll] },
    observed: { objects: [{ ...ORDERS, retentionDays: 0 }], checkpoints: [checkpoint('baseline', [ORDERS])] },
    steps: ['drop-object:ORDERS', 'record-action:w1'],
    findings: ['NOT_RESTORABLE'],
  },
  {
    name: 'names match case-insensitively where the warehouse does',
    target: { actions: [action('s3', { kind: 'restore', from: 'baseline', objects: ['ORDERS'] })], protect: ['REF_*'] },
    observed: {
      nameMatching: 'case-insensitive',
      objects: [obj('ref_x')],
      dropped: [dropped(obj('orders'))],
      checkpoints: [checkpoint('baseline', [obj('orders')])],
    },
    steps: ['restore-table:orders', 'record-action:s3'],
  },
];

describe('planner', () => {
  it('a content revert carries its source, the checkpoint version and the date in a blocker', () => {
    const plan = planTarget(
      target({ actions: [reset] }),
      observed({ objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] }),
    );
    expect(plan.steps[0]).toMatchObject({
      kind: 'restore-content',
      created: ORDERS.created,
      lastAltered: ALTERED,
      columns: ['ID', 'NOTE'],
      missing: false,
      from: { kind: 'time-travel', at: '2026-11-27T09:00:00.000Z' },
    });
    const late = planTarget(
      target({ actions: [reset] }),
      observed({ now: '2026-11-29T12:00:00.000Z', objects: [ORDERS_CHANGED], checkpoints: [checkpoint('baseline', [ORDERS_AT])] }),
    );
    expect(late.findings[0]?.message).toContain('stopped being restorable on 2026-11-28 09:00:00 UTC');
    const expiry = planTarget(
      target({ schedules: [{ ...HOURLY, retain: 0 }] }),
      observed({ checkpoints: [{ ...auto('AUTO_hourly_2026_11_27_11_00_00', '2026-11-27T11:00:01.000Z'), keep: 'clone', clone: 'X' }] }),
    );
    expect(expiry.steps[0]).toMatchObject({ kind: 'expire-checkpoint', keep: 'clone' });
    const take = planTarget(target({ checkpoints: [{ ...BASELINE[0]!, keep: 'clone' }] }), observed());
    expect(take.steps[0]).toMatchObject({ kind: 'take-checkpoint', keep: 'clone' });
  });

  it('a changed checkpoint spec says what was recorded, what the file says and to declare a new id', () => {
    const plan = planTarget(
      target({ checkpoints: [{ ...BASELINE[0]!, description: 'the start', keep: 'clone' }] }),
      observed({ checkpoints: [checkpoint('baseline', [], { description: 'start' })] }),
    );
    expect(plan.findings).toHaveLength(1);
    expect(plan.findings[0]).toMatchObject({ code: 'CHECKPOINT_SPEC_CHANGED', severity: 'warning', position: BASELINE[0]!.position });
    const message = plan.findings[0]!.message;
    expect(message).toContain('keep: inventory');
    expect(message).toContain('keep: clone');
    expect(message).toContain('"start"');
    expect(message).toContain('"the start"');
    expect(message).toContain('never retaken');
    expect(message).toContain('declare a new id');
  });

  it('a blocker never advises adding the keep: clone the file already declares', () => {
    const declared = [{ ...BASELINE[0]!, keep: 'clone' as const }];
    const recordedBaseline = (objects: Parameters<typeof checkpoint>[1]) => checkpoint('baseline', objects, { description: 'start' });
    const plans = [
      planTarget(
        target({ checkpoints: declared, actions: [reset] }),
        observed({ objects: [{ ...ORDERS_CHANGED, ...NO_TT }], checkpoints: [recordedBaseline([{ ...ORDERS_AT, ...NO_TT }])] }),
      ),
      planTarget(
        target({ checkpoints: declared, actions: [reset] }),
        observed({ now: '2026-11-29T12:00:00.000Z', objects: [ORDERS_CHANGED], checkpoints: [recordedBaseline([ORDERS_AT])] }),
      ),
      planTarget(
        target({ checkpoints: declared, actions: [reset] }),
        observed({ objects: [{ ...ORDERS_CHANGED, columns: ['ID'] }], checkpoints: [recordedBaseline([ORDERS_AT])] }),
      ),
    ];
    for (const plan of plans) {
      const blocker = plan.findings.find((f) => f.code === 'NOT_RESTORABLE');
      expect(blocker?.message).toContain('taken without keep: clone');
      expect(blocker?.message).not.toContain('declare checkpoints with keep: clone');
    }
    const undeclared = planTarget(
      target({ actions: [reset] }),
      observed({ objects: [{ ...ORDERS_CHANGED, ...NO_TT }], checkpoints: [checkpoint('baseline', [{ ...ORDERS_AT, ...NO_TT }])] }),
    );
    expect(undeclared.findings[0]?.message).toContain('declare checkpoints with keep: clone');
  });

  it('a restore left by an object of another kind names both kinds and that a reset replaces it', () => {
    const plan = planTarget(
      target({ actions: [restoreAll] }),
      observed({
        objects: [obj('ORDERS', 'VIEW', LATE, 'CREATE VIEW ORDERS AS SELECT 1')],
        checkpoints: [checkpoint('baseline', [ORDERS])],
      }),
    );
    expect(plan.findings[0]).toMatchObject({ code: 'KIND_CHANGED_NOT_REPLACED', severity: 'warning', object: 'ORDERS', actionId: 's1' });
    expect(plan.findings[0]?.message).toMatch(/table.*view.*restore leaves.*in place.*reset replaces it/);
  });

  it.each(cases)('$name', (c) => {
    const plan = planTarget(target(c.target), observed(c.observed), c.clock);
    expect(plan.steps.map(label)).toEqual(c.steps);
    expect(plan.findings.map((f) => f.code).sort()).toEqual([...(c.findings ?? [])].sort());
  });

  it('gives every step a reason and blockers a position', () => {
    for (const c of cases) {
      const plan = planTarget(target(c.target), observed(c.observed));
      for (const step of plan.steps) expect(step.reason.length).toBeGreaterThan(0);
      for (const f of plan.findings.filter((x) => x.severity === 'blocker')) expect(f.position).not.toBeNull();
    }
  });

  it('is pure: the same inputs give the same plan, byte for byte', () => {
    for (const c of cases) {
      const a = JSON.stringify(planTarget(target(c.target), observed(c.observed)));
      const b = JSON.stringify(planTarget(target(c.target), observed(c.observed)));
      expect(a).toBe(b);
    }
  });

  it('covers every step kind and every finding code', () => {
    const kinds = new Set<string>();
    const codes = new Set<string>();
    for (const c of cases) {
      const plan = planTarget(target(c.target), observed(c.observed), c.clock);
      plan.steps.forEach((s) => kinds.add(s.kind));
      plan.findings.forEach((f) => codes.add(f.code));
    }
    expect([...kinds].sort()).toEqual([
      'drop-object',
      'expire-checkpoint',
      'init-audit',
      'record-action',
      'recreate-view',
      'restore-content',
      'restore-table',
      'take-checkpoint',
    ]);
    const allCodes: FindingCode[] = [
      'CHECKPOINT_UNKNOWN',
      'CHECKPOINT_DELETED',
      'NOT_RESTORABLE',
      'OBJECT_NOT_IN_CHECKPOINT',
      'RECREATED_NOT_REPLACED',
      'PROTECTED_KEPT',
      'TOO_MANY_DROPS',
      'ACTION_SPEC_CHANGED',
      'ACTION_FAILED_BEFORE',
      'CHECKPOINT_SPEC_CHANGED',
      'KIND_CHANGED_NOT_REPLACED',
    ];
    expect([...codes].sort()).toEqual([...allCodes].sort());
  });
});

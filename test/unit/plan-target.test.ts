/**
 * The planner's entry points (src/plan/plan.ts) and the checkpoints declared in the file
 * (src/plan/declared-checkpoints.ts): what a whole plan carries, where a target is, the order of
 * a target's steps (audit table, declared checkpoints, schedules, actions), the blocker when the
 * audit table was lost, and the findings about declared checkpoints, as a person reads them.
 */
import { describe, expect, it } from 'vitest';
import type { CheckpointSpec } from '../../src/model/desired.js';
import type { Observed } from '../../src/model/observed.js';
import type { Step } from '../../src/model/plan.js';
import { planAll, planTarget, targetLocation } from '../../src/plan/plan.js';
import { action, desired, target } from '../support/desired.js';
import { checkpoint, obj, observed, recorded } from '../support/observed.js';

const BASELINE: CheckpointSpec = { id: 'baseline', description: 'start', keep: 'inventory', position: { line: 3, col: 9 } };
const HOURLY = { id: 'hourly', cron: '0 * * * *', timezone: 'UTC', description: '', retain: null, position: { line: 5, col: 9 } };
const cleanup = action('c1', { kind: 'cleanup', since: 'baseline' });
const label = (s: Step) => `${s.kind}:${'checkpointId' in s ? s.checkpointId : 'object' in s ? s.object.name : ''}`;

describe('targetLocation', () => {
  it('is DATABASE.SCHEMA, or SCHEMA alone, each as a person would write it', () => {
    expect(targetLocation({ database: null, schema: 'DEMO' })).toBe('DEMO');
    expect(targetLocation({ database: 'DB', schema: 'DEMO' })).toBe('DB.DEMO');
    expect(targetLocation({ database: 'my db', schema: 'Demo' })).toBe('"my db"."Demo"');
  });
});

describe('planAll', () => {
  it('plans each observed target, skips one not observed, and dates the plan at the latest observation', () => {
    const a = target({ name: 'a', database: 'DB' });
    const b = target({ name: 'b' });
    const c = target({ name: 'c', checkpoints: [BASELINE] });
    const plan = planAll(
      desired([a, b, c], '/srv/checkpoints.yaml'),
      new Map<string, Observed>([
        ['c', observed({ now: '2026-11-27T11:00:00.000Z' })],
        ['a', observed({ now: '2026-11-27T12:30:00.000Z' })],
      ]),
    );
    expect(plan).toMatchObject({
      formatVersion: 1,
      generatedAt: '2026-11-27T12:30:00.000Z',
      configFile: '/srv/checkpoints.yaml',
      configHash: 'test',
    });
    expect(plan.targets.map((t) => [t.target, t.location, t.steps.map(label)])).toEqual([
      ['a', 'DB.DEMO', []],
      ['c', 'DEMO', ['take-checkpoint:baseline']],
    ]);
  });

  it('with nothing observed, dates the plan nowhere and plans no target', () => {
    expect(planAll(desired([target()]), new Map())).toMatchObject({ generatedAt: '', targets: [] });
  });

  it('takes the latest observation whatever the order of the targets', () => {
    const plan = planAll(
      desired([target({ name: 'a' }), target({ name: 'b' })]),
      new Map<string, Observed>([
        ['a', observed({ now: '2026-11-27T12:30:00.000Z' })],
        ['b', observed({ now: '2026-11-27T11:00:00.000Z' })],
      ]),
    );
    expect(plan.generatedAt).toBe('2026-11-27T12:30:00.000Z');
  });
});

describe('planTarget', () => {
  it('creates a missing audit table first, then takes declared checkpoints, then a due schedule, then the actions', () => {
    const plan = planTarget(
      target({ database: 'DB', checkpoints: [BASELINE], schedules: [HOURLY], actions: [cleanup] }),
      observed({ auditTableExists: false, objects: [obj('ORDERS')] }),
      { lastFiring: () => '2026-11-27T11:00:00.000Z' },
    );
    expect(plan).toMatchObject({ target: 'demo', connection: 'local', location: 'DB.DEMO', findings: [] });
    expect(plan.steps[0]).toEqual({
      target: 'demo',
      kind: 'init-audit',
      auditTable: 'CHECKPOINT_AUDIT',
      group: 'audit',
      reason: 'audit table CHECKPOINT_AUDIT does not exist yet',
    });
    expect(plan.steps.map(label)).toEqual([
      'init-audit:',
      'take-checkpoint:baseline',
      'take-checkpoint:AUTO_hourly_2026_11_27_12_00_00',
      'record-action:baseline',
    ]);
  });

  it('without a clock, no schedule has fired', () => {
    expect(planTarget(target({ schedules: [HOURLY] }), observed()).steps).toEqual([]);
  });

  it('plans nothing for a target whose audit table is gone while the journal records runs, and says how to go on', () => {
    const plan = planTarget(
      target({ checkpoints: [BASELINE], actions: [cleanup], position: { line: 7, col: 3 } }),
      observed({ auditTableExists: false, journalHasRuns: true, objects: [obj('ORDERS')] }),
    );
    expect(plan).toEqual({
      target: 'demo',
      connection: 'local',
      location: 'DEMO',
      steps: [],
      findings: [
        {
          target: 'demo',
          severity: 'blocker',
          code: 'AUDIT_TABLE_LOST',
          actionId: null,
          object: null,
          position: { line: 7, col: 3 },
          message:
            "the audit table CHECKPOINT_AUDIT is missing, but ckpt's journal CHECKPOINT_AUDIT_JOURNAL records earlier runs: it was dropped or renamed; ckpt plans nothing for this target rather than forget what was applied. Bring it back (Snowflake: UNDROP TABLE, or a restore from another copy), or to start over on purpose drop CHECKPOINT_AUDIT_JOURNAL too",
        },
      ],
    });
  });

  it('journal runs with the audit table in place are ordinary: nothing is held back', () => {
    const plan = planTarget(target({ checkpoints: [BASELINE] }), observed({ journalHasRuns: true }));
    expect(plan.steps.map(label)).toEqual(['take-checkpoint:baseline']);
    expect(plan.findings).toEqual([]);
  });

  it('does not plan an action applied before, and plans again one that failed, with its warning', () => {
    const base = {
      checkpoints: [checkpoint('baseline', [obj('ORDERS')])],
      objects: [obj('ORDERS'), obj('EXTRA', 'TABLE', '2026-11-27T10:00:00.000Z')],
    };
    const applied = planTarget(target({ actions: [cleanup] }), observed({ ...base, actions: [recorded('c1', cleanup.specHash)] }));
    expect(applied).toMatchObject({ steps: [], findings: [] });
    const failed = planTarget(target({ actions: [cleanup] }), observed({ ...base, actions: [recorded('c1', cleanup.specHash, 'FAILED')] }));
    expect(failed.steps.map(label)).toEqual(['drop-object:EXTRA', 'record-action:baseline']);
    expect(failed.findings.map((f) => [f.code, f.actionId])).toEqual([['ACTION_FAILED_BEFORE', 'c1']]);
    const changed = planTarget(target({ actions: [cleanup] }), observed({ ...base, actions: [recorded('c1', 'another spec')] }));
    expect(changed.steps).toEqual([]);
    expect(changed.findings.map((f) => f.code)).toEqual(['ACTION_SPEC_CHANGED']);
  });

  it('an action’s findings follow the declared checkpoints’ findings, and a held-back action plans no step', () => {
    const plan = planTarget(
      target({ checkpoints: [BASELINE], actions: [action('c2', { kind: 'cleanup', since: 'nowhere' })] }),
      observed({ checkpoints: [checkpoint('baseline', [], { status: 'DELETED' })] }),
    );
    expect(plan.steps).toEqual([]);
    expect(plan.findings.map((f) => f.code)).toEqual(['CHECKPOINT_DELETED', 'CHECKPOINT_UNKNOWN']);
  });

  it('an action may use a checkpoint this same plan takes first: its source is the schema as it stands', () => {
    const plan = planTarget(target({ checkpoints: [BASELINE], actions: [cleanup] }), observed({ objects: [obj('ORDERS')] }));
    expect(plan.steps.map(label)).toEqual(['take-checkpoint:baseline', 'record-action:baseline']);
    expect(plan.findings).toEqual([]);
  });

  it('never drops a protected name', () => {
    const plan = planTarget(
      target({ actions: [cleanup], protect: ['KEEP*'] }),
      observed({ objects: [obj('KEEP_ME', 'TABLE', '2026-11-27T10:00:00.000Z')], checkpoints: [checkpoint('baseline', [])] }),
    );
    expect(plan.steps.map(label)).toEqual(['record-action:baseline']);
    expect(plan.findings.map((f) => [f.code, f.object])).toEqual([['PROTECTED_KEPT', 'KEEP_ME']]);
  });
});

describe('declared checkpoints', () => {
  it('one the audit table lacks is taken, as MANUAL, with its description and keep, saying why', () => {
    const steps = planTarget(
      target({ checkpoints: [BASELINE, { ...BASELINE, id: 'kept', keep: 'clone', description: '' }] }),
      observed(),
    ).steps;
    expect(steps).toEqual([
      {
        target: 'demo',
        kind: 'take-checkpoint',
        group: 'checkpoint:baseline',
        checkpointId: 'baseline',
        checkpointType: 'MANUAL',
        description: 'start',
        keep: 'inventory',
        reason: 'declared in the file and not in the audit table',
      },
      {
        target: 'demo',
        kind: 'take-checkpoint',
        group: 'checkpoint:kept',
        checkpointId: 'kept',
        checkpointType: 'MANUAL',
        description: '',
        keep: 'clone',
        reason: 'declared in the file and not in the audit table; keeps a clone of every table',
      },
    ]);
  });

  it('one deleted since is never retaken: a warning says when it was taken and to declare a new one', () => {
    const plan = planTarget(
      target({ checkpoints: [BASELINE] }),
      observed({ checkpoints: [checkpoint('baseline', [], { status: 'DELETED', description: 'start' })] }),
    );
    expect(plan.steps).toEqual([]);
    expect(plan.findings).toEqual([
      {
        target: 'demo',
        severity: 'warning',
        code: 'CHECKPOINT_DELETED',
        actionId: null,
        object: null,
        position: BASELINE.position,
        message: 'checkpoint baseline was deleted (taken 2026-11-27 09:00:00 UTC); ckpt never retakes an id: declare a new one',
      },
    ]);
  });

  it('one taken as declared, or gone back to by a reset, says nothing', () => {
    for (const status of ['ACTIVE', 'RESTORED_TO'] as const) {
      const plan = planTarget(
        target({ checkpoints: [BASELINE] }),
        observed({ checkpoints: [checkpoint('baseline', [], { status, description: 'start' })] }),
      );
      expect(plan).toMatchObject({ steps: [], findings: [] });
    }
  });

  it('one whose keep or description the file changed since says what was recorded and what the file says now', () => {
    const message = (spec: Partial<CheckpointSpec>, status: 'ACTIVE' | 'RESTORED_TO' = 'ACTIVE') => {
      const plan = planTarget(
        target({ checkpoints: [{ ...BASELINE, ...spec }] }),
        observed({ checkpoints: [checkpoint('baseline', [], { description: 'start', status })] }),
      );
      expect(plan.steps).toEqual([]);
      expect(plan.findings.map((f) => [f.code, f.severity, f.position])).toEqual([
        ['CHECKPOINT_SPEC_CHANGED', 'warning', BASELINE.position],
      ]);
      return plan.findings[0]?.message;
    };
    const tail = '; a taken checkpoint is never retaken, so the change has no effect: declare a new id';
    expect(message({ keep: 'clone' })).toBe(
      `checkpoint baseline was taken on 2026-11-27 09:00:00 UTC with keep: inventory, the file now says keep: clone${tail}`,
    );
    expect(message({ description: 'the start' }, 'RESTORED_TO')).toBe(
      `checkpoint baseline was taken on 2026-11-27 09:00:00 UTC with description "start", the file now says "the start"${tail}`,
    );
    expect(message({ keep: 'clone', description: '' })).toBe(
      `checkpoint baseline was taken on 2026-11-27 09:00:00 UTC with keep: inventory, the file now says keep: clone; and with description "start", the file now says ""${tail}`,
    );
  });
});

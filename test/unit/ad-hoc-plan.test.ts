/**
 * Plans outside the file's declarations: `ckpt init` (the audit table alone) and
 * `ckpt checkpoint create` (an ad-hoc checkpoint, named from the warehouse clock by default,
 * never retaken).
 */
import { describe, expect, it } from 'vitest';
import { CkptError } from '../../src/model/errors.js';
import { planAdHocCheckpoint, planInit } from '../../src/plan/ad-hoc.js';
import { target } from '../support/desired.js';
import { checkpoint, observed } from '../support/observed.js';

const DEMO = target({ database: 'ANALYTICS', schema: 'DEMO' });

describe('ckpt init', () => {
  it('plans creating the audit table when it is missing, with the reason a person reads', () => {
    expect(planInit(DEMO, observed({ auditTableExists: false }))).toEqual({
      target: 'demo',
      connection: 'local',
      location: 'ANALYTICS.DEMO',
      steps: [
        {
          target: 'demo',
          group: 'audit',
          kind: 'init-audit',
          auditTable: 'CHECKPOINT_AUDIT',
          reason: 'audit table CHECKPOINT_AUDIT does not exist yet',
        },
      ],
      findings: [],
    });
  });

  it('plans nothing when the audit table exists', () => {
    expect(planInit(DEMO, observed()).steps).toEqual([]);
  });
});

describe('ckpt checkpoint create', () => {
  it('names the checkpoint from the warehouse clock when no id is given, and keeps an inventory by default', () => {
    const plan = planAdHocCheckpoint(DEMO, observed({ now: '2026-03-04T05:06:07.890Z' }), undefined, 'before the demo');
    expect(plan).toEqual({
      target: 'demo',
      connection: 'local',
      location: 'ANALYTICS.DEMO',
      steps: [
        {
          target: 'demo',
          group: 'checkpoint:CP_2026_03_04_05_06_07',
          kind: 'take-checkpoint',
          checkpointId: 'CP_2026_03_04_05_06_07',
          checkpointType: 'MANUAL',
          description: 'before the demo',
          keep: 'inventory',
          reason: 'requested by ckpt checkpoint create',
        },
      ],
      findings: [],
    });
  });

  it('takes the given id, and with keep: clone says it keeps a clone of every table', () => {
    const [step] = planAdHocCheckpoint(DEMO, observed(), 'golden', '', 'clone').steps;
    expect(step).toMatchObject({
      kind: 'take-checkpoint',
      checkpointId: 'golden',
      group: 'checkpoint:golden',
      keep: 'clone',
      reason: 'requested by ckpt checkpoint create; keeps a clone of every table',
    });
  });

  it('is planned alongside checkpoints of other ids', () => {
    const obs = observed({ checkpoints: [checkpoint('baseline', []), checkpoint('CP_2026_11_27_11_00_00', [])] });
    expect(planAdHocCheckpoint(DEMO, obs, undefined, '').steps).toMatchObject([
      { kind: 'take-checkpoint', checkpointId: 'CP_2026_11_27_12_00_00' },
    ]);
  });

  it('creates the audit table first when it is missing', () => {
    const plan = planAdHocCheckpoint(DEMO, observed({ auditTableExists: false }), 'golden', '');
    expect(plan.steps.map((s) => s.kind)).toEqual(['init-audit', 'take-checkpoint']);
  });

  it.each([
    ['an explicit id', 'golden', 'golden'],
    ['the clock-derived id', undefined, 'CP_2026_11_27_12_00_00'],
  ])('refuses to retake a checkpoint that exists (%s), whatever its status', (_, id, existing) => {
    for (const status of ['ACTIVE', 'DELETED'] as const) {
      const obs = observed({ checkpoints: [checkpoint('other', []), checkpoint(existing, [], { status })] });
      let thrown: unknown;
      try {
        planAdHocCheckpoint(DEMO, obs, id, '');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CkptError);
      expect(thrown).toMatchObject({
        code: 'CHECKPOINT_EXISTS',
        message: `checkpoint ${existing} already exists in ANALYTICS.DEMO`,
        hint: 'checkpoints are never retaken: choose another --id',
      });
    }
  });
});

/**
 * A schedule in the plan (src/plan/schedules.ts): when its AUTO checkpoint is due and what the
 * step says, which checkpoints count as the schedule's own, and which of them expire beyond
 * `retain`, with the reason a person reads in the plan.
 */
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../src/model/desired.js';
import type { RecordedCheckpoint } from '../../src/model/observed.js';
import type { Step } from '../../src/model/plan.js';
import { planTarget, type PlanClock } from '../../src/plan/plan.js';
import { scheduleCheckpointId } from '../../src/plan/schedules.js';
import { target } from '../support/desired.js';
import { checkpoint, observed } from '../support/observed.js';

const HOURLY: Schedule = { id: 'hourly', cron: '0 * * * *', timezone: 'UTC', description: '', retain: null, position: { line: 5, col: 9 } };
const firedAt = (iso: string | null): PlanClock => ({ lastFiring: () => iso });
const auto = (id: string, timestamp: string, extra: Partial<RecordedCheckpoint> = {}) =>
  checkpoint(id, [], { type: 'AUTO', timestamp, ...extra });
const plan = (schedule: Schedule, checkpoints: RecordedCheckpoint[], clock: PlanClock) =>
  planTarget(target({ schedules: [schedule] }), observed({ checkpoints }), clock).steps;
const ids = (steps: Step[]) => steps.map((s) => `${s.kind}:${'checkpointId' in s ? s.checkpointId : ''}`);

describe('a schedule’s AUTO checkpoint', () => {
  it('is taken when the schedule fired and has none yet, with its cron as the description and the firing as the reason', () => {
    expect(plan(HOURLY, [], firedAt('2026-11-27T11:00:00.000Z'))).toEqual([
      {
        target: 'demo',
        group: 'checkpoint:AUTO_hourly_2026_11_27_12_00_00',
        kind: 'take-checkpoint',
        checkpointId: 'AUTO_hourly_2026_11_27_12_00_00',
        checkpointType: 'AUTO',
        description: 'schedule hourly (0 * * * * UTC)',
        reason: 'schedule hourly fired at 2026-11-27 11:00:00 UTC and has no checkpoint yet',
      },
    ]);
  });

  it('carries the schedule’s own description when it has one, and names its newest checkpoint when the firing is later', () => {
    const steps = plan(
      { ...HOURLY, description: 'every hour' },
      [auto('AUTO_hourly_2026_11_27_10_00_00', '2026-11-27T10:00:01.000Z')],
      firedAt('2026-11-27T11:00:00.000Z'),
    );
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({
      description: 'every hour',
      reason: 'schedule hourly fired at 2026-11-27 11:00:00 UTC, after its newest checkpoint AUTO_hourly_2026_11_27_10_00_00',
    });
  });

  it('is not taken when the schedule never fired, or fired exactly when its newest checkpoint was taken', () => {
    expect(plan(HOURLY, [], firedAt(null))).toEqual([]);
    expect(
      plan(HOURLY, [auto('AUTO_hourly_2026_11_27_11_00_00', '2026-11-27T11:00:00.000Z')], firedAt('2026-11-27T11:00:00.000Z')),
    ).toEqual([]);
  });

  it('is measured against the newest of its checkpoints, whatever order the audit table lists them in', () => {
    const older = auto('AUTO_hourly_2026_11_27_09_00_00', '2026-11-27T09:00:01.000Z');
    const newer = auto('AUTO_hourly_2026_11_27_11_00_00', '2026-11-27T11:00:01.000Z');
    for (const checkpoints of [
      [older, newer],
      [newer, older],
    ]) {
      expect(plan(HOURLY, checkpoints, firedAt('2026-11-27T10:00:00.000Z'))).toEqual([]);
    }
  });

  it('does not count a deleted checkpoint, a MANUAL one with a schedule-like id, or another schedule’s', () => {
    const fired = firedAt('2026-11-27T11:00:00.000Z');
    const reason = (checkpoints: RecordedCheckpoint[]) => plan(HOURLY, checkpoints, fired).map((s) => s.reason);
    const noneYet = ['schedule hourly fired at 2026-11-27 11:00:00 UTC and has no checkpoint yet'];
    expect(reason([auto('AUTO_hourly_2026_11_27_11_30_00', '2026-11-27T11:30:00.000Z', { status: 'DELETED' })])).toEqual(noneYet);
    expect(reason([auto('AUTO_hourly_2026_11_27_11_30_00', '2026-11-27T11:30:00.000Z', { type: 'MANUAL' })])).toEqual(noneYet);
    expect(reason([auto('AUTO_hourly_x_2026_11_27_11_30_00', '2026-11-27T11:30:00.000Z')])).toEqual(noneYet);
  });

  it('is not taken again under an id the audit table already holds, even a deleted one', () => {
    const sameId = auto('AUTO_hourly_2026_11_27_12_00_00', '2026-11-27T12:00:00.000Z', { status: 'DELETED' });
    expect(plan(HOURLY, [sameId], firedAt('2026-11-27T12:00:00.000Z'))).toEqual([]);
  });
});

describe('a schedule’s retention', () => {
  const cps = [
    auto('AUTO_hourly_2026_11_27_08_00_00', '2026-11-27T08:00:01.000Z'),
    auto('AUTO_hourly_2026_11_27_10_00_00', '2026-11-27T10:00:01.000Z'),
    auto('AUTO_hourly_2026_11_27_09_00_00', '2026-11-27T09:00:01.000Z', { keep: 'clone', clone: 'X' }),
    auto('AUTO_hourly_2026_11_27_07_00_00', '2026-11-27T07:00:01.000Z', { status: 'DELETED' }),
  ];
  const expire = (id: string, keep: 'inventory' | 'clone', reason: string) => ({
    target: 'demo',
    group: `checkpoint:${id}`,
    kind: 'expire-checkpoint',
    checkpointId: id,
    scheduleId: 'hourly',
    keep,
    reason,
  });

  it('keeps all of them when retain is null', () => {
    expect(plan(HOURLY, cps, firedAt(null))).toEqual([]);
  });

  it('expires the ones beyond the newest `retain`, newest first, saying what it keeps and that a clone goes', () => {
    expect(plan({ ...HOURLY, retain: 1 }, cps, firedAt(null))).toEqual([
      expire('AUTO_hourly_2026_11_27_09_00_00', 'clone', 'schedule hourly keeps its newest 1; its clone is dropped'),
      expire('AUTO_hourly_2026_11_27_08_00_00', 'inventory', 'schedule hourly keeps its newest 1'),
    ]);
    expect(plan({ ...HOURLY, retain: 3 }, cps, firedAt(null))).toEqual([]);
  });

  it('counts the checkpoint it takes now as the newest', () => {
    expect(ids(plan({ ...HOURLY, retain: 2 }, cps, firedAt('2026-11-27T11:00:00.000Z')))).toEqual([
      'take-checkpoint:AUTO_hourly_2026_11_27_12_00_00',
      'expire-checkpoint:AUTO_hourly_2026_11_27_09_00_00',
      'expire-checkpoint:AUTO_hourly_2026_11_27_08_00_00',
    ]);
  });
});

describe('scheduleCheckpointId', () => {
  it('owns exactly its prefix followed by a timestamp as timestampId writes it', () => {
    const mine = scheduleCheckpointId('daily');
    expect(mine('AUTO_daily_2026_11_27_02_30_00')).toBe(true);
    for (const id of [
      'AUTO_daily_eu_2026_11_27_02_30_00',
      'AUTO_daily_2026_11_27_02_30_00_old',
      'AUTO_daily_2026_11_27_02_30_0',
      'AUTO_daily_226_11_27_02_30_00',
      'AUTO_daily_2026_1_27_02_30_00',
      'AUTO_daily_2026_11_27_02_30',
      'AUTO_daily_2026-11-27_02_30_00',
      'AUTO_daily_20261_11_27_02_30_00',
      'AUTO_daily_YYYY_MM_DD_HH_MI_SS',
      'X_AUTO_daily_2026_11_27_02_30_00',
      'AUTO_dailyx2026_11_27_02_30_00',
      'daily_2026_11_27_02_30_00',
    ]) {
      expect(mine(id), id).toBe(false);
    }
  });
});

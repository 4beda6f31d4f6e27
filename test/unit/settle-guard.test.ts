/**
 * The daemon's settle guard (src/daemon/settle.ts): what of a file not yet settled it holds back.
 * New destructive actions wait; so do the expiries of a schedule whose retention the file lowered
 * or which is new in it (a file cut short at `retain: 1` of `retain: 14`); a schedule whose
 * retention stayed or rose expires as before, and nothing waits once the file is settled or
 * committed.
 */
import { describe, expect, it } from 'vitest';
import type { Desired, Schedule, Target } from '../../src/model/desired.js';
import type { Plan, Step } from '../../src/model/plan.js';
import { heldName, SettleGuard } from '../../src/daemon/settle.js';
import { action, desired, target } from '../support/desired.js';

const SETTLE_MS = 60_000;
const daily = (retain: number | null): Schedule => ({
  id: 'daily',
  cron: '0 3 * * *',
  timezone: 'UTC',
  description: '',
  retain,
  position: { line: 1, col: 1 },
});
const expiry: Step = {
  target: 'demo',
  group: 'checkpoint:AUTO_daily_2026_11_20_03_00_00',
  kind: 'expire-checkpoint',
  checkpointId: 'AUTO_daily_2026_11_20_03_00_00',
  scheduleId: 'daily',
  reason: 'schedule daily keeps its newest 1',
};
const drop: Step = {
  target: 'demo',
  group: 'wipe',
  kind: 'drop-object',
  object: { kind: 'TABLE', name: 'SCRATCH' },
  created: '2026-11-27T08:00:00.000Z',
  cause: 'full-cleanup',
  reason: 'full cleanup',
} as Step;
const planOf = (steps: Step[]): Plan => ({ targets: [{ target: 'demo', steps, findings: [] }] }) as unknown as Plan;
const wipe = action('wipe', { type: 'full_cleanup', confirm: 'DELETE_ALL' } as never);

/** A guard whose settled config is `before`, now using `after` written just now (not committed). */
function guardOf(before: Target, after: Target): SettleGuard {
  const settledLongAgo = { desired: desired([before]), since: Date.now() - 2 * SETTLE_MS, committed: null };
  const guard = new SettleGuard(SETTLE_MS, settledLongAgo);
  guard.loaded({ desired: desired([after]), since: Date.now(), committed: null });
  return guard;
}

describe('the settle guard', () => {
  it('holds the expiries of a schedule whose retain the unsettled file lowered, keeping the settled retain', () => {
    const now = target({ schedules: [daily(1)] });
    const held = guardOf(target({ schedules: [daily(14)] }), now).held(now, planOf([expiry]));
    expect(held).toEqual([
      {
        schedule: 'daily',
        keeps: 14,
        until: expect.any(String) as unknown,
        reason: expect.stringMatching(
          /^retain lowered to 1 from 14; the file changed .* s ago and the folder is not a git repository/,
        ) as unknown,
      },
    ]);
    expect(held.map(heldName)).toEqual(["schedule daily's expiries"]);
  });

  it('holds them, keeping all, when the settled config kept all or had no such schedule', () => {
    const now = target({ schedules: [daily(3)] });
    expect(guardOf(target({ schedules: [daily(null)] }), now).held(now, planOf([expiry]))).toMatchObject([
      { schedule: 'daily', keeps: null },
    ]);
    expect(guardOf(target(), now).held(now, planOf([expiry]))).toMatchObject([
      { schedule: 'daily', keeps: null, reason: expect.stringMatching(/^new schedule;/) as unknown },
    ]);
  });

  it('holds nothing of a schedule whose retain stayed or rose, or that expires nothing', () => {
    const now = target({ schedules: [daily(3)] });
    expect(guardOf(target({ schedules: [daily(3)] }), now).held(now, planOf([expiry]))).toEqual([]);
    expect(guardOf(target({ schedules: [daily(2)] }), now).held(now, planOf([expiry]))).toEqual([]);
    expect(guardOf(target({ schedules: [daily(14)] }), now).held(now, planOf([]))).toEqual([]);
  });

  it('holds a new destructive action and what comes after it, alongside a lowered retention', () => {
    const later = action('later', { type: 'reset', to: 'BASE' } as never);
    const now = target({ schedules: [daily(1)], actions: [wipe, later] });
    const held = guardOf(target({ schedules: [daily(5)] }), now).held(now, planOf([drop, expiry]));
    expect(held.map(heldName)).toEqual(['wipe', 'later', "schedule daily's expiries"]);
    expect(held[1]).toMatchObject({ reason: 'it comes after wipe, which waits' });
  });

  it('holds nothing once the file is committed at HEAD, or has settled', () => {
    const before = target({ schedules: [daily(14)] });
    const now = target({ schedules: [daily(1)], actions: [wipe] });
    const committed = new SettleGuard(SETTLE_MS, { desired: desired([before]), since: Date.now() - 2 * SETTLE_MS, committed: null });
    committed.loaded({ desired: desired([now]), since: Date.now(), committed: true });
    expect(committed.held(now, planOf([drop, expiry]))).toEqual([]);
    const settled = new SettleGuard(SETTLE_MS, { desired: desired([before]), since: Date.now() - 2 * SETTLE_MS, committed: null });
    settled.loaded({ desired: desired([now]), since: Date.now() - SETTLE_MS - 1, committed: null });
    expect(settled.held(now, planOf([drop, expiry]))).toEqual([]);
  });

  it('compares with the last settled config, not with an unsettled one in between', () => {
    const settled = target({ schedules: [daily(14)] });
    const guard = guardOf(settled, target({ schedules: [daily(1)] }));
    const now = target({ schedules: [daily(2)] });
    guard.loaded({ desired: desired([now]) as Desired, since: Date.now(), committed: null });
    expect(guard.held(now, planOf([expiry]))).toMatchObject([{ schedule: 'daily', keeps: 14 }]);
  });

  it("judges a target by its own steps: another target's drop in a group of the same name holds nothing here", () => {
    const now = target({ actions: [wipe] });
    const plan = {
      targets: [
        { target: 'other', steps: [{ ...drop, target: 'other' }], findings: [] },
        { target: 'demo', steps: [], findings: [] },
      ],
    } as unknown as Plan;
    expect(guardOf(target(), now).held(now, plan)).toEqual([]);
    expect(guardOf(target(), now).held(now, planOf([drop]))).toMatchObject([{ action: 'wipe' }]);
  });
});

/**
 * Schedules: what `validate` accepts is exactly what the daemon fires, and the daemon fires
 * exactly when the planner says a schedule fired. Day-of-month and day-of-week both restricted
 * read as either (Vixie cron), in plan and fire alike; a daylight-saving change fires each
 * wall-clock time once. The daemon's trigger runs on fake timers, so months pass at once.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { scheduleFirings } from '../../src/daemon/triggers.js';
import { silentLogger } from '../../src/model/logger.js';
import { cronProblem, lastFiring } from '../../src/schedule/cron.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The instants the daemon's trigger fires a schedule at, from `from` to `to` (ISO). */
async function daemonFirings(cron: string, timezone: string, from: string, to: string): Promise<string[]> {
  vi.useFakeTimers({ now: new Date(from) });
  const fired: string[] = [];
  const schedule = { id: 's', cron, timezone, description: '', retain: null, position: { line: 1, col: 1 } };
  const source = scheduleFirings([{ target: 'demo', schedule }], () => fired.push(new Date().toISOString()), silentLogger);
  await vi.advanceTimersByTimeAsync(Date.parse(to) - Date.parse(from));
  await source.close();
  return fired;
}

/** Checks that the planner's clock sees a firing at each instant and none in between. */
function expectPlannerAgrees(cron: string, timezone: string, firings: string[]): void {
  firings.forEach((at, i) => {
    expect(lastFiring(cron, timezone, at), `the planner's last firing at ${at}`).toBe(at);
    const before = new Date(Date.parse(at) - 1).toISOString();
    if (i > 0) expect(lastFiring(cron, timezone, before), `the planner's last firing just before ${at}`).toBe(firings[i - 1]);
  });
}

describe('cron schedules: validated as fired, fired as planned', () => {
  it('day-of-month and day-of-week both restricted: a day matches either (plan and fire agree)', async () => {
    const cron = '0 12 13 * FRI';
    const fired = await daemonFirings(cron, 'Europe/Berlin', '2026-03-01T00:00:00.000Z', '2026-04-20T00:00:00.000Z');
    expect(fired).toEqual([
      '2026-03-06T11:00:00.000Z', // Friday 6
      '2026-03-13T11:00:00.000Z', // Friday 13
      '2026-03-20T11:00:00.000Z',
      '2026-03-27T11:00:00.000Z',
      '2026-04-03T10:00:00.000Z', // summer time: 12:00 is 10:00 UTC
      '2026-04-10T10:00:00.000Z',
      '2026-04-13T10:00:00.000Z', // Monday 13
      '2026-04-17T10:00:00.000Z',
    ]);
    expectPlannerAgrees(cron, 'Europe/Berlin', fired);
  });

  it('spring forward (Europe/Berlin, last Sunday of March): 02:30 does not exist and fires once, at 03:30', async () => {
    const cron = '30 2 * * *';
    const fired = await daemonFirings(cron, 'Europe/Berlin', '2026-03-27T12:00:00.000Z', '2026-03-31T12:00:00.000Z');
    expect(fired).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
    expectPlannerAgrees(cron, 'Europe/Berlin', fired);
  });

  it('fall back (Europe/Berlin, last Sunday of October): the repeated hour fires once', async () => {
    const cron = '15,45 2 * * *';
    const fired = await daemonFirings(cron, 'Europe/Berlin', '2026-10-24T12:00:00.000Z', '2026-10-26T12:00:00.000Z');
    expect(fired).toEqual(['2026-10-25T00:15:00.000Z', '2026-10-25T00:45:00.000Z', '2026-10-26T01:15:00.000Z', '2026-10-26T01:45:00.000Z']);
    expectPlannerAgrees(cron, 'Europe/Berlin', fired);
    expect(lastFiring(cron, 'Europe/Berlin', '2026-10-25T05:00:00.000Z')).toBe('2026-10-25T00:45:00.000Z');
  });

  it('a firing further away than a timer can wait (about 24.8 days) still fires, once', async () => {
    expect(await daemonFirings('0 0 1 1 *', 'UTC', '2026-01-02T00:00:00.000Z', '2027-02-01T00:00:00.000Z')).toEqual([
      '2027-01-01T00:00:00.000Z',
    ]);
  });

  it('rejects what the daemon would not fire as written: hashed (H), L, W, #, ?, and a */N day field with the other restricted', () => {
    expect(cronProblem('0 0 H * *', 'UTC')).toMatch(/`H`.*minute hour day-of-month month day-of-week/);
    for (const cron of ['0 0 L * *', '0 0 1W * *', '0 0 * * 5#3', '0 0 ? * *', '0 0 * * 1L', 'H/5 * * * *']) {
      expect(cronProblem(cron, 'UTC'), cron).not.toBeNull();
    }
    expect(cronProblem('0 0 */2 * MON', 'UTC')).toMatch(/day-of-month `\*\/2`.*1-31\/2/);
    expect(cronProblem('0 0 1 * */2', 'UTC')).toMatch(/day-of-week `\*\/2`/);
    for (const cron of [
      '0 * * * *',
      '0 2 * * MON-FRI',
      '*/2 * * * * *',
      '0 0 1,15 * 1',
      '0 0 1-31/2 * MON',
      '0 0 */2 * *',
      '0 0 * jan-mar sun',
      '0 0 * * 7',
    ]) {
      expect(cronProblem(cron, 'Europe/Paris'), cron).toBeNull();
    }
  });
});

/**
 * The daemon's clock-driven triggers, end to end through the built `ckpt daemon` on the embedded
 * warehouse: `--resync` reconciles with no file change and puts back what was changed behind its
 * back (a declared checkpoint's audit row deleted with `ckpt sql --force`); a schedule in a time
 * zone other than UTC fires at the instant its wall-clock time comes in that zone, and the
 * planner says it fired then. Expected instants are computed here with Intl, not with the cron
 * code under test.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/daemon/status.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { ckpt, DEMO_CONFIG } from './cli-runner.js';
import { scratchFolders } from './scratch.js';
import { DaemonProcess, killDaemons, type LogLine } from './daemon-process.js';

const folders = scratchFolders();
afterEach(async () => {
  killDaemons();
  await folders.remove();
});

/** The trigger of the reconcile that logged the `reconcile finished` line `finished` (the last `reconcile started` before it). */
function triggerOf(logs: LogLine[], finished: LogLine): string {
  const before = logs.slice(0, logs.indexOf(finished)).filter((l) => l.msg === 'reconcile started');
  return String(before.at(-1)?.trigger);
}

/** `2026-12-01 19:51:21 UTC`: how plans name an instant. */
const shown = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** The wall-clock second, minute and hour of `ms` in `timeZone`, from Intl. */
function wallClock(ms: number, timeZone: string): { second: number; minute: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(ms))
    .reduce<Record<string, number>>((all, p) => (p.type === 'literal' ? all : { ...all, [p.type]: Number(p.value) }), {});
  return { second: parts.second ?? NaN, minute: parts.minute ?? NaN, hour: parts.hour ?? NaN };
}

describe('ckpt daemon: --resync', () => {
  it('reconciles on the interval with no file change, and puts back a declared checkpoint deleted behind its back', async () => {
    const dir = await folders.workspace(DEMO_CONFIG);
    // Reconciles wait for `ckpt sql` below rather than fail when they meet it on the file.
    const daemon = new DaemonProcess(dir, ['--resync', '2s'], { CKPT_LOCK_WAIT_MS: '60000' });
    await daemon.waitFor('reconcile finished', 1, { result: 'applied' });
    await daemon.until('a resync that finds nothing to do', (logs) =>
      logs.some((l) => l.msg === 'reconcile finished' && l.result === 'no-changes' && triggerOf(logs, l) === 'resync'),
    );

    const deleted = await ckpt(dir, ['sql', '--force', "DELETE FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_ID = 'baseline'"], {
      env: { CKPT_LOCK_WAIT_MS: '60000' },
    });
    expect(deleted.code, deleted.stderr).toBe(0);
    const mark = daemon.logs.length;
    await daemon.until('a resync that takes baseline again', (logs) =>
      logs.slice(mark).some((l) => l.msg === 'reconcile finished' && l.result === 'applied'),
    );
    const applied = daemon.logs.slice(mark).find((l) => l.msg === 'reconcile finished' && l.result === 'applied') as LogLine;
    expect(triggerOf(daemon.logs, applied)).toBe('resync');
    expect(daemon.lines('step succeeded', { step: 'take-checkpoint', object: 'baseline' })).toHaveLength(2);
    expect(new Set(daemon.lines('reconcile started').map((l) => l.trigger))).toEqual(new Set(['start', 'resync']));
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });

    const wh = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
    try {
      const observed = await wh.observe({ name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' });
      expect(observed.checkpoints.filter((c) => c.id === 'baseline').map((c) => c.status)).toEqual(['ACTIVE']);
    } finally {
      await wh.close();
    }
  });
});

describe('ckpt daemon: a schedule in a time zone', () => {
  it('fires at its wall-clock time in Asia/Kathmandu (UTC+05:45), and the planner says it fired then', async () => {
    const zone = 'Asia/Kathmandu';
    const dir = await folders.workspace(DEMO_CONFIG);
    const daemon = new DaemonProcess(dir, ['--resync', '0']);
    await daemon.waitFor('reconcile finished', 1, { result: 'applied' });

    // One firing a day, 12 s from now, written as Kathmandu's wall clock: read as UTC it would be
    // 5 h 45 min away, and nothing would fire during the test.
    const at = Math.ceil((Date.now() + 12_000) / 1000) * 1000;
    const wall = wallClock(at, zone);
    const cron = `${wall.second} ${wall.minute} ${wall.hour} * * *`;
    await writeFile(
      join(dir, 'checkpoints.yaml'),
      `${DEMO_CONFIG}    schedules:\n      - id: nepal\n        cron: "${cron}"\n        timezone: ${zone}\n`,
    );
    await daemon.waitFor('reconcile finished', 2);
    const armed = await daemon.getJson<DaemonStatus>('/status');
    expect(Date.now(), 'the file was read and reconciled before the firing (a precondition of this test)').toBeLessThan(at);
    expect(armed.targets[0]?.nextCheckpoint).toEqual({ schedule: 'nepal', at: new Date(at).toISOString() });
    // The file's first reconcile catches up on yesterday's firing, once.
    expect(armed.targets[0]?.lastPlan?.steps).toEqual([
      expect.objectContaining({
        kind: 'take-checkpoint',
        reason: `schedule nepal fired at ${shown(at - 86_400_000)} and has no checkpoint yet`,
      }),
    ]);
    const caughtUp = armed.targets[0]?.lastPlan?.steps[0]?.object;

    await daemon.until('the firing', (logs) => logs.some((l) => l.msg === 'reconcile finished' && triggerOf(logs, l) === 'cron:nepal'));
    const started = daemon.lines('reconcile started', { trigger: 'cron:nepal' });
    expect(started).toHaveLength(1);
    expect(started[0]?.time).toBeGreaterThanOrEqual(at);
    expect(started[0]?.time).toBeLessThan(at + 15_000);
    const fired = await daemon.getJson<DaemonStatus>('/status');
    expect(fired.targets[0]).toMatchObject({ lastTrigger: 'cron:nepal', lastResult: 'applied' });
    expect(fired.targets[0]?.lastPlan?.steps).toEqual([
      expect.objectContaining({
        kind: 'take-checkpoint',
        reason: `schedule nepal fired at ${shown(at)}, after its newest checkpoint ${caughtUp}`,
      }),
    ]);
    // Its id is the warehouse's time when it was taken: at the firing or just after.
    const [, y, mo, d, h, mi, s] = (
      /^AUTO_nepal_(\d{4})_(\d\d)_(\d\d)_(\d\d)_(\d\d)_(\d\d)$/.exec(String(fired.targets[0]?.lastPlan?.steps[0]?.object)) ?? []
    ).map(Number);
    const taken = Date.UTC(y ?? NaN, (mo ?? NaN) - 1, d, h, mi, s);
    expect(taken).toBeGreaterThanOrEqual(at);
    expect(taken).toBeLessThan(at + 15_000);
    expect(fired.targets[0]?.nextCheckpoint).toEqual({ schedule: 'nepal', at: new Date(at + 86_400_000).toISOString() });
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });
});

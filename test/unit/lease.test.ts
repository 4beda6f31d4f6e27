/**
 * Holding a lease: renewed while held; when a renewal finds another holder the `lost` signal
 * fires (the writer stops after its running step), while a renewal that only fails (a network
 * error) is retried and loses nothing; a dead holder's lease is taken over; another live holder
 * is LEASE_HELD once the wait is over.
 */
import { describe, expect, it } from 'vitest';
import { holdLease, type LeaseOptions } from '../../src/apply/lease.js';
import type { Logger } from '../../src/model/logger.js';
import type { LeaseRow } from '../../src/warehouse/lease-sql.js';
import type { LeaseStore } from '../../src/warehouse/lease-store.js';
import type { TargetRef, Warehouse } from '../../src/warehouse/warehouse.js';

const ref: TargetRef = { name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };
const options: LeaseOptions = { holder: 'me', info: '{}', ttlMs: 300, waitMs: 0, pollMs: 10, isStale: (info) => info === 'dead' };

/** A lease store whose renewals answer from `renewals` in turn (true: still held; an Error: a failed renewal). */
function fakeStore(renewals: Array<boolean | Error>, holders: LeaseRow[][] = [[{ holder: 'me' } as LeaseRow]]) {
  const calls = { renew: 0, release: 0, break: 0 };
  const takes = [...holders];
  const store = {
    take: async () => takes.shift() ?? [{ holder: 'me' } as LeaseRow],
    renew: async () => {
      const answer = renewals[Math.min(calls.renew, renewals.length - 1)];
      calls.renew += 1;
      if (answer instanceof Error) throw answer;
      return answer ?? true;
    },
    release: async () => {
      calls.release += 1;
    },
    break: async () => {
      calls.break += 1;
      return [];
    },
  } as unknown as LeaseStore;
  return { warehouse: { leases: () => store } as unknown as Warehouse, calls };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (message: string) => void lines.push(message);
  return { lines, debug: log, info: log, warn: log, error: log };
}

describe('holding a lease', () => {
  it('signals lost when a renewal finds another holder, and says so', async () => {
    const { warehouse, calls } = fakeStore([true, false]);
    const logger = recordingLogger();
    const held = await holdLease(warehouse, ref, options, logger);
    // The renewal after the one that found another holder: by then the signal has fired.
    while (calls.renew < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(held.lost.aborted).toBe(true);
    await held.release();
    expect(logger.lines.some((l) => l.startsWith('lease lost'))).toBe(true);
    expect(calls.release).toBe(1);
  });

  it('a renewal that fails is retried: the lease is not lost', async () => {
    const { warehouse, calls } = fakeStore([new Error('network'), new Error('network'), true]);
    const logger = recordingLogger();
    const held = await holdLease(warehouse, ref, options, logger);
    while (calls.renew < 4) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(held.lost.aborted).toBe(false);
    expect(logger.lines.filter((l) => l.startsWith('lease renewal failed'))).toHaveLength(2);
    await held.release();
  });

  it("takes over a dead holder's lease; refuses a live one's as LEASE_HELD when the wait is over", async () => {
    const dead = fakeStore([true], [[{ holder: 'old', info: 'dead' } as LeaseRow], [{ holder: 'me' } as LeaseRow]]);
    const held = await holdLease(dead.warehouse, ref, options, recordingLogger());
    expect(dead.calls.break).toBe(1);
    await held.release();
    const live = fakeStore([true], [[{ holder: 'other', info: JSON.stringify({ command: 'reconcile', pid: 7, host: 'h' }) } as LeaseRow]]);
    await expect(holdLease(live.warehouse, ref, options, recordingLogger())).rejects.toMatchObject({
      code: 'LEASE_HELD',
      message: expect.stringContaining('ckpt reconcile (pid 7 on h)') as unknown,
    });
  });
});

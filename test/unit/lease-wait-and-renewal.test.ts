/**
 * The lease's timing and messages, on fake timers: a writer polls for another live holder until
 * `--lock-timeout` is over, then is refused with who holds the lease, since when and until when;
 * a dead holder's lease is taken over and said so; the lease is renewed every third of its TTL
 * (at least every 100 ms) with the holder's id, a lost lease is signalled (and logged) once, and
 * release stops renewing and gives the lease back (a failed release is only a warning).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeHolder, holdLease, type LeaseOptions } from '../../src/apply/lease.js';
import type { LeaseRow } from '../../src/warehouse/lease-sql.js';
import type { LeaseStore } from '../../src/warehouse/lease-store.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { recordingLogger, REF } from './support/fake-warehouse.js';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T09:00:00.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

const options = (over: Partial<LeaseOptions> = {}): LeaseOptions => ({
  holder: 'me',
  info: '{"command":"reconcile"}',
  ttlMs: 300,
  waitMs: 0,
  pollMs: 100,
  isStale: () => false,
  ...over,
});

const row = (
  holder: string | null,
  info: string | null = null,
  acquiredAt: string | null = null,
  expiresAt: string | null = null,
): LeaseRow => ({
  holder,
  info,
  acquiredAt,
  expiresAt,
});

const live = row(
  'other',
  JSON.stringify({ command: 'daemon', pid: 7, host: 'build-1' }),
  '2026-01-01T08:00:00.000Z',
  '2026-01-01T08:05:00.000Z',
);

/** A lease store whose takes answer from `takes` in turn (then: ours), renewals from `renewals` (then: held). */
function fakeStore(takes: LeaseRow[][] = [], renewals: Array<boolean | Error> = [], releaseFails = false) {
  const calls = { take: [] as unknown[][], renew: [] as unknown[][], release: [] as string[], break: 0 };
  const store = {
    take: async (...args: unknown[]) => {
      calls.take.push(args);
      return takes.shift() ?? [row('me')];
    },
    renew: async (...args: unknown[]) => {
      calls.renew.push(args);
      const answer = renewals.shift() ?? true;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    release: async (holder: string) => {
      calls.release.push(holder);
      if (releaseFails) throw new Error('connection closed');
    },
    break: async () => {
      calls.break += 1;
      return [];
    },
  } as unknown as LeaseStore;
  return { warehouse: { leases: () => store } as unknown as Warehouse, calls };
}

describe('taking the lease', () => {
  it('waits for another live holder, polling, and takes the lease once it is free', async () => {
    const { warehouse, calls } = fakeStore([[live], [live], [live]]);
    let held = false;
    const taking = holdLease(warehouse, REF, options({ waitMs: 1000 }), recordingLogger()).then((lease) => {
      held = true;
      return lease;
    });
    await vi.advanceTimersByTimeAsync(250);
    expect(calls.take).toHaveLength(3);
    expect(held).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    const lease = await taking;
    expect(calls.take).toEqual(Array.from({ length: 4 }, () => ['me', '{"command":"reconcile"}', 300]));
    await lease.release();
  });

  it('refuses once the wait is over, naming the holder, since when and until when', async () => {
    const { warehouse, calls } = fakeStore([[live], [live], [live], [live], [live]]);
    const taking = expect(holdLease(warehouse, REF, options({ waitMs: 200 }), recordingLogger())).rejects.toMatchObject({
      code: 'LEASE_HELD',
      message:
        'target demo is being changed by ckpt daemon (pid 7 on build-1) since 2026-01-01 08:00:00 UTC; the lease expires at 2026-01-01 08:05:00 UTC unless renewed',
      hint: 'wait and retry, raise --lock-timeout, or if that process is gone run `ckpt unlock demo`',
    });
    await vi.advanceTimersByTimeAsync(300);
    await taking;
    // Taken at 0, 100 and 200 ms: at 200 ms the wait is over.
    expect(calls.take).toHaveLength(3);
  });

  it('says only what it knows of a holder that left no details', async () => {
    const { warehouse } = fakeStore([[row('me'), row('other')]]);
    const seen: string[] = [];
    await expect(
      holdLease(
        warehouse,
        REF,
        options({
          isStale: (info) => {
            seen.push(info);
            return false;
          },
        }),
        recordingLogger(),
      ),
    ).rejects.toMatchObject({ code: 'LEASE_HELD', message: 'target demo is being changed by an unknown holder' });
    expect(seen).toEqual(['']);
  });

  it("takes over a dead holder's lease and says whose", async () => {
    const dead = row('old', JSON.stringify({ command: 'daemon', pid: 9, host: 'build-1' }));
    const { warehouse, calls } = fakeStore([[dead], [row('me')]]);
    const logger = recordingLogger();
    const lease = await holdLease(warehouse, REF, options({ isStale: (info) => info === dead.info }), logger);
    expect(calls.break).toBe(1);
    expect(calls.take).toHaveLength(2);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'taking over the lease of ckpt daemon (pid 9 on build-1), which is no longer running',
        fields: { target: 'demo' },
      },
    ]);
    await lease.release();
  });
});

describe('keeping the lease', () => {
  it('renews every third of the TTL, at least every 100 ms, with the holder and the TTL', async () => {
    for (const [ttlMs, every] of [
      [30_000, 10_000],
      [600, 200],
      [150, 100],
    ] as const) {
      const { warehouse, calls } = fakeStore();
      const lease = await holdLease(warehouse, REF, options({ ttlMs }), recordingLogger());
      await vi.advanceTimersByTimeAsync(every - 1);
      expect(calls.renew, `ttl ${ttlMs}`).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls.renew).toEqual([['me', ttlMs]]);
      await lease.release();
    }
  });

  it('signals a lost lease once, and says so once', async () => {
    const { warehouse, calls } = fakeStore([], [true, false, false]);
    const logger = recordingLogger();
    const lease = await holdLease(warehouse, REF, options(), logger);
    await vi.advanceTimersByTimeAsync(100);
    expect(lease.lost.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(calls.renew).toHaveLength(3);
    expect(lease.lost.aborted).toBe(true);
    expect(logger.lines).toEqual([
      {
        level: 'error',
        message: 'lease lost: another writer took the target; stopping after the running step',
        fields: { target: 'demo' },
      },
    ]);
    await lease.release();
  });

  it('a renewal that fails is retried with a warning; the lease is not lost', async () => {
    const { warehouse } = fakeStore([], [new Error('network')]);
    const logger = recordingLogger();
    const lease = await holdLease(warehouse, REF, options(), logger);
    await vi.advanceTimersByTimeAsync(200);
    expect(lease.lost.aborted).toBe(false);
    expect(logger.lines).toEqual([
      { level: 'warn', message: 'lease renewal failed; retrying', fields: { target: 'demo', error: 'Error: network' } },
    ]);
    await lease.release();
  });

  it('release stops renewing and gives the lease back; a failed release is a warning', async () => {
    const { warehouse, calls } = fakeStore([], [], true);
    const logger = recordingLogger();
    const lease = await holdLease(warehouse, REF, options(), logger);
    await lease.release();
    expect(calls.release).toEqual(['me']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.renew).toEqual([]);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        message: 'could not release the lease; it expires by itself',
        fields: { target: 'demo', error: 'Error: connection closed' },
      },
    ]);
  });
});

describe('describing a holder', () => {
  it('reads the holder info a writer left: command, pid and host, or what it knows of them', () => {
    expect(describeHolder(JSON.stringify({ command: 'checkpoint create', pid: 42, host: 'laptop' }))).toBe(
      'ckpt checkpoint create (pid 42 on laptop)',
    );
    expect(describeHolder('{}')).toBe('ckpt (pid ? on ?)');
    expect(describeHolder('not json')).toBe('not json');
    expect(describeHolder(null)).toBe('an unknown holder');
  });
});

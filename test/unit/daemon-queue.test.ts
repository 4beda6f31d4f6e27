/**
 * The daemon's work queue with fake timers: one run per key at a time, triggers deduplicated,
 * failures retried after 1, 2, 4, ... seconds up to 5 minutes, the backoff reset by a success;
 * terminal failures not retried until the next trigger.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, WorkQueue } from '../../src/daemon/queue.js';

/** A run function whose runs finish only when the test says so. */
function controlledRuns() {
  const calls: Array<{ key: string; triggers: string[]; finish: (error?: Error) => void }> = [];
  let active = 0;
  let maxActive = 0;
  const run = (key: string, triggers: string[]) =>
    new Promise<void>((resolve, reject) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      calls.push({
        key,
        triggers,
        finish: (error) => {
          active -= 1;
          if (error) reject(error);
          else resolve();
        },
      });
    });
  return { calls, run, maxActive: () => maxActive };
}

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a key once for triggers that arrive while it waits, merging them', async () => {
    const runs = controlledRuns();
    const queue = new WorkQueue({ run: runs.run });
    queue.enqueue('a', 'start');
    queue.enqueue('b', 'start');
    queue.enqueue('b', 'file');
    queue.enqueue('b', 'file');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.calls.map((c) => c.key)).toEqual(['a']);
    runs.calls[0]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.calls.map((c) => [c.key, c.triggers])).toEqual([
      ['a', ['start']],
      ['b', ['start', 'file']],
    ]);
  });

  it('queues exactly one more run for any number of triggers during a run, never two at once', async () => {
    const runs = controlledRuns();
    const queue = new WorkQueue({ run: runs.run, concurrency: 4 });
    queue.enqueue('t', 'start');
    await vi.advanceTimersByTimeAsync(0);
    queue.enqueue('t', 'file');
    queue.enqueue('t', 'cron:hourly');
    queue.enqueue('t', 'file');
    expect(queue.state('t')).toMatchObject({ running: true, pending: ['file', 'cron:hourly'] });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.calls).toHaveLength(1);
    runs.calls[0]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.calls).toHaveLength(2);
    expect(runs.calls[1]?.triggers).toEqual(['file', 'cron:hourly']);
    runs.calls[1]?.finish();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs.calls).toHaveLength(2);
    expect(runs.maxActive()).toBe(1);
  });

  it('retries a failing key after 1, 2, 4, ... s, capped at 300 s, and resets after a success', async () => {
    const starts: number[] = [];
    let failing = true;
    const t0 = Date.now();
    const queue = new WorkQueue({
      run: async () => {
        starts.push((Date.now() - t0) / 1000);
        if (failing) throw new Error('warehouse unreachable');
      },
    });
    queue.enqueue('t', 'start');
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 11; i += 1) await vi.advanceTimersByTimeAsync(300_000 + 1);
    const delays = starts.slice(1).map((s, i) => s - (starts[i] as number));
    expect(delays.slice(0, 11)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    expect(queue.state('t').failures).toBeGreaterThanOrEqual(11);

    failing = false;
    await vi.advanceTimersByTimeAsync(300_000);
    expect(queue.state('t')).toMatchObject({ failures: 0, retryAt: null });
    failing = true;
    const before = starts.length;
    queue.enqueue('t', 'file');
    await vi.advanceTimersByTimeAsync(999);
    expect(starts.length).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts.length).toBe(before + 2);
    await queue.stop();
  });

  it('runs a new trigger during a backoff wait at once, keeping the failure count', async () => {
    const runs = controlledRuns();
    const queue = new WorkQueue({ run: runs.run });
    queue.enqueue('t', 'start');
    await vi.advanceTimersByTimeAsync(0);
    runs.calls[0]?.finish(new Error('down'));
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.state('t')).toMatchObject({ failures: 1, running: false });
    expect(queue.state('t').retryAt).not.toBeNull();
    queue.enqueue('t', 'file');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.calls.map((c) => c.triggers)).toEqual([['start'], ['file']]);
    runs.calls[1]?.finish(new Error('still down'));
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.state('t').failures).toBe(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(runs.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.calls.map((c) => c.triggers)[2]).toEqual(['retry']);
    runs.calls[2]?.finish();
    await queue.stop();
  });

  it('does not retry a terminal failure: the key waits for its next trigger, the failure count carries on', async () => {
    const runs = controlledRuns();
    const terminal = new Error('wrong password');
    const told: Array<[string, number, unknown]> = [];
    const retried: string[] = [];
    const queue = new WorkQueue({
      run: runs.run,
      isTerminal: (error) => error === terminal,
      onTerminal: (key, failures, error) => told.push([key, failures, error]),
      onRetry: (key) => retried.push(key),
    });
    queue.enqueue('t', 'start');
    await vi.advanceTimersByTimeAsync(0);
    runs.calls[0]?.finish(terminal);
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual([['t', 1, terminal]]);
    expect(queue.state('t')).toMatchObject({ running: false, failures: 1, retryAt: null, pending: [] });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(runs.calls).toHaveLength(1);
    expect(retried).toEqual([]);

    queue.enqueue('t', 'sighup');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.calls.map((c) => c.triggers)).toEqual([['start'], ['sighup']]);
    runs.calls[1]?.finish(new Error('connection reset'));
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.state('t').failures).toBe(2);
    expect(retried).toEqual(['t']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(runs.calls.map((c) => c.triggers)[2]).toEqual(['retry']);
    runs.calls[2]?.finish();
    await queue.stop();
  });

  it('stop drops waiting work and waits for the running run', async () => {
    const runs = controlledRuns();
    const queue = new WorkQueue({ run: runs.run });
    queue.enqueue('a', 'start');
    queue.enqueue('b', 'start');
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    queue.enqueue('a', 'file');
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    runs.calls[0]?.finish();
    await stopping;
    expect(runs.calls.map((c) => c.key)).toEqual(['a']);
  });

  it('forgets a key: its waiting triggers are dropped', async () => {
    const runs = controlledRuns();
    const queue = new WorkQueue({ run: runs.run });
    queue.enqueue('a', 'start');
    queue.enqueue('gone', 'start');
    queue.forget('gone');
    await vi.advanceTimersByTimeAsync(0);
    runs.calls[0]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.calls.map((c) => c.key)).toEqual(['a']);
  });

  it('computes the backoff sequence', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 20].map((n) => backoffDelay(n, 1000, 300_000) / 1000)).toEqual([
      1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300,
    ]);
  });
});

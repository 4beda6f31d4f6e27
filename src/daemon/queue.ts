/**
 * The daemon's work queue, keyed by target: triggers only enqueue a key (deduplicated while it
 * waits or runs), at most one run per key (and `concurrency` in all), failed runs retried with
 * exponential backoff unless their error is terminal (then the key waits for its next trigger, as
 * controller-runtime does with a TerminalError). Knows nothing of reconciles, files or cron: a run
 * is an async function.
 */

/** What runs for a key; it gets the distinct triggers that asked for it and throws to fail. */
export type RunFunction = (key: string, triggers: string[]) => Promise<void>;

/** Options of a queue. */
export interface QueueOptions {
  run: RunFunction;
  /** Runs in progress at once, across keys (default 1). */
  concurrency?: number;
  /** First retry delay after a failure, doubled per consecutive failure (default 1 s). */
  initialBackoffMs?: number;
  /** Ceiling of the retry delay (default 5 min). */
  maxBackoffMs?: number;
  /** Told when a failed run is scheduled to be retried. */
  onRetry?: (key: string, delayMs: number, failures: number, error: unknown) => void;
  /** Whether retrying a failure cannot help: no retry is scheduled (default: every failure is retried). */
  isTerminal?: (error: unknown) => boolean;
  /** Told when a failed run is not retried because its error is terminal; a new trigger runs it again. */
  onTerminal?: (key: string, failures: number, error: unknown) => void;
}

/** Where a key stands, for status pages. */
export interface KeyState {
  running: boolean;
  /** Triggers waiting for the next run (empty when nothing waits). */
  pending: string[];
  /** Consecutive failed runs (0 after a success). */
  failures: number;
  /** When the automatic retry is due (epoch ms), or null (none failed, or the failure was terminal). */
  retryAt: number | null;
}

interface Entry {
  running: boolean;
  queued: boolean;
  triggers: Set<string>;
  failures: number;
  retry: { timer: ReturnType<typeof setTimeout>; at: number } | null;
  /** Forgotten while running: dropped once the run ends. */
  forgotten: boolean;
}

/** The retry delay after `failures` consecutive failures: initial × 2^(failures−1), capped. */
export function backoffDelay(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(initialMs * 2 ** Math.max(0, failures - 1), maxMs);
}

/**
 * A keyed work queue. A trigger for a key that is waiting joins that wait; a trigger for a key
 * that is running queues exactly one more run. A trigger that arrives while a key waits for its
 * retry runs it at once (new information beats the backoff); the failure count carries on.
 */
export class WorkQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly ready: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private active = 0;
  private stopped = false;
  private readonly concurrency: number;
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(private readonly options: QueueOptions) {
    this.concurrency = options.concurrency ?? 1;
    this.initialMs = options.initialBackoffMs ?? 1000;
    this.maxMs = options.maxBackoffMs ?? 5 * 60 * 1000;
  }

  /** Asks for a run of `key` because of `trigger`. */
  enqueue(key: string, trigger: string): void {
    if (this.stopped) return;
    const entry = this.entry(key);
    entry.forgotten = false;
    entry.triggers.add(trigger);
    if (entry.running || entry.queued) return;
    this.clearRetry(entry);
    entry.queued = true;
    this.ready.push(key);
    this.pump();
  }

  /** Forgets a key: its waiting triggers and retry are dropped (a running run finishes). */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.clearRetry(entry);
    entry.triggers.clear();
    if (entry.queued) {
      entry.queued = false;
      this.ready.splice(this.ready.indexOf(key), 1);
    }
    if (entry.running) entry.forgotten = true;
    else this.entries.delete(key);
  }

  /** Where a key stands. */
  state(key: string): KeyState {
    const entry = this.entries.get(key);
    return {
      running: entry?.running ?? false,
      pending: [...(entry?.triggers ?? [])],
      failures: entry?.failures ?? 0,
      retryAt: entry?.retry?.at ?? null,
    };
  }

  /** Accepts no more work, drops what waits, and resolves when the running runs are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.entries.values()) {
      this.clearRetry(entry);
      entry.triggers.clear();
      entry.queued = false;
    }
    this.ready.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { running: false, queued: false, triggers: new Set(), failures: 0, retry: null, forgotten: false };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private clearRetry(entry: Entry): void {
    if (entry.retry === null) return;
    clearTimeout(entry.retry.timer);
    entry.retry = null;
  }

  private pump(): void {
    while (!this.stopped && this.active < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift() as string;
      const entry = this.entry(key);
      entry.queued = false;
      entry.running = true;
      const triggers = [...entry.triggers];
      entry.triggers.clear();
      this.active += 1;
      const run = this.runOnce(key, entry, triggers);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
  }

  private async runOnce(key: string, entry: Entry, triggers: string[]): Promise<void> {
    let failure: { error: unknown } | null = null;
    try {
      await Promise.resolve(); // start on a later tick: the caller of enqueue() never runs the work itself
      await this.options.run(key, triggers);
    } catch (error) {
      failure = { error };
    }
    entry.running = false;
    this.active -= 1;
    if (failure === null) entry.failures = 0;
    else entry.failures += 1;
    if (this.stopped) return;
    if (entry.forgotten) {
      this.entries.delete(key);
    } else if (entry.triggers.size > 0) {
      entry.queued = true;
      this.ready.push(key);
    } else if (failure !== null && this.options.isTerminal?.(failure.error) === true) {
      this.options.onTerminal?.(key, entry.failures, failure.error);
    } else if (failure !== null) {
      this.scheduleRetry(key, entry, failure.error);
    }
    this.pump();
  }

  private scheduleRetry(key: string, entry: Entry, error: unknown): void {
    const delay = backoffDelay(entry.failures, this.initialMs, this.maxMs);
    const timer = setTimeout(() => {
      entry.retry = null;
      this.enqueue(key, 'retry');
    }, delay);
    entry.retry = { timer, at: Date.now() + delay };
    this.options.onRetry?.(key, delay, entry.failures, error);
  }
}

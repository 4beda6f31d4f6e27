/**
 * Gives memory back once the daemon is idle. Loading the program, and the messages of a
 * reconcile, grow V8's young generation (to 8 MB per semi-space); an idle process never collects
 * again, so that space stays resident: about 13 MB of the daemon's idle RSS. One full collection
 * a few seconds after the last reconcile shrinks it: V8 shrinks the young generation at a
 * collection only when the allocation rate it measured over the last seconds is low, so a
 * collection right after a reconcile would keep it. V8's `gc()` is reached through the
 * --expose-gc flag, set only while making the context that has it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How long after the last reconcile the collection runs (ms). */
export const IDLE_COLLECT_MS = 5000;

/** Runs one full garbage collection `delayMs` after the last call of `soon`. */
export class IdleCollector {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private gc: (() => void) | undefined;

  constructor(private readonly delayMs = IDLE_COLLECT_MS) {}

  /** (Re)arms the collection; the timer never keeps the process alive. */
  soon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.collect(), this.delayMs).unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private collect(): void {
    if (this.gc === undefined) {
      setFlagsFromString('--expose-gc');
      this.gc = runInNewContext('gc') as () => void;
      setFlagsFromString('--no-expose-gc');
    }
    this.gc();
  }
}

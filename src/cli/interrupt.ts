/**
 * Ctrl-C during an apply at the command line: the first SIGINT (or SIGTERM) lets the running
 * step finish, skips the rest and has the action recorded as interrupted, so the command exits
 * 130 with the schema between two whole steps; a second one exits 130 at once, as a kill would
 * (steps are atomic and a re-run finishes the job). The daemon has its own handling
 * (src/cli/commands/daemon.ts).
 */
import type { Output } from './io.js';

/** What an interruptible piece of work returned, and whether a signal stopped it early. */
export interface Interruptible<T> {
  value: T;
  /** The signal that asked it to stop, or null. */
  interrupted: NodeJS.Signals | null;
}

/** Runs `work` with an AbortSignal that the first SIGINT/SIGTERM aborts; a second one exits 130. */
export async function interruptible<T>(out: Output, work: (signal: AbortSignal) => Promise<T>): Promise<Interruptible<T>> {
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted !== null) process.exit(130);
    interrupted = signal;
    out.message(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping after the running step (again to stop at once)…`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return { value: await work(controller.signal), interrupted };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

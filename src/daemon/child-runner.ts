/**
 * Runs one reconcile in a child process, so that the daemon never loads a warehouse driver (a
 * native library cannot be unloaded from the process that loaded it) and a driver's crash ends
 * the reconcile, not the daemon. Forks reconcile-child.js per reconcile (or just ahead of it,
 * when the file changed), sends the request,
 * writes the child's log lines to the daemon's logger, answers its `hold` questions, passes on
 * what it observed, and forwards shutdown as an `abort` message. A child that ends without an
 * outcome (killed, out of memory, a driver's segfault) is a failed outcome, RECONCILE_CRASHED,
 * which the queue retries with backoff; the apply's journal and the lease keep such a death safe,
 * as they keep a killed `ckpt reconcile` safe. Should the daemon itself exit, the child is killed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CkptError } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import type { Plan } from '../model/plan.js';
import { CHILD_SERIALIZATION, type FromChild, type ReconcileRequest, type ToChild } from './child-protocol.js';
import type { CheckpointClocks } from './observation.js';
import { failedOutcome } from './reconcile.js';
import type { HeldAction } from './settle.js';
import type { ReconcileOutcome } from './status.js';

/** The built entry of the reconcile child, next to this module. */
export const RECONCILE_CHILD = fileURLToPath(new URL('./reconcile-child.js', import.meta.url));

/** What the daemon does with a child's reports. */
export interface ChildHandlers {
  /** Writes the child's log lines. */
  logger: Logger;
  /** The child has its request: the reconcile starts. */
  started(): void;
  /** The actions of `plan` to hold back for now. */
  hold(plan: Plan): HeldAction[];
  /** What an observation showed. */
  observed(pendingActions: number, clocks: CheckpointClocks): void;
}

/** How long a process forked ahead of a reconcile waits for it before it is ended (ms). */
export const SPARE_MS = 10_000;

/**
 * The reconcile processes: one per reconcile, forked when it starts, or ahead of it when one is
 * likely soon (the file changed, and is reconciled once stable: its ~1.25 s wait hides the
 * process's start-up). A process forked ahead and not used within SPARE_MS is ended, so that an
 * idle daemon keeps none.
 */
export class ReconcileProcesses {
  private spare: { child: ChildProcess; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(
    private readonly entry: string,
    private readonly spareMs = SPARE_MS,
  ) {}

  /** Forks the next reconcile's process now, unless one waits already (its wait starts again). */
  prepare(): void {
    if (this.spare !== null) {
      this.spare.timer.refresh();
      return;
    }
    this.spare = { child: forkChild(this.entry), timer: setTimeout(() => this.drop(), this.spareMs).unref() };
  }

  /**
   * Runs `request` in the process forked ahead, or a new one; resolves with its outcome once
   * the process has exited (its session closed, its lease and files released). Never rejects.
   */
  run(request: ReconcileRequest, handlers: ChildHandlers, signal: AbortSignal): Promise<ReconcileOutcome> {
    return runIn(this.take() ?? forkChild(this.entry), request, handlers, signal);
  }

  /** Ends the process forked ahead, if one waits (it has opened nothing yet). */
  drop(): void {
    this.take()?.kill('SIGKILL');
  }

  /** The process forked ahead, if one waits and still runs. */
  private take(): ChildProcess | null {
    const spare = this.spare;
    this.spare = null;
    if (spare === null) return null;
    clearTimeout(spare.timer);
    return spare.child.exitCode === null && spare.child.signalCode === null ? spare.child : null;
  }
}

/** Forks a reconcile process, killed should the daemon exit first. */
function forkChild(entry: string): ChildProcess {
  // The daemon's own node flags (an --inspect port, say) are not the child's; NODE_OPTIONS reaches both.
  const child = fork(entry, [], { execArgv: [], serialization: CHILD_SERIALIZATION, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const killWithDaemon = () => child.kill('SIGKILL');
  process.on('exit', killWithDaemon);
  child.once('exit', () => process.off('exit', killWithDaemon));
  return child;
}

/** Runs `request` in `child` (forked, not yet asked anything). */
function runIn(child: ChildProcess, request: ReconcileRequest, handlers: ChildHandlers, signal: AbortSignal): Promise<ReconcileOutcome> {
  return new Promise((resolve) => {
    const tell = (message: ToChild) => {
      if (child.connected) child.send(message);
    };
    let outcome: ReconcileOutcome | null = null;
    let failedToRun: Error | null = null;
    const abort = () => tell({ type: 'abort' });
    child.on('message', (message: FromChild) => {
      if (message.type === 'started') handlers.started();
      else if (message.type === 'log') handlers.logger[message.level](message.message, message.fields);
      else if (message.type === 'hold') tell({ type: 'held', held: handlers.hold(message.plan) });
      else if (message.type === 'observed') handlers.observed(message.pendingActions, message.clocks);
      else outcome = message.outcome;
    });
    // Emitted when the process cannot be spawned or a message cannot be sent; its end comes as `close`.
    child.on('error', (error) => (failedToRun ??= error));
    child.once('close', (code, killedBy) => {
      signal.removeEventListener('abort', abort);
      resolve(outcome ?? crashed(child.pid, failedToRun, code, killedBy));
    });
    tell(request);
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}

/** The outcome of a child that ended without reporting one. */
function crashed(pid: number | undefined, error: Error | null, code: number | null, signal: NodeJS.Signals | null): ReconcileOutcome {
  const how =
    signal !== null ? `was killed by ${signal}` : code !== null && code !== 0 ? `exited with code ${code}` : 'ended without an outcome';
  const what = pid === undefined ? 'the reconcile process could not start' : `the reconcile process (pid ${pid}) ${how}`;
  const cause = error === null ? '' : ` (${error.message})`;
  const message = `${what}${cause}: out of memory, a driver's crash or a kill; the steps it finished are journaled and the retry plans from the warehouse as it is`;
  return failedOutcome(new CkptError('RECONCILE_CRASHED', message), false, null);
}

/**
 * The process that runs one reconcile for the daemon (forked by child-runner.ts, one per
 * reconcile, maybe ahead of it: it waits for its request): it takes the request, opens a Session (which loads the warehouse's driver, here
 * and never in the daemon), runs reconcileTarget, closes the session, sends the outcome and
 * exits. Its log lines go to the daemon over IPC; the settle guard stays the daemon's, asked
 * per plan. Shutdown reaches it as an `abort` message, or as SIGTERM/SIGINT sent to the whole
 * process group (a terminal's Ctrl-C, systemd): either lets the running step finish and skips
 * the rest. Should the daemon go away, it stops the same way. CKPT_FAULT_KILL_AT (the
 * crash-safety tests' fault point) applies to its apply as to `ckpt reconcile`'s.
 */
import { describeError } from '../apply/apply.js';
import { withFaultPoint } from '../cli/fault-point.js';
import { holderInfo, isStaleHolder } from '../cli/lease-holder.js';
import { Session } from '../engine/session.js';
import type { Target } from '../model/desired.js';
import type { LogFields, Logger } from '../model/logger.js';
import type { Plan } from '../model/plan.js';
import type { FromChild, HeldAnswer, LogLevel, ReconcileRequest, ToChild } from './child-protocol.js';
import { checkpointClocks, pendingActions } from './observation.js';
import { reconcileTarget } from './reconcile.js';
import type { HeldAction } from './settle.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';

const shutdown = new AbortController();
const stop = () => shutdown.abort();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);

/** Sends a message while the daemon listens (nothing once it is gone); resolves once it is written. */
function send(message: FromChild): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

/** A log line for the daemon's logger; fields that cannot be cloned travel as their JSON form. */
function log(level: LogLevel, message: string, fields?: LogFields): void {
  try {
    void send({ type: 'log', level, message, ...(fields === undefined ? {} : { fields }) });
  } catch {
    void send({ type: 'log', level, message, fields: JSON.parse(JSON.stringify(fields)) as LogFields });
  }
}

const logger: Logger = {
  debug: (message, fields) => log('debug', message, fields),
  info: (message, fields) => log('info', message, fields),
  warn: (message, fields) => log('warn', message, fields),
  error: (message, fields) => log('error', message, fields),
};

/** Answers to `hold` questions, in the order asked. */
const answers: Array<(held: HeldAction[]) => void> = [];

/** Asks the daemon which actions of `plan` wait for the file to settle. */
function hold(_target: Target, plan: Plan): Promise<HeldAction[]> {
  return new Promise((resolve) => {
    answers.push(resolve);
    void send({ type: 'hold', plan });
  });
}

/** Runs the request and reports its outcome; the session is closed first (its lease and file released). */
async function run(request: ReconcileRequest): Promise<void> {
  const target = request.desired.targets.find((t) => t.name === request.target);
  if (target === undefined) throw new Error(`the daemon asked for target ${request.target}, which its config does not have`);
  void send({ type: 'started' });
  // The lease names this process, so that the next reconcile takes it over should this one die.
  const lease = { info: holderInfo('daemon'), isStale: isStaleHolder };
  const session = new Session(request.desired, { logger, command: 'daemon', lockWaitMs: request.lockWaitMs, lease });
  let outcome;
  try {
    outcome = await reconcileTarget(session, target, {
      planOnly: request.planOnly,
      signal: shutdown.signal,
      logger,
      record: (_name, plan, observed) => {
        if (observed !== undefined)
          void send({ type: 'observed', pendingActions: pendingActions(plan), clocks: checkpointClocks(observed) });
      },
      hold,
      progress: (plan) => withFaultPoint(() => {}, plan),
    });
  } finally {
    await session.close();
  }
  await send({ type: 'outcome', outcome });
}

process.on('message', (message: ToChild) => {
  if (message.type === 'abort') stop();
  else if (message.type === 'held') answers.shift()?.((message satisfies HeldAnswer).held);
  // Exits once the last message is written: a driver's timers or sockets must not keep this process alive.
  else
    run(message).then(
      () => process.exit(0),
      async (error: unknown) => {
        await send({ type: 'log', level: 'error', message: 'reconcile process failed', fields: { error: describeError(error) } });
        process.exit(1);
      },
    );
});

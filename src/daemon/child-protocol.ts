/**
 * The messages between the daemon and the child process that runs one reconcile
 * (reconcile-child.ts), over Node's IPC channel with `advanced` serialization (structured
 * clone: a plan or a config arrives as the same plain data). The daemon sends one request, then
 * answers the child's questions and may ask it to stop; the child reports its log lines, what it
 * observed (for metrics) and, last, the outcome. Types only: both sides import them.
 */
import type { Desired } from '../model/desired.js';
import type { LogFields } from '../model/logger.js';
import type { Plan } from '../model/plan.js';
import type { CheckpointClocks } from './observation.js';
import type { HeldAction } from './settle.js';
import type { ReconcileOutcome } from './status.js';

/** The one reconcile a child runs: the target (by name) of the config in use, and how. */
export interface ReconcileRequest {
  type: 'reconcile';
  /** The daemon's last good config, with the connection choices applied. */
  desired: Desired;
  target: string;
  planOnly: boolean;
  lockWaitMs: number;
}

/** The daemon's answer to a `hold` question: the actions of that plan to leave out for now. */
export interface HeldAnswer {
  type: 'held';
  held: HeldAction[];
}

/** Shutdown: the running step finishes, the rest of the plan is skipped. */
export interface AbortRequest {
  type: 'abort';
}

/** What the daemon sends a child. */
export type ToChild = ReconcileRequest | HeldAnswer | AbortRequest;

/** The levels of a forwarded log line (those of Logger). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The child has its request and starts: the reconcile starts now. */
export interface StartedReport {
  type: 'started';
}

/** A log line of the reconcile, written by the daemon's logger as it is. */
export interface LogReport {
  type: 'log';
  level: LogLevel;
  message: string;
  fields?: LogFields;
}

/** A question: which actions of `plan` wait for the file to settle (the daemon's SettleGuard decides). */
export interface HoldQuestion {
  type: 'hold';
  plan: Plan;
}

/** What an observation showed, for the metrics: pending actions and the checkpoint clocks. */
export interface ObservedReport {
  type: 'observed';
  pendingActions: number;
  clocks: CheckpointClocks;
}

/** How the reconcile ended; the child closes its session before sending it, then exits. */
export interface OutcomeReport {
  type: 'outcome';
  outcome: ReconcileOutcome;
}

/** What a child sends the daemon. */
export type FromChild = StartedReport | LogReport | HoldQuestion | ObservedReport | OutcomeReport;

/** The IPC channel options both sides use. */
export const CHILD_SERIALIZATION = 'advanced';

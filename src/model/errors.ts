/**
 * Error vocabulary: diagnostics (expected problems in a file, as values) and CkptError
 * (unexpected or refused outcomes, thrown with a stable code). Each code's kind is defined once,
 * in ERROR_KINDS: whether retrying can help (the daemon's backoff) and how the CLI exits.
 */
import { HINTS } from './hints.js';

/**
 * Whether a failure can go away by itself. Transient ones (network, locks, 5xx) are retried with
 * backoff; terminal ones (wrong credentials, missing privilege, invalid config, a statement that
 * fails the same way every time) wait for a person: as controller-runtime's TerminalError, they
 * are not requeued until something changes.
 */
export type RetryKind = 'transient' | 'terminal';

/** How the CLI exits on an error: 1 error, 3 refused, 130 cancelled (numbers in cli/exit-codes.ts). */
export type ExitKind = 'error' | 'refused' | 'cancelled';

/** What a code means beyond its name. */
export interface ErrorKind {
  retry: RetryKind;
  exit: ExitKind;
  /** The hint of an error of this code thrown without one. */
  hint?: string;
}

const terminal: ErrorKind = { retry: 'terminal', exit: 'error' };
const transient: ErrorKind = { retry: 'transient', exit: 'error' };

/** Every error code and its kind: the one place a code is defined (ErrorCode is its keys). */
export const ERROR_KINDS = {
  CONFIG_INVALID: terminal,
  CONFIG_NOT_FOUND: terminal,
  TARGET_UNKNOWN: terminal,
  CONNECTION_UNKNOWN: terminal,
  /** Network failures, timeouts, 5xx, a disk that failed to answer. */
  WAREHOUSE_UNREACHABLE: transient,
  /** A statement did not answer before ckpt's deadline: it may still be running, and was not sent again. */
  STATEMENT_RUNNING: transient,
  /** The embedded warehouse's file is held by another process. */
  WAREHOUSE_LOCKED: transient,
  /** The embedded warehouse's file is not a DuckDB database (or not a file). */
  WAREHOUSE_INVALID: terminal,
  AUTH_FAILED: terminal,
  /** A missing privilege: a Snowflake role's, or the process's on a file. */
  NOT_AUTHORIZED: terminal,
  OBJECT_MISSING: terminal,
  NAME_TAKEN: terminal,
  /** A statement the warehouse refuses as written (syntax, types, ...): it fails the same way again. */
  SQL_FAILED: terminal,
  /** A captured view definition that is not a single CREATE VIEW for its view (an edited audit row or plan). */
  DEFINITION_REFUSED: terminal,
  /** A constraint (foreign key, primary key, NOT NULL) refuses the change: it fails the same way again. */
  CONSTRAINT_VIOLATED: terminal,
  /** A step of an apply failed after the warehouse answered: it fails the same way on a new plan. */
  STEP_FAILED: terminal,
  CONSENT_REQUIRED: { retry: 'terminal', exit: 'refused' },
  CANCELLED: { retry: 'terminal', exit: 'cancelled' },
  PLAN_BLOCKED: terminal,
  /** Something changed while planning: a new plan made now may apply. */
  PLAN_STALE: { retry: 'transient', exit: 'refused' },
  /** Another writer holds the target's lease. */
  LEASE_HELD: { retry: 'transient', exit: 'refused' },
  CHECKPOINT_EXISTS: terminal,
  LISTEN_FAILED: terminal,
  /** The daemon's reconcile process ended without an outcome (killed, out of memory, a driver's crash). */
  RECONCILE_CRASHED: { ...transient, hint: HINTS.reconcileCrashed },
  /** Anything unexpected (a bug, or a library's error ckpt does not know): retried, as any error not known to be terminal. */
  INTERNAL: { ...transient, hint: HINTS.bug },
} as const satisfies Record<string, ErrorKind>;

/** Stable error codes; see ERROR_KINDS. */
export type ErrorCode = keyof typeof ERROR_KINDS;

/** A thrown failure with a code, a message a person can act on, and an optional hint. */
export class CkptError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CkptError';
    this.code = code;
    this.hint = options.hint ?? kindOf(code).hint;
  }
}

/** The kind of a code. */
export function kindOf(code: ErrorCode): ErrorKind {
  return ERROR_KINDS[code];
}

/** Any thrown value as a CkptError: itself, or INTERNAL with its message. */
export function asCkptError(error: unknown): CkptError {
  if (error instanceof CkptError) return error;
  return new CkptError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}

/** Whether retrying `error` cannot help until something changes (unknown errors are transient). */
export function isTerminal(error: unknown): boolean {
  return error instanceof CkptError && kindOf(error.code).retry === 'terminal';
}

/** A position in a source file, 1-based. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** One problem found in a config file: where it is and what to do about it. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Path of the file, as given by the user. */
  file: string;
  line: number;
  col: number;
  /** JSON pointer into the document, e.g. `/targets/0/actions/1/cleanup/since`. */
  pointer: string;
  message: string;
}

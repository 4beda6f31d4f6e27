/**
 * Error vocabulary: diagnostics (expected problems in a file, as values) and CkptError
 * (unexpected or refused outcomes, thrown with a stable code). Only the CLI maps them to exit codes.
 */

/** Stable error codes; the CLI maps each to an exit code and a hint. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'TARGET_UNKNOWN'
  | 'CONNECTION_UNKNOWN'
  | 'WAREHOUSE_UNREACHABLE'
  | 'WAREHOUSE_LOCKED'
  | 'AUTH_FAILED'
  | 'NOT_AUTHORIZED'
  | 'OBJECT_MISSING'
  | 'NAME_TAKEN'
  | 'SQL_FAILED'
  | 'STEP_FAILED'
  | 'CONSENT_REQUIRED'
  | 'CANCELLED'
  | 'PLAN_BLOCKED'
  | 'PLAN_STALE'
  | 'LEASE_HELD'
  | 'CHECKPOINT_EXISTS'
  | 'LISTEN_FAILED'
  | 'INTERNAL';

/** A thrown failure with a code, a message a person can act on, and an optional hint. */
export class CkptError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CkptError';
    this.code = code;
    this.hint = options.hint;
  }
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

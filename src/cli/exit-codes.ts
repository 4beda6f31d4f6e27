/**
 * Exit codes, as Terraform users expect them: 0 ok or no changes, 1 error, 2 changes pending
 * (with --detailed-exitcode), 3 refused (consent missing, stale plan, lease held), 130 cancelled.
 */
import type { ErrorCode } from '../model/errors.js';

/** Process exit codes of every command. */
export const ExitCode = {
  ok: 0,
  error: 1,
  changesPending: 2,
  refused: 3,
  cancelled: 130,
} as const;

/** The exit code of a CkptError code. */
export function exitCodeOf(code: ErrorCode): number {
  switch (code) {
    case 'CONSENT_REQUIRED':
    case 'PLAN_STALE':
    case 'LEASE_HELD':
      return ExitCode.refused;
    case 'CANCELLED':
      return ExitCode.cancelled;
    default:
      return ExitCode.error;
  }
}

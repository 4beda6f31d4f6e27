/**
 * Exit codes, as Terraform users expect them: 0 ok or no changes, 1 error, 2 changes pending
 * (with --detailed-exitcode), 3 refused (consent missing, stale plan, lease held), 130 cancelled.
 * Which code exits how is part of each code's kind (ERROR_KINDS); the numbers are here.
 */
import { kindOf, type ErrorCode, type ExitKind } from '../model/errors.js';

/** Process exit codes of every command. */
export const ExitCode = {
  ok: 0,
  error: 1,
  changesPending: 2,
  refused: 3,
  cancelled: 130,
} as const satisfies Record<ExitKind | 'ok' | 'changesPending', number>;

/** The exit code of a CkptError code. */
export function exitCodeOf(code: ErrorCode): number {
  return ExitCode[kindOf(code).exit];
}

/**
 * Exit codes, as Terraform users expect them: 0 ok or no changes, 1 error, 2 changes pending
 * (with --detailed-exitcode), 3 refused (consent missing, stale plan, lease held), 130 cancelled.
 * Which code exits how is part of each code's kind (ERROR_KINDS); the numbers, and what each
 * means in `ckpt --help`, are here.
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

/** What each exit code means, for a person: `ckpt --help` prints them (the README's table says the same). */
export const EXIT_CODE_MEANINGS: Readonly<Record<keyof typeof ExitCode, string>> = {
  ok: 'success, or no changes',
  error: 'error: a usage mistake, an invalid file, an unreachable warehouse, a failed step, or a blocker holding an action back',
  changesPending: 'changes pending (reconcile --plan --detailed-exitcode)',
  refused:
    "refused: destructive steps without consent and no terminal to ask (--yes missing), another writer holds the target's lease, or a saved plan is stale",
  cancelled: 'cancelled at the prompt, or interrupted (Ctrl-C, SIGTERM) during an apply',
};

/** The exit code of a CkptError code. */
export function exitCodeOf(code: ErrorCode): number {
  return ExitCode[kindOf(code).exit];
}

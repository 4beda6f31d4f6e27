/**
 * `ckpt guard`: what a guard records (its command line, how the command ended, what it undid),
 * and how its command line is recorded: arguments that look like secrets (`--password=...`,
 * `--token x`, a URL's password) are redacted, and the environment is never recorded. Pure.
 */

/** What a guard does when its command fails: reset to its checkpoint, clean up since it, or keep the schema as it is. */
export type GuardOnFailure = 'reset' | 'cleanup' | 'keep';

/** The exit code of `ckpt guard` when its command ran out of time (`--timeout`), as GNU timeout's. */
export const GUARD_TIMEOUT_EXIT = 124;

/** What `guard-started` records. */
export interface GuardStart {
  /** The command line, secrets redacted (redactedCommandLine). */
  command: string;
  onFailure: GuardOnFailure;
}

/** How the guarded command ended: its exit code, or the signal that stopped it, or the timeout. */
export interface CommandEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
}

/** What the guard did about the schema at the end. */
export type GuardUndo =
  /** The command succeeded: nothing to undo. */
  | 'none'
  /** The undo was applied. */
  | 'applied'
  /** The command failed and `--on-failure keep` (or the answer at the prompt) kept the schema as it is. */
  | 'kept';

/** What `guard-finished` records. */
export interface GuardFinish {
  undo: GuardUndo;
  /** The undo's action id (recorded in the audit table), when one was applied or failed. */
  undoAction: string | null;
  /** How many steps the undo applied. */
  stepsUndone: number;
}

/** One guard, as `ckpt history` shows it. */
export interface GuardSummary {
  checkpointId: string;
  command: string | null;
  startedAt: string;
  endedAt: string | null;
  /**
   * How the command ended: succeeded, failed (non-zero exit), signalled, timed-out; interrupted:
   * ckpt was killed while it ran (`--resume` finished the guard); unfinished: the guard has not
   * finished (its command runs, or ckpt was killed and no `--resume` ran yet).
   */
  outcome: 'succeeded' | 'failed' | 'signalled' | 'timed-out' | 'interrupted' | 'unfinished';
  exitCode: number | null;
  signal: string | null;
  undo: GuardUndo | null;
  undoAction: string | null;
  stepsUndone: number;
}

/** How a command's end reads: succeeded (exit 0), signalled, timed-out, or failed. */
export function commandOutcome(end: Partial<CommandEnd>): 'succeeded' | 'failed' | 'signalled' | 'timed-out' {
  if (end.timedOut === true) return 'timed-out';
  if (end.signal !== null && end.signal !== undefined) return 'signalled';
  return end.exitCode === 0 ? 'succeeded' : 'failed';
}

/** How a command's end reads in a sentence (`failed with exit code 2`), or null when it succeeded. */
export function commandOutcomeText(end: CommandEnd): string | null {
  switch (commandOutcome(end)) {
    case 'succeeded':
      return null;
    case 'timed-out':
      return 'ran out of time (--timeout) and was stopped';
    case 'signalled':
      return `was stopped by ${end.signal ?? 'a signal'}`;
    case 'failed':
      return `failed with exit code ${end.exitCode ?? '?'}`;
  }
}

/** Option names whose value is a secret (matched case-insensitively inside the name: `--db-password`, `--api_token`). */
const SECRET_NAME = /(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|private[-_]?key|credential|auth)/i;
/** What replaces a secret. */
const REDACTED = '***';

/**
 * The arguments with secrets replaced by `***`: the value of an option whose name says it is a
 * secret (`--password=x`, `--token x`, `-p` is not guessed), `NAME=value` assignments of such a
 * name, and the password of a URL (`scheme://user:secret@host`). Anything else is kept: a secret
 * passed any other way should come from the environment, which is never recorded.
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let secretNext = false;
  for (const arg of argv) {
    if (secretNext) {
      out.push(REDACTED);
      secretNext = false;
      continue;
    }
    const assignment = /^(-{0,2}[A-Za-z0-9_.-]+)=(.*)$/s.exec(arg);
    if (assignment?.[1] !== undefined && SECRET_NAME.test(assignment[1])) {
      out.push(`${assignment[1]}=${REDACTED}`);
      continue;
    }
    if (/^--?[A-Za-z0-9_.-]+$/.test(arg) && SECRET_NAME.test(arg)) secretNext = true;
    out.push(arg.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, `$1${REDACTED}@`));
  }
  return out;
}

/** The command line as one string a shell would read back (arguments quoted where needed), secrets redacted. */
export function redactedCommandLine(argv: readonly string[]): string {
  return redactArgv(argv)
    .map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/**
 * Maps DuckDB errors to ckpt errors with a hint a person can act on, as snowflake-errors.ts does
 * for Snowflake. DuckDB names the kind of an error at the start of its message (`Catalog Error:
 * ...`, `Constraint Error: ...`); the message is kept as DuckDB wrote it.
 */
import { CkptError, type ErrorCode } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';

/** A message pattern and the ckpt error it means (the first match wins). */
interface Rule {
  pattern: RegExp;
  code: ErrorCode;
  hint: string;
}

const RULES: readonly Rule[] = [
  { pattern: /Could not set lock on file/, code: 'WAREHOUSE_LOCKED', hint: HINTS.embeddedLocked },
  { pattern: /permission denied|read-only file system|operation not permitted/i, code: 'NOT_AUTHORIZED', hint: HINTS.embeddedPermission },
  { pattern: /attached in read-only mode/, code: 'NOT_AUTHORIZED', hint: HINTS.embeddedReadOnly },
  { pattern: /not a valid DuckDB database file|Is a directory/, code: 'WAREHOUSE_INVALID', hint: HINTS.embeddedInvalid },
  { pattern: /^IO Error:/, code: 'WAREHOUSE_UNREACHABLE', hint: HINTS.embeddedIo },
  { pattern: /^(Constraint|Dependency) Error:|is main key table of the table/, code: 'CONSTRAINT_VIOLATED', hint: HINTS.constraint },
  { pattern: /^Catalog Error: .* does not exist/, code: 'OBJECT_MISSING', hint: HINTS.objectMissing },
  { pattern: /^Catalog Error: .* already exists/, code: 'NAME_TAKEN', hint: HINTS.nameTakenPlanAgain },
];

const LOCK_HOLDER = /Could not set lock on file .*Conflicting lock is held in (.*?) \(PID (\d+)\)/s;

/** The process holding the file's lock, when `error` is DuckDB's lock conflict. */
export function lockHolder(error: unknown): { program: string; pid: number } | null {
  const match = LOCK_HOLDER.exec(messageOf(error));
  return match === null ? null : { program: match[1] ?? 'another process', pid: Number(match[2]) };
}

/** A CkptError for a DuckDB (or file system) error, with a hint; `context` prefixes the message. */
export function mapDuckError(error: unknown, context?: string): CkptError {
  if (error instanceof CkptError) return error;
  const message = messageOf(error);
  const rule = RULES.find((r) => r.pattern.test(message));
  return new CkptError(rule?.code ?? 'SQL_FAILED', context === undefined ? message : `${context}: ${message}`, {
    hint: rule?.hint ?? HINTS.statementNotApplied,
    cause: error,
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

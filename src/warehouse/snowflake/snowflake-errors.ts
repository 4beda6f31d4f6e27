/**
 * Maps snowflake-sdk errors to ckpt errors with a hint a person can act on (their code's kind in
 * ERROR_KINDS says whether a later retry can help), and tells which raw failures (HTTP 5xx, 429,
 * connection resets) the driver retries at once. Never copies a secret.
 */
import { CkptError, type ErrorCode } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';

/** The fields of a snowflake-sdk error ckpt reads. */
interface DriverError {
  name?: string;
  code?: string | number;
  sqlState?: string;
  message?: string;
  response?: { status?: number };
  cause?: { code?: string };
}

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/** Whether an error is worth retrying (the statement may not have run, or is idempotent). */
export function isTransient(error: unknown): boolean {
  const e = error as DriverError;
  const status = e.response?.status;
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  const code = String(e.cause?.code ?? e.code ?? '');
  return TRANSIENT_NETWORK.has(code);
}

/** A CkptError for a driver error, with a hint. */
export function mapSnowflakeError(error: unknown, context: string): CkptError {
  if (error instanceof CkptError) return error;
  const e = error as DriverError;
  const code = String(e.code ?? '');
  const message = firstLine(e.message ?? String(error));
  const make = (ckptCode: ErrorCode, hint: string) => new CkptError(ckptCode, `${context}: ${message}`, { hint, cause: error });
  switch (code) {
    case '390100':
    case '390144':
    case '394304':
    case '390318':
    case '390303':
      return make('AUTH_FAILED', HINTS.credentials);
    case '390189':
      return make('AUTH_FAILED', HINTS.loginRole);
    case '002003':
      return make('OBJECT_MISSING', HINTS.objectMissingOrHidden);
    case '003001':
    case '003011':
      return make('NOT_AUTHORIZED', HINTS.privilege);
    case '002002':
      return make('NAME_TAKEN', HINTS.nameTakenPlanAgain);
    case '000606':
    case '000625':
      return make('WAREHOUSE_UNREACHABLE', HINTS.noWarehouse);
    case '000707':
      return make('SQL_FAILED', HINTS.timeTravelUnavailable);
    case '000630':
      return make('SQL_FAILED', HINTS.serverStatementTimeout);
    default:
      break;
  }
  const network = String(e.cause?.code ?? code);
  if (
    e.name === 'NetworkError' ||
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', ...TRANSIENT_NETWORK].includes(network) ||
    e.response !== undefined
  ) {
    return make('WAREHOUSE_UNREACHABLE', HINTS.snowflakeUnreachable);
  }
  return make('SQL_FAILED', HINTS.statementNotApplied);
}

function firstLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

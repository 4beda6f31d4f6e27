/**
 * Maps snowflake-sdk errors to ckpt errors with a hint a person can act on, and tells transient
 * failures (HTTP 5xx, 429, connection resets) from permanent ones. Never copies a secret.
 */
import { CkptError, type ErrorCode } from '../../model/errors.js';

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
      return make('AUTH_FAILED', 'check the user and the credentials of this connection in connections.toml (password, key pair, token)');
    case '002003':
      return make('OBJECT_MISSING', 'the object does not exist, or the role of this connection is not authorised to see it; check the database, schema and role');
    case '003001':
    case '003011':
      return make('NOT_AUTHORIZED', 'the role lacks a privilege: DROP and UNDROP need OWNERSHIP of the object, restores also CREATE TABLE on the schema (pitfall 16)');
    case '002002':
      return make('NAME_TAKEN', 'an object of that name exists; run `ckpt reconcile --plan` again to see the schema as it is now');
    case '000606':
    case '000625':
      return make('WAREHOUSE_UNREACHABLE', 'no running warehouse: set `warehouse` in the connection, or resume it (ALTER WAREHOUSE ... RESUME)');
    case '000707':
      return make('SQL_FAILED', 'Time Travel data is not available (past retention or before the object existed)');
    default:
      break;
  }
  const network = String(e.cause?.code ?? code);
  if (e.name === 'NetworkError' || ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', ...TRANSIENT_NETWORK].includes(network) || e.response !== undefined) {
    return make('WAREHOUSE_UNREACHABLE', 'check the account or host in connections.toml and the network (proxy, VPN); Snowflake did not answer');
  }
  return make('SQL_FAILED', 'see the message above; the statement was not applied');
}

function firstLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

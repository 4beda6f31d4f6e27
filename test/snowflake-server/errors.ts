// Snowflake-shaped errors raised by the test server's account model and SQL layer.
// Each error carries the real Snowflake code, SQLSTATE and message text so the driver surfaces
// it exactly like a real account would (err.code, err.sqlState); nothing here talks HTTP.

/** Error kinds as reported in `data.type` of a failed query response. */
export type SnowflakeErrorType = 'COMPILATION' | 'EXECUTION' | 'AUTHENTICATION' | 'INTERNAL';

/** A statement or login failure with Snowflake's code, SQLSTATE and message. */
export class SnowflakeError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
    readonly type: SnowflakeErrorType = 'COMPILATION',
  ) {
    super(message);
    this.name = 'SnowflakeError';
  }
}

/** 002003: the object is missing (or the role may not see it). */
export function objectNotFound(name: string, kind = 'Object'): SnowflakeError {
  return new SnowflakeError(
    '002003',
    kind === 'Object' ? '42S02' : '02000',
    `SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`,
  );
}

/** 002003 raised while expanding a view whose base object is gone (pitfall 6). */
export function viewExpansionFailed(view: string, cause: SnowflakeError): SnowflakeError {
  return new SnowflakeError(
    cause.code,
    cause.sqlState,
    `SQL compilation error:\nFailure during expansion of view '${view}': ${cause.message}`,
  );
}

/** 002002: the name is taken (CREATE, RENAME, UNDROP onto an existing name; pitfall 2). */
export function alreadyExists(name: string, kind = 'Object'): SnowflakeError {
  return new SnowflakeError('002002', '42710', `SQL compilation error:\n${kind} '${name}' already exists.`);
}

/** 000707: AT/BEFORE point before creation or outside retention (pitfalls 3 and 13). */
export function timeTravelUnavailable(table: string): SnowflakeError {
  return new SnowflakeError(
    '000707',
    '02000',
    `Time travel data is not available for table ${table}. The requested time is either beyond the allowed time travel period or before the object creation time.`,
    'EXECUTION',
  );
}

/**
 * 090153: a SHOW result over the row limit (10,000 unless the account lowered it) without LIMIT,
 * or a LIMIT over it (pitfall 9). The text is the one Snowflake's drivers report.
 */
export function showLimitExceeded(maxRows: number, limit?: string): SnowflakeError {
  const what = limit === undefined ? 'The result set size exceeded' : `${limit} exceeds`;
  return new SnowflakeError(
    '090153',
    '22000',
    `${what} the max number of rows(${maxRows}) supported for SHOW statements. Use LIMIT option to limit result set to a smaller number.`,
    'EXECUTION',
  );
}

/**
 * 100082: a VARCHAR or VARIANT value over the LOB size limit (16 MB on accounts without bundle
 * 2025_03: https://docs.snowflake.com/release-notes/bcr-bundles/2025_03/bcr-1942), in the text
 * Snowflake's drivers report.
 */
export function lobSizeExceeded(limit: number, actual: number): SnowflakeError {
  return new SnowflakeError('100082', '22000', `Max LOB size (${limit}) exceeded, actual size of parsed column is ${actual}.`, 'EXECUTION');
}

/** UNDROP with no restorable version (never dropped, purged, retention 0; pitfall 3). */
export function didNotExistOrPurged(kind: string, name: string): SnowflakeError {
  return new SnowflakeError('002003', '02000', `${kind} ${name} did not exist or was purged.`);
}

/** 001003: a syntax error at a 0-based character offset of the statement text. */
export function syntaxError(sql: string, offset: number, unexpected: string): SnowflakeError {
  const before = sql.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before[before.length - 1] ?? '').length;
  return new SnowflakeError(
    '001003',
    '42000',
    `SQL compilation error:\nsyntax error line ${line} at position ${column} unexpected '${unexpected}'.`,
  );
}

/** 000002: a statement kind the test server does not model; the message names it. */
export function unsupported(what: string, detail?: string): SnowflakeError {
  return new SnowflakeError(
    '000002',
    '0A000',
    `Unsupported feature '${what}'${detail ? `: ${detail}` : ''} (not modelled by the ckpt Snowflake test server).`,
  );
}

/** 000008: the request holds a different number of statements than MULTI_STATEMENT_COUNT. */
export function statementCountMismatch(actual: number, desired: number): SnowflakeError {
  return new SnowflakeError('000008', '0A000', `Actual statement count ${actual} did not match the desired statement count ${desired}.`);
}

/** 000904: a column that does not exist. */
export function invalidIdentifier(name: string): SnowflakeError {
  return new SnowflakeError('000904', '42000', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${name}'`);
}

/** 090105: an unqualified name with no current database/schema in the session. */
export function noCurrentContainer(kind: 'database' | 'schema', action: string): SnowflakeError {
  const use = kind === 'database' ? 'USE DATABASE' : 'USE SCHEMA';
  return new SnowflakeError(
    '090105',
    '22000',
    `Cannot perform ${action}. This session does not have a current ${kind}. Call '${use}', or use a qualified name.`,
  );
}

/** 390100: wrong user name or password. */
export function loginFailed(): SnowflakeError {
  return new SnowflakeError('390100', '08004', 'Incorrect username or password was specified.', 'AUTHENTICATION');
}

/** 390144: a key-pair JWT that does not verify against the user's public key. */
export function invalidJwt(): SnowflakeError {
  return new SnowflakeError('390144', '08004', 'JWT token is invalid.', 'AUTHENTICATION');
}

/** Maps an error thrown by the DuckDB row store to the closest Snowflake error. */
export function fromDuckDbError(err: unknown, statementKind: string): SnowflakeError {
  if (err instanceof SnowflakeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const column =
    /Referenced column "([^"]+)" not found/.exec(message) ??
    /column "([^"]+)" (?:not found|does not exist|referenced that exists in the SELECT clause)/i.exec(message);
  if (column) return invalidIdentifier((column[1] ?? '').toUpperCase());
  if (message.startsWith('Conversion Error') || message.startsWith('Invalid Input Error: Malformed JSON')) {
    return new SnowflakeError('100038', '22018', `${message.split('\n')[0]}`, 'EXECUTION');
  }
  const fn =
    /Scalar Function with name (\S+) does not exist/.exec(message) ?? /Aggregate Function with name (\S+) does not exist/.exec(message);
  if (fn) return new SnowflakeError('002140', '42601', `SQL compilation error:\nUnknown function ${(fn[1] ?? '').toUpperCase()}`);
  if (message.startsWith('Parser Error')) {
    return new SnowflakeError('001003', '42000', `SQL compilation error:\nsyntax error in ${statementKind}: ${message.split('\n')[0]}`);
  }
  if (message.startsWith('Constraint Error')) {
    return new SnowflakeError('100072', '22000', message.split('\n')[0] ?? message, 'EXECUTION');
  }
  return unsupported(statementKind, message.split('\n')[0] ?? message);
}

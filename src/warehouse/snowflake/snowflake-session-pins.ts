/**
 * The session parameters ckpt pins at connect, in one ALTER SESSION sent with the connect request:
 * an account or user may set any of them to something else, and each changes what ckpt's statements
 * mean (docs/snowflake-behaviour.md, "Session parameters that change meaning"). snowflake-sdk has no way to
 * set session parameters at login, so this statement is the first of the session.
 */

/** Each pinned parameter and the value ckpt relies on. */
const PINNED_SESSION_PARAMETERS: ReadonlyArray<{ name: string; value: string }> = [
  // Timestamp text (TO_VARCHAR of TIMESTAMP_LTZ, an old pipeline's NTZ read as LTZ) is UTC.
  { name: 'TIMEZONE', value: `'UTC'` },
  // Each write (audit, lease, journal, checkpoint, revert) commits when it succeeds.
  { name: 'AUTOCOMMIT', value: 'TRUE' },
  // A quoted name is the exact stored name.
  { name: 'QUOTED_IDENTIFIERS_IGNORE_CASE', value: 'FALSE' },
  // ISO text such as AT(TIMESTAMP => '…Z'::TIMESTAMP_LTZ) converts.
  { name: 'TIMESTAMP_INPUT_FORMAT', value: `'AUTO'` },
  // Reads are never truncated.
  { name: 'ROWS_PER_RESULTSET', value: '0' },
];

/** `ALTER SESSION SET TIMEZONE = 'UTC', AUTOCOMMIT = TRUE, …`. */
export function pinSessionSql(): string {
  return `ALTER SESSION SET ${PINNED_SESSION_PARAMETERS.map((p) => `${p.name} = ${p.value}`).join(', ')}`;
}

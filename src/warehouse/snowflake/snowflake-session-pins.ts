/**
 * The session parameters ckpt pins at connect, in one ALTER SESSION sent with the connect request:
 * an account or user may set any of them to something else, and each changes what ckpt's statements
 * mean (docs/snowflake-behaviour.md, "Session parameters ckpt pins"). snowflake-sdk has no way to
 * set session parameters at login, so this statement is the first of the session.
 */

/** Each pinned parameter, the value ckpt relies on, and why. */
export const PINNED_SESSION_PARAMETERS: ReadonlyArray<{ name: string; value: string; why: string }> = [
  { name: 'TIMEZONE', value: `'UTC'`, why: 'timestamp text (TO_VARCHAR of TIMESTAMP_LTZ, NTZ read as LTZ) is UTC' },
  { name: 'AUTOCOMMIT', value: 'TRUE', why: 'each write (audit, lease, journal, checkpoint) commits when it succeeds' },
  { name: 'QUOTED_IDENTIFIERS_IGNORE_CASE', value: 'FALSE', why: 'a quoted name is the exact stored name' },
  { name: 'TIMESTAMP_INPUT_FORMAT', value: `'AUTO'`, why: `ISO text such as AT(TIMESTAMP => '…Z'::TIMESTAMP_LTZ) converts` },
  { name: 'ROWS_PER_RESULTSET', value: '0', why: 'reads are never truncated' },
];

/** `ALTER SESSION SET TIMEZONE = 'UTC', AUTOCOMMIT = TRUE, …`. */
export function pinSessionSql(): string {
  return `ALTER SESSION SET ${PINNED_SESSION_PARAMETERS.map((p) => `${p.name} = ${p.value}`).join(', ')}`;
}

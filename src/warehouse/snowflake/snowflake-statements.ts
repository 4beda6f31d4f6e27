/**
 * What kind of statement ckpt sends, from its text: how long the client waits for it (reads,
 * metadata and lease statements have a short deadline; content copies, INSERT OVERWRITE and
 * CREATE … CLONE, none: Snowflake's STATEMENT_TIMEOUT_IN_SECONDS bounds them), and whether sending
 * it again after a lost answer is harmless (docs/snowflake-behaviour.md, "Long statements and
 * retries"). A request of several statements (joined with `;` and a newline, as ckpt joins them)
 * is a copy if any is, and may be sent again only if every one may.
 */

/** The client's deadline class of a statement. */
export type DeadlineKind = 'short' | 'copy';

const COPY = [/^INSERT\s+OVERWRITE\b/i, /^CREATE\s[^(]*?\sCLONE\s/i];

/**
 * Statements whose second run changes nothing the first did not: reads and session statements,
 * IF EXISTS / IF NOT EXISTS / OR REPLACE DDL, INSERT OVERWRITE (the same rows again), ckpt's
 * UPDATEs (they set fixed values, or the lease's own), ADD COLUMN IF NOT EXISTS, SET COMMENT, an
 * INSERT … SELECT guarded by NOT EXISTS (a condition of its WHERE or HAVING, never OR-ed), and a
 * DELETE guarded the same way. The checkpoint request is the three last together
 * (snowflake-inventory-sql.ts): each guarded by the absence of the checkpoint's audit row, so that
 * once the row exists a second run changes nothing, and before it the request starts over (the
 * rows a first run left are deleted, then written again) and never writes an inventory twice.
 */
const IDEMPOTENT = [
  /^(SELECT|WITH|SHOW|DESC|DESCRIBE|USE)\b/i,
  /^ALTER\s+SESSION\b/i,
  /^INSERT\s+OVERWRITE\b/i,
  /^CREATE\s+OR\s+REPLACE\b/i,
  /^CREATE\s+(TRANSIENT\s+)?(TABLE|SCHEMA|VIEW)\s+IF\s+NOT\s+EXISTS\b/i,
  /^DROP\s+(TABLE|VIEW|SCHEMA)\s+IF\s+EXISTS\b/i,
  /^UPDATE\b/i,
  /^ALTER\s+TABLE\s+.+?\s+ADD\s+COLUMN\s+IF\s+NOT\s+EXISTS\b/i,
  /^ALTER\s+TABLE\s+.+?\s+SET\s+COMMENT\b/i,
  /^INSERT\s+INTO\b[\s\S]*\b(WHERE|HAVING|AND)\s+NOT\s+EXISTS\s*\(/i,
  /^DELETE\s+FROM\b[\s\S]*\b(WHERE|AND)\s+NOT\s+EXISTS\s*\(/i,
];

/** The statements of a request as ckpt joins them. */
function pieces(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The deadline class of a request. */
export function deadlineKind(sql: string): DeadlineKind {
  return pieces(sql).some((s) => COPY.some((re) => re.test(s))) ? 'copy' : 'short';
}

/** Whether running the request again after a lost answer is harmless. */
export function isIdempotent(sql: string): boolean {
  const all = pieces(sql);
  return all.length > 0 && all.every((s) => IDEMPOTENT.some((re) => re.test(s)));
}

/**
 * For a statement that brings one table to life (`UNDROP TABLE t`, `ALTER TABLE t RENAME TO u`),
 * a query that succeeds only if that table is there now: run after a lost answer, it tells whether
 * the statement took effect (the table is back) before it is sent again. Null for any other.
 */
export function effectProbe(sql: string): string | null {
  const statements = pieces(sql);
  if (statements.length !== 1) return null;
  const text = statements[0] as string;
  const undrop = /^UNDROP\s+TABLE\s+(.+)$/i.exec(text);
  if (undrop !== null) return `SELECT 1 FROM ${undrop[1] as string} LIMIT 0`;
  const rename = /^ALTER\s+TABLE\s+.+?\s+RENAME\s+TO\s+(.+)$/i.exec(text);
  return rename === null ? null : `SELECT 1 FROM ${rename[1] as string} LIMIT 0`;
}

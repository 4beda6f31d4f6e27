/**
 * `ckpt sql` guard for ckpt's own tables: SQL that may write and names the audit table, its lease,
 * journal or inventory table, or the embedded warehouse's hidden schema is refused unless `--force`. Losing the
 * audit table would make ckpt forget what it applied; the journal is how a lost one is noticed.
 * A guard, not a parser: it over-approximates (a SELECT naming them never counts).
 */
import { HIDDEN_SCHEMA, ownTables, type Target } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { displayIdent } from '../model/refs.js';

/** Keywords after which a statement may change or remove a table. */
const WRITES = /\b(?:DROP|ALTER|DELETE|UPDATE|TRUNCATE|INSERT|MERGE|REPLACE|RENAME|SWAP|UNDROP)\b/iu;

/** Bare words (folded to upper case) and quoted names of some SQL. */
function names(sql: string): Set<string> {
  const out = new Set<string>();
  for (const m of sql.matchAll(/"((?:[^"]|"")+)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)/gu)) {
    out.add((m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] ?? '')).toUpperCase());
  }
  return out;
}

/** Throws when `sql` may write to one of ckpt's own tables of `target` and `force` is not set. */
export function guardOwnTables(sql: string, target: Target, force: boolean): void {
  if (force || !WRITES.test(sql)) return;
  const mentioned = names(sql);
  const own = [...ownTables(target.auditTable), HIDDEN_SCHEMA].find((n) => mentioned.has(n.toUpperCase()));
  if (own === undefined) return;
  throw new CkptError(
    'CONSENT_REQUIRED',
    `this SQL may change ${displayIdent(own)}, which is ckpt's own (its record of what was checkpointed and applied); nothing was run`,
    {
      hint: 'if you mean it, run it again with --force (ckpt refuses to plan for a target whose audit table is lost, rather than forget what it applied)',
    },
  );
}

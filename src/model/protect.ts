/**
 * Protection rules: which names no action may drop or replace (the audit table, ckpt's lease
 * and journal tables, and the target's `protect` globs). Globs know `*` and `?` only, matched against whole stored names.
 */
import { ownTables } from './desired.js';
import { nameKey, type NameMatching } from './refs.js';

/** Compiles a `protect` glob into a matcher under the warehouse's name matching. */
export function globMatcher(glob: string, matching: NameMatching): (name: string) => boolean {
  const source = [...glob].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  const pattern = new RegExp(`^${source}$`, matching === 'exact' ? 'su' : 'siu');
  return (name) => pattern.test(name);
}

/** A predicate telling whether a name is protected in a target. */
export function protectedNames(auditTable: string, globs: string[], matching: NameMatching): (name: string) => boolean {
  const internal = new Set(ownTables(auditTable).map((n) => nameKey(n, matching)));
  const matchers = globs.map((g) => globMatcher(g, matching));
  return (name) => internal.has(nameKey(name, matching)) || matchers.some((m) => m(name));
}

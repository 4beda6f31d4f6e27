/**
 * Protection rules, checked against the test's own reading of a glob (written apart from
 * src/model/protect.ts, which compiles a regular expression): `*` is any run of characters, `?`
 * exactly one (a character outside the BMP, or a line break, is one), every other character only
 * itself (regular-expression syntax in a name means nothing), the whole name must match, and on a
 * warehouse that folds names case does not count. The audit table, ckpt's lease and journal
 * tables are always protected.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatcher, protectedNames } from '../../src/model/protect.js';
import type { NameMatching } from '../../src/model/refs.js';

/** Whether `glob` matches the whole of `name`, code point by code point. */
function oracle(glob: string, name: string, caseBlind: boolean): boolean {
  const fold = (s: string) => [...(caseBlind ? s.toUpperCase() : s)];
  const g = fold(glob);
  const n = fold(name);
  const match = (i: number, j: number): boolean => {
    if (i === g.length) return j === n.length;
    if (g[i] === '*') return match(i + 1, j) || (j < n.length && match(i, j + 1));
    return j < n.length && (g[i] === '?' || g[i] === n[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

const letters = ['a', 'A', 'b', 'B', '_', '1'];
const syntax = ['.', '+', '^', '$', '{', '}', '(', ')', '|', '[', ']', '\\', '-', '\n', '😀'];
const char = fc.constantFrom(...letters, ...syntax);
const globChar = fc.oneof(char, fc.constantFrom('*', '?'));
const glob = fc.array(globChar, { maxLength: 6 }).map((cs) => cs.join(''));
const text = fc.array(char, { maxLength: 6 }).map((cs) => cs.join(''));
const matching = fc.constantFrom<NameMatching>('exact', 'case-insensitive');

/** A name built from the glob (wildcards filled in, case maybe flipped), so that many cases match. */
const nameFor = (g: string) =>
  fc.oneof(
    text,
    fc.record({ fills: fc.array(text, { minLength: 8, maxLength: 8 }), one: char, flip: fc.boolean() }).map(({ fills, one, flip }) => {
      let k = 0;
      const name = [...g].map((ch) => (ch === '*' ? (fills[k++ % fills.length] ?? '') : ch === '?' ? one : ch)).join('');
      return flip ? name.toLowerCase() : name;
    }),
  );

describe('protect globs', () => {
  it('match whole names: * any run, ? one character, anything else itself; case-blind where names fold', () => {
    fc.assert(
      fc.property(
        glob.chain((g) => fc.tuple(fc.constant(g), nameFor(g), matching)),
        ([g, name, m]) => globMatcher(g, m)(name) === oracle(g, name, m === 'case-insensitive'),
      ),
      { numRuns: 2000 },
    );
  });

  it('read regular-expression syntax literally', () => {
    const exact = (g: string, name: string) => globMatcher(g, 'exact')(name);
    expect(exact('A.B', 'A.B')).toBe(true);
    expect(exact('A.B', 'AXB')).toBe(false);
    expect(exact('A+', 'AA')).toBe(false);
    expect(exact('(A|B)', 'A')).toBe(false);
    expect(exact('(A|B)', '(A|B)')).toBe(true);
    expect(exact('[AB]', 'A')).toBe(false);
    expect(exact('A\\d', 'A\\d')).toBe(true);
    expect(exact('A$', 'A$')).toBe(true);
    expect(exact('^A{2}', '^A{2}')).toBe(true);
    expect(exact('^A{2}', 'AA')).toBe(false);
  });

  it('match the whole name only; ? is one character, even outside the BMP or a line break', () => {
    expect(globMatcher('REF_*', 'exact')('MY_REF_X')).toBe(false);
    expect(globMatcher('REF', 'exact')('REFS')).toBe(false);
    expect(globMatcher('REF_?', 'exact')('REF_😀')).toBe(true);
    expect(globMatcher('A?B', 'exact')('A\nB')).toBe(true);
    expect(globMatcher('A*', 'exact')('A\nB')).toBe(true);
    expect(globMatcher('ref_*', 'exact')('REF_X')).toBe(false);
    expect(globMatcher('ref_*', 'case-insensitive')('REF_X')).toBe(true);
  });
});

describe('protected names', () => {
  it('always include the audit table and ckpt’s lease and journal tables', () => {
    const exact = protectedNames('CHECKPOINT_AUDIT', [], 'exact');
    for (const name of ['CHECKPOINT_AUDIT', 'CHECKPOINT_AUDIT_LEASE', 'CHECKPOINT_AUDIT_JOURNAL']) expect(exact(name), name).toBe(true);
    expect(exact('checkpoint_audit')).toBe(false);
    expect(exact('CHECKPOINT_AUDIT_OLD')).toBe(false);
    expect(exact('ORDERS')).toBe(false);
    const folded = protectedNames('CHECKPOINT_AUDIT', [], 'case-insensitive');
    expect(folded('checkpoint_audit_journal')).toBe(true);
    expect(folded('orders')).toBe(false);
  });

  it('include every name a protect glob matches, and only those', () => {
    const audit = 'AUDIT';
    const internal = ['AUDIT', 'AUDIT_LEASE', 'AUDIT_JOURNAL'];
    fc.assert(
      fc.property(fc.array(glob, { maxLength: 3 }), fc.array(text, { maxLength: 5 }), matching, (globs, names, m) => {
        const isProtected = protectedNames(audit, globs, m);
        const caseBlind = m === 'case-insensitive';
        for (const name of [...names, ...internal, 'audit_lease']) {
          const expected = internal.some((n) => oracle(n, name, caseBlind)) || globs.some((g) => oracle(g, name, caseBlind));
          expect(isProtected(name), `${JSON.stringify(globs)} ${JSON.stringify(name)} ${m}`).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});

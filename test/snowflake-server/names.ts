// Snowflake identifier rules: unquoted names fold to UPPER case, quoted names keep their case
// ("" escapes), at most 255 characters, and IDENTIFIER('<string>') spells a name as a literal.
// Also the LIKE-pattern matcher SHOW uses (case-insensitive, pitfall 8).

import { SnowflakeError, syntaxError } from './errors.js';
import { isOp, tokenize, significant, type Token } from './tokenizer.js';

/** A possibly qualified object name, each part as stored (already case-folded). */
export type QualifiedName = string[];

const MAX_IDENTIFIER = 255;

/** Checks the 255-character limit on a stored identifier. */
export function checkIdentifierLength(name: string): string {
  if (name.length > MAX_IDENTIFIER) {
    throw new SnowflakeError(
      '001003',
      '42000',
      `SQL compilation error:\nIdentifier '${name.slice(0, 40)}...' is too long (maximum ${MAX_IDENTIFIER} characters).`,
    );
  }
  return name;
}

/** The stored form of one identifier token, or undefined when the token is not an identifier. */
export function identifierValue(token: Token | undefined): string | undefined {
  if (!token) return undefined;
  if (token.kind === 'word') return checkIdentifierLength(token.text.toUpperCase());
  if (token.kind === 'quoted') return checkIdentifierLength(token.value);
  return undefined;
}

/** Parses the text inside IDENTIFIER('...') into name parts (unquoted parts still fold to upper case). */
export function parseNameString(text: string): QualifiedName {
  const toks = significant(tokenize(text));
  const parts: string[] = [];
  for (let i = 0; i < toks.length; i += 2) {
    const v = identifierValue(toks[i]);
    if (v === undefined) throw syntaxError(text, toks[i]?.pos ?? 0, toks[i]?.text ?? '');
    parts.push(v);
    if (i + 1 < toks.length && !isOp(toks[i + 1], '.')) throw syntaxError(text, toks[i + 1]?.pos ?? 0, toks[i + 1]?.text ?? '');
  }
  return parts;
}

/**
 * Reads a dotted name at `tokens[i]` (words, quoted identifiers, or IDENTIFIER('...')).
 * Returns undefined when no name starts there.
 */
export function readName(tokens: Token[], i: number): { name: QualifiedName; next: number } | undefined {
  const first = tokens[i];
  if (first?.kind === 'word' && first.text.toUpperCase() === 'IDENTIFIER' && isOp(tokens[i + 1], '(')) {
    const arg = tokens[i + 2];
    if (arg?.kind !== 'string' || !isOp(tokens[i + 3], ')')) return undefined;
    return { name: parseNameString(arg.value), next: i + 4 };
  }
  const parts: string[] = [];
  let j = i;
  for (;;) {
    const v = identifierValue(tokens[j]);
    if (v === undefined) break;
    parts.push(v);
    j++;
    if (isOp(tokens[j], '.') && identifierValue(tokens[j + 1]) !== undefined) j++;
    else break;
  }
  return parts.length === 0 ? undefined : { name: parts, next: j };
}

/** Renders a stored name the way Snowflake prints it in messages: plain when it is a simple upper-case identifier, quoted otherwise. */
export function displayPart(part: string): string {
  return /^[A-Z_][A-Z0-9_$]*$/.test(part) ? part : `"${part.replace(/"/g, '""')}"`;
}

/** Message form of a qualified name. */
export function displayName(name: QualifiedName): string {
  return name.map(displayPart).join('.');
}

/**
 * The LIKE of SHOW commands: `%` and `_` are wildcards, matched case-insensitively (pitfall 8).
 * Snowflake documents no escape character for SHOW's LIKE, so none is assumed: a backslash is
 * an ordinary character (the stricter reading; see README, "SHOW").
 */
export function likeMatches(pattern: string, value: string): boolean {
  let re = '';
  for (const c of pattern) {
    if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'isu').test(value);
}

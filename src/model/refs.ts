/**
 * Identifier rules shared by config, planner and adapters: Snowflake's canonicalisation
 * (unquoted names upper-case, quoted names keep their case), quoting for generated SQL, and
 * their display for people (control characters made visible). Pure.
 */
import { displayText } from './display.js';

/** Maximum identifier length on Snowflake (quoted or not). */
export const MAX_IDENTIFIER_LENGTH = 255;

const UNQUOTED = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** The outcome of reading an identifier as written by a person. */
export type ParsedIdentifier = { ok: true; name: string } | { ok: false; message: string };

/**
 * Reads an identifier the way Snowflake does: `orders` and `ORDERS` are `ORDERS`;
 * `"Orders"` keeps its case and may hold any character (`""` is a literal quote).
 */
export function parseIdentifier(text: string): ParsedIdentifier {
  if (text.length === 0) return { ok: false, message: 'an identifier cannot be empty' };
  if (text.startsWith('"')) {
    if (text.length < 2 || !text.endsWith('"')) {
      return { ok: false, message: `${text} opens a double quote it does not close` };
    }
    const inner = text.slice(1, -1);
    if (inner.replace(/""/g, '').includes('"')) {
      return { ok: false, message: `${text}: a double quote inside a quoted name must be doubled ("")` };
    }
    const name = inner.replace(/""/g, '"');
    if (name.length === 0) return { ok: false, message: 'a quoted identifier cannot be empty' };
    if (name.length > MAX_IDENTIFIER_LENGTH) {
      return { ok: false, message: `identifier is ${name.length} characters; Snowflake allows ${MAX_IDENTIFIER_LENGTH}` };
    }
    return { ok: true, name };
  }
  if (!UNQUOTED.test(text)) {
    return {
      ok: false,
      message: `"${text}" is not a valid unquoted identifier (letters, digits, _ and $, not starting with a digit); write it in double quotes to keep it exactly`,
    };
  }
  if (text.length > MAX_IDENTIFIER_LENGTH) {
    return { ok: false, message: `identifier is ${text.length} characters; Snowflake allows ${MAX_IDENTIFIER_LENGTH}` };
  }
  return { ok: true, name: text.toUpperCase() };
}

/** Quotes a stored name for SQL: `"` + name with `"` doubled + `"`. Never emit a name without it. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL (single quotes doubled; backslashes doubled for Snowflake). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * Renders a stored name for people: bare when it would read back the same, quoted otherwise,
 * with any control character in it shown escaped (`"a\u001b[2K"`), never sent to the terminal.
 */
export function displayIdent(name: string): string {
  return UNQUOTED.test(name) && name === name.toUpperCase() ? name : displayText(quoteIdent(name));
}

/** Orders texts by code unit, the same on every machine and locale (names, ISO timestamps). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How a warehouse compares names: Snowflake exactly as stored, DuckDB case-insensitively. */
export type NameMatching = 'exact' | 'case-insensitive';

/** The key under which a stored name is compared on a warehouse with the given matching rule. */
export function nameKey(name: string, matching: NameMatching): string {
  return matching === 'exact' ? name : name.toUpperCase();
}

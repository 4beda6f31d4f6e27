// Snowflake SQL lexer: strings ('..' with '' and backslash escapes, $$..$$), quoted identifiers
// ("" escapes), comments (--, //, /* */), binds (? and :1) and operators. It never interprets
// statements; the DDL parser and the translator work on its tokens.

import { syntaxError } from './errors.js';

/** Lexical class of a token. `word` covers keywords and unquoted identifiers. */
export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'op' | 'bind' | 'ws' | 'comment';

/** One lexical token with its source offset; `value` is unescaped for strings and quoted identifiers. */
export interface Token {
  kind: TokenKind;
  text: string;
  value: string;
  pos: number;
}

const OPERATORS = [
  '::',
  '=>',
  '<=',
  '>=',
  '<>',
  '!=',
  '||',
  '->>',
  '->',
  '(',
  ')',
  ',',
  ';',
  '.',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
  '[',
  ']',
  ':',
  '{',
  '}',
  '|',
  '!',
  '~',
  '&',
  '^',
  '@',
];

/** Splits SQL text into tokens (whitespace and comments included, so offsets stay exact). */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string): void => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text, pos: i });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j] as string)) j++;
      push('ws', j);
    } else if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
      const j = sql.indexOf('\n', i);
      push('comment', j < 0 ? sql.length : j);
    } else if (c === '/' && next === '*') {
      const j = sql.indexOf('*/', i + 2);
      if (j < 0) throw syntaxError(sql, i, '/*');
      push('comment', j + 2);
    } else if (c === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) throw syntaxError(sql, i, sql.slice(i, i + 20));
        const d = sql[j] as string;
        if (d === '\\' && j + 1 < sql.length) {
          const e = sql[j + 1] as string;
          value += ({ n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
          j += 2;
        } else if (d === "'" && sql[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (d === "'") {
          j++;
          break;
        } else {
          value += d;
          j++;
        }
      }
      push('string', j, value);
    } else if (c === '$' && next === '$') {
      const j = sql.indexOf('$$', i + 2);
      if (j < 0) throw syntaxError(sql, i, '$$');
      push('string', j + 2, sql.slice(i + 2, j));
    } else if (c === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length) throw syntaxError(sql, i, sql.slice(i, i + 20));
        const d = sql[j] as string;
        if (d === '"' && sql[j + 1] === '"') {
          value += '"';
          j += 2;
        } else if (d === '"') {
          j++;
          break;
        } else {
          value += d;
          j++;
        }
      }
      if (value === '') throw syntaxError(sql, i, '""');
      push('quoted', j, value);
    } else if (/[0-9]/.test(c) || (c === '.' && next !== undefined && /[0-9]/.test(next))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(sql.slice(i)) as RegExpExecArray;
      push('number', i + m[0].length);
    } else if (/[A-Za-z_]/.test(c) || c.charCodeAt(0) > 127) {
      let j = i + 1;
      while (j < sql.length && (/[A-Za-z0-9_$]/.test(sql[j] as string) || (sql[j] as string).charCodeAt(0) > 127)) j++;
      push('word', j);
    } else if (c === '?') {
      push('bind', i + 1);
    } else if (c === ':' && next !== undefined && /[0-9]/.test(next)) {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j] as string)) j++;
      push('bind', j);
    } else if (c === '$' && next !== undefined && /[A-Za-z_0-9]/.test(next)) {
      throw syntaxError(sql, i, sql.slice(i, i + 20).split(/\s/)[0] ?? '$');
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      if (!op) throw syntaxError(sql, i, c);
      push('op', i + op.length);
    }
  }
  return tokens;
}

/** Tokens without whitespace and comments. */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'ws' && t.kind !== 'comment');
}

/** One statement of a request: its exact source text and its significant tokens. */
export interface StatementSource {
  text: string;
  tokens: Token[];
}

/** Splits a request into statements on top-level `;`, dropping empty ones. */
export function splitStatements(sql: string): StatementSource[] {
  const all = tokenize(sql);
  const out: StatementSource[] = [];
  let start = 0;
  let current: Token[] = [];
  const flush = (end: number): void => {
    const sig = significant(current);
    if (sig.length > 0) {
      const text = sql.slice(start, end).trim();
      const offset = sql.indexOf(text, start);
      out.push({ text, tokens: sig.map((t) => ({ ...t, pos: t.pos - offset })) });
    }
    current = [];
  };
  for (const t of all) {
    if (t.kind === 'op' && t.text === ';') {
      flush(t.pos);
      start = t.pos + 1;
    } else {
      current.push(t);
    }
  }
  flush(sql.length);
  return out;
}

/** True when the token is the given keyword (case-insensitive, unquoted). */
export function isKeyword(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'word' && words.includes(token.text.toUpperCase());
}

/** True when the token is the given operator/punctuation. */
export function isOp(token: Token | undefined, op: string): boolean {
  return token !== undefined && token.kind === 'op' && token.text === op;
}

/** Renders a string value as a SQL literal ('' escaping, no backslash escapes). */
export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Renders an identifier as a double-quoted identifier ("" escaping). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

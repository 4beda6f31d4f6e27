/**
 * The header of a captured CREATE VIEW statement (`CREATE [OR REPLACE] [SECURE] [...] [RECURSIVE]
 * VIEW [IF NOT EXISTS] [db.][schema.]name [COPY GRANTS] ...`), read without running it. Snowflake
 * keeps the text a view was created with as its definition: `ALTER VIEW ... RENAME TO` (also into
 * another schema) leaves the old name in it (docs/snowflake-behaviour.md#renamed-views). So a
 * definition says what a view selects, not what it is called now: ckpt re-creates a view under
 * the name its inventory records, and compares two definitions without their headers.
 */

/** One lexical token of SQL, with where it sits in the text. */
interface Token {
  kind: 'word' | 'quoted' | 'symbol';
  text: string;
  start: number;
  end: number;
}

/** Splits SQL into words, quoted names and symbols, skipping whitespace, comments and string literals. */
function tokens(sql: string): Token[] {
  const out: Token[] = [];
  const pattern =
    /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\]|''|\\.)*'|\$\$[\s\S]*?\$\$|"((?:[^"]|"")*)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)|(\/\*|['"]|\$\$)[\s\S]*|([\s\S])/gy;
  for (const m of sql.matchAll(pattern)) {
    const at = { start: m.index, end: m.index + m[0].length };
    if (m[1] !== undefined) out.push({ kind: 'quoted', text: m[1].replaceAll('""', '"'), ...at });
    else if (m[2] !== undefined) out.push({ kind: 'word', text: m[2], ...at });
    else if (m[3] !== undefined) out.push({ kind: 'symbol', text: 'unterminated', ...at });
    else if (m[4] !== undefined) out.push({ kind: 'symbol', text: m[4], ...at });
  }
  return out;
}

/** Words that may stand between CREATE and VIEW; OR REPLACE is read but never kept. */
const MODIFIERS = new Set(['OR', 'REPLACE', 'SECURE', 'LOCAL', 'GLOBAL', 'TEMP', 'TEMPORARY', 'VOLATILE', 'RECURSIVE']);

/** A CREATE VIEW statement taken apart at its name. */
export interface ViewHeader {
  /** The modifiers between CREATE and VIEW as written (SECURE, RECURSIVE, ...), upper-cased, without OR REPLACE. */
  modifiers: string[];
  /** The name's parts (database, schema, view; as many as written), as stored: unquoted words upper-cased. */
  name: string[];
  /** The text after the name, to the end of the statement (no `;`), with COPY GRANTS taken out. */
  rest: string;
}

/** The name a stored identifier token stands for (unquoted words fold to upper case, Snowflake's rule). */
function identifier(token: Token | undefined): string | null {
  if (token === undefined) return null;
  if (token.kind === 'quoted') return token.text;
  return token.kind === 'word' && !isWord(token, 'AS') ? token.text.toUpperCase() : null;
}

/** Whether `token` is an unquoted word, one of `words` (upper case). */
const isWord = (token: Token | undefined, ...words: string[]) => token?.kind === 'word' && words.includes(token.text.toUpperCase());

/** The text from `from` to `to` without the ranges of each COPY GRANTS before the top-level AS. */
function withoutCopyGrants(sql: string, ts: Token[], first: number, from: number, to: number): string {
  let text = '';
  let at = from;
  let depth = 0;
  for (let i = first; i < ts.length; i += 1) {
    const t = ts[i] as Token;
    if (t.kind === 'symbol' && t.text === '(') depth += 1;
    else if (t.kind === 'symbol' && t.text === ')') depth -= 1;
    else if (depth === 0 && isWord(t, 'AS')) break;
    else if (depth === 0 && isWord(t, 'COPY') && isWord(ts[i + 1], 'GRANTS')) {
      text += sql.slice(at, t.start);
      at = (ts[i + 1] as Token).end;
      while (/\s/.test(sql[at] ?? '')) at += 1;
      i += 1;
    }
  }
  return text + sql.slice(at, to);
}

/**
 * Reads the header of `definition`: a `ViewHeader` when it is exactly one CREATE VIEW statement
 * (a trailing `;` allowed), else why it is not.
 */
export function readViewHeader(definition: string): ViewHeader | { refused: string } {
  const all = tokens(definition);
  if (all.some((t) => t.kind === 'symbol' && t.text === 'unterminated')) return { refused: 'an unterminated comment, string or name' };
  const semicolon = all.findIndex((t) => t.kind === 'symbol' && t.text === ';');
  if (semicolon >= 0 && semicolon < all.length - 1) return { refused: 'it holds more than one statement' };
  const ts = semicolon >= 0 ? all.slice(0, semicolon) : all;
  if (!isWord(ts[0], 'CREATE')) return { refused: 'it does not start with CREATE' };
  let i = 1;
  const modifiers: string[] = [];
  for (; isWord(ts[i], ...MODIFIERS); i += 1) modifiers.push((ts[i] as Token).text.toUpperCase());
  if (!isWord(ts[i], 'VIEW')) return { refused: 'it creates something other than a view' };
  i += 1;
  if (isWord(ts[i], 'IF') && isWord(ts[i + 1], 'NOT') && isWord(ts[i + 2], 'EXISTS')) i += 3;
  const name: string[] = [];
  for (;;) {
    const part = identifier(ts[i]);
    if (part === null) return { refused: 'it names no view' };
    name.push(part);
    if (!(ts[i + 1]?.kind === 'symbol' && ts[i + 1]?.text === '.')) break;
    i += 2;
  }
  const end = semicolon >= 0 ? (all[semicolon] as Token).start : definition.length;
  return {
    modifiers: modifiers.filter((m) => m !== 'OR' && m !== 'REPLACE'),
    name,
    rest: withoutCopyGrants(definition, ts, i + 1, (ts[i] as Token).end, end),
  };
}

/** `CREATE <modifiers> VIEW <qualifiedName> <rest>`: the header's statement under another name, never OR REPLACE or IF NOT EXISTS. */
export function viewStatementNamed(header: ViewHeader, qualifiedName: string): string {
  const rest = header.rest.trimEnd();
  return `CREATE ${[...header.modifiers, 'VIEW'].join(' ')} ${qualifiedName}${/^[\s(]/.test(rest) ? '' : ' '}${rest}`;
}

/** A definition with its whitespace runs made one space and no trailing `;`. */
function normalised(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();
}

/**
 * Whether two captured definitions define the same view, whatever name, OR REPLACE, IF NOT
 * EXISTS or COPY GRANTS their headers carry (a view restored under its recorded name, or renamed
 * since, is the same view). Definitions that are not one CREATE VIEW are compared as text.
 */
export function sameViewDefinition(a: string, b: string): boolean {
  const canonical = (sql: string) => {
    const header = readViewHeader(sql);
    return normalised('refused' in header ? sql : viewStatementNamed(header, 'V'));
  };
  // The same text is the same view (the planner compares thousands of unchanged views).
  return a === b || canonical(a) === canonical(b);
}

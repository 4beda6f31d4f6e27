/**
 * The one shape of SQL ckpt runs from a captured view definition: a single CREATE VIEW statement
 * for the view being restored. A definition comes from the audit table (anyone with UPDATE on it
 * can edit it) or a saved plan file; anything else (a second statement, another object's name, a
 * CREATE TABLE) is refused before it reaches the warehouse.
 */
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import { displayIdent, nameKey, type NameMatching } from '../model/refs.js';

type Token = { kind: 'word' | 'quoted' | 'symbol'; text: string };

/** Splits SQL into words, quoted names and symbols, skipping whitespace, comments and string literals. */
function tokens(sql: string): Token[] {
  const out: Token[] = [];
  const pattern =
    /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\]|''|\\.)*'|\$\$[\s\S]*?\$\$|"((?:[^"]|"")*)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)|(\/\*|['"]|\$\$)[\s\S]*|([\s\S])/gy;
  for (const m of sql.matchAll(pattern)) {
    if (m[1] !== undefined) out.push({ kind: 'quoted', text: m[1].replaceAll('""', '"') });
    else if (m[2] !== undefined) out.push({ kind: 'word', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'symbol', text: 'unterminated' });
    else if (m[4] !== undefined) out.push({ kind: 'symbol', text: m[4] });
  }
  return out;
}

const MODIFIERS = new Set(['OR', 'REPLACE', 'SECURE', 'LOCAL', 'GLOBAL', 'TEMP', 'TEMPORARY', 'VOLATILE', 'RECURSIVE']);

/** The name a stored identifier token stands for (unquoted words fold to upper case, Snowflake's rule). */
function identifier(token: Token | undefined): string | null {
  if (token === undefined) return null;
  if (token.kind === 'quoted') return token.text;
  return token.kind === 'word' ? token.text.toUpperCase() : null;
}

/**
 * Returns `definition` when it is exactly one `CREATE [OR REPLACE] [SECURE ...] VIEW [IF NOT EXISTS]
 * [db.][schema.]name ...` statement (a trailing `;` allowed) whose name is `name` under `matching`;
 * throws otherwise, naming what was found.
 */
export function checkedViewDefinition(definition: string, name: string, matching: NameMatching): string {
  const refuse = (why: string) =>
    new CkptError(
      'DEFINITION_REFUSED',
      `the captured definition of view ${displayIdent(name)} is not a single CREATE VIEW for it (${why}); ckpt does not run it`,
      {
        hint: HINTS.definitionEdited,
      },
    );
  const all = tokens(definition);
  const semicolon = all.findIndex((t) => t.kind === 'symbol' && t.text === ';');
  if (semicolon >= 0 && semicolon < all.length - 1) throw refuse('it holds more than one statement');
  const ts = semicolon >= 0 ? all.slice(0, semicolon) : all;
  if (all.some((t) => t.kind === 'symbol' && t.text === 'unterminated')) throw refuse('an unterminated comment, string or name');
  let i = 0;
  if (ts[i]?.kind !== 'word' || ts[i]?.text.toUpperCase() !== 'CREATE') throw refuse('it does not start with CREATE');
  i += 1;
  while (ts[i]?.kind === 'word' && MODIFIERS.has((ts[i]?.text ?? '').toUpperCase())) i += 1;
  if (ts[i]?.kind !== 'word' || ts[i]?.text.toUpperCase() !== 'VIEW') throw refuse('it creates something other than a view');
  i += 1;
  if (ts[i]?.text.toUpperCase() === 'IF' && ts[i + 1]?.text.toUpperCase() === 'NOT' && ts[i + 2]?.text.toUpperCase() === 'EXISTS') i += 3;
  let last = identifier(ts[i]);
  while (ts[i + 1]?.kind === 'symbol' && ts[i + 1]?.text === '.') {
    i += 2;
    last = identifier(ts[i]);
  }
  if (last === null) throw refuse('it names no view');
  if (nameKey(last, matching) !== nameKey(name, matching)) throw refuse(`it creates ${displayIdent(last)}`);
  return definition;
}

/**
 * The one shape of SQL ckpt runs from a captured view definition: a single CREATE VIEW statement.
 * A definition comes from the audit table (anyone with UPDATE on it can edit it) or a saved plan
 * file; anything else (a second statement, a CREATE TABLE) is refused before it reaches the
 * warehouse. On Snowflake the statement is re-headed to the view's recorded name (a definition
 * keeps the name the view was created with: docs/snowflake-behaviour.md#renamed-views).
 */
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import { displayIdent, nameKey, type NameMatching } from '../model/refs.js';
import { readViewHeader, viewStatementNamed, type ViewHeader } from '../model/view-header.js';

/** The header of `definition`, the captured definition of view `name`; throws when it is not a single CREATE VIEW. */
function header(definition: string, name: string): ViewHeader {
  const read = readViewHeader(definition);
  if ('refused' in read) throw refusal(name, read.refused);
  return read;
}

function refusal(name: string, why: string): CkptError {
  return new CkptError(
    'DEFINITION_REFUSED',
    `the captured definition of view ${displayIdent(name)} is not a single CREATE VIEW for it (${why}); ckpt does not run it`,
    { hint: HINTS.definitionEdited },
  );
}

/**
 * Returns `definition` when it is exactly one `CREATE [OR REPLACE] [SECURE ...] VIEW [IF NOT EXISTS]
 * [db.][schema.]name ...` statement (a trailing `;` allowed) whose name is `name` under `matching`;
 * throws otherwise, naming what was found. For the embedded warehouse, whose definitions follow
 * renames (it writes them from the view as it is).
 */
export function checkedViewDefinition(definition: string, name: string, matching: NameMatching): string {
  const last = header(definition, name).name.at(-1) as string;
  if (nameKey(last, matching) !== nameKey(name, matching)) throw refusal(name, `it creates ${displayIdent(last)}`);
  return definition;
}

/**
 * The statement that re-creates view `name` from its captured `definition` under `qualifiedName`
 * (its inventory's database, schema and name, quoted), whatever name the definition's header
 * carries: never OR REPLACE (an object of that name makes it fail, it is never overwritten), no IF
 * NOT EXISTS (which would succeed without creating it), no COPY GRANTS (nothing is replaced);
 * SECURE, RECURSIVE, the column list, comments and the body as captured. Throws when the
 * definition is not a single CREATE VIEW.
 */
export function viewStatementFor(definition: string, name: string, qualifiedName: string): string {
  return viewStatementNamed(header(definition, name), qualifiedName);
}

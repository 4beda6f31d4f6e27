/**
 * `ckpt sql "STATEMENT"`, `ckpt sql -q "STATEMENT"` or `ckpt sql -f FILE.sql`, as `snow sql` takes
 * them (the config file then comes from --config, $CKPT_FILE or the search from the current
 * folder): runs SQL on a target's connection, in its schema (so a user of the embedded warehouse
 * can create demo tables), and prints the result. A SQL file is a regular file of at most 64 MiB;
 * on the embedded warehouse, ATTACH, DETACH and USE are refused (they would leave the target's
 * schema).
 */
import { readRegularFile } from '../../config/read-file.js';
import { selectTargets, singleTarget, targetRef } from '../../engine/session.js';
import { LOCAL_CONNECTION } from '../../model/desired.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import { displayIdent } from '../../model/refs.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { cellText, renderTable } from '../render-table.js';
import { guardOwnTables } from '../own-tables.js';

/** Options of `ckpt sql`: the SQL comes from exactly one of `statement`, `query` and `filename`. */
export interface SqlOptions {
  /** The SQL, as the command's argument. */
  statement?: string;
  /** The SQL, as `-q`. */
  query?: string;
  /** The SQL file (`-f`). */
  filename?: string;
  /** The config file (`--config`). */
  config?: string;
  /** The target: one name (or several, refused). */
  target?: string[];
  json?: boolean;
  /** Run even SQL that may change ckpt's own tables. */
  force?: boolean;
}

/** Runs the command and returns its exit code. */
export async function sqlCommand(ctx: CliContext, options: SqlOptions): Promise<number> {
  const text = await sqlText(options);
  const desired = await loadDesired(options.config, ctx.out, ctx.connections);
  const target = singleTarget(selectTargets(desired, options.target), desired.file);
  guardOwnTables(text, target, options.force === true);
  if (target.connection === LOCAL_CONNECTION) refuseLeavingTarget(text, target.schema);
  return withSession(ctx, desired, 'sql', async (session) => {
    const result = await (await session.warehouse(target)).query(targetRef(target), text);
    if (options.json === true) ctx.out.data(toJsonText({ columns: result.columns, rows: result.rows }));
    else if (result.columns.length > 0)
      ctx.out.data(
        renderTable(
          result.columns,
          result.rows.map((r) => r.map(cellText)),
        ),
      );
    return ExitCode.ok;
  });
}

/** The SQL to run, from the one source given: the argument, -q, or the file of -f. */
async function sqlText(options: SqlOptions): Promise<string> {
  const { statement, query, filename } = options;
  const given = [statement, query, filename].filter((v) => v !== undefined).length;
  if (given === 1 && filename !== undefined) return readSqlFile(filename);
  const inline = statement ?? query;
  if (given === 1 && inline !== undefined) return inline;
  throw new CkptError('CONFIG_INVALID', `give the SQL once: a statement, -q SQL or -f FILE.sql (${given} given)`, {
    hint: HINTS.sqlUsage,
  });
}

/** String literals, quoted names and comments: where a keyword is not a statement's. */
const QUOTED_OR_COMMENT = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g;

/** A statement that attaches another database, detaches one, or moves the session out of the target's schema. */
const LEAVING_STATEMENT = /(?:^|;)\s*(ATTACH|DETACH|USE)\b/i;

/**
 * On the embedded warehouse, `ckpt sql` runs in the target's schema, and ckpt keeps its registry
 * of objects next to it in the same session: ATTACH, DETACH and USE would move the session away
 * from both, so they are refused before anything runs.
 */
function refuseLeavingTarget(sql: string, schema: string): void {
  const keyword = LEAVING_STATEMENT.exec(sql.replace(QUOTED_OR_COMMENT, ' '))?.[1];
  if (keyword === undefined) return;
  throw new CkptError(
    'SQL_FAILED',
    `${keyword.toUpperCase()} is refused: \`ckpt sql\` runs in the target's schema (${displayIdent(schema)}) of the embedded warehouse, which ATTACH, DETACH and USE would leave`,
    {
      hint: 'name objects of another schema in full (other_schema.t) instead; to work on another DuckDB file, use the duckdb CLI on it',
    },
  );
}

/** Largest SQL file `ckpt sql -f` reads. */
const MAX_SQL_BYTES = 64 * 1024 * 1024;

/** The text of a SQL file: a regular file of at most 64 MiB. */
async function readSqlFile(path: string): Promise<string> {
  const read = await readRegularFile(path, MAX_SQL_BYTES, 'SQL files');
  if (!read.ok)
    throw new CkptError('CONFIG_NOT_FOUND', `cannot run ${path}: ${read.message}`, { hint: 'give the path of a regular .sql file' });
  return read.bytes.toString('utf8');
}

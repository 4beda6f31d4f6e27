/**
 * `ckpt sql "STATEMENT"` / `ckpt sql -f FILE.sql` (the config then comes from -c or $CKPT_FILE): runs SQL on a target's connection, in its
 * schema (so a user of the embedded warehouse can create demo tables), and prints the result.
 * A SQL file is a regular file of at most 64 MiB.
 */
import { readRegularFile } from '../../config/read-file.js';
import { selectTargets, singleTarget, targetRef } from '../../engine/session.js';
import { CkptError } from '../../model/errors.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { cellText, renderTable } from '../render-table.js';

/** Options of `ckpt sql`. */
export interface SqlOptions {
  /** The config file (`-c`). */
  config?: string;
  target?: string;
  /** The SQL file (`-f`). */
  sqlFile?: string;
  json?: boolean;
}

/** Runs the command and returns its exit code. */
export async function sqlCommand(ctx: CliContext, statement: string | undefined, options: SqlOptions): Promise<number> {
  if ((statement === undefined) === (options.sqlFile === undefined)) {
    throw new CkptError('CONFIG_INVALID', 'give either a statement or -f FILE.sql, not both or neither', {
      hint: 'e.g. ckpt sql "CREATE TABLE orders (id INTEGER)"',
    });
  }
  const text = statement ?? (await readSqlFile(options.sqlFile as string));
  const desired = await loadDesired(options.config, ctx.out, ctx.connections);
  const target = singleTarget(selectTargets(desired, options.target), desired.file);
  return withSession(ctx, desired, 'sql', async (session) => {
    const result = await (await session.warehouse(target)).query(targetRef(target), text);
    if (options.json === true) ctx.out.data(toJsonText({ columns: result.columns, rows: result.rows }));
    else if (result.columns.length > 0) ctx.out.data(renderTable(result.columns, result.rows.map((r) => r.map(cellText))));
    return ExitCode.ok;
  });
}

/** Largest SQL file `ckpt sql -f` reads. */
const MAX_SQL_BYTES = 64 * 1024 * 1024;

/** The text of a SQL file: a regular file of at most 64 MiB. */
async function readSqlFile(path: string): Promise<string> {
  const read = await readRegularFile(path, MAX_SQL_BYTES, 'SQL files');
  if (!read.ok) throw new CkptError('CONFIG_NOT_FOUND', `cannot run ${path}: ${read.message}`, { hint: 'give the path of a regular .sql file' });
  return read.bytes.toString('utf8');
}

/**
 * `ckpt sql "STATEMENT"` / `ckpt sql -f FILE.sql` (the config then comes from -c or $CKPT_FILE): runs SQL on a target's connection, in its
 * schema (so a user of the embedded warehouse can create demo tables), and prints the result.
 */
import { readFile } from 'node:fs/promises';
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

async function readSqlFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CkptError('CONFIG_NOT_FOUND', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

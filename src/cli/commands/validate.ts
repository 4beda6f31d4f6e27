/**
 * `ckpt validate`: checks the file offline (syntax, schema, rules) and opens no connection.
 */
import { loadDesired } from '../config-file.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/** Runs the command and returns its exit code. */
export async function validateCommand(ctx: CliContext, options: { file?: string }): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const actions = desired.targets.reduce((n, t) => n + t.actions.length, 0);
  const checkpoints = desired.targets.reduce((n, t) => n + t.checkpoints.length, 0);
  ctx.out.message(
    `${desired.file} is valid: ${desired.targets.length} target${desired.targets.length === 1 ? '' : 's'}, ${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'}, ${actions} action${actions === 1 ? '' : 's'}.`,
  );
  return ExitCode.ok;
}

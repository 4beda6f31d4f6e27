/**
 * `ckpt schema`: prints the JSON Schema of checkpoints.yaml (for editors and CI), or of one of
 * the JSON outputs with --of.
 */
import { readFile } from 'node:fs/promises';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { packageFile } from '../package-files.js';

/** The published schemas. */
export const SCHEMAS = [
  'checkpoints',
  'plan',
  'checkpoints-list',
  'history',
  'status',
  'validate',
  'checkpoint-create',
  'version',
  'connection-test',
] as const;

/** Runs the command and returns its exit code. */
export async function schemaCommand(ctx: CliContext, options: { of?: string }): Promise<number> {
  const name = options.of ?? 'checkpoints';
  if (!(SCHEMAS as readonly string[]).includes(name)) {
    throw new CkptError('CONFIG_INVALID', `no schema named ${name}`, { hint: HINTS.schemaNames(SCHEMAS) });
  }
  ctx.out.data(await readFile(packageFile(`schemas/${name}.schema.json`), 'utf8'));
  return ExitCode.ok;
}

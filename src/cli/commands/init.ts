/**
 * `ckpt init`: writes a commented starter checkpoints.yaml (with the $schema line) when none
 * exists, then creates the audit table of each target.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { planInit } from '../../plan/ad-hoc.js';
import type { Plan } from '../../model/plan.js';
import { CkptError } from '../../model/errors.js';
import { configPath, loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { packageFile } from '../package-files.js';

/** Runs the command and returns its exit code. */
export async function initCommand(ctx: CliContext, options: { file?: string }): Promise<number> {
  const path = configPath(options.file);
  // The editor modeline points at the schema shipped with this ckpt, relative to the new file.
  const schema = relative(dirname(path), packageFile('schemas/checkpoints.schema.json')).split('\\').join('/');
  const starter = (await readFile(packageFile('examples/starter.yaml'), 'utf8')).replace(
    /\$schema=\S+/,
    `$schema=${schema.startsWith('.') ? schema : `./${schema}`}`,
  );
  try {
    await writeFile(path, starter, { flag: 'wx' });
    ctx.out.message(`Wrote ${path}.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CkptError('CONFIG_NOT_FOUND', `cannot write ${path}: ${(error as Error).message}`, { cause: error });
    }
    ctx.out.message(`${path} exists; leaving it as it is.`);
  }
  const desired = await loadDesired(path, ctx.out, ctx.connections);
  return withSession(ctx, desired, 'init', async (session) => {
    await session.lock(desired.targets);
    const observed = await session.observe(desired.targets);
    const targets = desired.targets.flatMap((t) => {
      const obs = observed.get(t.name);
      return obs === undefined ? [] : [planInit(t, obs)];
    });
    const plan: Plan = { formatVersion: 1, generatedAt: '', configFile: desired.file, configHash: desired.sourceHash, targets };
    const outcomes = await session.apply(plan);
    const failed = outcomes.find((o) => o.failed);
    if (failed !== undefined) {
      throw new CkptError(
        'STEP_FAILED',
        `could not create the audit table of ${failed.target}: ${failed.steps.find((s) => s.error)?.error ?? ''}`,
      );
    }
    for (const t of targets) {
      ctx.out.message(
        t.steps.length > 0
          ? `Created the audit table of ${t.target} (${t.location}).`
          : `The audit table of ${t.target} (${t.location}) exists.`,
      );
    }
    return ExitCode.ok;
  });
}

/**
 * `ckpt init`: writes a commented starter checkpoints.yaml (with the $schema line) when none
 * exists, then creates the audit table of each target.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { planInit } from '../../plan/ad-hoc.js';
import type { Plan } from '../../model/plan.js';
import { CkptError } from '../../model/errors.js';
import { configPath, loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

const STARTER = fileURLToPath(new URL('../../../../examples/starter.yaml', import.meta.url));

/** Runs the command and returns its exit code. */
export async function initCommand(ctx: CliContext, options: { file?: string }): Promise<number> {
  const path = configPath(options.file);
  const starter = await readFile(STARTER, 'utf8');
  try {
    await writeFile(path, starter, { flag: 'wx' });
    ctx.out.message(`Wrote ${path}.`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CkptError('CONFIG_NOT_FOUND', `cannot write ${path}: ${(error as Error).message}`, { cause: error });
    }
    ctx.out.message(`${path} exists; leaving it as it is.`);
  }
  const desired = await loadDesired(path, ctx.out, ctx.connection);
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
      throw new CkptError('STEP_FAILED', `could not create the audit table of ${failed.target}: ${failed.steps.find((s) => s.error)?.error ?? ''}`);
    }
    for (const t of targets) {
      ctx.out.message(t.steps.length > 0 ? `Created the audit table of ${t.target} (${t.location}).` : `The audit table of ${t.target} (${t.location}) exists.`);
    }
    return ExitCode.ok;
  });
}

/**
 * `ckpt checkpoint create`: an ad-hoc checkpoint of one target, id generated as
 * CP_YYYY_MM_DD_HH_MI_SS (warehouse clock) unless --id is given. Never retakes an id. `--keep
 * clone` also keeps a copy of every table (as `keep: clone` in the file), so that a reset can
 * revert content to it at any age; `--keep inventory` (the default) keeps the inventory only.
 */
import { selectTargets, singleTarget } from '../../engine/session.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { CheckpointKeep } from '../../model/desired.js';
import type { Plan } from '../../model/plan.js';
import { planAdHocCheckpoint } from '../../plan/ad-hoc.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';

/** Options of `ckpt checkpoint create`. */
export interface CheckpointCreateOptions {
  file?: string;
  target?: string[];
  id?: string;
  description?: string;
  /** What the checkpoint keeps: its inventory (default), or also a clone of every table. */
  keep?: CheckpointKeep;
  json?: boolean;
}

/** Refuses a checkpoint id given with --id that is not valid (CONFIG_INVALID, with what a valid one is). */
export function checkCheckpointId(id: string | undefined): void {
  if (id !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/.test(id)) {
    throw new CkptError('CONFIG_INVALID', `checkpoint id ${JSON.stringify(id)} is not valid`, {
      hint: HINTS.checkpointId,
    });
  }
}

/** Runs the command and returns its exit code. */
export async function checkpointCreateCommand(ctx: CliContext, options: CheckpointCreateOptions): Promise<number> {
  checkCheckpointId(options.id);
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const target = singleTarget(selectTargets(desired, options.target), desired.file);
  return withSession(ctx, desired, 'checkpoint create', async (session) => {
    await session.lock([target]);
    const observed = await session.observe([target], 'totals');
    const obs = observed.get(target.name);
    if (obs === undefined) throw new CkptError('INTERNAL', 'target not observed');
    const targetPlan = planAdHocCheckpoint(target, obs, options.id, options.description ?? '', options.keep ?? 'inventory');
    const plan: Plan = {
      formatVersion: 1,
      generatedAt: obs.now,
      configFile: desired.file,
      configHash: desired.sourceHash,
      targets: [targetPlan],
    };
    const [outcome] = await session.apply(plan);
    const step = targetPlan.steps.find((s) => s.kind === 'take-checkpoint');
    const id = step?.kind === 'take-checkpoint' ? step.checkpointId : '';
    if (outcome?.failed) {
      const error = outcome.steps.find((s) => s.outcome === 'failed')?.error ?? 'unknown error';
      throw new CkptError('STEP_FAILED', `checkpoint ${id} was not taken: ${error}`);
    }
    const keep = options.keep ?? 'inventory';
    if (options.json === true) ctx.out.data(toJsonText({ formatVersion: 1, target: target.name, checkpointId: id, keep }));
    else
      ctx.out.message(
        `Checkpoint ${id} taken of ${targetPlan.location} (${obs.objects.length} objects${keep === 'clone' ? ', with a clone of every table' : ''}).`,
      );
    return ExitCode.ok;
  });
}

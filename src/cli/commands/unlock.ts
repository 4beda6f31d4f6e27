/**
 * `ckpt unlock TARGET`: breaks a target's lease left by a writer that is gone, after
 * confirmation (typing the target's name at a terminal, or --yes).
 */
import { describeHolder } from '../../apply/lease.js';
import { targetNamed, targetRef } from '../../engine/session.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import { displayTime } from '../../model/time.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { ask, canPrompt } from '../prompt.js';

/** Runs the command and returns its exit code. */
export async function unlockCommand(ctx: CliContext, name: string, options: { file?: string; yes?: boolean }): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const target = targetNamed(desired, name);
  if (options.yes !== true) {
    if (!canPrompt()) {
      throw new CkptError(
        'CONSENT_REQUIRED',
        `breaking the lease of ${target.name} lets another writer in while the holder may still run`,
        {
          hint: HINTS.unlockConsent(target.name),
        },
      );
    }
    const answer = await ask(`Break the lease of ${target.name}? Only if no ckpt is working on it. Type the target name to confirm: `);
    if (answer !== target.name) throw new CkptError('CANCELLED', 'unlock cancelled; the lease is unchanged');
  }
  return withSession(ctx, desired, 'unlock', async (session) => {
    const before = await (await session.warehouse(target)).leases(targetRef(target)).break();
    const held = before.filter((r) => r.holder !== null);
    if (held.length === 0) ctx.out.message(`${target.name} had no lease held.`);
    for (const r of held) {
      ctx.out.message(`Broke the lease of ${describeHolder(r.info)}${r.acquiredAt ? ` held since ${displayTime(r.acquiredAt)}` : ''}.`);
    }
    return ExitCode.ok;
  });
}

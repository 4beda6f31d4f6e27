/**
 * `ckpt history`: the actions recorded in each target's audit table, with their outcome, the
 * config commit they came from and what each step did.
 */
import { selectTargets } from '../../engine/session.js';
import { displayTime } from '../../model/time.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { renderTable } from '../render-table.js';

/** Runs the command and returns its exit code. */
export async function historyCommand(ctx: CliContext, options: { file?: string; target?: string; json?: boolean }): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connection);
  const targets = selectTargets(desired, options.target);
  return withSession(ctx, desired, 'history', async (session) => {
    const observed = await session.observe(targets);
    const listing = targets.map((t) => ({ target: t.name, actions: observed.get(t.name)?.actions ?? [] }));
    if (options.json === true) {
      ctx.out.data(toJsonText({ formatVersion: 1, targets: listing }));
      return ExitCode.ok;
    }
    for (const t of listing) {
      ctx.out.data(`Target ${t.target}`);
      if (t.actions.length === 0) {
        ctx.out.data('  no actions recorded yet');
        continue;
      }
      ctx.out.data(
        renderTable(
          ['WHEN', 'ACTION', 'TYPE', 'OUTCOME', 'STEPS', 'COMMIT', 'ERROR'],
          t.actions.map((a) => [
            displayTime(a.timestamp),
            a.actionId,
            a.type,
            a.status,
            a.steps.map((s) => `${s.kind}${s.object ? ` ${s.object}` : ''}${s.outcome === 'failed' ? ' (failed)' : ''}`).join('; ') || '-',
            a.commit?.slice(0, 12) ?? '-',
            a.error ?? '',
          ]),
        ),
      );
    }
    return ExitCode.ok;
  });
}

/**
 * `ckpt history`: the runs of each target (from the journal: completed, failed, interrupted;
 * their steps, duration and the config commit they came from),
 * then the actions recorded in its audit table, with their outcome, the config commit they
 * came from and what each step did.
 */
import { summariseRuns } from '../../engine/runs.js';
import { selectTargets, targetRef } from '../../engine/session.js';
import { displayTime } from '../../model/time.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { renderTable } from '../render-table.js';

/** Runs the command and returns its exit code. */
export async function historyCommand(ctx: CliContext, options: { file?: string; target?: string; json?: boolean }): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const targets = selectTargets(desired, options.target);
  return withSession(ctx, desired, 'history', async (session) => {
    const observed = await session.observe(targets);
    const listing = await Promise.all(
      targets.map(async (t) => ({
        target: t.name,
        runs: summariseRuns(await (await session.warehouse(t)).readJournal(targetRef(t))),
        actions: observed.get(t.name)?.actions ?? [],
      })),
    );
    if (options.json === true) {
      ctx.out.data(toJsonText({ formatVersion: 1, targets: listing }));
      return ExitCode.ok;
    }
    for (const t of listing) {
      ctx.out.data(`Target ${t.target}`);
      if (t.runs.length > 0) {
        ctx.out.data(
          renderTable(
            ['RUN', 'STARTED', 'COMMAND', 'OUTCOME', 'STEPS', 'DURATION', 'COMMIT'],
            t.runs.map((r) => [
              r.runId.slice(0, 8),
              displayTime(r.startedAt),
              r.command ?? '-',
              r.outcome,
              `${r.stepsSucceeded}${r.stepsPlanned === null ? '' : `/${r.stepsPlanned}`}${r.stepsFailed > 0 ? ` (${r.stepsFailed} failed)` : ''}`,
              r.durationMs === null ? '-' : `${(r.durationMs / 1000).toFixed(1)}s`,
              r.commit?.slice(0, 12) ?? '-',
            ]),
          ),
        );
        ctx.out.data('');
      }
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

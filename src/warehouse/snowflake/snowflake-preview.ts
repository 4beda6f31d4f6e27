/**
 * The SQL preview of a plan on Snowflake (`ckpt reconcile --sql`): each step's statements, built
 * by the functions its handler runs (snowflake-step-sql.ts) from what this connection observed,
 * with the steps before it played on a copy of the table versions (a drop makes the newest
 * dropped version that a later restore sets aside). Reads (columns, versions not observed) are
 * made as the handler would make them; nothing is changed. A `--` line says what is conditional,
 * and heads a wave whose steps are sent together in multi-statement requests.
 */
import { formWaves } from '../../apply/waves.js';
import { auditTypeOf, restoredTo } from '../../model/action-audit.js';
import type { Step } from '../../model/plan.js';
import type { StepOf } from '../../model/step-kinds.js';
import { previewEach } from '../sql-preview.js';
import type { RunContext, TargetRef } from '../warehouse.js';
import { auditDdl, auditInsert, auditMigrationSql, queryTag, schemaName, type SnowflakeTarget } from './snowflake-sql.js';
import {
  checkpointSql,
  CLOCK_QUERY,
  cloneMissingQuery,
  cloneSchemaDdl,
  cloneTableDdl,
  contentRevertRefused,
  contentRevertSql,
  dropSql,
  expireSql,
  recordActionSql,
  tableRestoreSql,
  viewSql,
} from './snowflake-step-sql.js';
import type { SnowflakeSession, SnowflakeSteps } from './snowflake-steps.js';
import type { TableVersionLedger } from './snowflake-versions.js';

/** Where a keep: clone checkpoint's statements use the instant its clock read returns at run time. */
const INSTANT = ':checkpoint_instant';

/** What the preview carries from step to step: the versions as the steps leave them, and whether the session's schema is set. */
interface Played {
  t: SnowflakeTarget;
  tag: string;
  run: RunContext;
  ledger: TableVersionLedger;
  schemaSet: boolean;
}

/** The statements of each step of a target's plan, in order. */
export async function previewStatements(
  session: SnowflakeSession,
  handlers: SnowflakeSteps,
  target: TargetRef,
  steps: readonly Step[],
  run: RunContext,
): Promise<string[][]> {
  const t = session.resolve(target);
  const tag = queryTag({ command: run.command, target: target.name, step: 'sql-preview', run: run.runId });
  const played: Played = { t, tag, run, ledger: session.versions(t).copy(), schemaSet: false };
  const together = new Map(formWaves([...steps]).flatMap((wave) => (wave.length > 1 ? [[steps[wave[0] as number], wave.length]] : [])));
  return previewEach(steps, async (step) => {
    const statements = await statementsOf(session, handlers, step, played);
    const count = together.get(step);
    return count === undefined ? statements : [sentTogether(count, session.statementsPerRequest), ...statements];
  });
}

/** The line heading a wave that executeWave sends together (snowflake-wave.ts). */
function sentTogether(steps: number, statementsPerRequest: number): string {
  const after = steps === 2 ? 'the step after it' : `the ${steps - 1} steps after it`;
  return `-- sent with ${after}: their statements in order, at most ${statementsPerRequest} to a request, requests spread over --concurrency`;
}

/** One step's statements; `played` moves on as the step would move it. */
async function statementsOf(session: SnowflakeSession, handlers: SnowflakeSteps, step: Step, p: Played): Promise<string[]> {
  switch (step.kind) {
    case 'init-audit':
      return [...auditDdl(p.t), '-- if the audit table holds no SYSTEM_INIT row:', auditInsert(p.t)];
    case 'migrate-audit':
      return auditMigrationSql(p.t, step.fromLayout);
    case 'take-checkpoint':
      if (step.keep !== 'clone') return checkpointSql(p.t, step, p.run, session.snapshotArrayBytes);
      p.schemaSet = false; // the clone becomes the session's schema
      return [
        `-- unless checkpoint ${step.checkpointId} is already recorded (a retried run):`,
        CLOCK_QUERY,
        `-- ${INSTANT} is the instant that query returns, as '<ISO text>'::TIMESTAMP_LTZ`,
        cloneSchemaDdl(p.t, step.checkpointId, INSTANT),
        cloneMissingQuery(p.t, step.checkpointId),
        '-- each table that query returns (retention 0, or created since the instant), cloned as it is now (TRANSIENT if it is):',
        cloneTableDdl(p.t, step.checkpointId, '<table>', false),
        ...checkpointSql(p.t, step, p.run, session.snapshotArrayBytes, INSTANT),
      ];
    case 'expire-checkpoint':
      return expireSql(p.t, step);
    case 'drop-object':
      if (step.object.kind === 'TABLE') p.ledger.dropped(step.object.name);
      return dropSql(p.t, step);
    case 'restore-table':
      return [...useSchema(p), ...(await tableRestore(session, handlers, step, p))];
    case 'recreate-view':
      return [...useSchema(p), ...viewSql(p.t, step)];
    case 'restore-content':
      return contentRevert(handlers, step, p);
    case 'record-action':
      return [
        "-- the action's audit row; each ? is a value bound to it",
        ...recordActionSql(p.t, restoredTo(auditTypeOf(step.spec), 'APPLIED', step.checkpointId)),
      ];
  }
}

/** `USE SCHEMA` before the first statement that needs it (docs/snowflake-behaviour.md#pitfall-19), once per session. */
function useSchema(p: Played): string[] {
  if (p.schemaSet) return [];
  p.schemaSet = true;
  return [`USE SCHEMA ${schemaName(p.t)}`];
}

async function tableRestore(
  session: SnowflakeSession,
  handlers: SnowflakeSteps,
  step: StepOf<'restore-table'>,
  p: Played,
): Promise<string[]> {
  const name = step.object.name;
  const versions = await handlers.versionsOf(p.t, name, p.ledger, p.tag);
  const restore = tableRestoreSql(p.t, name, step.created, versions, await session.lineage(p.t, p.tag));
  p.ledger.replace(name, restore.after);
  return restore.done ? ['-- already restored (by an earlier, interrupted run): nothing to run'] : restore.statements;
}

async function contentRevert(handlers: SnowflakeSteps, step: StepOf<'restore-content'>, p: Played): Promise<string[]> {
  const columns = await handlers.contentColumns(p.t, step, p.tag);
  const refused = contentRevertRefused(step, columns);
  if (refused !== null) throw refused;
  if (step.missing) p.ledger.forget(step.object.name);
  const statements = contentRevertSql(p.t, step, columns, p.run);
  if (!step.missing || columns.live.length === 0) return statements;
  return [
    `-- a table of that name exists now: nothing runs if it is this revert's own (an earlier run), else the step fails`,
    ...statements,
  ];
}

/**
 * The SQL preview of a plan on the embedded warehouse (`ckpt reconcile --sql`): each step's
 * statements, on the user's schema, the audit table and ckpt's hidden schema (a dropped table's
 * copy and trash row, the object registry, a checkpoint's kept copies), built by the functions its
 * handler runs (duckdb-step-sql.ts, duckdb-bookkeeping-sql.ts) from what the file holds now. A `?`
 * stands for a name or value chosen as the step runs (a copy's fresh name, a registry time, a
 * content signature, the action's outcome). Each step runs in one transaction; the drops and the
 * restores of one wave write their trash rows and registry entries in one statement each, shown
 * under every step as its own row. A `--` line says what is conditional.
 */
import { auditTypeOf, restoredTo } from '../../model/action-audit.js';
import type { Step } from '../../model/plan.js';
import type { StepOf } from '../../model/step-kinds.js';
import { sameInstant } from '../../model/time.js';
import { quoteIdent } from '../../model/refs.js';
import { auditMigration } from '../audit-ddl.js';
import { previewEach } from '../sql-preview.js';
import type { RunContext, TargetRef } from '../warehouse.js';
import {
  AT_RUN,
  copyRowsSql,
  dropCopiesSql,
  forgetRegisteredSql,
  literalOrNull,
  keptCopiesOf,
  registerTablesSql,
  registerViewSql,
  timeOrNull,
  trashDeleteSql,
  trashInsertSql,
} from './duckdb-bookkeeping-sql.js';
import type { SchemaCache } from './duckdb-cache.js';
import type { DuckDbDriver } from './duckdb-driver.js';
import {
  auditDdl,
  auditName,
  DUCKDB_AUDIT,
  duckDbLiteral,
  expireCheckpoint,
  inventoryTable,
  liveObjectsQuery,
  syncRegistrySql,
} from './duckdb-sql.js';
import {
  actionRowPreview,
  checkpointSql,
  COPY_AT_RUN,
  dropStatement,
  fromKeptSql,
  fromTrashSql,
  keepCopySql,
  keptCopy,
  objectIn,
  recordActionSql,
  registeredContent,
  registryRowOf,
  systemInitInsert,
  trashRowOf,
  trashRows,
  viewSql,
} from './duckdb-step-sql.js';

/** What the preview reads: the open file and its cached catalog. */
interface Reader {
  db: DuckDbDriver;
  cache: SchemaCache;
}

/** Said before the statements a wave's steps write together. */
const BATCHED = "-- this step's rows, written with the other steps of its wave in one statement each:";

/** The statements of each step of a target's plan, in order. */
export function previewStatements(reader: Reader, target: TargetRef, steps: readonly Step[], run: RunContext): Promise<string[][]> {
  return previewEach(steps, (step) => statementsOf(reader, target, step, run));
}

async function statementsOf(reader: Reader, target: TargetRef, step: Step, run: RunContext): Promise<string[]> {
  switch (step.kind) {
    case 'init-audit':
      return [
        `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`,
        auditDdl(target),
        '-- if the audit table holds no SYSTEM_INIT row:',
        systemInitInsert(target, run),
      ];
    case 'migrate-audit':
      return auditMigration(auditName(target), inventoryTable(target), step.fromLayout, DUCKDB_AUDIT);
    case 'take-checkpoint':
      return checkpointPreview(reader, target, step, run);
    case 'expire-checkpoint':
      return [
        expireCheckpoint(target, step.checkpointId),
        ...dropCopiesSql(target, step.checkpointId, await keptCopiesOf(reader.db, target, step.checkpointId)),
      ];
    case 'drop-object':
      return dropSql(reader, target, step);
    case 'restore-table':
      return restoreSql(reader, target, step);
    case 'recreate-view':
      return [...viewSql(target, step.object.name, step.definition), registerViewSql(target, step.object.name, step.definition)];
    case 'restore-content':
      return contentSql(reader, target, step);
    case 'record-action':
      return [
        "-- the action's audit row; each ? is known once its steps ran",
        ...recordActionSql(
          target,
          actionRowPreview({ ...step, type: auditTypeOf(step.spec) }, run),
          restoredTo(auditTypeOf(step.spec), 'APPLIED', step.checkpointId),
        ),
      ];
  }
}

/** A checkpoint's audit row after the registry is synced; keep: clone, a copy of each live table. */
async function checkpointPreview(reader: Reader, target: TargetRef, step: StepOf<'take-checkpoint'>, run: RunContext): Promise<string[]> {
  const tables =
    step.keep === 'clone'
      ? await reader.db.query(
          `SELECT name, sql, comment FROM (${liveObjectsQuery(target.schema, target.auditTable)}) l WHERE kind = 'TABLE' ORDER BY name`,
        )
      : [];
  return [
    `-- unless checkpoint ${step.checkpointId} is already recorded (a retried run):`,
    syncRegistrySql(target.schema, target.auditTable),
    "-- a table whose rows changed since the registry recorded them gets a new content version (UPDATE of the registry's row)",
    ...dropCopiesSql(target, step.checkpointId, await keptCopiesOf(reader.db, target, step.checkpointId)),
    ...checkpointSql(target, step, run),
    ...tables.flatMap((t) =>
      keepCopySql(
        target,
        step.checkpointId,
        { name: String(t.name), sql: String(t.sql), comment: t.comment === null ? null : String(t.comment) },
        COPY_AT_RUN,
        AT_RUN,
      ),
    ),
  ];
}

async function dropSql(reader: Reader, target: TargetRef, step: StepOf<'drop-object'>): Promise<string[]> {
  const name = step.object.name;
  const live = await reader.cache.row(target, name);
  if (live === undefined) return ['-- already gone: nothing to run'];
  if (step.object.kind === 'VIEW' || live.kind === 'VIEW')
    return [dropStatement(target, name, 'VIEW'), BATCHED, forgetRegisteredSql(target, [name])];
  const content = (await registeredContent(reader.db, target, [name])).get(name.toUpperCase());
  const [altered, signature] = [timeOrNull(content?.altered ?? null), literalOrNull(content?.signature ?? null)];
  return [
    "-- first, the trash's copies past retention are dropped, if there are any",
    copyRowsSql(AT_RUN, objectIn(target, name)),
    dropStatement(target, name, 'TABLE'),
    BATCHED,
    trashInsertSql([trashRowOf(target, step, live, { trashTable: AT_RUN, altered, signature })]),
    forgetRegisteredSql(target, [name]),
  ];
}

async function restoreSql(reader: Reader, target: TargetRef, step: StepOf<'restore-table'>): Promise<string[]> {
  const name = step.object.name;
  const kept = (await trashRows(reader.db, target, [name])).find((k) => sameInstant(k.created, step.created));
  if (kept === undefined)
    return [`-- no kept copy of this version in ckpt's trash: nothing runs if the table is back, else the step fails`];
  return [
    ...fromTrashSql(target, name, kept),
    BATCHED,
    trashDeleteSql([duckDbLiteral(kept.trashTable)]),
    forgetRegisteredSql(target, [name]),
    registerTablesSql(target, [
      registryRowOf(
        { row: { name, sql: kept.sql }, created: step.created, altered: kept.altered },
        kept.signature === null ? AT_RUN : duckDbLiteral(kept.signature),
      ),
    ]),
  ];
}

async function contentSql(reader: Reader, target: TargetRef, step: StepOf<'restore-content'>): Promise<string[]> {
  if (step.from.kind !== 'clone') return ['-- the embedded warehouse has no Time Travel: the step fails'];
  const name = step.object.name;
  const kept = await keptCopy(reader.db, target, { checkpointId: step.from.checkpointId, name, created: step.created });
  if (kept === undefined) return [`-- checkpoint ${step.from.checkpointId} kept no copy of this table: the step fails`];
  const register = [
    forgetRegisteredSql(target, [name]),
    registerTablesSql(target, [registryRowOf({ row: { name, sql: kept.sql }, created: step.created, altered: step.lastAltered }, AT_RUN)]),
  ];
  const live = await reader.cache.row(target, name);
  if (live === undefined) return [...fromKeptSql(target, name, kept), ...register];
  return [
    '-- unless already reverted (an earlier run):',
    dropStatement(target, name, 'TABLE'),
    ...fromKeptSql(target, name, kept),
    ...register,
  ];
}

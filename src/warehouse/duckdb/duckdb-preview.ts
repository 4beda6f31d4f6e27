/**
 * The SQL preview of a plan on the embedded warehouse (`ckpt reconcile --sql`): each step's
 * statements on the user's schema and audit table, built by the functions its handler runs
 * (duckdb-step-sql.ts) from what the file holds now (the live objects, the trash, a checkpoint's
 * copies). ckpt's own bookkeeping in its hidden schema (the copy a drop puts in the trash, under
 * a name chosen as it runs; the object registry) is said in a `--` line, not listed. An action's
 * audit row is written with its steps' outcomes, known only once they ran: a `--` line says so.
 */
import { auditTypeOf, restoredTo } from '../../model/action-audit.js';
import { CkptError } from '../../model/errors.js';
import type { Step } from '../../model/plan.js';
import type { StepOf } from '../../model/step-kinds.js';
import { sameInstant } from '../../model/time.js';
import { quoteIdent } from '../../model/refs.js';
import { auditMigration } from '../audit-ddl.js';
import type { RunContext, TargetRef } from '../warehouse.js';
import type { SchemaCache } from './duckdb-cache.js';
import type { DuckDbDriver } from './duckdb-driver.js';
import { auditDdl, auditName, DUCKDB_AUDIT, expireCheckpoint, inventoryTable, markRestoredTo } from './duckdb-sql.js';
import {
  checkpointSql,
  dropStatement,
  fromKeptSql,
  fromTrashSql,
  keptCopy,
  systemInitInsert,
  trashRows,
  viewSql,
} from './duckdb-step-sql.js';

/** What the preview reads: the open file and its cached catalog. */
interface Reader {
  db: DuckDbDriver;
  cache: SchemaCache;
}

/** The statements of each step of a target's plan, in order. */
export async function previewStatements(reader: Reader, target: TargetRef, steps: readonly Step[], run: RunContext): Promise<string[][]> {
  const out: string[][] = [];
  for (const step of steps) {
    try {
      out.push(await statementsOf(reader, target, step, run));
    } catch (error) {
      if (!(error instanceof CkptError)) throw error;
      out.push([`-- cannot run as planned: ${error.message}`]);
    }
  }
  return out;
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
      return [
        `-- unless checkpoint ${step.checkpointId} is already recorded (a retried run), once ckpt's object registry is up to date:`,
        ...checkpointSql(target, step, run),
        ...(step.keep === 'clone' ? ["-- then a copy of each table's rows is kept in ckpt's hidden schema"] : []),
      ];
    case 'expire-checkpoint':
      return [expireCheckpoint(target, step.checkpointId), "-- and the copies it kept (keep: clone) are dropped from ckpt's hidden schema"];
    case 'drop-object':
      return dropSql(reader, target, step);
    case 'restore-table':
      return restoreSql(reader, target, step);
    case 'recreate-view':
      return viewSql(target, step.object.name, step.definition);
    case 'restore-content':
      return contentSql(reader, target, step);
    case 'record-action': {
      const marked = restoredTo(auditTypeOf(step.spec), 'APPLIED', step.checkpointId);
      return [
        `-- the action's audit row, INSERT INTO ${auditName(target)}: its steps and outcome are written once they ran`,
        ...(marked === null ? [] : [markRestoredTo(target, marked)]),
      ];
    }
  }
}

async function dropSql(reader: Reader, target: TargetRef, step: StepOf<'drop-object'>): Promise<string[]> {
  const live = await reader.cache.row(target, step.object.name);
  if (live === undefined) return ['-- already gone: nothing to run'];
  if (step.object.kind === 'VIEW' || live.kind === 'VIEW') return [dropStatement(target, step.object.name, 'VIEW')];
  return ["-- its rows, DDL and comment are first copied to ckpt's trash", dropStatement(target, step.object.name, 'TABLE')];
}

async function restoreSql(reader: Reader, target: TargetRef, step: StepOf<'restore-table'>): Promise<string[]> {
  const name = step.object.name;
  const kept = (await trashRows(reader.db, target, [name])).find((k) => sameInstant(k.created, step.created));
  if (kept === undefined)
    return [`-- no kept copy of this version in ckpt's trash: nothing runs if the table is back, else the step fails`];
  return fromTrashSql(target, name, kept);
}

async function contentSql(reader: Reader, target: TargetRef, step: StepOf<'restore-content'>): Promise<string[]> {
  if (step.from.kind !== 'clone') return ['-- the embedded warehouse has no Time Travel: the step fails'];
  const name = step.object.name;
  const kept = await keptCopy(reader.db, target, { checkpointId: step.from.checkpointId, name, created: step.created });
  if (kept === undefined) return [`-- checkpoint ${step.from.checkpointId} kept no copy of this table: the step fails`];
  const live = await reader.cache.row(target, name);
  if (live === undefined) return fromKeptSql(target, name, kept);
  return ['-- unless already reverted (an earlier run):', dropStatement(target, name, 'TABLE'), ...fromKeptSql(target, name, kept)];
}

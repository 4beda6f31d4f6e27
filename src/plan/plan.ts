/**
 * The planner: a pure function of (desired, observed) to a plan. Per target it adds the audit
 * table if missing (or migrates one of an older layout: model/audit-layout.ts), takes declared checkpoints the audit table lacks, plans schedules, then plans
 * each action not yet applied against the schema as earlier steps leave it. No I/O, no clock, no
 * randomness. A target with an audit table lost, of a newer layout, or with a guard that never
 * finished (`ckpt guard --resume` finishes it) gets a blocker and nothing else. The parts live in their own modules: declared-checkpoints, schedules,
 * action-history, and per action kind actions/*.ts over an ActionPlan (action-plan.ts).
 */
import { AUDIT_LAYOUT, AUDIT_MIGRATIONS, columnsAddedSince } from '../model/audit-layout.js';
import { internalTables, type Desired, type Target } from '../model/desired.js';
import type { Observed } from '../model/observed.js';
import type { Finding, Plan, Step, TargetPlan } from '../model/plan.js';
import { protectedNames } from '../model/protect.js';
import { displayIdent } from '../model/refs.js';
import { displayTime } from '../model/time.js';
import type { PlanContext } from './action-plan.js';
import { latestRecords, priorRun } from './action-history.js';
import { planAction } from './actions/planners.js';
import { planDeclaredCheckpoints } from './declared-checkpoints.js';
import { planSchedule, type PlanClock } from './schedules.js';
import { SchemaModel } from './schema-model.js';
import { finding } from './findings.js';
import { notOwnedFinding, unmanagedFinding } from './kinds-and-owners.js';

export type { PlanClock } from './schedules.js';

/** `DATABASE.SCHEMA` (or `SCHEMA`) of a target, for display. */
export function targetLocation(target: Pick<Target, 'database' | 'schema'>): string {
  return [target.database, target.schema]
    .filter((p): p is string => p !== null)
    .map(displayIdent)
    .join('.');
}

/** A clock under which no schedule has ever fired. */
export const NEVER_FIRED: PlanClock = { lastFiring: () => null };

/** Plans every target of a config. `observed` is keyed by target name. */
export function planAll(desired: Desired, observed: ReadonlyMap<string, Observed>, clock: PlanClock = NEVER_FIRED): Plan {
  const targets: TargetPlan[] = [];
  let generatedAt = '';
  for (const target of desired.targets) {
    const obs = observed.get(target.name);
    if (obs === undefined) continue;
    if (obs.now > generatedAt) generatedAt = obs.now;
    targets.push(planTarget(target, obs, clock));
  }
  return { formatVersion: 1, generatedAt, configFile: desired.file, configHash: desired.sourceHash, targets };
}

/** Plans one target. */
export function planTarget(target: Target, observed: Observed, clock: PlanClock = NEVER_FIRED): TargetPlan {
  const lost = auditTableLost(target, observed) ?? auditLayoutNewer(target, observed) ?? unfinishedGuard(target, observed);
  if (lost !== null)
    return { target: target.name, connection: target.connection, location: targetLocation(target), steps: [], findings: [lost] };
  const model = new SchemaModel(observed);
  const recorded = new Map(observed.checkpoints.map((c) => [c.id, c]));
  const declared = planDeclaredCheckpoints(target, recorded, model);
  const steps: Step[] = [...auditSteps(target, observed), ...declared.steps];
  const isProtected = protectedNames(target.auditTable, target.protect, observed.nameMatching);
  const findings: Finding[] = [
    ...[unmanagedFinding(target, observed), notOwnedFinding(target, observed, isProtected)].filter((f): f is Finding => f !== null),
    ...declared.findings,
  ];
  for (const schedule of target.schedules) steps.push(...planSchedule(target, schedule, observed, clock, recorded));

  const context: PlanContext = {
    target,
    location: targetLocation(target),
    model,
    isProtected,
    recorded,
    pending: declared.pending,
    now: observed.now,
    rowCountsEstimated: observed.rowCountsEstimated,
    role: observed.role ?? null,
  };
  const history = latestRecords(observed.actions);
  for (const action of target.actions) {
    const prior = priorRun(target, action, history.get(action.id));
    if (prior.finding !== null) findings.push(prior.finding);
    if (prior.applied) continue;
    const planned = planAction(context, action);
    for (const found of planned.findings) findings.push(found);
    // A held-back action has no steps; its findings say why.
    for (let i = 0; i < planned.steps.length; i += 1) steps.push(planned.steps[i] as Step); // indexed: no iterator result per step
  }

  return { target: target.name, connection: target.connection, location: targetLocation(target), steps, findings };
}

/**
 * A blocker when the audit table is gone but the journal shows ckpt worked here: re-creating it
 * would forget every applied action and re-arm them all (a full cleanup among them), so nothing
 * is planned for the target until a person brings the table back or starts over on purpose.
 */
function auditTableLost(target: Target, observed: Observed): Finding | null {
  if (observed.auditTableExists || !observed.journalHasRuns) return null;
  const { journal } = internalTables(target.auditTable);
  return finding(target, 'blocker', 'AUDIT_TABLE_LOST', target.position, {
    message: `the audit table ${displayIdent(target.auditTable)} is missing, but ckpt's journal ${displayIdent(journal)} records earlier runs: it was dropped or renamed; ckpt plans nothing for this target rather than forget what was applied. Bring it back (Snowflake: UNDROP TABLE, or a restore from another copy), or to start over on purpose drop ${displayIdent(journal)} too`,
  });
}

/**
 * The blocker of a target with a guard that never finished (Observed.unfinishedGuards): its
 * command may have changed the schema, and only `ckpt guard --resume` knows whether to undo it;
 * nothing else is planned for the target meanwhile. Null when there is none.
 */
function unfinishedGuard(target: Target, observed: Observed): Finding | null {
  const guard = observed.unfinishedGuards?.[0];
  if (guard === undefined) return null;
  const more = (observed.unfinishedGuards?.length ?? 1) - 1;
  return finding(target, 'blocker', 'GUARD_UNFINISHED', target.position, {
    message: `guard ${guard.checkpointId} (started ${displayTime(guard.startedAt)}, running: ${guard.command}) has not finished${more > 0 ? ` (and ${more} more)` : ''}: its command is still running, or ckpt was stopped before it could undo it; ckpt plans nothing for this target until then. Run \`ckpt guard --resume -t ${target.name}\` to undo what the command did (with --on-failure keep to keep it)`,
  });
}

/**
 * A blocker when the audit table's layout is newer than this ckpt knows (a newer ckpt migrated
 * it): writing rows without its columns could lose what they record, so nothing is planned.
 */
function auditLayoutNewer(target: Target, observed: Observed): Finding | null {
  if (observed.auditLayout === null || observed.auditLayout <= AUDIT_LAYOUT) return null;
  return finding(target, 'blocker', 'AUDIT_LAYOUT_NEWER', target.position, {
    message: `the audit table ${displayIdent(target.auditTable)} has layout ${observed.auditLayout}, newer than this ckpt knows (${AUDIT_LAYOUT}): a newer ckpt used it; upgrade ckpt to plan for this target`,
  });
}

/**
 * The step bringing an audit table of an older layout (the old pipelines', layout 0) up to
 * ckpt's: first in the plan, so that every later step writes rows with ckpt's columns.
 */
function migrateAudit(target: Target, observed: Observed): Step[] {
  const from = observed.auditLayout;
  if (from === null || from >= AUDIT_LAYOUT) return [];
  const whose = from === 0 ? "the old pipelines' columns only" : `ckpt's columns of layout ${from}`;
  const creates = AUDIT_MIGRATIONS.some((m) => m.version > from && m.createsInventory === true)
    ? `; its inventory table ${displayIdent(internalTables(target.auditTable).inventory)} is created (one row per object of each checkpoint)`
    : '';
  return [
    {
      target: target.name,
      kind: 'migrate-audit',
      auditTable: target.auditTable,
      fromLayout: from,
      toLayout: AUDIT_LAYOUT,
      columns: columnsAddedSince(from).map((c) => c.name),
      group: 'audit',
      reason: `${displayIdent(target.auditTable)} has ${whose} (layout ${from}); ckpt's layout is ${AUDIT_LAYOUT}, and no row changes${creates}`,
    },
  ];
}

/** The steps that make the audit table ckpt's: created if missing, migrated if of an older layout. */
export function auditSteps(target: Target, observed: Observed): Step[] {
  return [...initAudit(target, observed), ...migrateAudit(target, observed)];
}

/** The step creating the audit table, if it does not exist yet. */
function initAudit(target: Target, observed: Observed): Step[] {
  if (observed.auditTableExists) return [];
  return [
    {
      target: target.name,
      kind: 'init-audit',
      auditTable: target.auditTable,
      group: 'audit',
      reason: `audit table ${displayIdent(target.auditTable)} does not exist yet`,
    },
  ];
}

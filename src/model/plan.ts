/**
 * The plan: ordered steps (one discriminated union, each with a reason) and findings per target.
 * A plan is a value; rendering, consent and apply all read it and decide nothing else.
 */
import type { SourcePosition } from './errors.js';
import type { ObjectKind } from './observed.js';
import type { ActionSpec, CheckpointKeep } from './desired.js';
import { kindOf, type SummaryBucket } from './step-kinds.js';
import { addWeight, emptyTotal, type WeightTotal } from './weight.js';

/** The object a step acts on, named exactly as stored. */
export interface StepObject {
  name: string;
  kind: ObjectKind;
}

/**
 * Where a content revert reads the checkpoint's rows from: Time Travel AT the checkpoint's
 * timestamp (Snowflake, within retention), or the copy a `keep: clone` checkpoint kept
 * (`checkpointId` is the checkpoint that kept it, `location` where: the clone schema on
 * Snowflake, ckpt's hidden schema on the embedded warehouse).
 */
export type ContentSource = { kind: 'time-travel'; at: string } | { kind: 'clone'; checkpointId: string; location: string };

/**
 * How much a table holds, as observed: rows and bytes, each null where the warehouse does not
 * report it (the embedded warehouse reports no bytes); `estimated` where the row count is the
 * warehouse's estimate rather than a count (the embedded warehouse's).
 */
export interface Weight {
  rows: number | null;
  bytes: number | null;
  estimated: boolean;
}

/**
 * The dropped version a table restore brings back: dropped at `droppedOn` (this plan's time when
 * an earlier action of the same plan drops it), restorable until `restorableUntil` (null: kept
 * until ckpt releases it).
 */
export interface DroppedSource {
  droppedOn: string;
  restorableUntil: string | null;
}

/** Why an object is dropped. */
export type DropCause = 'created-after-checkpoint' | 'recreated-after-checkpoint' | 'full-cleanup';

interface StepBase {
  /** Target name. */
  target: string;
  /** The action id the step serves, or `checkpoint:<id>` / `audit` for state steps. */
  group: string;
  /** One line a person reads: why this step is in the plan. */
  reason: string;
}

/** One thing apply does, discriminated on `kind`. */
export type Step =
  | (StepBase & { kind: 'init-audit'; auditTable: string })
  | (StepBase & {
      /**
       * Brings an audit table of an older layout (the old pipelines', layout 0) up to ckpt's:
       * adds `columns` (model/audit-layout.ts), then stamps `toLayout`; never touches a row.
       */
      kind: 'migrate-audit';
      auditTable: string;
      fromLayout: number;
      toLayout: number;
      columns: string[];
    })
  | (StepBase & {
      kind: 'take-checkpoint';
      checkpointId: string;
      checkpointType: 'MANUAL' | 'AUTO' | 'GUARD';
      description: string;
      keep?: CheckpointKeep;
    })
  | (StepBase & {
      kind: 'expire-checkpoint';
      checkpointId: string;
      /** The schedule whose `retain` expires it; absent for a guard's checkpoint (`ckpt guard --retain`). */
      scheduleId?: string;
      keep?: CheckpointKeep;
    })
  | (StepBase & {
      kind: 'drop-object';
      object: StepObject;
      created: string;
      cause: DropCause;
      /** What the table holds now; absent for views (and in plans saved before weights). */
      weight?: Weight;
    })
  | (StepBase & {
      kind: 'restore-table';
      object: StepObject;
      created: string;
      checkpointId: string;
      /** The dropped version it undrops (absent in plans saved before sources). */
      source?: DroppedSource;
    })
  | (StepBase & { kind: 'recreate-view'; object: StepObject; definition: string; checkpointId: string })
  | (StepBase & {
      /**
       * Puts a table's content (rows and columns) back to a checkpoint's, keeping its identity;
       * also brings back a missing table from a kept copy. `created` and `lastAltered` are the
       * checkpoint inventory's (the table's incarnation and content version), `columns` its columns.
       */
      kind: 'restore-content';
      object: StepObject;
      created: string;
      lastAltered: string | null;
      columns: string[] | null;
      checkpointId: string;
      from: ContentSource;
      /** Whether the table is missing now (re-created from the copy) rather than changed. */
      missing: boolean;
      /** What the table holds now, overwritten by the revert; absent when missing (and in plans saved before weights). */
      weight?: Weight;
      /** What the checkpoint's inventory says the table held: the rows the revert writes, where known. */
      writes?: Weight;
    })
  | (StepBase & {
      kind: 'record-action';
      actionId: string;
      spec: ActionSpec;
      specHash: string;
      checkpointId: string | null;
    });

/** The kinds of step, for exhaustive tables. */
export type StepKind = Step['kind'];

/** Codes of findings the planner can report. */
export type FindingCode =
  | 'CHECKPOINT_UNKNOWN'
  | 'CHECKPOINT_DELETED'
  | 'INVENTORY_NOT_READ'
  | 'CHECKPOINT_SPEC_CHANGED'
  | 'NOT_RESTORABLE'
  | 'OBJECT_NOT_IN_CHECKPOINT'
  | 'RECREATED_NOT_REPLACED'
  | 'KIND_CHANGED_NOT_REPLACED'
  | 'PROTECTED_KEPT'
  | 'TOO_MANY_DROPS'
  | 'TOO_MUCH_DATA'
  | 'ACTION_SPEC_CHANGED'
  | 'ACTION_FAILED_BEFORE'
  | 'AUDIT_TABLE_LOST'
  | 'AUDIT_LAYOUT_NEWER'
  | 'VIEW_NOT_RECORDED'
  | 'CONTENT_NOT_RECORDED'
  | 'CHECKPOINT_NOT_TAKEN'
  | 'CONTENT_UNDER_POLICY'
  | 'POLICIES_NOT_READ'
  | 'OBJECT_NOT_MANAGED'
  | 'NOT_OWNED'
  | 'GUARD_UNFINISHED';

/** Something the plan cannot do (blocker: the action is held back) or should say (warning). */
export interface Finding {
  target: string;
  severity: 'blocker' | 'warning';
  code: FindingCode;
  message: string;
  actionId: string | null;
  object: string | null;
  position: SourcePosition | null;
}

/** The plan for one target. */
export interface TargetPlan {
  target: string;
  connection: string;
  /** `DATABASE.SCHEMA` or `SCHEMA`, for display. */
  location: string;
  steps: Step[];
  findings: Finding[];
}

/** A whole plan, as printed by `--json` (see schemas/plan.schema.json). */
export interface Plan {
  formatVersion: 1;
  /** The warehouse clock the plan was computed at (the latest across targets). */
  generatedAt: string;
  configFile: string;
  configHash: string;
  targets: TargetPlan[];
}

/** Whether a plan changes anything. */
export function hasChanges(plan: Plan): boolean {
  return plan.targets.some((t) => t.steps.length > 0);
}

/** Whether any finding holds something back. */
export function hasBlockers(plan: Plan): boolean {
  return plan.targets.some((t) => t.findings.some((f) => f.severity === 'blocker'));
}

/** Counts per summary bucket of a plan's steps (see STEP_KINDS), and its findings. */
export type PlanSummary = Record<SummaryBucket, number> & {
  /** Steps of a kind this ckpt does not know (a saved plan from a newer one). */
  other: number;
  blockers: number;
  warnings: number;
  /** What is at stake: the weights of the tables the drops drop and the reverts overwrite, added up. */
  weights: { drops: WeightTotal; reverts: WeightTotal };
};

/** Summarises a plan for the one-line summary, the daemon's status and the journal. */
export function summarise(plan: Pick<Plan, 'targets'>): PlanSummary {
  const summary: PlanSummary = {
    restores: 0,
    reverts: 0,
    drops: 0,
    checkpoints: 0,
    expiries: 0,
    audits: 0,
    migrations: 0,
    actions: 0,
    other: 0,
    blockers: 0,
    warnings: 0,
    weights: { drops: emptyTotal(), reverts: emptyTotal() },
  };
  for (const target of plan.targets) {
    for (const step of target.steps) {
      const kind = kindOf(step);
      const bucket = kind === undefined ? 'other' : kind.bucket(step);
      summary[bucket] += 1;
      const stake = kind?.stake(step) ?? null;
      if (stake !== null && (bucket === 'drops' || bucket === 'reverts'))
        summary.weights[bucket] = addWeight(summary.weights[bucket], stake);
    }
    for (const finding of target.findings) {
      if (finding.severity === 'blocker') summary.blockers += 1;
      else summary.warnings += 1;
    }
  }
  return summary;
}

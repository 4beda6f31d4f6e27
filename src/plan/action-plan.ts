/**
 * One action being planned: the steps it takes, what it finds, and the schema changes it makes
 * once it is certain to go ahead. The planners of each action kind (actions/*.ts) say what to
 * drop, restore or revert; this class turns that into steps with their reasons and findings,
 * and `finish` holds the action back on any blocker or orders its steps and applies its changes.
 */
import type { Action, Target } from '../model/desired.js';
import type { DroppedObject, InventoryEntry, LiveObject, Ownership, PolicyRef, RecordedCheckpoint } from '../model/observed.js';
import type { ContentSource, DropCause, Finding, FindingCode, Step, Weight } from '../model/plan.js';
import { actionCheckpoint } from '../model/desired.js';
import { displayText } from '../model/display.js';
import { displayIdent, nameKey } from '../model/refs.js';
import { displayTime, sameInstant } from '../model/time.js';
import { resolveCheckpoint, type CheckpointSource, type PendingSource } from './checkpoint-source.js';
import { contentSource, keptCopy } from './content-source.js';
import { contentChange, sameIncarnation } from './diff.js';
import { finding } from './findings.js';
import { grantHint, ownerText, roleText } from './kinds-and-owners.js';
import { orderActionSteps, type ReferencesOf } from './order.js';
import type { ModelChange, SchemaModel } from './schema-model.js';

/** No foreign-key references (shared: most tables have none, and a large plan asks for each of its steps). */
const NO_REFERENCES: readonly string[] = [];

/** What every action of a target is planned against; the model follows the actions planned so far. */
export interface PlanContext {
  target: Target;
  /** `DATABASE.SCHEMA` of the target, for reasons. */
  location: string;
  model: SchemaModel;
  isProtected: (name: string) => boolean;
  /** Checkpoints of the audit table by id. */
  recorded: ReadonlyMap<string, RecordedCheckpoint>;
  /** Checkpoints this plan takes before its actions, by id. */
  pending: ReadonlyMap<string, PendingSource>;
  /** The warehouse clock. */
  now: string;
  /** Whether the observed row counts are estimates (see Observed). */
  rowCountsEstimated: boolean;
  /** ckpt's role, where the warehouse has roles (see Observed). */
  role?: string | null;
}

/** An action's steps, in order, and its findings (no steps when a finding is a blocker). */
export interface PlannedAction {
  steps: Step[];
  findings: Finding[];
}

/** A table an action drops (`dropped`) or whose rows it overwrites, and what it holds now. */
export interface AtStake {
  name: string;
  dropped: boolean;
  weight: Weight;
}

/** One action being planned (see the header). */
export class ActionPlan {
  /** Steps planned so far, in planning order (`finish` orders them). */
  private readonly steps: Step[] = [];
  private readonly findings: Finding[] = [];
  /** The schema changes the action makes, followed by the model only if the action goes ahead. */
  private readonly changes: ModelChange[] = [];
  private dropCount = 0;
  private readonly missingReasons = new Map<CheckpointSource, string>();

  constructor(
    readonly context: PlanContext,
    readonly action: Action,
  ) {}

  /** How many objects the action drops so far. */
  get drops(): number {
    return this.dropCount;
  }

  /**
   * The tables the action drops, and those whose content it reverts (their rows are overwritten),
   * planned so far, each with what it holds now.
   */
  get atStake(): AtStake[] {
    return this.steps.flatMap((step) =>
      (step.kind === 'drop-object' || (step.kind === 'restore-content' && !step.missing)) && step.weight !== undefined
        ? [{ name: step.object.name, dropped: step.kind === 'drop-object', weight: step.weight }]
        : [],
    );
  }

  /** Adds a finding about this action. */
  report(severity: Finding['severity'], code: FindingCode, message: string, object?: string): void {
    this.findings.push(finding(this.context.target, severity, code, this.action.position, { actionId: this.action.id, object, message }));
  }

  /** The checkpoint `id` the action reads; null, with the blocker saying why, when there is none. */
  checkpoint(id: string): CheckpointSource | null {
    const { target, recorded, pending } = this.context;
    const resolved = resolveCheckpoint(target, this.action, id, recorded, pending);
    if ('finding' in resolved) {
      this.findings.push(resolved.finding);
      return null;
    }
    return resolved.source;
  }

  /** Plans dropping `object` unless it is protected (then says so); whether it is dropped. */
  drop(object: InventoryEntry, cause: DropCause, reason: string): boolean {
    const { target, isProtected } = this.context;
    if (isProtected(object.name)) {
      this.report(
        'warning',
        'PROTECTED_KEPT',
        `${displayIdent(object.name)} is protected; action ${this.action.id} leaves it in place`,
        object.name,
      );
      return false;
    }
    if (this.notOwned(object.name, object.ownership, 'drop')) return false;
    // Not spread from a base object: `{ ...base, more }` costs V8 microseconds per object (about a third of a 100,000-object plan).
    this.steps.push({
      target: target.name,
      group: this.action.id,
      kind: 'drop-object',
      object: { name: object.name, kind: object.kind },
      created: object.created,
      cause,
      reason,
      weight: object.kind === 'TABLE' ? this.weight(object) : undefined,
    });
    this.changes.push({ drop: true, entry: object });
    this.dropCount += 1;
    return true;
  }

  /**
   * Plans bringing back a checkpoint object that is missing: a view from its definition, a table
   * by undropping its version, else from a kept copy; a blocker when none of these is possible.
   */
  restore(entry: InventoryEntry, src: CheckpointSource): void {
    if (this.unrecordedView(entry, src)) return;
    if (entry.kind === 'VIEW' && entry.definition !== null) {
      this.recreateView(entry, entry.definition, src);
      return;
    }
    const { model, target, recorded } = this.context;
    const dropped = model.droppedVersion(entry);
    const kept = keptCopy(entry, src, recorded);
    // A dropped version holds its rows at drop time: it stands for the checkpoint only when its
    // content version is the checkpoint's, or when no copy of the checkpoint's rows was kept.
    const sameContent = dropped?.lastAltered != null && entry.lastAltered !== null && sameInstant(dropped.lastAltered, entry.lastAltered);
    if (dropped !== undefined && (kept === null || sameContent)) {
      if (this.undropNotOwned(entry, dropped)) return;
      this.steps.push({
        target: target.name,
        group: this.action.id,
        kind: 'restore-table',
        object: { name: entry.name, kind: 'TABLE' },
        created: entry.created,
        checkpointId: src.id,
        reason: this.missingReason(src),
        source: { droppedOn: dropped.droppedOn, restorableUntil: dropped.restorableUntil },
      });
      this.changes.push({ drop: false, entry });
      return;
    }
    if (kept !== null) {
      this.restoreContent(
        entry,
        src,
        kept,
        true,
        `in ${src.label} and missing now; re-created from the copy kept by checkpoint ${kept.checkpointId}`,
      );
      return;
    }
    const why =
      model.droppedVersionsOf(entry.name).length > 0
        ? 'only later versions of that name were kept'
        : 'it was dropped outside ckpt or its retention has passed, so no copy of it is kept';
    this.notRestorable(entry, `${displayIdent(entry.name)} (created ${displayTime(entry.created)}) cannot be restored: ${why}`);
  }

  /** A table the checkpoint holds, same incarnation, whose content changed since: plans putting it back (item 4). */
  revertContent(entry: InventoryEntry, src: CheckpointSource): void {
    const live = this.context.model.get(entry.name);
    if (entry.kind !== 'TABLE' || live === undefined || !sameIncarnation(entry, live)) return;
    const change = contentChange(entry, live);
    if (change === null) return;
    if (src.timestamp === null) {
      // Taken by this plan before an earlier action changed the table: nothing yet to read its
      // content back from. Held back, not skipped: the next reconcile reads it AT the checkpoint.
      this.report(
        'blocker',
        'CHECKPOINT_NOT_TAKEN',
        `${displayIdent(entry.name)} must go back to ${src.label}, which this plan takes before an earlier action changes the table (${change}); action ${this.action.id} waits until the checkpoint is recorded: reconcile again after this run`,
        entry.name,
      );
      return;
    }
    if (this.context.isProtected(entry.name)) {
      this.report(
        'warning',
        'PROTECTED_KEPT',
        `${displayIdent(entry.name)} is protected; action ${this.action.id} leaves its content as it is (${change})`,
        entry.name,
      );
      return;
    }
    if (this.notOwned(entry.name, live.ownership, 'revert the content of')) return;
    if (this.underPolicy(entry, live, src, change)) return;
    const declaredClone = this.context.target.checkpoints.some((c) => c.id === src.id && c.keep === 'clone');
    const from = contentSource(entry, live, src, this.context.recorded, this.context.now, declaredClone);
    if (typeof from === 'string') {
      this.notRestorable(
        entry,
        `the content of ${displayIdent(entry.name)} changed after ${src.label} (${change}) and cannot be restored: ${from}`,
      );
      return;
    }
    const via = from.kind === 'time-travel' ? `Time Travel AT ${from.at}` : `the copy kept by checkpoint ${from.checkpointId}`;
    this.restoreContent(entry, src, from, false, `${change} after ${src.label}; its rows and columns are reverted from ${via}`);
  }

  /**
   * Whether the live table carries policies that change what a read returns (row access,
   * masking, ...), or ckpt's role cannot tell (POLICIES_NOT_READ): then a revert is held back (a blocker). It rewrites every row from a read that
   * holds only the rows ckpt's role may see, masked as it sees them
   * (docs/snowflake-behaviour.md#row-access-and-masking-policies).
   */
  private underPolicy(entry: InventoryEntry, live: LiveObject, src: CheckpointSource, change: string): boolean {
    if (live.policies === null) {
      this.report(
        'blocker',
        'POLICIES_NOT_READ',
        `the content of ${displayIdent(entry.name)} changed after ${src.label} (${change}), but ckpt's role cannot tell whether row access or masking policies are set on it (Snowflake shows a role only the policies it may apply): a revert under such a policy would delete the rows hidden from ckpt's role and store masked values; action ${this.action.id} is held back: grant ckpt's role the APPLY ROW ACCESS POLICY and APPLY MASKING POLICY privileges on the account, or protect ${displayIdent(entry.name)} to leave its content as it is`,
        entry.name,
      );
      return true;
    }
    if (live.policies === undefined || live.policies.length === 0) return false;
    this.report(
      'blocker',
      'CONTENT_UNDER_POLICY',
      `the content of ${displayIdent(entry.name)} changed after ${src.label} (${change}), but it has ${live.policies.map(describePolicy).join(', ')}: a revert rewrites every row from what ckpt's role may read, so it would delete the rows hidden from it and store masked values; action ${this.action.id} is held back: revert ${displayIdent(entry.name)} by hand, or protect it to leave its content as it is`,
      entry.name,
    );
    return true;
  }

  /**
   * Whether `entry` is a view the checkpoint cannot bring back because it holds no definition for
   * it: then says so. Taken by the old pipelines, which recorded none: a warning, the action goes
   * ahead without it, as their own restores did. Taken by ckpt with a role that could not see it
   * (a secure view's definition is shown only to its owner role:
   * docs/snowflake-behaviour.md#secure-views): a blocker, as for any object that cannot come back.
   */
  unrecordedView(entry: InventoryEntry, src: CheckpointSource): boolean {
    if (entry.kind !== 'VIEW' || entry.definition !== null) return false;
    if (src.recorded?.origin === 'pipeline') {
      this.report(
        'warning',
        'VIEW_NOT_RECORDED',
        `view ${displayIdent(entry.name)} is in ${src.label}, taken by the old pipelines, which recorded no view definitions: ckpt cannot bring it back; action ${this.action.id} goes ahead without it`,
        entry.name,
      );
    } else {
      this.notRestorable(
        entry,
        `the checkpoint holds no definition for view ${displayIdent(entry.name)}: the role that took ${src.label} could not see it (Snowflake shows a secure view's definition only to the role that owns it), so ckpt cannot bring it back: run ckpt with the role that owns the view (or one that inherits it), so that the checkpoints it takes hold the definition`,
      );
    }
    return true;
  }

  /**
   * For a checkpoint the old pipelines took, which recorded no content versions, in place of
   * content reverts: one warning that table content is left as it is, naming the tables whose
   * recorded row count or size differs from now.
   */
  contentNotRecorded(src: CheckpointSource): void {
    const changed = src.inventory.flatMap((entry) => {
      const live = this.context.model.get(entry.name);
      const change = live === undefined || !sameIncarnation(entry, live) ? null : contentChange(entry, live);
      return change === null ? [] : [`${displayIdent(entry.name)}: ${change}`];
    });
    this.report(
      'warning',
      'CONTENT_NOT_RECORDED',
      `${src.label} was taken by the old pipelines, which recorded no content versions: action ${this.action.id} drops and brings back objects but leaves the content of tables as it is${changed.length > 0 ? ` (${changed.join('; ')})` : ''}`,
    );
  }

  /**
   * Ends the action: nothing but its findings when one is a blocker; otherwise its steps in
   * order with the step recording it, and the model follows its changes.
   */
  finish(): PlannedAction {
    this.checkParentsPresent();
    if (this.findings.some((f) => f.severity === 'blocker')) return { steps: [], findings: this.findings };
    const { action, context } = this;
    this.steps.push({
      target: context.target.name,
      group: action.id,
      kind: 'record-action',
      actionId: action.id,
      spec: action.spec,
      specHash: action.specHash,
      checkpointId: actionCheckpoint(action.spec),
      reason: this.steps.length === 0 ? 'nothing to change; records the action as applied' : 'records the action as applied',
    });
    const { model } = context;
    const definitionOf = (step: Step) =>
      step.kind === 'recreate-view' ? step.definition : 'object' in step ? (model.get(step.object.name)?.definition ?? null) : null;
    const steps = orderActionSteps(this.steps, model.matching, definitionOf, this.referencesOf());
    model.follow(this.changes);
    return { steps, findings: this.findings };
  }

  /**
   * A table that comes back references (FOREIGN KEY) tables that must be there when it does: each
   * must be live after this action's drops, or come back in it too. Otherwise its DDL cannot run
   * (the embedded warehouse refuses it), so the action is held back naming the missing parent.
   */
  private checkParentsPresent(): void {
    if (!this.changes.some((c) => !c.drop && (c.entry.references?.length ?? 0) > 0)) return;
    const { model } = this.context;
    const key = (name: string) => nameKey(name, model.matching);
    const dropped = new Set(this.changes.filter((c) => c.drop).map((c) => key(c.entry.name)));
    const restored = new Set(this.changes.filter((c) => !c.drop).map((c) => key(c.entry.name)));
    const present = (name: string) => restored.has(key(name)) || (model.get(name) !== undefined && !dropped.has(key(name)));
    for (const change of this.changes) {
      if (change.drop) continue;
      const missing = (change.entry.references ?? []).filter((parent) => key(parent) !== key(change.entry.name) && !present(parent));
      if (missing.length === 0) continue;
      this.notRestorable(
        change.entry,
        `${displayIdent(change.entry.name)} references ${missing.map(displayIdent).join(', ')} (FOREIGN KEY), which will not be there; restore ${missing.length === 1 ? 'it' : 'them'} too`,
      );
    }
  }

  /**
   * The foreign-key references of the table each step acts on: for a drop, the live table's; for
   * a restore, the restored version's (the checkpoint's inventory entry).
   */
  private referencesOf(): ReferencesOf {
    const { matching } = this.context.model;
    // Only the tables that reference others: most have no foreign key, and the steps' lookups stay cheap.
    const dropped = new Map<string, readonly string[]>();
    const restored = new Map<string, readonly string[]>();
    // Indexed: an iterator result per change is garbage a large plan pays for in GC.
    for (let i = 0; i < this.changes.length; i += 1) {
      const c = this.changes[i] as ModelChange;
      const references = c.entry.references;
      const byName = c.drop ? dropped : restored;
      if (references !== undefined && references.length > 0) byName.set(nameKey(c.entry.name, matching), references);
      else if (byName.size > 0) byName.delete(nameKey(c.entry.name, matching)); // the last change of a name counts
    }
    return (step) => {
      if (!('object' in step) || step.object.kind !== 'TABLE') return NO_REFERENCES;
      if (dropped.size === 0 && restored.size === 0) return NO_REFERENCES;
      return (step.kind === 'drop-object' ? dropped : restored).get(nameKey(step.object.name, matching)) ?? NO_REFERENCES;
    };
  }

  /**
   * Whether ckpt's role does not own a dropped version that undropping `dropped` touches: UNDROP,
   * and for newer dropped versions of the name UNDROP, RENAME and DROP (pitfall 2), need OWNERSHIP
   * of each; the blocker says so.
   */
  private undropNotOwned(entry: InventoryEntry, dropped: DroppedObject): boolean {
    for (const d of this.context.model.droppedVersionsOf(entry.name)) {
      if ((d === dropped || d.droppedOn > dropped.droppedOn) && this.notOwned(entry.name, d.ownership, 'undrop')) return true;
    }
    return false;
  }

  /** `in checkpoint ID (TIME) and missing now`: one text per checkpoint, shared by its restore steps (thousands in a large reset). */
  private missingReason(src: CheckpointSource): string {
    let reason = this.missingReasons.get(src);
    if (reason === undefined) {
      reason = `in ${src.label} and missing now`;
      this.missingReasons.set(src, reason);
    }
    return reason;
  }

  private recreateView(entry: InventoryEntry, definition: string, src: CheckpointSource): void {
    this.steps.push({
      target: this.context.target.name,
      group: this.action.id,
      kind: 'recreate-view',
      object: { name: entry.name, kind: 'VIEW' },
      definition,
      checkpointId: src.id,
      reason: `in ${src.label} and missing now; re-created from its captured definition`,
    });
    this.changes.push({ drop: false, entry });
  }

  /** What a table holds by `entry` (live, or in a checkpoint's inventory), in this target's terms. */
  private weight(entry: InventoryEntry): Weight {
    return { rows: entry.rowCount, bytes: entry.bytes, estimated: entry.rowCount !== null && this.context.rowCountsEstimated };
  }

  /** Plans a content restore (a revert, or a missing table brought back from a kept copy). */
  private restoreContent(entry: InventoryEntry, src: CheckpointSource, from: ContentSource, missing: boolean, reason: string): void {
    const live = missing ? undefined : this.context.model.get(entry.name);
    this.steps.push({
      target: this.context.target.name,
      group: this.action.id,
      kind: 'restore-content',
      object: { name: entry.name, kind: 'TABLE' },
      created: entry.created,
      lastAltered: entry.lastAltered,
      columns: entry.columns ?? null,
      checkpointId: src.id,
      from,
      missing,
      reason,
      weight: live === undefined ? undefined : this.weight(live),
      writes: this.weight(entry),
    });
    this.changes.push({ drop: false, entry });
  }

  /**
   * Whether ckpt's role does not own what the action would change (DROP, UNDROP and ALTER need
   * OWNERSHIP: docs/snowflake-behaviour.md#pitfall-16): then a blocker says so, and what to GRANT.
   */
  private notOwned(name: string, ownership: Ownership | undefined, verb: string): boolean {
    if (ownership === undefined || ownership.owned) return false;
    const { role } = this.context;
    this.report(
      'blocker',
      'NOT_OWNED',
      `${displayIdent(name)} is ${ownerText(ownership)}, not by ${roleText(role)}: ckpt cannot ${verb} it without OWNERSHIP, so action ${this.action.id} is held back; ${grantHint(role, displayIdent(name))}`,
      name,
    );
    return true;
  }

  private notRestorable(entry: InventoryEntry, message: string): void {
    this.report('blocker', 'NOT_RESTORABLE', message, entry.name);
  }
}

/** `row access policy DB.S.P` or `masking policy DB.S.P on COLUMN`, names displayed safely. */
function describePolicy(policy: PolicyRef): string {
  const kind = displayText(policy.kind.toLowerCase().replaceAll('_', ' '));
  const name = policy.name.map(displayIdent).join('.');
  return `${kind} ${name}${policy.column === null ? '' : ` on ${displayIdent(policy.column)}`}`;
}

/**
 * The planner: a pure function of (desired, observed) to a plan. Per target it adds the audit
 * table if missing, takes declared checkpoints the audit table lacks, then plans each action not
 * yet applied against the schema as earlier steps leave it. No I/O, no clock, no randomness.
 */
import type { Action, Desired, Schedule, Target } from '../model/desired.js';
import { actionCheckpoint, autoCheckpointPrefix } from '../model/desired.js';
import type { InventoryEntry, Observed, RecordedAction, RecordedCheckpoint } from '../model/observed.js';
import type { ContentSource, Finding, FindingCode, Plan, Step, TargetPlan } from '../model/plan.js';
import { restorability, timeTravelEnd } from '../model/restorable.js';
import { protectedNames } from '../model/protect.js';
import { compareText, displayIdent, nameKey } from '../model/refs.js';
import { displayTime, isAfter, timestampId } from '../model/time.js';
import { contentChange, diffInventory, sameIncarnation } from './diff.js';
import { viewsInCreationOrder } from './order.js';
import { SchemaModel } from './schema-model.js';

/** `DATABASE.SCHEMA` (or `SCHEMA`) of a target, for display. */
export function targetLocation(target: Pick<Target, 'database' | 'schema'>): string {
  return [target.database, target.schema].filter((p): p is string => p !== null).map(displayIdent).join('.');
}

/** When schedules fired: injected so that the planner stays pure (the engine reads cron). */
export interface PlanClock {
  /** The latest firing of a schedule at or before `now` (ISO), or null if it never fired. */
  lastFiring(schedule: Schedule, now: string): string | null;
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

/** Where an action's checkpoint comes from: the audit table, or a step earlier in this plan. */
type CheckpointSource = { id: string; inventory: InventoryEntry[]; timestamp: string | null; recorded: RecordedCheckpoint | null };

/** Plans one target. */
export function planTarget(target: Target, observed: Observed, clock: PlanClock = NEVER_FIRED): TargetPlan {
  const steps: Step[] = [];
  const findings: Finding[] = [];
  const model = new SchemaModel(observed);
  const isProtected = protectedNames(target.auditTable, target.protect, observed.nameMatching);
  const base = { target: target.name };

  if (!observed.auditTableExists) {
    steps.push({
      ...base,
      kind: 'init-audit',
      auditTable: target.auditTable,
      group: 'audit',
      reason: `audit table ${displayIdent(target.auditTable)} does not exist yet`,
    });
  }

  const recorded = new Map(observed.checkpoints.map((c) => [c.id, c]));
  const pending = new Map<string, CheckpointSource>();
  for (const spec of target.checkpoints) {
    const found = recorded.get(spec.id);
    if (found === undefined) {
      steps.push({
        ...base,
        kind: 'take-checkpoint',
        group: `checkpoint:${spec.id}`,
        checkpointId: spec.id,
        checkpointType: 'MANUAL',
        description: spec.description,
        keep: spec.keep,
        reason: spec.keep === 'clone'
          ? 'declared in the file and not in the audit table; keeps a clone of every table'
          : 'declared in the file and not in the audit table',
      });
      pending.set(spec.id, { id: spec.id, inventory: model.objects(), timestamp: null, recorded: null });
    } else if (found.status === 'DELETED') {
      findings.push(
        finding(target, 'warning', 'CHECKPOINT_DELETED', spec.position, {
          message: `checkpoint ${spec.id} was deleted (taken ${displayTime(found.timestamp)}); ckpt never retakes an id: declare a new one`,
        }),
      );
    }
  }

  for (const schedule of target.schedules) steps.push(...planSchedule(target, schedule, observed, clock, recorded));

  const history = latestRecords(observed.actions);
  for (const action of target.actions) {
    const record = history.get(action.id);
    if (record?.status === 'APPLIED') {
      if (record.specHash !== action.specHash) {
        findings.push(
          finding(target, 'warning', 'ACTION_SPEC_CHANGED', action.position, {
            actionId: action.id,
            message: `action ${action.id} was applied on ${displayTime(record.timestamp)} with a different spec; it is not run again: use a new id`,
          }),
        );
      }
      continue;
    }
    if (record?.status === 'FAILED') {
      findings.push(
        finding(target, 'warning', 'ACTION_FAILED_BEFORE', action.position, {
          actionId: action.id,
          message: `action ${action.id} failed on ${displayTime(record.timestamp)} (${record.error ?? 'no error recorded'}); planning it again`,
        }),
      );
    }
    const planned = planAction(target, action, model, isProtected, recorded, pending, observed.now);
    findings.push(...planned.findings);
    if (planned.findings.some((f) => f.severity === 'blocker')) continue;
    steps.push(...planned.steps);
  }

  return { target: target.name, connection: target.connection, location: targetLocation(target), steps, findings };
}

/**
 * A schedule's AUTO checkpoint when one is due (none taken since its last firing; a firing
 * missed while nothing ran is caught up once), then expiry of those beyond `retain`.
 */
function planSchedule(
  target: Target,
  schedule: Schedule,
  observed: Observed,
  clock: PlanClock,
  recorded: Map<string, RecordedCheckpoint>,
): Step[] {
  const steps: Step[] = [];
  const prefix = autoCheckpointPrefix(schedule.id);
  const taken = observed.checkpoints
    .filter((c) => c.type === 'AUTO' && c.id.startsWith(prefix) && c.status !== 'DELETED')
    .sort((a, b) => compareText(b.timestamp, a.timestamp))
    .map((c) => c.id);
  const due = clock.lastFiring(schedule, observed.now);
  const newest = taken[0] === undefined ? undefined : recorded.get(taken[0]);
  const id = timestampId(`AUTO_${schedule.id}`, observed.now);
  if (due !== null && (newest === undefined || isAfter(due, newest.timestamp)) && !recorded.has(id)) {
    steps.push({
      target: target.name,
      group: `checkpoint:${id}`,
      kind: 'take-checkpoint',
      checkpointId: id,
      checkpointType: 'AUTO',
      description: schedule.description || `schedule ${schedule.id} (${schedule.cron} ${schedule.timezone})`,
      reason: newest === undefined
        ? `schedule ${schedule.id} fired at ${displayTime(due)} and has no checkpoint yet`
        : `schedule ${schedule.id} fired at ${displayTime(due)}, after its newest checkpoint ${newest.id}`,
    });
    taken.unshift(id);
  }
  if (schedule.retain !== null) {
    for (const expired of taken.slice(schedule.retain)) {
      steps.push({
        target: target.name,
        group: `checkpoint:${expired}`,
        kind: 'expire-checkpoint',
        checkpointId: expired,
        scheduleId: schedule.id,
        keep: recorded.get(expired)?.keep ?? 'inventory',
        reason: `schedule ${schedule.id} keeps its newest ${schedule.retain}${recorded.get(expired)?.keep === 'clone' ? '; its clone is dropped' : ''}`,
      });
    }
  }
  return steps;
}

/** The newest audit record of each action id, an APPLIED one winning over any FAILED. */
function latestRecords(actions: RecordedAction[]): Map<string, RecordedAction> {
  const out = new Map<string, RecordedAction>();
  for (const a of actions) {
    const prev = out.get(a.actionId);
    if (prev === undefined || (prev.status !== 'APPLIED' && (a.status === 'APPLIED' || a.timestamp > prev.timestamp))) {
      out.set(a.actionId, a);
    }
  }
  return out;
}

interface PlannedAction {
  steps: Step[];
  findings: Finding[];
}

function planAction(
  target: Target,
  action: Action,
  model: SchemaModel,
  isProtected: (name: string) => boolean,
  recorded: Map<string, RecordedCheckpoint>,
  pending: Map<string, CheckpointSource>,
  now: string,
): PlannedAction {
  const out: PlannedAction = { steps: [], findings: [] };
  const ref = actionCheckpoint(action.spec);
  let source: CheckpointSource | null = null;
  if (ref !== null) {
    const found = recorded.get(ref);
    if (found !== undefined && found.status !== 'DELETED') {
      source = { id: found.id, inventory: found.objects, timestamp: found.timestamp, recorded: found };
    } else if (pending.has(ref)) {
      source = pending.get(ref) ?? null;
    } else {
      const deleted = found !== undefined;
      out.findings.push(
        finding(target, 'blocker', deleted ? 'CHECKPOINT_DELETED' : 'CHECKPOINT_UNKNOWN', action.position, {
          actionId: action.id,
          message: deleted
            ? `action ${action.id} needs checkpoint ${ref}, which was deleted; point it at an active checkpoint`
            : `action ${action.id} needs checkpoint ${ref}, which is neither declared in the file nor in the audit table; declare it under checkpoints or fix the id`,
        }),
      );
      return out;
    }
  }

  const plannedDrops: Step[] = [];
  const plannedRestores: Step[] = [];
  const plannedContent: Step[] = [];
  const pendingModel: Array<() => void> = [];
  const group = action.id;
  // Not spread into steps: `{ ...base, more }` costs V8 microseconds per object (about a third of a 100,000-object plan).
  const base = { target: target.name, group };
  const checkpointLabel = source
    ? `checkpoint ${source.id}${source.timestamp ? ` (${displayTime(source.timestamp)})` : ''}`
    : '';

  const drop = (object: InventoryEntry, cause: 'created-after-checkpoint' | 'recreated-after-checkpoint' | 'full-cleanup', reason: string) => {
    if (isProtected(object.name)) {
      out.findings.push(
        finding(target, 'warning', 'PROTECTED_KEPT', action.position, {
          actionId: action.id,
          object: object.name,
          message: `${displayIdent(object.name)} is protected; action ${action.id} leaves it in place`,
        }),
      );
      return false;
    }
    plannedDrops.push({ target: base.target, group: base.group, kind: 'drop-object', object: { name: object.name, kind: object.kind }, created: object.created, cause, reason });
    pendingModel.push(() => model.drop(object));
    return true;
  };

  /** Plans a content restore (a revert, or a missing table brought back from a kept copy). */
  const contentStep = (entry: InventoryEntry, src: CheckpointSource, from: ContentSource, missing: boolean, reason: string) => {
    plannedContent.push({
      target: base.target,
      group: base.group,
      kind: 'restore-content',
      object: { name: entry.name, kind: 'TABLE' },
      created: entry.created,
      lastAltered: entry.lastAltered,
      columns: entry.columns ?? null,
      checkpointId: src.id,
      from,
      missing,
      reason,
    });
    pendingModel.push(() => model.restore(entry));
  };

  const restore = (entry: InventoryEntry, src: CheckpointSource) => {
    if (entry.kind === 'VIEW') {
      if (entry.definition === null) {
        out.findings.push(notRestorable(target, action, entry, `the checkpoint holds no definition for view ${displayIdent(entry.name)}`));
        return;
      }
      plannedRestores.push({
        target: base.target, group: base.group,
        kind: 'recreate-view',
        object: { name: entry.name, kind: 'VIEW' },
        definition: entry.definition,
        checkpointId: src.id,
        reason: `in ${checkpointLabel} and missing now; re-created from its captured definition`,
      });
      pendingModel.push(() => model.restore(entry));
      return;
    }
    if (model.droppedVersion(entry) !== undefined) {
      plannedRestores.push({
        target: base.target, group: base.group,
        kind: 'restore-table',
        object: { name: entry.name, kind: 'TABLE' },
        created: entry.created,
        checkpointId: src.id,
        reason: `in ${checkpointLabel} and missing now`,
      });
      pendingModel.push(() => model.restore(entry));
      return;
    }
    const kept = keptCopy(entry, src, recorded);
    if (kept !== null) {
      contentStep(entry, src, kept, true, `in ${checkpointLabel} and missing now; re-created from the copy kept by checkpoint ${kept.checkpointId}`);
      return;
    }
    const why = model.droppedVersionsOf(entry.name).length > 0
      ? 'only later versions of that name were kept'
      : 'it was dropped outside ckpt or its retention has passed, so no copy of it is kept';
    out.findings.push(
      notRestorable(target, action, entry, `${displayIdent(entry.name)} (created ${displayTime(entry.created)}) cannot be restored: ${why}`),
    );
  };

  /** A table the checkpoint holds, same incarnation, whose content changed since: put it back (item 4). */
  const revertContent = (entry: InventoryEntry, src: CheckpointSource) => {
    const live = model.get(entry.name);
    if (entry.kind !== 'TABLE' || live === undefined || !sameIncarnation(entry, live) || src.timestamp === null) return;
    const change = contentChange(entry, live);
    if (change === null) return;
    if (isProtected(entry.name)) {
      out.findings.push(
        finding(target, 'warning', 'PROTECTED_KEPT', action.position, {
          actionId: action.id,
          object: entry.name,
          message: `${displayIdent(entry.name)} is protected; action ${action.id} leaves its content as it is (${change})`,
        }),
      );
      return;
    }
    const from = contentSource(entry, live, src, recorded, now);
    if (typeof from === 'string') {
      out.findings.push(notRestorable(target, action, entry, `the content of ${displayIdent(entry.name)} changed after ${checkpointLabel} (${change}) and cannot be restored: ${from}`));
      return;
    }
    const via = from.kind === 'time-travel'
      ? `Time Travel AT ${from.at}`
      : `the copy kept by checkpoint ${from.checkpointId}`;
    contentStep(entry, src, from, false, `${change} after ${checkpointLabel}; its rows and columns are reverted from ${via}`);
  };

  const spec = action.spec;
  switch (spec.kind) {
    case 'full-cleanup': {
      for (const object of model.objects()) drop(object, 'full-cleanup', `full cleanup of ${targetLocation(target)} (confirmed DELETE_ALL)`);
      break;
    }
    case 'cleanup':
    case 'reset': {
      const src = source as CheckpointSource;
      const diff = diffInventory(src.inventory, model.objects(), model.matching);
      for (const object of diff.created) {
        drop(object, 'created-after-checkpoint', `created ${displayTime(object.created)}, not in ${checkpointLabel}`);
      }
      for (const { live, recorded: rec } of diff.recreated) {
        if (spec.kind === 'cleanup') {
          drop(live, 'recreated-after-checkpoint', `re-created ${displayTime(live.created)}, after ${checkpointLabel}`);
          continue;
        }
        if (drop(live, 'recreated-after-checkpoint', `re-created ${displayTime(live.created)} after ${checkpointLabel}; the original comes back`)) {
          restore(rec, src);
        }
      }
      if (spec.kind === 'reset') {
        for (const entry of diff.missing) restore(entry, src);
        for (const entry of src.inventory) revertContent(entry, src);
      }
      break;
    }
    case 'restore': {
      const src = source as CheckpointSource;
      const inventory = new Map(src.inventory.map((e) => [nameKey(e.name, model.matching), e]));
      const wanted = spec.objects === null
        ? src.inventory
        : spec.objects.flatMap((name) => {
            const entry = inventory.get(nameKey(name, model.matching));
            if (entry === undefined) {
              out.findings.push(
                finding(target, 'blocker', 'OBJECT_NOT_IN_CHECKPOINT', action.position, {
                  actionId: action.id,
                  object: name,
                  message: `action ${action.id} asks to restore ${displayIdent(name)}, which ${checkpointLabel} does not hold; ckpt does not guess: remove it from objects or pick another checkpoint`,
                }),
              );
              return [];
            }
            return [entry];
          });
      for (const entry of wanted) {
        const live = model.get(entry.name);
        if (live === undefined) restore(entry, src);
        else if (!sameIncarnation(entry, live)) {
          out.findings.push(
            finding(target, 'warning', 'RECREATED_NOT_REPLACED', action.position, {
              actionId: action.id,
              object: entry.name,
              message: `${displayIdent(entry.name)} was re-created after ${checkpointLabel}; restore leaves the newer one in place (a reset replaces it)`,
            }),
          );
        }
      }
      break;
    }
  }

  const drops = plannedDrops.length;
  if ((spec.kind === 'cleanup' || spec.kind === 'reset') && drops > target.maxDrop && !action.allowLarge) {
    out.findings.push(
      finding(target, 'blocker', 'TOO_MANY_DROPS', action.position, {
        actionId: action.id,
        message: `action ${action.id} would drop ${drops} objects, more than max_drop (${target.maxDrop}); check the checkpoint, or add allow_large: true to the action`,
      }),
    );
  }
  if (out.findings.some((f) => f.severity === 'blocker')) return out;

  const definitionOf = (step: Step) =>
    step.kind === 'recreate-view' ? step.definition : 'object' in step ? (model.get(step.object.name)?.definition ?? null) : null;
  out.steps.push(
    ...orderDrops(plannedDrops, model.matching, definitionOf),
    ...orderRestores([...plannedRestores, ...sortByName(plannedContent)], model.matching, definitionOf),
  );
  out.steps.push({
    target: base.target, group: base.group,
    kind: 'record-action',
    actionId: action.id,
    spec: action.spec,
    specHash: action.specHash,
    checkpointId: ref,
    reason: out.steps.length === 0 ? 'nothing to change; records the action as applied' : 'records the action as applied',
  });
  for (const apply of pendingModel) apply();
  return out;
}

type DefinitionOf = (step: Step) => string | null;

/** Views before tables; among views, a view before the views it reads (pitfall 6). */
function orderDrops(steps: Step[], matching: SchemaModel['matching'], definitionOf: DefinitionOf): Step[] {
  const isView = (s: Step) => s.kind === 'drop-object' && s.object.kind === 'VIEW';
  return [...orderViews(steps.filter(isView), matching, definitionOf).reverse(), ...sortByName(steps.filter((s) => !isView(s)))];
}

/** Tables before views (undropped, then content reverted); among views, a view after the views it reads (pitfall 6). */
function orderRestores(steps: Step[], matching: SchemaModel['matching'], definitionOf: DefinitionOf): Step[] {
  const isView = (s: Step) => s.kind === 'recreate-view';
  const undrops = steps.filter((s) => s.kind === 'restore-table');
  const contents = steps.filter((s) => s.kind === 'restore-content');
  return [...sortByName(undrops), ...sortByName(contents), ...orderViews(steps.filter(isView), matching, definitionOf)];
}

/**
 * A kept copy holding a table exactly as the checkpoint recorded it: the checkpoint's own clone,
 * else the clone of any other checkpoint that recorded the same incarnation with the same content
 * version (what ckpt itself kept). Null when there is none.
 */
function keptCopy(entry: InventoryEntry, src: CheckpointSource, recorded: Map<string, RecordedCheckpoint>): Extract<ContentSource, { kind: 'clone' }> | null {
  if (src.recorded?.clone != null) return { kind: 'clone', checkpointId: src.id, location: src.recorded.clone };
  if (entry.lastAltered === null) return null;
  const candidates = [...recorded.values()]
    .filter((c) => c.id !== src.id && c.clone !== null && c.status !== 'DELETED')
    .sort((a, b) => compareText(a.timestamp, b.timestamp));
  for (const c of candidates) {
    const same = c.objects.find(
      (o) => o.kind === 'TABLE' && o.name === entry.name && sameIncarnation(entry, o) && o.lastAltered !== null
        && Date.parse(o.lastAltered) === Date.parse(entry.lastAltered as string)
        && (o.columns ?? null)?.join('\u0000') === (entry.columns ?? null)?.join('\u0000'),
    );
    if (same !== undefined) return { kind: 'clone', checkpointId: c.id, location: c.clone as string };
  }
  return null;
}

/**
 * Where to read a changed table's checkpoint content from: a kept copy, else Time Travel AT the
 * checkpoint while the shortest of its recorded and current retention lasts (pitfall 3), the
 * table's history reaches back that far, and no column was dropped since (historical reads use
 * the current columns: pitfall 13). Otherwise a sentence saying why not, with the date.
 */
function contentSource(
  entry: InventoryEntry,
  live: InventoryEntry,
  src: CheckpointSource,
  recorded: Map<string, RecordedCheckpoint>,
  now: string,
): ContentSource | string {
  const kept = keptCopy(entry, src, recorded);
  if (kept !== null) return kept;
  const at = src.timestamp as string;
  const mine = timeTravelEnd(at, entry);
  const theirs = timeTravelEnd(at, live);
  if (mine === null || theirs === null) {
    return `checkpoint ${src.id} keeps an inventory only and this warehouse has no Time Travel; declare checkpoints with keep: clone to restore content`;
  }
  const end = mine < theirs ? mine : theirs;
  const horizon = restorability({ timestamp: at, objects: src.inventory, clone: null });
  const since = horizon.kind === 'until' && horizon.until < end ? horizon.until : end;
  if (!isAfter(end, now)) {
    return `checkpoint ${src.id} stopped being restorable on ${displayTime(since)} (Time Travel retention of ${Math.min(entry.retentionDays ?? 0, live.retentionDays ?? 0)} day(s) has passed; pitfall 3); declare checkpoints with keep: clone to restore at any age`;
  }
  if (live.timeTravelFrom != null && isAfter(live.timeTravelFrom, at)) {
    return `its Time Travel history starts at ${displayTime(live.timeTravelFrom)}, after checkpoint ${src.id}`;
  }
  const dropped = (entry.columns ?? []).filter((c) => live.columns != null && !live.columns.includes(c));
  if (dropped.length > 0) {
    return `column(s) ${dropped.join(', ')} were dropped since, and Time Travel reads a table with its current columns; only a keep: clone checkpoint can bring them back`;
  }
  return { kind: 'time-travel', at };
}

function orderViews(steps: Step[], matching: SchemaModel['matching'], definitionOf: DefinitionOf): Step[] {
  const items = steps.map((step) => ({ step, name: 'object' in step ? step.object.name : '', definition: definitionOf(step) }));
  return viewsInCreationOrder(items, matching).map((i) => i.step);
}

function sortByName(steps: Step[]): Step[] {
  const nameOf = (s: Step) => ('object' in s ? s.object.name : '');
  return [...steps].sort((a, b) => compareText(nameOf(a), nameOf(b)));
}

function notRestorable(target: Target, action: Action, entry: InventoryEntry, message: string): Finding {
  return finding(target, 'blocker', 'NOT_RESTORABLE', action.position, { actionId: action.id, object: entry.name, message });
}

function finding(
  target: Target,
  severity: Finding['severity'],
  code: FindingCode,
  position: Finding['position'],
  detail: { message: string; actionId?: string; object?: string },
): Finding {
  return {
    target: target.name,
    severity,
    code,
    message: detail.message,
    actionId: detail.actionId ?? null,
    object: detail.object ?? null,
    position,
  };
}

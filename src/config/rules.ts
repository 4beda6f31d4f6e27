/**
 * Rules across a normalised config that a JSON Schema cannot express: unique target names and
 * schemas, unique checkpoint, action and schedule ids per target, unique restore objects, and references
 * to checkpoints the file does not declare (a warning: the audit table may hold them).
 */
import { actionCheckpoint, LOCAL_CONNECTION, type Action, type Desired, type Target } from '../model/desired.js';
import { nameKey } from '../model/refs.js';
import { pointer, type Finding, type Locator } from './positions.js';

/** The key and field under which each action kind names its checkpoint. */
const CHECKPOINT_FIELD: Record<Action['spec']['kind'], [string, string] | null> = {
  cleanup: ['cleanup', 'since'],
  restore: ['restore', 'from'],
  reset: ['reset', 'to'],
  'full-cleanup': null,
};

type Report = (ptr: string, message: string) => void;

/** Checks the cross-entry rules of a normalised config; `locator` tells where a name was written. */
export function checkRules(desired: Desired, locator: Locator): Finding[] {
  const findings: Finding[] = [];
  const error: Report = (ptr, message) => findings.push({ severity: 'error', pointer: ptr, anchor: 'value', message });
  const warn: Report = (ptr, message) => findings.push({ severity: 'warning', pointer: ptr, anchor: 'value', message });
  checkTargetsApart(desired, locator, error);
  desired.targets.forEach((target, i) => {
    checkIdsApart(target, i, error);
    checkActionReferences(target, i, error, warn);
  });
  return findings;
}

/** Each schema once (compared as its warehouse compares names), each target name once. */
function checkTargetsApart(desired: Desired, locator: Locator, error: Report): void {
  const bySchema = new Map<string, Target>();
  const byName = new Map<string, Target>();
  desired.targets.forEach((target, i) => {
    // Names compare as the warehouse compares them: the embedded one folds case (DEMO is "demo").
    const matching = target.connection === LOCAL_CONNECTION ? 'case-insensitive' : 'exact';
    const fold = (name: string | null) => (name === null ? null : nameKey(name, matching));
    const schemaKey = JSON.stringify([target.connection, fold(target.database), fold(target.schema)]);
    const sameSchema = bySchema.get(schemaKey);
    const sameName = byName.get(target.name);
    if (sameSchema !== undefined) {
      const where = `${target.database === null ? '' : `${target.database}.`}${target.schema} on connection ${target.connection}`;
      error(
        pointer('targets', i, 'schema'),
        `${where} is already declared by target \`${sameSchema.name}\` at line ${sameSchema.position.line}; declare each schema once and merge the two targets`,
      );
    } else if (sameName !== undefined) {
      const namePointer = pointer('targets', i, 'name');
      error(
        locator.has(namePointer) ? namePointer : pointer('targets', i),
        `target name \`${target.name}\` is already used by the target at line ${sameName.position.line}; give each target a distinct \`name\``,
      );
    }
    if (sameSchema === undefined) bySchema.set(schemaKey, target);
    if (sameName === undefined) byName.set(target.name, target);
  });
}

/** Checkpoint, action and schedule ids each once within a target. */
function checkIdsApart(target: Target, i: number, error: Report): void {
  const lists: Array<[string, Array<{ id: string; position: { line: number } }>, string, string]> = [
    [
      'checkpoints',
      target.checkpoints,
      'checkpoint id',
      'is already declared at line %d in this target; give each checkpoint a distinct id',
    ],
    [
      'actions',
      target.actions,
      'action id',
      'is already used at line %d in this target; give each action a distinct id (an applied id is never applied again)',
    ],
    ['schedules', target.schedules, 'schedule id', 'is already used at line %d in this target; give each schedule a distinct id'],
  ];
  for (const [key, items, what, tail] of lists) {
    findRepeats(items, (x) => x.id).forEach(({ first, item, index }) => {
      error(pointer('targets', i, key, index, 'id'), `${what} \`${item.id}\` ${tail.replace('%d', String(first.position.line))}`);
    });
  }
}

/** Restore objects each once; a checkpoint the file does not declare is a warning (the audit table may hold it). */
function checkActionReferences(target: Target, i: number, error: Report, warn: Report): void {
  const declared = new Set(target.checkpoints.map((c) => c.id));
  target.actions.forEach((action, j) => {
    const spec = action.spec;
    if (spec.kind === 'restore' && spec.objects !== null) {
      findRepeats(spec.objects, (name) => name).forEach(({ firstIndex, item, index }) => {
        error(
          pointer('targets', i, 'actions', j, 'restore', 'objects', index),
          `\`${item}\` is already listed as item ${firstIndex + 1} of \`objects\`; list each object once`,
        );
      });
    }
    const checkpoint = actionCheckpoint(spec);
    const field = CHECKPOINT_FIELD[spec.kind];
    if (checkpoint !== null && field !== null && !declared.has(checkpoint)) {
      warn(
        pointer('targets', i, 'actions', j, ...field),
        `checkpoint \`${checkpoint}\` is not declared in this file; ckpt will look for it in the audit table`,
      );
    }
  });
}

/** A repeat in a list: the item at `index` has the same key as the earlier `first` (at `firstIndex`). */
interface Repeat<T> {
  first: T;
  firstIndex: number;
  item: T;
  index: number;
}

/** Every repeat of a key in the list, each with the first item of that key. */
function findRepeats<T>(items: T[], key: (item: T) => string): Repeat<T>[] {
  const seen = new Map<string, { first: T; firstIndex: number }>();
  const repeats: Repeat<T>[] = [];
  items.forEach((item, index) => {
    const earlier = seen.get(key(item));
    if (earlier === undefined) seen.set(key(item), { first: item, firstIndex: index });
    else repeats.push({ ...earlier, item, index });
  });
  return repeats;
}

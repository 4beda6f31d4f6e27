/**
 * Rules across a normalised config that a JSON Schema cannot express: unique target names and
 * schemas, unique checkpoint, action and schedule ids per target, unique restore objects, and references
 * to checkpoints the file does not declare (a warning: the audit table may hold them).
 */
import { actionCheckpoint, LOCAL_CONNECTION, type Action, type Desired, type Target } from '../model/desired.js';
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
  const bySchema = new Map<string, number>();
  const byName = new Map<string, number>();
  desired.targets.forEach((target, i) => {
    // Names compare as the warehouse compares them: the embedded one folds case (DEMO is "demo").
    const fold = (name: string | null) => (target.connection === LOCAL_CONNECTION && name !== null ? name.toUpperCase() : name);
    const schemaKey = JSON.stringify([target.connection, fold(target.database), fold(target.schema)]);
    const sameSchema = bySchema.get(schemaKey);
    const sameName = byName.get(target.name);
    if (sameSchema !== undefined) {
      const first = desired.targets[sameSchema];
      const where = `${target.database === null ? '' : `${target.database}.`}${target.schema} on connection ${target.connection}`;
      error(
        pointer('targets', i, 'schema'),
        `${where} is already declared by target \`${first?.name ?? ''}\` at line ${first?.position.line ?? 0}; declare each schema once and merge the two targets`,
      );
    } else if (sameName !== undefined) {
      const namePointer = pointer('targets', i, 'name');
      error(
        locator.has(namePointer) ? namePointer : pointer('targets', i),
        `target name \`${target.name}\` is already used by the target at line ${desired.targets[sameName]?.position.line ?? 0}; give each target a distinct \`name\``,
      );
    }
    if (sameSchema === undefined) bySchema.set(schemaKey, i);
    if (sameName === undefined) byName.set(target.name, i);
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
    findDuplicates(items.map((x) => x.id)).forEach(([first, second]) => {
      const line = String(items[first]?.position.line ?? 0);
      error(pointer('targets', i, key, second, 'id'), `${what} \`${items[second]?.id ?? ''}\` ${tail.replace('%d', line)}`);
    });
  }
}

/** Restore objects each once; a checkpoint the file does not declare is a warning (the audit table may hold it). */
function checkActionReferences(target: Target, i: number, error: Report, warn: Report): void {
  const declared = new Set(target.checkpoints.map((c) => c.id));
  target.actions.forEach((action, j) => {
    const spec = action.spec;
    if (spec.kind === 'restore' && spec.objects !== null) {
      findDuplicates(spec.objects).forEach(([first, second]) => {
        error(
          pointer('targets', i, 'actions', j, 'restore', 'objects', second),
          `\`${spec.objects?.[second] ?? ''}\` is already listed as item ${first + 1} of \`objects\`; list each object once`,
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

/** Pairs `[first index, later index]` for every repeat of a value in the list. */
function findDuplicates(values: string[]): [number, number][] {
  const seen = new Map<string, number>();
  const pairs: [number, number][] = [];
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else pairs.push([first, index]);
  });
  return pairs;
}

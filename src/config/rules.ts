/**
 * Rules across a normalised config that a JSON Schema cannot express: unique target names and
 * schemas, unique checkpoint, action and schedule ids per target, unique restore objects, and references
 * to checkpoints the file does not declare (a warning: the audit table may hold them).
 */
import { actionCheckpoint, LOCAL_CONNECTION, type Action, type Desired } from '../model/desired.js';
import { pointer, type Finding, type Locator } from './positions.js';

/** The key and field under which each action kind names its checkpoint. */
const CHECKPOINT_FIELD: Record<Action['spec']['kind'], [string, string] | null> = {
  cleanup: ['cleanup', 'since'],
  restore: ['restore', 'from'],
  reset: ['reset', 'to'],
  'full-cleanup': null,
};

/** Checks the cross-entry rules of a normalised config; `locator` tells where a name was written. */
export function checkRules(desired: Desired, locator: Locator): Finding[] {
  const findings: Finding[] = [];
  const error = (ptr: string, message: string): void => {
    findings.push({ severity: 'error', pointer: ptr, anchor: 'value', message });
  };

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

    findDuplicates(target.checkpoints.map((c) => c.id)).forEach(([first, second]) => {
      error(
        pointer('targets', i, 'checkpoints', second, 'id'),
        `checkpoint id \`${target.checkpoints[second]?.id ?? ''}\` is already declared at line ${target.checkpoints[first]?.position.line ?? 0} in this target; give each checkpoint a distinct id`,
      );
    });
    findDuplicates(target.actions.map((a) => a.id)).forEach(([first, second]) => {
      error(
        pointer('targets', i, 'actions', second, 'id'),
        `action id \`${target.actions[second]?.id ?? ''}\` is already used at line ${target.actions[first]?.position.line ?? 0} in this target; give each action a distinct id (an applied id is never applied again)`,
      );
    });
    findDuplicates(target.schedules.map((s) => s.id)).forEach(([first, second]) => {
      error(
        pointer('targets', i, 'schedules', second, 'id'),
        `schedule id \`${target.schedules[second]?.id ?? ''}\` is already used at line ${target.schedules[first]?.position.line ?? 0} in this target; give each schedule a distinct id`,
      );
    });

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
        findings.push({
          severity: 'warning',
          pointer: pointer('targets', i, 'actions', j, ...field),
          anchor: 'value',
          message: `checkpoint \`${checkpoint}\` is not declared in this file; ckpt will look for it in the audit table`,
        });
      }
    });
  });
  return findings;
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

/**
 * Builders of Desired values for tests that do not go through a YAML file.
 */
import { createHash } from 'node:crypto';
import type { Action, ActionSpec, Desired, Target } from '../../src/model/desired.js';

const at = { line: 1, col: 1 };

/** An action with a stable spec hash. */
export function action(id: string, spec: ActionSpec, allowLarge = false): Action {
  const specHash = createHash('sha256').update(JSON.stringify({ allowLarge, spec })).digest('hex');
  return { id, spec, specHash, allowLarge, position: at };
}

/** A target with defaults; override any field. */
export function target(overrides: Partial<Target> = {}): Target {
  return {
    name: 'demo',
    connection: 'local',
    connectionDeclared: true,
    database: null,
    schema: 'DEMO',
    auditTable: 'CHECKPOINT_AUDIT',
    protect: [],
    maxDrop: 500,
    maxDropRows: null,
    maxDropBytes: null,
    checkpoints: [],
    actions: [],
    schedules: [],
    position: at,
    ...overrides,
  };
}

/** A whole config around targets. */
export function desired(targets: Target[], file = '/tmp/checkpoints.yaml'): Desired {
  return { file, sourceHash: 'test', version: 1, targets };
}

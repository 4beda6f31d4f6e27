/**
 * Builders of Observed values for planner tests: live objects, dropped versions, checkpoints
 * and action records, with fixed timestamps.
 */
import { AUDIT_LAYOUT } from '../../src/model/audit-layout.js';
import type {
  DroppedObject,
  InventoryEntry,
  ObjectKind,
  Observed,
  ReadCheckpoint,
  RecordedAction,
  RecordedCheckpoint,
} from '../../src/model/observed.js';

/** The clock of every built observation. */
export const NOW = '2026-11-27T12:00:00.000Z';
/** When the `baseline` checkpoint of the builders was taken. */
export const BASELINE_AT = '2026-11-27T09:00:00.000Z';

/** A live object (or inventory entry). */
export function obj(name: string, kind: ObjectKind = 'TABLE', created = '2026-11-27T08:00:00.000Z', definition?: string): InventoryEntry {
  return {
    name,
    kind,
    created,
    lastAltered: null,
    rowCount: kind === 'TABLE' ? 10 : null,
    bytes: null,
    retentionDays: 1,
    transient: false,
    hybrid: false,
    definition: kind === 'VIEW' ? (definition ?? `CREATE VIEW ${name} AS SELECT 1`) : null,
  };
}

/** A dropped, still restorable version of an inventory entry. */
export function dropped(entry: InventoryEntry, droppedOn = '2026-11-27T10:00:00.000Z'): DroppedObject {
  return { name: entry.name, kind: entry.kind, created: entry.created, droppedOn, restorableUntil: null };
}

/** A recorded checkpoint. */
export function checkpoint(
  id: string,
  objects: InventoryEntry[],
  extra: Partial<Omit<RecordedCheckpoint, 'objects'>> = {},
): ReadCheckpoint {
  return {
    id,
    timestamp: BASELINE_AT,
    type: 'MANUAL',
    description: '',
    status: 'ACTIVE',
    objects,
    keep: 'inventory',
    clone: null,
    origin: 'ckpt',
    ...extra,
  };
}

/** A recorded action. */
export function recorded(actionId: string, specHash: string, status: 'APPLIED' | 'FAILED' = 'APPLIED'): RecordedAction {
  return {
    actionId,
    type: 'CLEANUP',
    specHash,
    timestamp: '2026-11-27T11:00:00.000Z',
    status,
    error: status === 'FAILED' ? 'boom' : null,
    steps: [],
    runId: null,
    commit: null,
  };
}

/** An observation with an audit table and the given state. */
export function observed(overrides: Partial<Observed> = {}): Observed {
  return {
    now: NOW,
    nameMatching: 'exact',
    schemaExists: true,
    rowCountsEstimated: false,
    journalHasRuns: false,
    auditTableExists: true,
    auditLayout: AUDIT_LAYOUT,
    objects: [],
    dropped: [],
    checkpoints: [],
    actions: [],
    ...overrides,
  };
}

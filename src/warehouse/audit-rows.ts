/**
 * The audit table's shape, shared by every adapter: its columns (the old pipelines' columns
 * first, then ckpt's), the JSON format of OBJECTS_SNAPSHOT, and reading rows back into
 * recorded checkpoints and actions. Pure.
 */
import type { AuditStatus, CheckpointType, InventoryEntry, RecordedAction, RecordedCheckpoint, StepRecord } from '../model/observed.js';

/** Columns of CHECKPOINT_AUDIT in order; the first seven are the old pipelines' columns. */
export const AUDIT_COLUMNS = [
  'CHECKPOINT_ID',
  'CHECKPOINT_TIMESTAMP',
  'CHECKPOINT_TYPE',
  'DESCRIPTION',
  'OBJECTS_SNAPSHOT',
  'OBJECTS_COUNT',
  'STATUS',
  'ACTION_ID',
  'SPEC_HASH',
  'SPEC',
  'STEPS',
  'ERROR',
  'RUN_ID',
  'ORIGIN',
] as const;

/**
 * OBJECTS_SNAPSHOT (JSON text or parsed) → inventory entries. Each element has the keys name,
 * type (TABLE | VIEW), created, last_altered, row_count, bytes, retention_time, is_transient,
 * is_hybrid, definition, (since full rewind) columns and (since foreign-key ordering) references,
 * the tables a table's foreign keys reference, absent when none; upper-case keys (the old
 * pipelines') are read too.
 */
export function parseSnapshot(value: unknown, toIso: (t: unknown) => string | null): InventoryEntry[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((raw): InventoryEntry[] => {
    if (raw === null || typeof raw !== 'object') return [];
    const get = (key: string): unknown => {
      const r = raw as Record<string, unknown>;
      return r[key] ?? r[key.toUpperCase()];
    };
    const name = get('name');
    if (typeof name !== 'string') return [];
    const type = String(get('type') ?? get('kind') ?? 'TABLE').toUpperCase();
    return [
      {
        name,
        kind: type.includes('VIEW') ? 'VIEW' : 'TABLE',
        created: toIso(get('created')) ?? '1970-01-01T00:00:00.000Z',
        lastAltered: toIso(get('last_altered')),
        rowCount: numberOrNull(get('row_count')),
        bytes: numberOrNull(get('bytes')),
        retentionDays: numberOrNull(get('retention_time')),
        transient: truthy(get('is_transient')),
        hybrid: truthy(get('is_hybrid')),
        definition: typeof get('definition') === 'string' ? (get('definition') as string) : null,
        columns: columnList(get('columns')),
        ...referencesOf(get('references')),
      },
    ];
  });
}

const CHECKPOINT_TYPES = new Set<CheckpointType>(['MANUAL', 'AUTO']);

/** Audit rows (upper-case column keys) → recorded checkpoints and actions. */
export function readAuditRows(
  rows: Array<Record<string, unknown>>,
  toIso: (t: unknown) => string | null,
): { checkpoints: RecordedCheckpoint[]; actions: RecordedAction[] } {
  const checkpoints: RecordedCheckpoint[] = [];
  const actions: RecordedAction[] = [];
  for (const row of rows) {
    const type = String(row.CHECKPOINT_TYPE ?? '') as CheckpointType;
    const timestamp = toIso(row.CHECKPOINT_TIMESTAMP) ?? '1970-01-01T00:00:00.000Z';
    const status = String(row.STATUS ?? 'ACTIVE') as AuditStatus;
    if (typeof row.ACTION_ID === 'string' && row.ACTION_ID !== '') {
      actions.push({
        actionId: row.ACTION_ID,
        specHash: String(row.SPEC_HASH ?? ''),
        timestamp,
        type,
        status: status === 'APPLIED' ? 'APPLIED' : 'FAILED',
        error: typeof row.ERROR === 'string' ? row.ERROR : null,
        steps: parseJson<StepRecord[]>(row.STEPS, []),
        runId: typeof row.RUN_ID === 'string' ? row.RUN_ID : null,
        commit: parseJson<{ commit?: string | null }>(row.ORIGIN, {}).commit ?? null,
      });
    } else if (CHECKPOINT_TYPES.has(type)) {
      checkpoints.push({
        id: String(row.CHECKPOINT_ID),
        timestamp,
        type,
        description: String(row.DESCRIPTION ?? ''),
        status,
        objects: parseSnapshot(row.OBJECTS_SNAPSHOT, toIso),
        // A checkpoint row's SPEC holds `{"keep":"clone"}` for a keep: clone checkpoint (additive:
        // older rows have none and keep an inventory). Where the clone is now, the adapter says.
        keep: parseJson<{ keep?: string } | null>(row.SPEC, null)?.keep === 'clone' ? 'clone' : 'inventory',
        clone: null,
      });
    }
  }
  return { checkpoints, actions };
}

function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

function columnList(v: unknown): string[] | null {
  const parsed: unknown = typeof v === 'string' ? parseJson<unknown>(v, null) : v;
  return Array.isArray(parsed) && parsed.every((c) => typeof c === 'string') ? (parsed as string[]) : null;
}

/** `references` of an inventory entry: only when it names tables (absent, null or empty in older rows: none). */
function referencesOf(v: unknown): { references?: string[] } {
  const list = columnList(v);
  return list !== null && list.length > 0 ? { references: list } : {};
}

function numberOrNull(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'YES' || v === 'true' || v === 1 || v === '1';
}

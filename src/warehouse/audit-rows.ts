/**
 * The audit table's rows, shared by every adapter: its columns at ckpt's layout (the old
 * pipelines' columns first, then ckpt's: model/audit-layout.ts), the JSON format of
 * OBJECTS_SNAPSHOT (and of an ENTRY of the inventory table, since layout 2), and reading rows
 * back into recorded checkpoints and actions, the old pipelines' rows among them. Pure.
 */
import { layoutColumns } from '../model/audit-layout.js';
import { ownTables } from '../model/desired.js';
import { UNKNOWN_TIME } from '../model/time.js';
import { CHECKPOINT_ROW_TYPES, selectsInventory } from '../model/observed.js';
import type {
  AuditStatus,
  CheckpointType,
  InventoryEntry,
  InventorySelection,
  InventoryTotals,
  RecordedAction,
  RecordedCheckpoint,
  StepRecord,
} from '../model/observed.js';

/**
 * Columns of an audit row written from bound values (an action's, the SYSTEM_INIT row), in
 * order: layout 1's; the first seven are the old pipelines' (model/audit-layout.ts). Later
 * layouts add only what checkpoint rows use.
 */
export const BOUND_ROW_COLUMNS: readonly string[] = layoutColumns(1);

/**
 * Where an old pipeline's inventory is read: the target's schema (an entry naming another
 * schema in TABLE_SCHEMA is left out) and its audit table, whose own tables (audit, lease,
 * journal) are never part of an inventory.
 */
export interface SnapshotScope {
  schema: string;
  auditTable: string;
}

/** Kinds of object an inventory entry may be (INFORMATION_SCHEMA's TABLE_TYPE, or ckpt's type); other kinds are not ckpt's to manage. */
const MANAGED_TYPES = new Set(['TABLE', 'BASE TABLE', 'VIEW']);

/**
 * One inventory element's fields: by ckpt's key, its upper-case form, or (`anyCase`: an old
 * pipeline's element, keys in whatever case it wrote) any case.
 */
function fieldsOf(raw: Record<string, unknown>, anyCase: boolean): (key: string) => unknown {
  const folded = anyCase ? new Map(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v])) : null;
  return (key) => raw[key] ?? raw[key.toUpperCase()] ?? folded?.get(key);
}

/**
 * OBJECTS_SNAPSHOT (JSON text or parsed) → inventory entries. Each element has the keys name,
 * type (TABLE | VIEW), created, last_altered, row_count, bytes, retention_time, is_transient,
 * is_hybrid, definition, (since full rewind) columns and (since foreign-key ordering) references,
 * the tables a table's foreign keys reference, absent when none. With a `scope`, the elements
 * are an old pipeline's INFORMATION_SCHEMA.TABLES rows: keys in any case, the name under
 * TABLE_NAME and the kind under TABLE_TYPE (BASE TABLE or VIEW; other kinds, other schemas and
 * ckpt's own tables are left out), no definitions.
 */
export function parseSnapshot(value: unknown, toIso: (t: unknown) => string | null, scope?: SnapshotScope): InventoryEntry[] {
  const parsed: unknown = typeof value === 'string' ? parseJson<unknown>(value, null) : value;
  if (!Array.isArray(parsed)) return [];
  const own = scope === undefined ? null : new Set(ownTables(scope.auditTable).map((n) => n.toUpperCase()));
  return parsed.flatMap((raw): InventoryEntry[] => {
    if (raw === null || typeof raw !== 'object') return [];
    const get = fieldsOf(raw as Record<string, unknown>, scope !== undefined);
    const name = get('name') ?? get('table_name');
    if (typeof name !== 'string') return [];
    const type = String(get('type') ?? get('kind') ?? get('table_type') ?? 'TABLE').toUpperCase();
    if (scope !== undefined && own !== null) {
      const schema = get('table_schema');
      if (!MANAGED_TYPES.has(type) || own.has(name.toUpperCase())) return [];
      if (typeof schema === 'string' && schema.toUpperCase() !== scope.schema.toUpperCase()) return [];
    }
    return [
      {
        name,
        kind: type.includes('VIEW') ? 'VIEW' : 'TABLE',
        created: toIso(get('created')) ?? UNKNOWN_TIME,
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

const CHECKPOINT_TYPES = new Set<CheckpointType>(CHECKPOINT_ROW_TYPES);

/**
 * A checkpoint row's status. ckpt's are ACTIVE, RESTORED_TO or DELETED; an old pipeline's row
 * may say anything (or nothing): DELETED and RESTORED_TO are read as such, any other value as
 * ACTIVE.
 */
function checkpointStatus(value: unknown): AuditStatus {
  const status = String(value ?? '')
    .trim()
    .toUpperCase();
  return status === 'DELETED' || status === 'RESTORED_TO' ? status : 'ACTIVE';
}

/**
 * What observe read of the inventory table (audit layout 2): the entries of each checkpoint the
 * selection names (every one not DELETED without a selection), by checkpoint id, and the totals
 * of the others. A selected checkpoint without entry rows holds no object; an unselected one
 * without a totals row neither (the two reads are one consistent request).
 */
export interface KeptInventories {
  selection: InventorySelection | undefined;
  entries: ReadonlyMap<string, unknown[]>;
  totals: ReadonlyMap<string, InventoryTotals>;
}

/** No inventory table (a table of layout 0 or 1). */
export const NO_KEPT_INVENTORIES: KeptInventories = { selection: undefined, entries: new Map(), totals: new Map() };

/** The totals of an inventory with no rows. */
const NO_TOTALS: InventoryTotals = {
  objects: 0,
  tables: 0,
  rows: null,
  bytes: null,
  rowsUnknown: 0,
  bytesUnknown: 0,
  retentionUnknown: 0,
  minRetentionDays: null,
};

/** Inventory-table rows (CHECKPOINT_ID and ENTRY; CHECKPOINT_ID and the totals' columns), read under `selection` → KeptInventories. */
export function keptInventories(
  selection: InventorySelection | undefined,
  entryRows: Array<Record<string, unknown>>,
  totalRows: Array<Record<string, unknown>>,
): KeptInventories {
  const entries = new Map<string, unknown[]>();
  for (const row of entryRows) {
    const id = String(row.CHECKPOINT_ID);
    const list = entries.get(id) ?? [];
    list.push(typeof row.ENTRY === 'string' ? parseJson<unknown>(row.ENTRY, null) : row.ENTRY);
    entries.set(id, list);
  }
  const count = (v: unknown) => numberOrNull(v) ?? 0;
  const totals = new Map(
    totalRows.map((row): [string, InventoryTotals] => [
      String(row.CHECKPOINT_ID),
      {
        objects: count(row.OBJECTS),
        tables: count(row.TABLES),
        rows: numberOrNull(row.ROW_COUNT),
        bytes: numberOrNull(row.BYTES),
        rowsUnknown: count(row.ROWS_UNKNOWN),
        bytesUnknown: count(row.BYTES_UNKNOWN),
        retentionUnknown: count(row.RETENTION_UNKNOWN),
        minRetentionDays: numberOrNull(row.MIN_RETENTION),
      },
    ]),
  );
  return { selection, entries, totals };
}

/**
 * Audit rows (upper-case column keys) → recorded checkpoints and actions. A checkpoint row
 * without a RUN_ID is the old pipelines' (origin `pipeline`: every row ckpt writes has one); its
 * inventory is read within `scope` (see parseSnapshot). A row naming an INVENTORY_TABLE has its
 * inventory in `kept`. Columns a table does not have yet (an old pipeline's, before its
 * migration) read as absent.
 */
export function readAuditRows(
  rows: Array<Record<string, unknown>>,
  toIso: (t: unknown) => string | null,
  scope: SnapshotScope,
  kept: KeptInventories = NO_KEPT_INVENTORIES,
): { checkpoints: RecordedCheckpoint[]; actions: RecordedAction[] } {
  const checkpoints: RecordedCheckpoint[] = [];
  const actions: RecordedAction[] = [];
  for (const row of rows) {
    const type = String(row.CHECKPOINT_TYPE ?? '')
      .trim()
      .toUpperCase() as CheckpointType;
    const timestamp = toIso(row.CHECKPOINT_TIMESTAMP) ?? UNKNOWN_TIME;
    if (typeof row.ACTION_ID === 'string' && row.ACTION_ID !== '') {
      actions.push({
        actionId: row.ACTION_ID,
        specHash: String(row.SPEC_HASH ?? ''),
        timestamp,
        type,
        status: row.STATUS === 'APPLIED' ? 'APPLIED' : 'FAILED',
        error: typeof row.ERROR === 'string' ? row.ERROR : null,
        steps: parseJson<StepRecord[]>(row.STEPS, []),
        runId: typeof row.RUN_ID === 'string' ? row.RUN_ID : null,
        commit: parseJson<{ commit?: string | null }>(row.ORIGIN, {}).commit ?? null,
      });
    } else if (CHECKPOINT_TYPES.has(type)) {
      checkpoints.push(checkpointOf(row, { type, timestamp }, toIso, scope, kept));
    }
  }
  return { checkpoints, actions };
}

/** A checkpoint row → a recorded checkpoint, its inventory from OBJECTS_SNAPSHOT or the inventory table. */
function checkpointOf(
  row: Record<string, unknown>,
  read: { type: CheckpointType; timestamp: string },
  toIso: (t: unknown) => string | null,
  scope: SnapshotScope,
  kept: KeptInventories,
): RecordedCheckpoint {
  const id = String(row.CHECKPOINT_ID);
  const pipeline = typeof row.RUN_ID !== 'string' || row.RUN_ID === '';
  const inTable = typeof row.INVENTORY_TABLE === 'string' && row.INVENTORY_TABLE !== '';
  const status = checkpointStatus(row.STATUS);
  // A checkpoint row's SPEC holds `{"keep":"clone"}` for a keep: clone checkpoint (additive:
  // older rows have none and keep an inventory). Where the clone is now, the adapter says.
  const keep: RecordedCheckpoint['keep'] = parseJson<{ keep?: string } | null>(row.SPEC, null)?.keep === 'clone' ? 'clone' : 'inventory';
  const base = { id, timestamp: read.timestamp, type: read.type, description: String(row.DESCRIPTION ?? ''), status, keep, clone: null };
  const origin: RecordedCheckpoint['origin'] = pipeline ? 'pipeline' : 'ckpt';
  if (!inTable) return { ...base, objects: parseSnapshot(row.OBJECTS_SNAPSHOT, toIso, pipeline ? scope : undefined), origin };
  if (selectsInventory(kept.selection ?? { ids: [id], keptCopies: false }, { id, status, keep })) {
    return { ...base, objects: parseSnapshot(kept.entries.get(id) ?? [], toIso), origin };
  }
  return { ...base, objects: null, origin, totals: kept.totals.get(id) ?? NO_TOTALS };
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

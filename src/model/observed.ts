/**
 * Observed state: one consistent read of a target (live objects, dropped objects that can still
 * come back, recorded checkpoints and applied actions), in a shape shared by every adapter.
 * Timestamps are ISO-8601 strings in UTC, read from the warehouse's clock.
 */
import type { CommandEnd, GuardOnFailure } from './guard.js';
import type { NameMatching } from './refs.js';

/** Kinds of schema objects ckpt manages. */
export type ObjectKind = 'TABLE' | 'VIEW';

/** An object as recorded in a checkpoint's inventory (and as seen live). */
export interface InventoryEntry {
  /** Name exactly as stored by the warehouse. */
  name: string;
  kind: ObjectKind;
  /** Creation time; together with the name it identifies one incarnation of an object. */
  created: string;
  lastAltered: string | null;
  rowCount: number | null;
  bytes: number | null;
  /** Time Travel retention in days (Snowflake); null where the warehouse has none. */
  retentionDays: number | null;
  transient: boolean;
  hybrid: boolean;
  /** For views: the full CREATE statement captured at the time. Null for tables. */
  definition: string | null;
  /** For tables: column names in order, as stored (absent in inventories older than this field). */
  columns?: string[] | null;
  /**
   * For tables: the tables its FOREIGN KEYs reference, names as stored, where the warehouse
   * enforces them (the embedded one); absent when none, or where they are not enforced
   * (Snowflake), and in inventories older than this field.
   */
  references?: string[];
  /**
   * For a live table whose Time Travel history starts later than `created` (ckpt re-created it
   * from a clone: same incarnation, new storage), the earliest instant it can be read AT.
   */
  timeTravelFrom?: string | null;
  /**
   * For a live Snowflake table: the row access and masking policies set on it, where observe
   * looked: the tables a checkpoint holds with other content
   * (docs/snowflake-behaviour.md#row-access-and-masking-policies). null: ckpt's role sees none on
   * it but may not see every policy (POLICY_REFERENCES leaves out what a role may not see), so it
   * cannot tell whether there are any.
   */
  policies?: PolicyRef[] | null;
  /** For a live object, on a warehouse with roles: who owns it, and whether ckpt's role does (see Ownership). */
  ownership?: Ownership;
}

/** A policy that changes what a read of a table returns, set on it (names as stored). */
export interface PolicyRef {
  /** As Snowflake names it: ROW_ACCESS_POLICY, MASKING_POLICY, PROJECTION_POLICY, AGGREGATION_POLICY. */
  kind: string;
  /** The policy's database, schema and name. */
  name: [database: string, schema: string, name: string];
  /** The column it is set on (a masking or projection policy); null for one set on the table. */
  column: string | null;
}

/**
 * Who owns an object and whether ckpt's role does (is, or inherits, the owner role): Snowflake's
 * DROP, UNDROP and ALTER need OWNERSHIP (docs/snowflake-behaviour.md#pitfall-16). Absent where the
 * warehouse has no roles (the embedded one) and in checkpoint inventories.
 */
export interface Ownership {
  /** The owner role, as the warehouse shows it; null when ckpt's role cannot see it. */
  owner: string | null;
  owned: boolean;
}

/**
 * An object the schema holds that ckpt does not manage (a dynamic, Iceberg, external or event
 * table, a materialized view: docs/snowflake-behaviour.md, "Table kinds"): never dropped, restored
 * or reverted, never in a checkpoint's inventory, and named in every plan so it is not a surprise.
 */
export interface UnmanagedObject {
  name: string;
  /** What it is, e.g. `dynamic table`, `materialized view`. */
  kind: string;
}

/** An object present in the schema now. */
export type LiveObject = InventoryEntry;

/** A dropped table version that can still be brought back. */
export interface DroppedObject {
  name: string;
  kind: ObjectKind;
  /** Creation time of the dropped incarnation (matches the inventory's `created`). */
  created: string;
  droppedOn: string;
  /** When it stops being restorable; null when kept until ckpt releases it. */
  restorableUntil: string | null;
  /** On a warehouse with roles: who owns it, and whether ckpt's role does (UNDROP needs OWNERSHIP). */
  ownership?: Ownership;
  /**
   * Its content version when it was dropped, where the warehouse knows it (ckpt's trash); absent
   * when unknown (Snowflake's SHOW TABLES HISTORY does not say).
   */
  lastAltered?: string | null;
}

/** Types of rows in the audit table (the old pipelines' values). */
export type CheckpointType = 'MANUAL' | 'AUTO' | 'GUARD' | 'CLEANUP' | 'RESTORE' | 'RESET' | 'FULL_CLEANUP' | 'SYSTEM_INIT';

/**
 * The types of the rows that are checkpoints (not actions): declared or ad hoc (MANUAL), a
 * schedule's (AUTO), and the one `ckpt guard` takes before its command (GUARD).
 */
export const CHECKPOINT_ROW_TYPES = ['MANUAL', 'AUTO', 'GUARD'] as const satisfies readonly CheckpointType[];

/** `IN ('MANUAL', 'AUTO', 'GUARD')`: the SQL condition on CHECKPOINT_TYPE of a checkpoint row, in both dialects. */
export const CHECKPOINT_TYPE_IN = `IN (${CHECKPOINT_ROW_TYPES.map((t) => `'${t}'`).join(', ')})`;

/** Status values: checkpoints are ACTIVE / RESTORED_TO / DELETED; action rows APPLIED / FAILED. */
export type AuditStatus = 'ACTIVE' | 'RESTORED_TO' | 'DELETED' | 'APPLIED' | 'FAILED';

/** A checkpoint recorded in the audit table. */
export interface RecordedCheckpoint {
  id: string;
  timestamp: string;
  type: CheckpointType;
  description: string;
  status: AuditStatus;
  /**
   * Its inventory's entries, or null when observe did not read them (see InventorySelection):
   * then only `totals` say what it holds. Never an empty list standing for an unread inventory
   * (a reset to an empty inventory drops everything), so every reader has to say what it does
   * without them.
   */
  objects: InventoryEntry[] | null;
  /** What it keeps besides the inventory (`clone`: a copy of every table's rows). */
  keep: 'inventory' | 'clone';
  /** Where its kept copy is now (Snowflake: the clone schema), or null when none exists (any more). */
  clone: string | null;
  /**
   * Who took it: ckpt, or the old Matillion pipelines (`pipeline`: a row ckpt adopted with their
   * audit table; its inventory has no view definitions and no content versions, and ckpt never
   * changes its row).
   */
  origin: CheckpointOrigin;
  /**
   * Set when `objects` is null: what the unread inventory holds, summed by the warehouse (an
   * inventory kept in the inventory table that observe was not asked for, an expired one among them).
   */
  totals?: InventoryTotals;
}

/**
 * Which checkpoints' inventory entries an observation reads (decided by the core:
 * plan/inventory-needs.ts); of the other checkpoints kept in the inventory table it reads only
 * totals (RecordedCheckpoint.objects null). An inventory held in the audit row itself (the old
 * pipelines', ckpt's before audit layout 2) is read whole in any case: it comes with the row.
 */
export interface InventorySelection {
  /** The ids of the checkpoints whose entries are read (a DELETED one's never are: no action can use it). */
  ids: readonly string[];
  /** Whether the entries of every checkpoint that keeps a clone are read too (a kept copy can serve any reset or restore). */
  keptCopies: boolean;
}

/** Whether a checkpoint's entries are read under `selection` (the adapters' SQL says the same: inventory-rows-sql.ts). */
export function selectsInventory(selection: InventorySelection, checkpoint: Pick<RecordedCheckpoint, 'id' | 'status' | 'keep'>): boolean {
  if (checkpoint.status === 'DELETED') return false;
  return selection.ids.includes(checkpoint.id) || (selection.keptCopies && checkpoint.keep === 'clone');
}

/** A recorded checkpoint whose inventory entries observe read. */
export type ReadCheckpoint = RecordedCheckpoint & { objects: InventoryEntry[] };

/** Whether observe read a checkpoint's inventory entries (else only its totals). */
export function entriesRead(checkpoint: RecordedCheckpoint): checkpoint is ReadCheckpoint {
  return checkpoint.objects !== null;
}

/** What an inventory holds, summed where it is kept without reading it (for `ckpt checkpoints`). */
export interface InventoryTotals {
  objects: number;
  tables: number;
  /** Rows of its tables, summed over those whose count is known; null when none is. */
  rows: number | null;
  /** Bytes of its tables, summed over those whose size is known; null when none is. */
  bytes: number | null;
  /** Tables whose row count, size, Time Travel retention is unknown. */
  rowsUnknown: number;
  bytesUnknown: number;
  retentionUnknown: number;
  /** The shortest Time Travel retention among its tables (days), null when no table's is known. */
  minRetentionDays: number | null;
}

/** Who took a checkpoint (see RecordedCheckpoint.origin). */
export type CheckpointOrigin = 'ckpt' | 'pipeline';

/** What one step of an action did, as recorded in the audit table. */
export interface StepRecord {
  kind: string;
  object: string | null;
  outcome: 'succeeded' | 'failed';
  error: string | null;
}

/** An action recorded in the audit table (applied or failed). */
export interface RecordedAction {
  actionId: string;
  type: CheckpointType;
  specHash: string;
  timestamp: string;
  status: 'APPLIED' | 'FAILED';
  error: string | null;
  steps: StepRecord[];
  runId: string | null;
  /** The git commit of the config the run acted on, when known. */
  commit: string | null;
}

/** Everything the planner needs to know about one target. */
export interface Observed {
  /** The warehouse's clock at observation time. */
  now: string;
  nameMatching: NameMatching;
  /** Whether the schema itself exists. */
  schemaExists: boolean;
  /** Whether `rowCount`s are the warehouse's estimates (the embedded warehouse's) rather than counts. */
  rowCountsEstimated: boolean;
  auditTableExists: boolean;
  /**
   * The audit table's layout version (model/audit-layout.ts): ckpt's newest when it created or
   * migrated the table, 0 for the old pipelines' table; null when there is no audit table.
   */
  auditLayout: number | null;
  /**
   * Whether ckpt's journal next to the audit table holds runs: with no audit table, it was lost
   * (dropped or renamed) after ckpt used it, not never created.
   */
  journalHasRuns: boolean;
  /** Live tables and views, without the audit table and ckpt's internal objects. */
  objects: LiveObject[];
  /** Objects of kinds ckpt does not manage (absent: none, or a warehouse that has no such kinds). */
  unmanaged?: UnmanagedObject[];
  /** ckpt's role on the connection, where the warehouse has roles (for what to GRANT). */
  role?: string | null;
  /** Dropped table versions still restorable, newest first per name. */
  dropped: DroppedObject[];
  checkpoints: RecordedCheckpoint[];
  actions: RecordedAction[];
  /**
   * Guards (`ckpt guard`) that started and never finished: ckpt was killed while their command
   * ran, or the undo waits for consent. Read from the journal by the session when the audit table
   * holds an ACTIVE GUARD checkpoint; absent: none.
   */
  unfinishedGuards?: UnfinishedGuard[];
}

/** A guard that started and never finished (see Observed.unfinishedGuards). */
export interface UnfinishedGuard {
  /** The guard's checkpoint id. */
  checkpointId: string;
  /** The command line it ran, secrets redacted. */
  command: string;
  startedAt: string;
  /** What it does when its command failed. */
  onFailure: GuardOnFailure;
  /** How its command ended, when the journal says; null: ckpt was killed while it ran. */
  commandEnded: CommandEnd | null;
}

/**
 * The audit table's layout and how it changes, in one place. Layout 0 is the old Matillion
 * pipelines' table (their seven columns); every later layout is a migration that adds columns,
 * listed here by version. ckpt creates a table at the newest layout, and brings an older one up
 * to it with a `migrate-audit` step that adds the missing columns (`ADD COLUMN IF NOT EXISTS`,
 * never touching a row) and then stamps the version in the table's COMMENT, which both
 * warehouses read with the catalog query observe already makes. A change to the layout is a new
 * entry at the end of AUDIT_MIGRATIONS: creation, observe, planning and both adapters follow.
 * Pure.
 */

/** How a column's values are stored: text, or JSON (VARIANT on Snowflake, JSON text locally). */
export type AuditColumnType = 'text' | 'json';

/** A column of the audit table, as added by a migration. */
export interface AuditColumn {
  name: string;
  type: AuditColumnType;
}

/**
 * One step of the layout: the version it brings the table to, the columns it adds, and whether
 * it creates the inventory table (INVENTORY_COLUMNS) next to the audit table.
 */
export interface LayoutMigration {
  version: number;
  adds: readonly AuditColumn[];
  createsInventory?: true;
}

/**
 * The inventory table's columns (since layout 2): one row per object of each checkpoint,
 * written by the same statement sequence as the checkpoint's audit row. ENTRY is the object's
 * inventory entry (the format of an OBJECTS_SNAPSHOT element: audit-rows.ts); the others are
 * there to be queried and summed without reading it. `count` is a whole number of any size.
 */
export const INVENTORY_COLUMNS: ReadonlyArray<{ name: string; type: AuditColumnType | 'timestamp' | 'count'; required: boolean }> = [
  { name: 'CHECKPOINT_ID', type: 'text', required: true },
  { name: 'CAPTURED_AT', type: 'timestamp', required: true },
  { name: 'OBJECT_NAME', type: 'text', required: true },
  { name: 'OBJECT_TYPE', type: 'text', required: true },
  { name: 'ROW_COUNT', type: 'count', required: false },
  { name: 'BYTES', type: 'count', required: false },
  { name: 'RETENTION_TIME', type: 'count', required: false },
  { name: 'ENTRY', type: 'json', required: true },
];

/** The old pipelines' columns, in their order (layout 0). */
export const PIPELINE_COLUMNS = [
  'CHECKPOINT_ID',
  'CHECKPOINT_TIMESTAMP',
  'CHECKPOINT_TYPE',
  'DESCRIPTION',
  'OBJECTS_SNAPSHOT',
  'OBJECTS_COUNT',
  'STATUS',
] as const;

/**
 * The largest inventory, in bytes of JSON, also written as an array into OBJECTS_SNAPSHOT of a
 * layout-2 row (for people reading the audit table); a larger one is summarized there as
 * `{"inventory_table", "objects", "note": SUMMARY_NOTE}`. 1 MB: far under the LOB limit of 16 MB.
 */
export const SNAPSHOT_ARRAY_BYTES = 1_048_576;

/** The note of OBJECTS_SNAPSHOT's summary object. */
export const SUMMARY_NOTE = 'inventory too large for one value: one row per object in inventory_table, by CHECKPOINT_ID';

/** Every layout after the old pipelines', oldest first; a new layout goes at the end. */
export const AUDIT_MIGRATIONS: readonly LayoutMigration[] = [
  {
    // ckpt's actions and runs.
    version: 1,
    adds: [
      { name: 'ACTION_ID', type: 'text' },
      { name: 'SPEC_HASH', type: 'text' },
      { name: 'SPEC', type: 'json' },
      { name: 'STEPS', type: 'json' },
      { name: 'ERROR', type: 'text' },
      { name: 'RUN_ID', type: 'text' },
      { name: 'ORIGIN', type: 'json' },
    ],
  },
  {
    // Inventories one row per object in the inventory table (a 100,000-object checkpoint is no
    // single value over Snowflake's LOB limit); INVENTORY_TABLE names it on the rows that use it.
    version: 2,
    adds: [{ name: 'INVENTORY_TABLE', type: 'text' }],
    createsInventory: true,
  },
];

/** The layout ckpt creates and migrates to: the newest version. */
export const AUDIT_LAYOUT: number = AUDIT_MIGRATIONS[AUDIT_MIGRATIONS.length - 1]?.version ?? 0;

/** The columns a table has at `version`, in order. */
export function layoutColumns(version: number): string[] {
  return [...PIPELINE_COLUMNS, ...AUDIT_MIGRATIONS.filter((m) => m.version <= version).flatMap((m) => m.adds.map((c) => c.name))];
}

/** The columns a migration from `version` to the newest layout adds, in order. */
export function columnsAddedSince(version: number): AuditColumn[] {
  return AUDIT_MIGRATIONS.filter((m) => m.version > version).flatMap((m) => [...m.adds]);
}

/** The audit table's COMMENT at `version`: how the layout is stamped. */
export function layoutComment(version: number): string {
  return `ckpt audit table, layout ${version}`;
}

const STAMP = /\bckpt audit table, layout (\d+)\b/;

/**
 * The layout of an existing audit table: the version stamped in its COMMENT; without a stamp
 * (a table of the old pipelines, or one created by a ckpt older than the stamp), the newest
 * layout whose columns it all has (names compared upper-cased, as both warehouses store them).
 */
export function readLayout(comment: string | null, columns: readonly string[]): number {
  const stamped = comment === null ? null : STAMP.exec(comment);
  if (stamped?.[1] !== undefined) return Number(stamped[1]);
  const present = new Set(columns.map((c) => c.toUpperCase()));
  let version = 0;
  for (const migration of AUDIT_MIGRATIONS) {
    if (!migration.adds.every((c) => present.has(c.name))) break;
    version = migration.version;
  }
  return version;
}

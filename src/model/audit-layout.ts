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

/** One step of the layout: the version it brings the table to, and the columns it adds. */
export interface LayoutMigration {
  version: number;
  adds: readonly AuditColumn[];
}

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

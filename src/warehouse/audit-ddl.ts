/**
 * The audit table's DDL, written once from its layout (model/audit-layout.ts) for any dialect:
 * CREATE TABLE at the newest layout, stamped with it, and the statements that bring a table of
 * an older layout (the old pipelines', say) up to it: the inventory table (CREATE TABLE IF NOT
 * EXISTS) when the layout has one, one `ADD COLUMN IF NOT EXISTS` per column, so that an
 * interrupted migration resumes, then the stamp. No statement touches a row.
 */
import {
  AUDIT_LAYOUT,
  AUDIT_MIGRATIONS,
  columnsAddedSince,
  INVENTORY_COLUMNS,
  layoutComment,
  type AuditColumnType,
} from '../model/audit-layout.js';

/** A dialect's column types and how it sets a table's COMMENT. */
export interface AuditDialect {
  types: Record<AuditColumnType | 'timestamp' | 'number' | 'count', string>;
  /** The statement setting the COMMENT of table `name` (quoted, qualified) to `text`. */
  setComment(name: string, text: string): string;
}

/** CREATE TABLE IF NOT EXISTS for the audit table `name` at the newest layout (without its stamp: see `auditStamp`). */
export function auditTableDdl(name: string, dialect: AuditDialect): string {
  const t = dialect.types;
  const columns = [
    `CHECKPOINT_ID ${t.text} NOT NULL`,
    `CHECKPOINT_TIMESTAMP ${t.timestamp} NOT NULL`,
    `CHECKPOINT_TYPE ${t.text} NOT NULL`,
    `DESCRIPTION ${t.text}`,
    `OBJECTS_SNAPSHOT ${t.json}`,
    `OBJECTS_COUNT ${t.number}`,
    `STATUS ${t.text} NOT NULL`,
    ...AUDIT_MIGRATIONS.flatMap((m) => m.adds.map((c) => `${c.name} ${t[c.type]}`)),
  ];
  return `CREATE TABLE IF NOT EXISTS ${name} (\n  ${columns.join(',\n  ')})`;
}

/** CREATE TABLE IF NOT EXISTS for the inventory table `name` (model/audit-layout.ts INVENTORY_COLUMNS). */
export function inventoryTableDdl(name: string, dialect: AuditDialect): string {
  const columns = INVENTORY_COLUMNS.map((c) => `${c.name} ${dialect.types[c.type]}${c.required ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${name} (\n  ${columns.join(',\n  ')})`;
}

/** The statement stamping the audit table `name` with the newest layout. */
export function auditStamp(name: string, dialect: AuditDialect): string {
  return dialect.setComment(name, layoutComment(AUDIT_LAYOUT));
}

/**
 * The statements migrating the audit table `name` from layout `from` to the newest: the
 * inventory table `inventory` if a later layout creates it, the columns, then the stamp.
 */
export function auditMigration(name: string, inventory: string, from: number, dialect: AuditDialect): string[] {
  const createsInventory = AUDIT_MIGRATIONS.some((m) => m.version > from && m.createsInventory === true);
  return [
    ...(createsInventory ? [inventoryTableDdl(inventory, dialect)] : []),
    ...columnsAddedSince(from).map((c) => `ALTER TABLE ${name} ADD COLUMN IF NOT EXISTS ${c.name} ${dialect.types[c.type]}`),
    auditStamp(name, dialect),
  ];
}

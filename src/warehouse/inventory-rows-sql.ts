/**
 * The dialect-neutral SQL both adapters use to read a checkpoint's inventory rows (audit layout 2:
 * one row per object in the inventory table): rows are reached only through the audit row that
 * points at the inventory table, so rows a crashed attempt left without one are never read.
 * Observe reads the entries of the checkpoints its InventorySelection names and only totals of
 * the others: the two conditions below are each other's complement, so every checkpoint kept in
 * the inventory table is read one way or the other.
 */
import { CHECKPOINT_TYPE_IN, type InventorySelection } from '../model/observed.js';

/** What a checkpoint's audit and inventory rows say about it, as both adapters' checkpoint statements write them. */
export interface CheckpointRow {
  id: string;
  type: string;
  description: string;
  runId: string;
  origin: string;
  keep?: string | undefined;
}

/** The join of inventory rows to the checkpoint rows that point at the inventory table, with a condition on the row's STATUS. */
export function inventoryOfRows(inventory: string, audit: string, status: string): string {
  return `FROM ${inventory} i JOIN ${audit} a ON a.CHECKPOINT_ID = i.CHECKPOINT_ID
  AND a.CHECKPOINT_TYPE ${CHECKPOINT_TYPE_IN} AND a.INVENTORY_TABLE IS NOT NULL AND ${status}`;
}

/** How a dialect writes what the selection's condition needs. */
export interface SelectionDialect {
  /** A string literal. */
  literal(value: string): string;
  /** True when audit row `a`'s SPEC says the checkpoint keeps a clone (`{"keep":"clone"}`), else false or null. */
  keepsClone: string;
}

/**
 * The condition on audit row `a` under which observe reads a checkpoint's entries (never null):
 * not DELETED, and named by `selection` (model/observed.ts selectsInventory says the same in
 * TypeScript); every checkpoint not DELETED when there is no selection.
 */
export function selectedSql(selection: InventorySelection | undefined, dialect: SelectionDialect): string {
  const active = `COALESCE(a.STATUS, '') <> 'DELETED'`;
  if (selection === undefined) return active;
  const named = [
    ...(selection.ids.length > 0 ? [`a.CHECKPOINT_ID IN (${selection.ids.map(dialect.literal).join(', ')})`] : []),
    ...(selection.keptCopies ? [`COALESCE(${dialect.keepsClone}, FALSE)`] : []),
  ];
  return named.length === 0 ? 'FALSE' : `${active} AND (${named.join(' OR ')})`;
}

/** The entries of the checkpoints `selected` names kept in the inventory table, by checkpoint and name. */
export function inventoryEntriesSql(inventory: string, audit: string, selected: string): string {
  return `SELECT i.CHECKPOINT_ID AS CHECKPOINT_ID, i.ENTRY AS ENTRY
${inventoryOfRows(inventory, audit, selected)}
ORDER BY i.CHECKPOINT_ID, i.OBJECT_NAME`;
}

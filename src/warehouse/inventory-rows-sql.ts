/**
 * The dialect-neutral SQL both adapters use to read a checkpoint's inventory rows (audit layout 2:
 * one row per object in the inventory table): rows are reached only through the audit row that
 * points at the inventory table, so rows a crashed attempt left without one are never read.
 */
import { CHECKPOINT_TYPE_IN } from '../model/observed.js';

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

/** The entries of every checkpoint an action can still use (not DELETED) kept in the inventory table, by checkpoint and name. */
export function inventoryEntriesSql(inventory: string, audit: string): string {
  return `SELECT i.CHECKPOINT_ID AS CHECKPOINT_ID, i.ENTRY AS ENTRY
${inventoryOfRows(inventory, audit, `COALESCE(a.STATUS, '') <> 'DELETED'`)}
ORDER BY i.CHECKPOINT_ID, i.OBJECT_NAME`;
}

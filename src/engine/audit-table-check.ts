/**
 * Why observing a target failed, when its `audit_table:` names a table that is neither ckpt's
 * nor the old pipelines' (a table of the user's, say ORDERS): every read of it fails on a missing column, which is said as
 * a configuration error naming the table, the columns it lacks and what to do. Asked only after a
 * failure, so observing stays within its round trips.
 */
import { DEFAULT_AUDIT_TABLE } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { displayIdent, quoteIdent } from '../model/refs.js';
import { PIPELINE_COLUMNS } from '../model/audit-layout.js';
import type { TargetRef, Warehouse } from '../warehouse/warehouse.js';

/** Rethrows `error`, or a CONFIG_INVALID error when the target's audit table lacks ckpt's columns. */
export async function explainObserveFailure(warehouse: Warehouse, target: TargetRef, error: unknown): Promise<never> {
  const missing = await missingAuditColumns(warehouse, target).catch(() => []);
  if (missing.length === 0) throw error;
  const table = displayIdent(target.auditTable);
  throw new CkptError(
    'CONFIG_INVALID',
    `audit_table ${table} of target ${target.name} is not a ckpt audit table: it has no ${missing.join(', ')} column${missing.length === 1 ? '' : 's'}`,
    {
      hint: `ckpt creates and owns its audit table: name one that does not exist yet in \`audit_table:\` (or leave it out for ${DEFAULT_AUDIT_TABLE}); ${table} is left as it is`,
      cause: error,
    },
  );
}

/**
 * The audit columns the target's audit table lacks that ckpt does not add itself: the old
 * pipelines' (a table with those is adopted and migrated); none when it has them, or cannot be read.
 */
async function missingAuditColumns(warehouse: Warehouse, target: TargetRef): Promise<string[]> {
  const { columns } = await warehouse.query(target, `SELECT * FROM ${quoteIdent(target.auditTable)} WHERE 1 = 0`);
  const present = new Set(columns.map((c) => c.toUpperCase()));
  return PIPELINE_COLUMNS.filter((c) => !present.has(c));
}

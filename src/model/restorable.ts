/**
 * How long a checkpoint's content stays restorable (docs/snowflake-behaviour.md#pitfall-3): until the shortest Time Travel
 * retention among its tables has passed since it was taken, or for ever when a `keep: clone`
 * copy of it exists. Pure; shared by the planner's blockers and `ckpt checkpoints`.
 */
import type { InventoryEntry, InventoryTotals, RecordedCheckpoint } from './observed.js';

/** Whether (and until when) a checkpoint's table content can be restored. */
export type Restorability =
  /** A kept copy exists (or the checkpoint holds no table): restorable at any age. */
  | { kind: 'kept'; location: string | null }
  /** Time Travel only: restorable until `until` (ISO), the end of the shortest retention. */
  | { kind: 'until'; until: string }
  /** The warehouse has no Time Travel and nothing was kept: content cannot be restored. */
  | { kind: 'inventory-only' };

const DAY_MS = 86_400_000;

/** When Time Travel stops reaching a checkpoint for one table, or null without Time Travel. */
export function timeTravelEnd(timestamp: string, entry: Pick<InventoryEntry, 'retentionDays'>): string | null {
  if (entry.retentionDays === null) return null;
  return new Date(Date.parse(timestamp) + entry.retentionDays * DAY_MS).toISOString();
}

/** The restorability of a recorded checkpoint's table content. */
export function restorability(checkpoint: Pick<RecordedCheckpoint, 'timestamp' | 'objects' | 'clone' | 'totals'>): Restorability {
  if (checkpoint.clone !== null) return { kind: 'kept', location: checkpoint.clone };
  if (checkpoint.objects === null) {
    // Entries not read: the totals say it; with neither, nothing is claimed beyond the inventory.
    return checkpoint.totals === undefined ? { kind: 'inventory-only' } : restorabilityOfTotals(checkpoint.timestamp, checkpoint.totals);
  }
  const tables = checkpoint.objects.filter((o) => o.kind === 'TABLE');
  if (tables.length === 0) return { kind: 'kept', location: null };
  let until: string | null = null;
  for (const table of tables) {
    const end = timeTravelEnd(checkpoint.timestamp, table);
    if (end === null) return { kind: 'inventory-only' };
    if (until === null || end < until) until = end;
  }
  return { kind: 'until', until: until as string };
}

/** The same, from an inventory's totals (its entries were not read: RecordedCheckpoint.totals). */
function restorabilityOfTotals(timestamp: string, totals: InventoryTotals): Restorability {
  if (totals.tables === 0) return { kind: 'kept', location: null };
  if (totals.retentionUnknown > 0 || totals.minRetentionDays === null) return { kind: 'inventory-only' };
  return { kind: 'until', until: timeTravelEnd(timestamp, { retentionDays: totals.minRetentionDays }) as string };
}

/**
 * Compares a checkpoint's inventory with the schema as it is (or will be, mid-plan): which live
 * objects are new or recreated since, which inventory objects are missing. Pure.
 */
import type { InventoryEntry, LiveObject } from '../model/observed.js';
import { nameKey, type NameMatching } from '../model/refs.js';
import { displayTime, sameInstant, UNKNOWN_TIME } from '../model/time.js';
import { sameViewDefinition } from '../model/view-header.js';

/** Whether a live object is the same incarnation as the one a checkpoint recorded. */
export function sameIncarnation(recorded: InventoryEntry, live: LiveObject): boolean {
  if (recorded.kind !== live.kind) return false;
  // A view re-created from its captured definition is the same view; its CREATED changes
  // on Snowflake (docs/snowflake-behaviour.md#pitfall-12) but what it means does not, nor the
  // name its definition's header carries (docs/snowflake-behaviour.md#renamed-views). A view
  // recorded without a definition (the old pipelines recorded none; a secure view's is hidden
  // from roles that do not own it), or whose definition is hidden now, is the same while its
  // CREATED is.
  if (recorded.kind === 'VIEW' && recorded.definition !== null && live.definition !== null) {
    return sameViewDefinition(recorded.definition, live.definition);
  }
  // An entry recorded without a creation time (an old pipeline's) is taken for whatever holds
  // its name: nothing is dropped as re-created without evidence.
  return recorded.created === UNKNOWN_TIME || sameInstant(recorded.created, live.created);
}

/** How the schema differs from a checkpoint. */
export interface InventoryDiff {
  /** Live objects whose name the checkpoint does not hold. */
  created: LiveObject[];
  /** Live objects with a name the checkpoint holds, but another incarnation. */
  recreated: Array<{ live: LiveObject; recorded: InventoryEntry }>;
  /** Checkpoint objects with no live object of that name. */
  missing: InventoryEntry[];
}

/** Diffs live objects against a checkpoint inventory. */
export function diffInventory(inventory: readonly InventoryEntry[], live: readonly LiveObject[], matching: NameMatching): InventoryDiff {
  // Indexed loops: an iterator result per object is garbage a 100,000-object plan pays for in GC
  // (a loop run once per plan is rarely optimized in time to do without).
  const recordedByKey = new Map<string, InventoryEntry>();
  for (let i = 0; i < inventory.length; i += 1) {
    const e = inventory[i] as InventoryEntry;
    recordedByKey.set(nameKey(e.name, matching), e);
  }
  // The recorded keys some live object holds, as a list (a set of every live key would be a second
  // index of 100,000 names on a large schema); the recorded entries left without them are missing.
  const held: string[] = [];
  const diff: InventoryDiff = { created: [], recreated: [], missing: [] };
  for (let i = 0; i < live.length; i += 1) {
    const object = live[i] as LiveObject;
    const key = nameKey(object.name, matching);
    const recorded = recordedByKey.get(key);
    if (recorded === undefined) {
      diff.created.push(object);
      continue;
    }
    held.push(key);
    if (!sameIncarnation(recorded, object)) diff.recreated.push({ live: object, recorded });
  }
  for (let i = 0; i < held.length; i += 1) recordedByKey.delete(held[i] as string);
  diff.missing = [...recordedByKey.values()];
  return diff;
}

/**
 * Why a table the checkpoint holds (same incarnation) has other content now, or null when it
 * has not changed, read from metadata only, never from the data: its content version
 * (`lastAltered`: Snowflake's LAST_ALTERED, which moves on every DML and DDL; ckpt's registry on
 * the embedded warehouse) differs from the one recorded, or its columns differ; where no content
 * version was recorded, a different row count or size.
 */
export function contentChange(recorded: InventoryEntry, live: LiveObject): string | null {
  if (recorded.kind !== 'TABLE' || live.kind !== 'TABLE') return null;
  const was = recorded.columns ?? null;
  const now = live.columns ?? null;
  if (was !== null && now !== null && !sameColumns(was, now)) {
    return `its columns changed (${was.join(', ')} → ${now.join(', ')})`;
  }
  if (recorded.lastAltered !== null && live.lastAltered !== null) {
    return sameInstant(recorded.lastAltered, live.lastAltered) ? null : `it was altered at ${displayTime(live.lastAltered)}`;
  }
  if (recorded.rowCount !== null && live.rowCount !== null && recorded.rowCount !== live.rowCount) {
    return `its row count changed (${recorded.rowCount} → ${live.rowCount})`;
  }
  if (recorded.bytes !== null && live.bytes !== null && recorded.bytes !== live.bytes) {
    return `its size changed (${recorded.bytes} → ${live.bytes} bytes)`;
  }
  return null;
}

/** Whether two column lists are the same names in the same order (compared in place: no joined copies per table). */
function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

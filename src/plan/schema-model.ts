/**
 * The schema as the plan goes: starts as observed and follows each planned step, so that an
 * action is planned against what earlier actions of the same run will have left. Pure.
 */
import type { DroppedObject, InventoryEntry, LiveObject, Observed } from '../model/observed.js';
import { compareText, nameKey, type NameMatching } from '../model/refs.js';
import { sameInstant } from '../model/time.js';

/** Live objects and restorable dropped versions, updated step by step. */
export class SchemaModel {
  readonly matching: NameMatching;
  private readonly live: Map<string, LiveObject>;
  /** Restorable dropped versions by name key, in observed order (newest first) within a name. */
  private readonly dropped = new Map<string, DroppedObject[]>();
  private readonly now: string;
  /** `objects()` until the next change (each action asks for it). */
  private sorted: LiveObject[] | null = null;

  constructor(observed: Observed) {
    this.matching = observed.nameMatching;
    this.now = observed.now;
    // Filled in a loop: a [key, value] pair per object is garbage a 100,000-object plan pays for in GC.
    this.live = new Map();
    for (const o of observed.objects) this.live.set(nameKey(o.name, this.matching), o);
    for (const d of observed.dropped) this.versionsOf(nameKey(d.name, this.matching)).push(d);
  }

  /** The live objects, in name order. */
  objects(): LiveObject[] {
    this.sorted ??= [...this.live.values()].sort((a, b) => compareText(a.name, b.name));
    return this.sorted;
  }

  /** The live object of that name, if any. */
  get(name: string): LiveObject | undefined {
    return this.live.get(nameKey(name, this.matching));
  }

  /** The dropped version of a table incarnation, if it can still be brought back. */
  droppedVersion(entry: InventoryEntry): DroppedObject | undefined {
    return this.dropped
      .get(nameKey(entry.name, this.matching))
      ?.find((d) => d.kind === entry.kind && sameInstant(d.created, entry.created));
  }

  /** Dropped versions of a name (any incarnation), for explaining why one is not restorable. */
  droppedVersionsOf(name: string): DroppedObject[] {
    return [...(this.dropped.get(nameKey(name, this.matching)) ?? [])];
  }

  private versionsOf(key: string): DroppedObject[] {
    let versions = this.dropped.get(key);
    if (versions === undefined) {
      versions = [];
      this.dropped.set(key, versions);
    }
    return versions;
  }

  /**
   * Follows a planned drop: the object leaves the schema; a table stays restorable unless its
   * retention is 0 (docs/snowflake-behaviour.md#pitfall-3) or it is a hybrid table, which cannot be undropped (docs/snowflake-behaviour.md#pitfall-5).
   */
  drop(object: LiveObject): void {
    this.sorted = null;
    this.live.delete(nameKey(object.name, this.matching));
    if (object.kind === 'TABLE' && object.retentionDays !== 0 && !object.hybrid) {
      this.versionsOf(nameKey(object.name, this.matching)).unshift({
        name: object.name,
        kind: object.kind,
        created: object.created,
        droppedOn: this.now,
        restorableUntil: null,
        lastAltered: object.lastAltered,
      });
    }
  }

  /** Follows a planned restore: the checkpoint's incarnation is live again. */
  restore(entry: InventoryEntry): void {
    this.sorted = null;
    this.live.set(nameKey(entry.name, this.matching), entry);
    const found = this.droppedVersion(entry);
    const versions = this.dropped.get(nameKey(entry.name, this.matching));
    if (found && versions) versions.splice(versions.indexOf(found), 1);
  }
}

/**
 * The schema as the plan goes: starts as observed and follows each planned step, so that an
 * action is planned against what earlier actions of the same run will have left. Pure.
 */
import type { DroppedObject, InventoryEntry, LiveObject, Observed } from '../model/observed.js';
import { compareText, nameKey, type NameMatching } from '../model/refs.js';
import { sameInstant } from '../model/time.js';

/** A schema change an action makes: a drop of a live object, or a restore of a checkpoint's entry. */
export interface ModelChange {
  drop: boolean;
  entry: InventoryEntry;
}

/**
 * Live objects and restorable dropped versions, updated step by step. Changes handed over with
 * `follow` are applied when the model is next read: after a plan's last action, never (a
 * 100,000-object reset would otherwise update the model 60,000 times for nothing).
 */
export class SchemaModel {
  readonly matching: NameMatching;
  private readonly live: Map<string, LiveObject>;
  /** Restorable dropped versions by name key, in observed order (newest first) within a name. */
  private readonly dropped = new Map<string, DroppedObject[]>();
  private readonly now: string;
  /** `objects()` until the next change (each action asks for it). */
  private sorted: LiveObject[] | null = null;
  /** Changes followed but not applied yet: each action's, in order. */
  private pending: Array<readonly ModelChange[]> = [];

  constructor(observed: Observed) {
    this.matching = observed.nameMatching;
    this.now = observed.now;
    // Filled in indexed loops: a [key, value] pair, or an iterator result, per object is garbage
    // a 100,000-object plan pays for in GC (loops run once per plan rarely get optimized in time).
    this.live = new Map();
    const { objects, dropped } = observed;
    for (let i = 0; i < objects.length; i += 1) {
      const o = objects[i] as LiveObject;
      this.live.set(nameKey(o.name, this.matching), o);
    }
    for (let i = 0; i < dropped.length; i += 1) this.addVersion(dropped[i] as DroppedObject, false);
  }

  /** The live objects, in name order. */
  objects(): LiveObject[] {
    this.settle();
    this.sorted ??= [...this.live.values()].sort((a, b) => compareText(a.name, b.name));
    return this.sorted;
  }

  /** The live object of that name, if any. */
  get(name: string): LiveObject | undefined {
    this.settle();
    return this.live.get(nameKey(name, this.matching));
  }

  /** The dropped version of a table incarnation, if it can still be brought back. */
  droppedVersion(entry: InventoryEntry): DroppedObject | undefined {
    this.settle();
    return this.dropped
      .get(nameKey(entry.name, this.matching))
      ?.find((d) => d.kind === entry.kind && sameInstant(d.created, entry.created));
  }

  /** Dropped versions of a name (any incarnation), for explaining why one is not restorable. */
  droppedVersionsOf(name: string): readonly DroppedObject[] {
    this.settle();
    return this.dropped.get(nameKey(name, this.matching)) ?? [];
  }

  /**
   * Adds a dropped version of its name: the newest (first) or the oldest so far. A name's first
   * version starts a list of exactly one (an empty list grown by a push reserves room for 17).
   */
  private addVersion(version: DroppedObject, newest: boolean): void {
    const key = nameKey(version.name, this.matching);
    const versions = this.dropped.get(key);
    if (versions === undefined) this.dropped.set(key, [version]);
    else if (newest) versions.unshift(version);
    else versions.push(version);
  }

  /** Follows an action's changes, in order, from the next read on (see the class comment). */
  follow(changes: readonly ModelChange[]): void {
    this.pending.push(changes);
  }

  /** Applies the changes followed so far. */
  private settle(): void {
    if (this.pending.length === 0) return;
    const actions = this.pending;
    this.pending = [];
    for (const changes of actions) {
      for (const change of changes) {
        if (change.drop) this.drop(change.entry);
        else this.restore(change.entry);
      }
    }
  }

  /**
   * Follows a planned drop: the object leaves the schema; a table stays restorable unless its
   * retention is 0 (docs/snowflake-behaviour.md#pitfall-3) or it is a hybrid table, which cannot be undropped (docs/snowflake-behaviour.md#pitfall-5).
   */
  drop(object: LiveObject): void {
    this.settle();
    this.sorted = null;
    this.live.delete(nameKey(object.name, this.matching));
    if (object.kind === 'TABLE' && object.retentionDays !== 0 && !object.hybrid) {
      const version = {
        name: object.name,
        kind: object.kind,
        created: object.created,
        droppedOn: this.now,
        restorableUntil: null,
        lastAltered: object.lastAltered,
      };
      this.addVersion(version, true);
    }
  }

  /** Follows a planned restore: the checkpoint's incarnation is live again. */
  restore(entry: InventoryEntry): void {
    this.settle();
    this.sorted = null;
    this.live.set(nameKey(entry.name, this.matching), entry);
    const found = this.droppedVersion(entry);
    const versions = this.dropped.get(nameKey(entry.name, this.matching));
    if (found && versions) versions.splice(versions.indexOf(found), 1);
  }
}

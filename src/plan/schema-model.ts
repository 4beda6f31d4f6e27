/**
 * The schema as the plan goes: starts as observed and follows each planned step, so that an
 * action is planned against what earlier actions of the same run will have left. Pure.
 */
import type { DroppedObject, InventoryEntry, LiveObject, Observed } from '../model/observed.js';
import { nameKey, type NameMatching } from '../model/refs.js';
import { sameInstant } from '../model/time.js';

/** Live objects and restorable dropped versions, updated step by step. */
export class SchemaModel {
  readonly matching: NameMatching;
  private readonly live: Map<string, LiveObject>;
  private dropped: DroppedObject[];
  private readonly now: string;

  constructor(observed: Observed) {
    this.matching = observed.nameMatching;
    this.now = observed.now;
    this.live = new Map(observed.objects.map((o) => [nameKey(o.name, this.matching), o]));
    this.dropped = [...observed.dropped];
  }

  /** The live objects, in name order. */
  objects(): LiveObject[] {
    return [...this.live.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The live object of that name, if any. */
  get(name: string): LiveObject | undefined {
    return this.live.get(nameKey(name, this.matching));
  }

  /** The dropped version of a table incarnation, if it can still be brought back. */
  droppedVersion(entry: InventoryEntry): DroppedObject | undefined {
    const key = nameKey(entry.name, this.matching);
    return this.dropped.find(
      (d) => d.kind === entry.kind && nameKey(d.name, this.matching) === key && sameInstant(d.created, entry.created),
    );
  }

  /** Dropped versions of a name (any incarnation), for explaining why one is not restorable. */
  droppedVersionsOf(name: string): DroppedObject[] {
    const key = nameKey(name, this.matching);
    return this.dropped.filter((d) => nameKey(d.name, this.matching) === key);
  }

  /**
   * Follows a planned drop: the object leaves the schema; a table stays restorable unless its
   * retention is 0 (pitfall 3) or it is a hybrid table, which cannot be undropped (pitfall 5).
   */
  drop(object: LiveObject): void {
    this.live.delete(nameKey(object.name, this.matching));
    if (object.kind === 'TABLE' && object.retentionDays !== 0 && !object.hybrid) {
      this.dropped.unshift({
        name: object.name,
        kind: object.kind,
        created: object.created,
        droppedOn: this.now,
        restorableUntil: null,
      });
    }
  }

  /** Follows a planned restore: the checkpoint's incarnation is live again. */
  restore(entry: InventoryEntry): void {
    this.live.set(nameKey(entry.name, this.matching), entry);
    const found = this.droppedVersion(entry);
    if (found) this.dropped = this.dropped.filter((d) => d !== found);
  }
}

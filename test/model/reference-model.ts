/**
 * The reference model of what ckpt promises (README: walkthrough, Full rewind, the embedded
 * warehouse, the audit table), written without any of ckpt's code. One schema: live tables
 * (incarnation, columns, a multiset of rows, a content version bumped by every statement that
 * writes to it) and views (their definition); what each drop left behind; checkpoints (a deep
 * copy of the schema when taken, and what they keep); applied actions.
 *
 * For each ckpt action the model says either "applied, and the schema is now S" or "held back
 * by a blocker the promise allows" (with the codes and objects it allows). Anything else the
 * real ckpt does is a defect (or a gap in this model, to be argued about).
 */

/** Which connection: the promises differ only where the README says so. */
export interface Capabilities {
  /** Past content can be read AT a checkpoint's time (Snowflake Time Travel, within retention). */
  timeTravel: boolean;
  /**
   * The content version moves only when a table's rows change (the embedded warehouse compares
   * what the table holds); otherwise every writing statement moves it, even on 0 rows (Snowflake's
   * LAST_ALTERED).
   */
  versionByRows: boolean;
  /** FOREIGN KEYs are enforced: a table cannot come back while the table it references is missing. */
  enforcesForeignKeys: boolean;
  /**
   * The content version of a dropped table is known (ckpt's trash records it); Snowflake does not
   * report a dropped version's LAST_ALTERED.
   */
  knowsDroppedVersion: boolean;
}

export type Row = Record<string, number | string | null>;

export interface TableObj {
  kind: 'TABLE';
  /** Incarnation: a new one per CREATE TABLE; kept by rename, UNDROP and restores. */
  inc: number;
  cols: string[];
  rows: Row[];
  /** Content version: bumped by every statement writing to the table (even 0 rows), and by DDL. */
  version: number;
  /** Logical time from which Time Travel can read this table's storage (a re-created-from-copy table starts anew). */
  storageFrom: number;
}

export interface ViewDef {
  base: string;
  /** `WHERE V > min`, or no filter. */
  min: number | null;
}

export interface ViewObj {
  kind: 'VIEW';
  def: ViewDef;
}

export type Obj = TableObj | ViewObj;

/** What a drop left behind (a table version that might come back). */
export interface DroppedTable {
  name: string;
  table: TableObj;
}

export interface Checkpoint {
  id: string;
  keep: 'inventory' | 'clone';
  /** Logical time taken. */
  at: number;
  objects: Map<string, Obj>;
  status: 'ACTIVE' | 'RESTORED_TO';
}

export type ActionSpecM =
  | { kind: 'cleanup'; since: string }
  | { kind: 'restore'; from: string; objects: string[] | null }
  | { kind: 'reset'; to: string }
  | { kind: 'full-cleanup' };

/** What the model expects of one ckpt action. */
export type Expectation =
  | { kind: 'applied' }
  | {
      kind: 'blocked';
      /** Blocker codes the promise allows for this action. */
      codes: string[];
      /** Objects the blockers may name (upper-case). */
      objects: string[];
      why: string;
    };

export const viewSql = (name: string, def: ViewDef, q: (n: string) => string = (n) => n): string =>
  `CREATE VIEW ${q(name)} AS SELECT ID, V FROM ${q(def.base)}${def.min === null ? '' : ` WHERE V > ${def.min}`}`;

const sameDef = (a: ViewDef, b: ViewDef) => a.base === b.base && a.min === b.min;

function cloneObj(o: Obj): Obj {
  return o.kind === 'TABLE' ? { ...o, cols: [...o.cols], rows: o.rows.map((r) => ({ ...r })) } : { kind: 'VIEW', def: { ...o.def } };
}

function cloneMap(m: Map<string, Obj>): Map<string, Obj> {
  return new Map([...m].map(([k, v]) => [k, cloneObj(v)]));
}

/** The same incarnation in ckpt's sense: tables by creation, views by what they mean. */
export function sameIncarnation(a: Obj, b: Obj): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'TABLE' && b.kind === 'TABLE') return a.inc === b.inc;
  return sameDef((a as ViewObj).def, (b as ViewObj).def);
}

export class ReferenceModel {
  objects = new Map<string, Obj>();
  dropped: DroppedTable[] = [];
  checkpoints: Checkpoint[] = [];
  applied: string[] = [];
  /**
   * Checkpoints the plan being modelled takes first (declared with its actions in one edit): not
   * recorded yet when ckpt plans, so no content is read back from them (CHECKPOINT_NOT_TAKEN) and
   * their own clone does not exist yet.
   */
  pending = new Set<string>();
  /** Child table incarnation → the incarnation of the table its FOREIGN KEY references. */
  parents = new Map<number, number>();
  private nextInc = 1;
  private clock = 1;

  constructor(readonly caps: Capabilities) {}

  tick(): number {
    this.clock += 1;
    return this.clock;
  }

  // ---- user SQL -------------------------------------------------------------------------------

  createTable(name: string, cols: string[]): void {
    this.objects.set(name, { kind: 'TABLE', inc: this.nextInc++, cols: [...cols], rows: [], version: 1, storageFrom: this.tick() });
  }

  createView(name: string, def: ViewDef): void {
    this.tick();
    this.objects.set(name, { kind: 'VIEW', def: { ...def } });
  }

  dropUser(name: string): void {
    this.tick();
    const o = this.objects.get(name);
    if (o?.kind === 'TABLE') this.dropped.push({ name, table: cloneObj(o) as TableObj });
    this.objects.delete(name);
  }

  rename(from: string, to: string): void {
    this.tick();
    const o = this.table(from);
    o.version = this.tick(); // DDL moves the content version (README: "A change of a table's DDL bumps it too")
    this.objects.delete(from);
    this.objects.set(to, o);
  }

  /** A statement writing to a table: apply `change` to its rows, bump its version. */
  write(name: string, change: (t: TableObj) => void): void {
    this.tick();
    const t = this.table(name);
    const before = rowsKey(t);
    change(t);
    // A fresh value from the clock, never a per-table counter: a table reverted to an older version
    // and written again must not land on a version another checkpoint recorded.
    if (!this.caps.versionByRows || rowsKey(t) !== before) t.version = this.tick();
  }

  table(name: string): TableObj {
    const o = this.objects.get(name);
    if (o?.kind !== 'TABLE') throw new Error(`model: ${name} is not a table`);
    return o;
  }

  /** Names of views reading `name`. */
  dependents(name: string): string[] {
    return [...this.objects].filter(([, o]) => o.kind === 'VIEW' && o.def.base === name).map(([n]) => n);
  }

  /** What `SELECT ID, V FROM view` returns, or 'ERROR' when a base is missing. */
  viewRows(name: string, objects: Map<string, Obj> = this.objects, depth = 0): Row[] | 'ERROR' {
    const o = objects.get(name);
    if (o === undefined || depth > 10) return 'ERROR';
    if (o.kind === 'TABLE') return o.rows.map((r) => ({ ID: r.ID ?? null, V: r.V ?? null }));
    const base = this.viewRows(o.def.base, objects, depth + 1);
    if (base === 'ERROR') return 'ERROR';
    const min = o.def.min;
    return min === null ? base : base.filter((r) => r.V !== null && Number(r.V) > min);
  }

  // ---- ckpt -----------------------------------------------------------------------------------

  checkpoint(id: string, keep: 'inventory' | 'clone'): void {
    this.checkpoints.push({ id, keep, at: this.tick(), objects: cloneMap(this.objects), status: 'ACTIVE' });
  }

  cp(id: string): Checkpoint {
    const c = this.checkpoints.find((x) => x.id === id);
    if (c === undefined) throw new Error(`model: no checkpoint ${id}`);
    return c;
  }

  /** Objects created after a checkpoint: its name unknown to it, or another incarnation. */
  private createdAfter(c: Checkpoint): string[] {
    return [...this.objects]
      .filter(([n, o]) => {
        const was = c.objects.get(n);
        return was === undefined || !sameIncarnation(was, o);
      })
      .map(([n]) => n);
  }

  /** The newest version of a table incarnation the warehouse can still bring back under that name. */
  private droppedVersion(name: string, inc: number): DroppedTable | undefined {
    // Every drop here went through ckpt or `ckpt sql`: Snowflake keeps it (UNDROP), the embedded
    // warehouse keeps it in its trash (README, The embedded warehouse).
    const found = this.dropped.filter((d) => d.name === name && d.table.inc === inc);
    return found[found.length - 1];
  }

  /** A copy ckpt kept of the checkpoint's table exactly as recorded (its clone, or another clone checkpoint with the same version). */
  private keptCopy(c: Checkpoint, name: string, t: TableObj): TableObj | undefined {
    if (c.keep === 'clone' && !this.pending.has(c.id)) return t;
    for (const other of this.checkpoints) {
      if (other === c || other.keep !== 'clone') continue;
      const o = other.objects.get(name);
      if (o?.kind === 'TABLE' && o.inc === t.inc && o.version === t.version && o.cols.join() === t.cols.join()) return o;
    }
    return undefined;
  }

  /**
   * What an action is expected to do; `apply` then updates the model (only when expected applied).
   * Returns null when the action's outcome is outside what the README promises (the caller skips it).
   */
  expect(spec: ActionSpecM): Expectation | null {
    const plan = this.plan(spec);
    if (plan === null) return null;
    return plan.blocked ?? { kind: 'applied' };
  }

  apply(id: string, spec: ActionSpecM): void {
    const plan = this.plan(spec);
    if (plan === null || plan.blocked) throw new Error('model: apply of an action that is not expected to apply');
    this.tick();
    for (const name of plan.drops) {
      const o = this.objects.get(name);
      if (o?.kind === 'TABLE') this.dropped.push({ name, table: cloneObj(o) as TableObj });
      this.objects.delete(name);
    }
    for (const [name, o] of plan.puts) this.objects.set(name, o);
    this.dropped = this.dropped.filter((d) => !plan.undropped.includes(d));
    if (spec.kind === 'reset' || spec.kind === 'restore') {
      const c = this.cp(spec.kind === 'reset' ? spec.to : spec.from);
      c.status = 'RESTORED_TO';
    }
    this.applied.push(id);
  }

  /**
   * Tables coming back whose FOREIGN KEY parent will not be there (not live after the drops, not
   * coming back too): the README says such a restore is held back naming the parent.
   */
  private orphans(drops: string[], puts: Array<[string, Obj]>, notRestorable: string[], whyNot: string[]): void {
    const liveIncs = new Set<number>();
    for (const [name, o] of this.objects) if (o.kind === 'TABLE' && !drops.includes(name)) liveIncs.add(o.inc);
    for (const [, o] of puts) if (o.kind === 'TABLE') liveIncs.add(o.inc);
    for (const [name, o] of puts) {
      const parent = o.kind === 'TABLE' ? this.parents.get(o.inc) : undefined;
      if (parent === undefined || liveIncs.has(parent)) continue;
      notRestorable.push(name);
      whyNot.push(`${name}: its FOREIGN KEY parent will not be there`);
    }
  }

  /**
   * The plan the promise implies: drops, then objects put in place; or why it is held back.
   * Null: the action would re-create a view over a base that is missing afterwards (the README
   * does not say what happens; the generator does not ask for it).
   */
  private plan(
    spec: ActionSpecM,
  ): { drops: string[]; puts: Array<[string, Obj]>; undropped: DroppedTable[]; blocked?: Expectation } | null {
    const drops: string[] = [];
    const puts: Array<[string, Obj]> = [];
    // Dropped versions brought back: UNDROP (and ckpt's trash) hand a version back once.
    const undropped: DroppedTable[] = [];
    const notRestorable: string[] = [];
    const whyNot: string[] = [];
    const notTaken: string[] = [];
    const now = this.clock + 1;
    /** Brings back a checkpoint object that is missing (or replaced). */
    const bringBack = (c: Checkpoint, name: string, was: Obj) => {
      if (was.kind === 'VIEW') {
        puts.push([name, cloneObj(was)]);
        return;
      }
      // README, Other limits: a kept copy of the checkpoint's content (its clone, or another clone
      // checkpoint's with the same version) unless the dropped version is known to hold that content;
      // the dropped version (UNDROP, ckpt's trash: the rows at drop time) when no copy was kept.
      const d = this.droppedVersion(name, was.inc);
      const kept = this.keptCopy(c, name, was);
      const sameContent = d !== undefined && this.caps.knowsDroppedVersion && d.table.version === was.version;
      if (d !== undefined && (kept === undefined || sameContent)) {
        puts.push([name, cloneObj(d.table)]);
        undropped.push(d);
        return;
      }
      if (kept !== undefined) {
        puts.push([name, { ...(cloneObj(kept) as TableObj), storageFrom: now }]);
        return;
      }
      notRestorable.push(name);
      whyNot.push(`${name}: missing, no kept version of the checkpoint's incarnation`);
    };

    switch (spec.kind) {
      case 'full-cleanup':
        drops.push(...this.objects.keys());
        break;
      case 'cleanup':
        drops.push(...this.createdAfter(this.cp(spec.since)));
        break;
      case 'reset': {
        const c = this.cp(spec.to);
        drops.push(...this.createdAfter(c));
        for (const [name, was] of c.objects) {
          const live = this.objects.get(name);
          if (live === undefined || drops.includes(name)) {
            bringBack(c, name, was);
          } else if (
            was.kind === 'TABLE' &&
            live.kind === 'TABLE' &&
            (live.version !== was.version || live.cols.join() !== was.cols.join())
          ) {
            // Content changed since: reverted from a kept copy or Time Travel, else a blocker; held
            // back while the checkpoint is one this plan takes first (README: CHECKPOINT_NOT_TAKEN).
            if (this.pending.has(c.id)) {
              notTaken.push(name);
              continue;
            }
            const kept = this.keptCopy(c, name, was);
            const dropsCols = was.cols.some((col) => !live.cols.includes(col));
            if (kept !== undefined) puts.push([name, { ...(cloneObj(kept) as TableObj), storageFrom: live.storageFrom }]);
            else if (this.caps.timeTravel && live.storageFrom <= c.at && !dropsCols) {
              puts.push([name, { ...(cloneObj(was) as TableObj), storageFrom: live.storageFrom }]);
            } else {
              notRestorable.push(name);
              whyNot.push(
                `${name}: content changed since, no kept copy${this.caps.timeTravel ? ' and Time Travel cannot read it' : ' and no Time Travel'}`,
              );
            }
          }
        }
        break;
      }
      case 'restore': {
        const c = this.cp(spec.from);
        const wanted = spec.objects === null ? [...c.objects.keys()] : spec.objects;
        for (const name of wanted) {
          const was = c.objects.get(name);
          if (was === undefined) throw new Error(`model: restore of ${name} not in ${c.id}`);
          if (!this.objects.has(name)) bringBack(c, name, was);
        }
        break;
      }
    }
    if (this.caps.enforcesForeignKeys) this.orphans(drops, puts, notRestorable, whyNot);
    if (notRestorable.length > 0 || notTaken.length > 0) {
      const codes = [...(notRestorable.length > 0 ? ['NOT_RESTORABLE'] : []), ...(notTaken.length > 0 ? ['CHECKPOINT_NOT_TAKEN'] : [])];
      const why = [
        ...whyNot,
        ...notTaken.map((n) => `${n}: content changed by an earlier action of this plan, which takes the checkpoint`),
      ];
      return {
        drops: [],
        puts: [],
        undropped: [],
        blocked: { kind: 'blocked', codes, objects: [...notRestorable, ...notTaken], why: why.join('; ') },
      };
    }
    // A re-created view whose base is missing afterwards: outside the promise.
    const after = new Map(this.objects);
    for (const d of drops) after.delete(d);
    for (const [n, o] of puts) after.set(n, o);
    for (const [n, o] of puts) if (o.kind === 'VIEW' && this.viewRows(n, after) === 'ERROR') return null;
    return { drops, puts, undropped };
  }
}

/** A table's rows as a multiset, for comparing content. */
function rowsKey(t: TableObj): string {
  return JSON.stringify([...t.rows].map((r) => JSON.stringify(r)).sort());
}

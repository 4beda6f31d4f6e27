/**
 * Operations of a generated sequence (user SQL through `ckpt sql`, and ckpt actions) and their
 * fast-check arbitraries. Operations refer to names, checkpoints and spellings by index into small
 * pools, so that a shrunk sequence still means something: an operation whose precondition does
 * not hold when it comes (drop of a name that is not a table, ...) is skipped by the runner.
 */
import fc from 'fast-check';
import type { ConnectionName } from './connections.js';

/**
 * Generators that trigger a defect not yet fixed: switched off here (per connection) until the
 * fix lands. To work on one, remove its connection from the list and run `npm run fuzz`.
 */
export const KNOWN_DEFECTS: Record<string, ConnectionName[]> = {
  /**
   * ALTER TABLE ... RENAME (a table renamed away and back): the embedded warehouse takes the
   * renamed-back table for a new incarnation, so cleanup drops a table the checkpoint held.
   */
  renameAwayAndBack: [],
  /**
   * DML spellings the embedded warehouse does not see as writes (`DELETE /* c *\/ FROM t`,
   * `UPDATE/**\/t`, `INSERT INTO"t"`): the content version does not move, so a reset neither
   * reverts the rows (keep: clone) nor says it cannot (inventory).
   */
  unnoticedDml: [],
  /**
   * Reset to a keep: clone checkpoint of a table ckpt dropped (cleanup, full cleanup) after its
   * content changed: the table comes back from ckpt's trash / UNDROP with its rows at drop time
   * instead of the checkpoint's copy. The reset generator skips exactly that situation.
   */
  resetCloneFromTrash: [],
  /**
   * A parent table with a primary key and a child table with a FOREIGN KEY to it: on the
   * embedded warehouse a cleanup / full cleanup / reset dropping both fails (DuckDB refuses to
   * drop a table another references, and ckpt dropped tables in name order). Fixed: drops go
   * children first and restores parents first (src/plan/order.ts).
   */
  foreignKeys: [],
};

export const disabled = (defect: keyof typeof KNOWN_DEFECTS, conn: ConnectionName): boolean =>
  KNOWN_DEFECTS[defect]?.includes(conn) ?? false;

/** Object names: one pool for tables and views, so that a name changes kind and comes back often. */
export const NAMES = ['T1', 'T2', 'T3', 'V1', 'V2'] as const;

export type Op =
  | { t: 'createTable'; name: number; w: boolean; rows: Array<[number, number]> }
  | { t: 'dropTable'; name: number }
  | { t: 'createFkPair'; parent: number; child: number }
  | { t: 'renameTable'; from: number; to: number }
  | { t: 'createView'; name: number; base: number; min: number | null }
  | { t: 'dropView'; name: number }
  | { t: 'insert'; name: number; rows: Array<[number, number]>; sp: number }
  | { t: 'update'; name: number; id: number; sp: number }
  | { t: 'delete'; name: number; id: number; sp: number }
  | { t: 'checkpoint'; keep: 'inventory' | 'clone' }
  | { t: 'cleanup'; cp: number }
  | { t: 'restore'; cp: number; subset: number[] | null }
  | { t: 'reset'; cp: number }
  | { t: 'fullCleanup' }
  /**
   * A ckpt action planned with `reconcile --plan --out`, then applied with `--from-plan` (the
   * saved file read back), with a user operation or none in between: a saved plan applies only to
   * the state it was made from, and a refused one changes nothing.
   */
  | { t: 'savedPlan'; action: SavedAction; between: Op | null }
  /**
   * One edit of the file applied by one reconcile: a new checkpoint declared with several actions
   * (and, with `toNew`, a reset to that new checkpoint last). The checkpoint is taken first, then
   * the actions in order, each on the schema the earlier ones leave.
   */
  | { t: 'batch'; keep: 'inventory' | 'clone'; actions: SavedAction[]; toNew: boolean }
  /**
   * `ckpt guard`: a GUARD checkpoint, then the command (user operations), which then fails (the
   * guard undoes it: a reset to the guard's checkpoint, or a cleanup since it) or succeeds (the
   * schema is kept).
   */
  | { t: 'guard'; keep: 'inventory' | 'clone'; command: Op[]; fails: boolean; onFailure: 'reset' | 'cleanup' };

/** The ckpt actions a saved plan can carry. */
export type SavedAction = Extract<Op, { t: 'cleanup' | 'reset' | 'restore' | 'fullCleanup' }>;

/** An index among the names that fit the operation (see the runner). */
const name = fc.nat({ max: NAMES.length - 1 });
const rows = fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 9 })), { maxLength: 3 });
const sp = fc.nat({ max: 99 });

/** Which generators are on (the runner also reads KNOWN_DEFECTS for spellings and situations). */
export interface GeneratorOptions {
  rename: boolean;
  foreignKeys: boolean;
}

export function opArb(options: GeneratorOptions): fc.Arbitrary<Op> {
  const user: Array<fc.WeightedArbitrary<Op>> = [
    { weight: 4, arbitrary: fc.record({ t: fc.constant('createTable' as const), name, w: fc.boolean(), rows }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('dropTable' as const), name }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('createView' as const),
        name,
        base: name,
        min: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('dropView' as const), name }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('insert' as const), name, rows: rows.filter((r) => r.length > 0), sp }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('update' as const), name, id: fc.integer({ min: 1, max: 4 }), sp }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('delete' as const), name, id: fc.integer({ min: 1, max: 4 }), sp }) },
  ];
  if (options.foreignKeys)
    user.push({ weight: 1, arbitrary: fc.record({ t: fc.constant('createFkPair' as const), parent: name, child: name }) });
  if (options.rename) user.push({ weight: 2, arbitrary: fc.record({ t: fc.constant('renameTable' as const), from: name, to: name }) });
  const ckpt: Array<fc.WeightedArbitrary<Op>> = [
    {
      weight: 3,
      arbitrary: fc.record({ t: fc.constant('checkpoint' as const), keep: fc.constantFrom('inventory' as const, 'clone' as const) }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('cleanup' as const), cp: fc.nat({ max: 5 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('restore' as const),
        cp: fc.nat({ max: 5 }),
        subset: fc.option(fc.uniqueArray(name, { minLength: 1, maxLength: 2 }), { nil: null }),
      }),
    },
    { weight: 5, arbitrary: fc.record({ t: fc.constant('reset' as const), cp: fc.nat({ max: 5 }) }) },
    { weight: 1, arbitrary: fc.constant({ t: 'fullCleanup' as const }) },
  ];
  const actions = ckpt.slice(1) as Array<fc.WeightedArbitrary<SavedAction>>;
  const saved: fc.WeightedArbitrary<Op> = {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('savedPlan' as const),
      action: fc.oneof(...actions),
      between: fc.option(fc.oneof(...user), { nil: null, freq: 2 }),
    }),
  };
  const batch: fc.WeightedArbitrary<Op> = {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('batch' as const),
      keep: fc.constantFrom('inventory' as const, 'clone' as const),
      actions: fc.array(fc.oneof(...actions), { minLength: 1, maxLength: 3 }),
      toNew: fc.boolean(),
    }),
  };
  const guard: fc.WeightedArbitrary<Op> = {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('guard' as const),
      keep: fc.constantFrom('inventory' as const, 'clone' as const),
      command: fc.array(fc.oneof(...user), { maxLength: 5 }),
      fails: fc.boolean(),
      onFailure: fc.constantFrom('reset' as const, 'cleanup' as const),
    }),
  };
  return fc.oneof(...user, ...ckpt, saved, batch, guard);
}

export const opsArb = (options: GeneratorOptions, maxLength: number): fc.Arbitrary<Op[]> =>
  fc.array(opArb(options), { minLength: Math.min(6, maxLength), maxLength, size: 'max' });

// ---- spellings of DML --------------------------------------------------------------------------

/** A spelling of a statement; `unnoticed`: one the embedded warehouse is known not to see as a write. */
interface Spelling<A> {
  unnoticed: boolean;
  sql: (t: string, a: A) => string;
}

const values = (rs: Array<[number, number]>) => rs.map(([i, v]) => `(${i}, ${v})`).join(', ');

export const INSERTS: Array<Spelling<Array<[number, number]>>> = [
  { unnoticed: false, sql: (t, r) => `INSERT INTO ${t} (ID, V) VALUES ${values(r)}` },
  { unnoticed: false, sql: (t, r) => `insert into ${t.toLowerCase()} (id, v) values ${values(r)}` },
  { unnoticed: false, sql: (t, r) => `INSERT INTO "${t}" (ID, V) VALUES ${values(r)}` },
  { unnoticed: false, sql: (t, r) => `INSERT   INTO\n   ${t}   (ID,V)\nVALUES ${values(r)};` },
  // INSERT ... SELECT from a derived table (the test server has no VALUES in FROM: see its README).
  {
    unnoticed: false,
    sql: (t, r) =>
      `-- load\nINSERT INTO ${t} (ID, V) SELECT a, b FROM (${r.map(([a, b]) => `SELECT ${a} AS a, ${b} AS b`).join(' UNION ALL ')}) x`,
  },
  { unnoticed: true, sql: (t, r) => `INSERT INTO"${t}"(ID, V) VALUES ${values(r)}` },
  { unnoticed: true, sql: (t, r) => `INSERT /* c */ INTO ${t} (ID, V) VALUES ${values(r)}` },
];

export const UPDATES: Array<Spelling<number>> = [
  { unnoticed: false, sql: (t, id) => `UPDATE ${t} SET V = V + 1 WHERE ID = ${id}` },
  { unnoticed: false, sql: (t, id) => `update "${t}" set v = v + 1 where id = ${id}` },
  { unnoticed: false, sql: (t, id) => `UPDATE  ${t}\n  SET V = V + 1 -- bump\n  WHERE ID = ${id}` },
  { unnoticed: true, sql: (t, id) => `UPDATE/**/${t} SET V = V + 1 WHERE ID = ${id}` },
  { unnoticed: true, sql: (t, id) => `UPDATE /* c */ ${t} SET V = V + 1 WHERE ID = ${id}` },
];

export const DELETES: Array<Spelling<number>> = [
  { unnoticed: false, sql: (t, id) => `DELETE FROM ${t} WHERE ID = ${id}` },
  { unnoticed: false, sql: (t, id) => `delete from "${t}" where id = ${id}` },
  { unnoticed: false, sql: (t, id) => `DELETE\nFROM   ${t}\nWHERE ID = ${id};` },
  { unnoticed: true, sql: (t, id) => `DELETE /* c */ FROM ${t} WHERE ID = ${id}` },
  { unnoticed: true, sql: (t, id) => `DELETE FROM"${t}"WHERE ID = ${id}` },
];

/** The spelling an op's index picks among those enabled. */
export function pick<A>(list: Array<Spelling<A>>, index: number, allowUnnoticed: boolean): Spelling<A> {
  const usable = list.filter((s) => allowUnnoticed || !s.unnoticed);
  return usable[index % usable.length] as Spelling<A>;
}

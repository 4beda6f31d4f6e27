/**
 * Dependency order (src/plan/order.ts): which objects a view definition names (bare words read
 * as Snowflake reads them, quoted names as written), and the creation order built on it: every
 * item after what it depends on, a dependency cycle kept together in name order after what it
 * depends on, and name order where nothing else decides. The property computes its expectation
 * apart from the code under test: components from a transitive closure, not from Tarjan.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/model/plan.js';
import { nameKey, type NameMatching } from '../../src/model/refs.js';
import {
  inCreationOrder,
  orderActionSteps,
  orderRestores,
  orderViews,
  tablesInDropOrder,
  viewsInCreationOrder,
  type DefinitionOf,
} from '../../src/plan/order.js';

const recreate = (name: string, definition: string): Step => ({
  target: 'demo',
  group: 'a1',
  reason: `re-create ${name}`,
  kind: 'recreate-view',
  object: { name, kind: 'VIEW' },
  definition,
  checkpointId: 'baseline',
});
const definitionOf: DefinitionOf = (step) => (step.kind === 'recreate-view' ? step.definition : null);
const viewOrder = (views: Array<[string, string]>, matching: NameMatching = 'exact') =>
  orderActionSteps(
    views.map(([name, definition]) => recreate(name, definition)),
    matching,
    definitionOf,
    () => [],
  ).map((s) => ('object' in s ? s.object.name : ''));

describe('what a view definition reads', () => {
  it('a bare name is read upper-cased, as Snowflake reads it, whatever letters, digits, _ and $ it holds', () => {
    for (const read of ['zeta', 'Z_1$x', '_Z', 'z9']) {
      const readName = read.toUpperCase();
      expect(
        viewOrder([
          ['A', `CREATE VIEW A AS SELECT * FROM ${read} WHERE 1 = 1`],
          [readName, 'CREATE VIEW X AS SELECT 1'],
        ]),
        read,
      ).toEqual([readName, 'A']);
    }
  });

  it('a quoted name is read as written, with a doubled quote standing for one', () => {
    expect(
      viewOrder([
        ['B', 'CREATE VIEW B AS SELECT * FROM "my""v"'],
        ['my"v', 'CREATE VIEW "my""v" AS SELECT 1'],
      ]),
    ).toEqual(['my"v', 'B']);
    expect(
      viewOrder([
        ['B', 'CREATE VIEW B AS SELECT * FROM "my v"'],
        ['my v', 'SELECT 1'],
      ]),
    ).toEqual(['my v', 'B']);
    expect(
      viewOrder([
        ['B', 'CREATE VIEW B AS SELECT * FROM "zeta"'],
        ['zeta', 'SELECT 1'],
      ]),
    ).toEqual(['zeta', 'B']);
  });

  it('a quoted lower-case name is another object than the bare one on Snowflake, the same on the embedded warehouse', () => {
    const views: Array<[string, string]> = [
      ['A', 'CREATE VIEW A AS SELECT * FROM "zeta"'],
      ['ZETA', 'CREATE VIEW ZETA AS SELECT 1'],
    ];
    expect(viewOrder(views, 'exact')).toEqual(['A', 'ZETA']);
    expect(viewOrder(views, 'case-insensitive')).toEqual(['ZETA', 'A']);
  });

  it('a name that only appears inside a longer word, or a quoted name that is only part of one, is not read', () => {
    expect(
      viewOrder([
        ['A', 'CREATE VIEW A AS SELECT ZETAX, XZETA FROM T'],
        ['ZETA', 'SELECT 1'],
      ]),
    ).toEqual(['A', 'ZETA']);
    expect(
      viewOrder([
        ['A', 'CREATE VIEW A AS SELECT * FROM "ZETA X"'],
        ['ZETA', 'SELECT 1'],
      ]),
    ).toEqual(['A', 'ZETA']);
  });

  it('a view whose definition was not captured reads nothing, whatever it is named', () => {
    const views = [
      { name: 'A', definition: null },
      { name: 'B', definition: 'CREATE VIEW B AS SELECT 1' },
      { name: 'NULL', definition: 'CREATE VIEW "NULL" AS SELECT 1' },
    ];
    expect(viewsInCreationOrder(views, 'exact').map((v) => v.name)).toEqual(['A', 'B', 'NULL']);
  });

  it('views that read each other come out together, in name order', () => {
    const views: Array<[string, string]> = [
      ['C', 'CREATE VIEW C AS SELECT * FROM A'],
      ['A', 'CREATE VIEW A AS SELECT * FROM C'],
      ['B', 'CREATE VIEW B AS SELECT * FROM A'],
    ];
    expect(viewOrder(views)).toEqual(['A', 'C', 'B']);
  });
});

/** One node of a generated graph: a name (case variants fold together when matching is case-blind) and what it depends on. */
interface Node {
  name: string;
  deps: string[];
}

const NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'a', 'b'];
const graphArb = fc
  .tuple(
    fc.array(fc.record({ name: fc.constantFrom(...NAMES), deps: fc.array(fc.constantFrom(...NAMES, 'OUTSIDE'), { maxLength: 3 }) }), {
      maxLength: 9,
    }),
    fc.constantFrom<NameMatching>('exact', 'case-insensitive'),
  )
  .map(([nodes, matching]) => ({ nodes: nodes.map((n): Node => ({ name: n.name, deps: n.deps })), matching }));

/** The contract's edges: an item depends on every other-keyed item whose key it names. */
function edges(nodes: Node[], matching: NameMatching): boolean[][] {
  const key = (name: string) => nameKey(name, matching);
  return nodes.map((from) => nodes.map((to) => key(to.name) !== key(from.name) && from.deps.some((d) => key(d) === key(to.name))));
}

/** Reachability by Floyd–Warshall (reflexive). */
function closure(edge: boolean[][]): boolean[][] {
  const reach = edge.map((row, i) => row.map((e, j) => e || i === j));
  for (let k = 0; k < reach.length; k++)
    for (let i = 0; i < reach.length; i++) for (let j = 0; j < reach.length; j++) if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true;
  return reach;
}

describe('inCreationOrder', () => {
  it('puts every item after what it depends on, keeps each cycle together in name order, and keeps every item once', () => {
    fc.assert(
      fc.property(graphArb, ({ nodes, matching }) => {
        const out = inCreationOrder(nodes, matching, (n) => n.deps.map((d) => nameKey(d, matching)));
        expect(out).toHaveLength(nodes.length);
        expect(new Set(out)).toEqual(new Set(nodes));
        const pos = (i: number) => out.indexOf(nodes[i]!);
        const edge = edges(nodes, matching);
        const reach = closure(edge);
        const together = (i: number, j: number) => reach[i]![j] && reach[j]![i];
        nodes.forEach((_, i) => {
          const members = nodes.map((_, j) => j).filter((j) => together(i, j));
          const at = members.map(pos).sort((x, y) => x - y);
          // A cycle's members are contiguous, in name order.
          expect(at[at.length - 1]! - at[0]!).toBe(members.length - 1);
          const names = at.map((p) => out[p]!.name);
          expect(names).toEqual([...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
          // What an item depends on outside its cycle comes before it.
          nodes.forEach((_, j) => {
            if (edge[i]![j] && !together(i, j)) expect(pos(j)).toBeLessThan(pos(i));
          });
        });
      }),
      { numRuns: 250 },
    );
  });

  it('with no dependencies, is the name order, whatever the input order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...NAMES, 'Z_1', '_x', 'é'), { maxLength: 8 }), (names) => {
        const out = inCreationOrder(
          names.map((name) => ({ name })),
          'exact',
          () => [],
        ).map((n) => n.name);
        expect(out).toEqual([...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      }),
    );
  });

  it('walks from the first name, dependencies first: an item depending on a later name follows it, ahead of the names between', () => {
    const nodes: Node[] = [
      { name: 'C', deps: [] },
      { name: 'A', deps: ['D'] },
      { name: 'B', deps: [] },
      { name: 'D', deps: [] },
    ];
    expect(inCreationOrder(nodes, 'exact', (n) => n.deps).map((n) => n.name)).toEqual(['D', 'A', 'B', 'C']);
  });

  it('an item’s own name key is ignored: items whose names fold together on a case-blind warehouse do not depend on each other', () => {
    const nodes: Node[] = [
      { name: 'a', deps: ['A', 'B'] },
      { name: 'A', deps: ['A'] },
      { name: 'B', deps: [] },
    ];
    expect(inCreationOrder(nodes, 'case-insensitive', (n) => n.deps).map((n) => n.name)).toEqual(['A', 'B', 'a']);
  });

  it('a cycle comes after what any of its members depends on, and before what depends on any of them', () => {
    const nodes: Node[] = [
      { name: 'A', deps: ['Z'] },
      { name: 'B', deps: ['C'] },
      { name: 'C', deps: ['B', 'Y'] },
      { name: 'Y', deps: [] },
      { name: 'Z', deps: ['C'] },
    ];
    expect(inCreationOrder(nodes, 'exact', (n) => n.deps).map((n) => n.name)).toEqual(['Y', 'B', 'C', 'Z', 'A']);
  });
});

describe('tablesInDropOrder', () => {
  it('drops a table before every table its foreign keys reference (children first), for any acyclic schema', () => {
    const order = ['T1', 'T2', 'T3', 'T4', 'T5'];
    const schema = fc
      .uniqueArray(fc.constantFrom(...order), { maxLength: 5 })
      .chain((names) => fc.tuple(fc.constant(names), fc.tuple(...names.map((n) => fc.subarray(order.slice(0, order.indexOf(n)))))))
      .map(([names, refs]) => names.map((name, i) => ({ name, references: refs[i] ?? [] })));
    fc.assert(
      fc.property(schema, (tables) => {
        const out = tablesInDropOrder(tables, 'exact').map((t) => t.name);
        expect([...out].sort()).toEqual(tables.map((t) => t.name).sort());
        for (const table of tables) {
          for (const parent of table.references) {
            if (out.includes(parent)) expect(out.indexOf(table.name)).toBeLessThan(out.indexOf(parent));
          }
        }
      }),
    );
  });
});

describe('a step on no object, within one phase', () => {
  const take: Step = {
    target: 'demo',
    group: 'checkpoint:Z',
    reason: 'take Z',
    kind: 'take-checkpoint',
    checkpointId: 'Z',
    checkpointType: 'MANUAL',
    description: '',
  };
  const restore = (name: string): Step => ({
    target: 'demo',
    group: 'a1',
    reason: `restore ${name}`,
    kind: 'restore-table',
    object: { name, kind: 'TABLE' },
    created: '2026-11-27T08:00:00.000Z',
    checkpointId: 'baseline',
  });

  it('sorts before the steps on objects, as an empty name would', () => {
    expect(orderViews([recreate('B', 'SELECT 1'), take, recreate('A', 'SELECT 1')], 'exact', definitionOf)).toEqual([
      take,
      recreate('A', 'SELECT 1'),
      recreate('B', 'SELECT 1'),
    ]);
    expect(orderRestores([restore('B'), take, restore('A')], 'exact', definitionOf, () => [])).toEqual([take, restore('A'), restore('B')]);
  });
});

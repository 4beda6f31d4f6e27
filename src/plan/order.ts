/**
 * Ordering: of views by dependency (a view that reads another view must be created after it and
 * dropped before it: docs/snowflake-behaviour.md#pitfall-6; dependencies are read from the captured definitions by name), of
 * tables by their foreign keys (a table that references another must be created after it and
 * dropped before it: the embedded warehouse enforces foreign keys), and of an action's steps by
 * phase (see `PHASE_ORDER` in model/step-kinds.ts). Ordering only permutes: every step that goes
 * in comes out, once.
 */
import type { InventoryEntry } from '../model/observed.js';
import type { Step } from '../model/plan.js';
import { compareText, nameKey, type NameMatching } from '../model/refs.js';
import { PHASE_ORDER, stepPhase, type ActionPhase } from '../model/step-kinds.js';

/**
 * Tokens that could name an object in a view definition: bare words (upper-cased, as Snowflake
 * reads them) and quoted names (as written), repeats included; none for a view whose definition
 * was not captured. Read as the matched texts only (a match object per token would be most of
 * what ordering thousands of views allocates).
 */
function referencedKeys(definition: string | null, matching: NameMatching): readonly string[] {
  if (definition === null) return NO_KEYS;
  const tokens = definition.match(/"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*/g) ?? [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    tokens[i] = nameKey(token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toUpperCase(), matching);
  }
  return tokens;
}

/** No name keys (shared: most items depend on nothing). */
const NO_KEYS: readonly string[] = [];

/**
 * Sorts items so that every item comes after the items it depends on (creation order).
 * `dependsOn` gives the name keys (see `nameKey`) an item depends on (every item of that name);
 * keys naming no item, and an item's own key, are ignored. Items are otherwise kept in name order: with no dependencies the
 * result is the name order. The members of a dependency cycle (impossible in a real schema) come
 * out together, in name order, after whatever the cycle depends on.
 */
export function inCreationOrder<T extends { name: string }>(
  items: readonly T[],
  matching: NameMatching,
  dependsOn: (item: T) => readonly string[],
): T[] {
  const sorted = [...items].sort((a, b) => compareText(a.name, b.name));
  // Items are indexed by name only once some item depends on a key: most of a large plan's steps
  // are tables without foreign keys, and with no dependency the walk below gives the name order back.
  let byKey: Map<string, T[]> | undefined;
  const deps = new Map<T, T[]>();
  // Indexed loops: an iterator result per item is garbage a 100,000-object plan pays for in GC.
  for (let at = 0; at < sorted.length; at += 1) {
    const item = sorted[at] as T;
    let own: string | undefined;
    let seen: Set<string> | undefined;
    let found: T[] | undefined;
    const keys = dependsOn(item);
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      own ??= nameKey(item.name, matching);
      if (key === own) continue;
      const named = (byKey ??= itemsByKey(sorted, matching)).get(key);
      // Only keys naming an item are remembered: most words of a view definition name none.
      if (named === undefined || seen?.has(key) === true) continue;
      (seen ??= new Set()).add(key);
      (found ??= []).push(...named);
    }
    if (found !== undefined) deps.set(item, found);
  }
  if (deps.size === 0) return sorted;
  return componentsDependenciesFirst(sorted, deps).flatMap((c) => c.sort((a, b) => compareText(a.name, b.name)));
}

/** The items by name key (several when names differ only as the warehouse does not compare them). */
function itemsByKey<T extends { name: string }>(items: readonly T[], matching: NameMatching): Map<string, T[]> {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = nameKey(item.name, matching);
    const named = byKey.get(key);
    if (named === undefined) byKey.set(key, [item]);
    else named.push(item);
  }
  return byKey;
}

/**
 * The strongly connected components of a dependency graph (Tarjan), each after the components it
 * depends on; roots and dependencies are walked in the order given, so an acyclic graph comes out
 * in depth-first post-order (one item per component).
 */
function componentsDependenciesFirst<T>(items: readonly T[], deps: ReadonlyMap<T, readonly T[]>): T[][] {
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const stack: T[] = [];
  const onStack = new Set<T>();
  const out: T[][] = [];
  const visit = (item: T): void => {
    const at = index.size;
    index.set(item, at);
    low.set(item, at);
    stack.push(item);
    onStack.add(item);
    for (const dep of deps.get(item) ?? []) {
      if (!index.has(dep)) visit(dep);
      if (onStack.has(dep)) low.set(item, Math.min(low.get(item) ?? at, low.get(dep) ?? at, index.get(dep) ?? at));
    }
    if (low.get(item) !== at) return;
    const component: T[] = [];
    for (let top = stack.pop(); top !== undefined; top = top === item ? undefined : stack.pop()) {
      onStack.delete(top);
      component.push(top);
    }
    out.push(component);
  };
  for (const item of items) if (!index.has(item)) visit(item);
  return out;
}

/**
 * Sorts views so that every view comes after the views it reads (creation order). Views are
 * otherwise kept in name order; a cycle (impossible in a real schema) falls back to name order.
 */
export function viewsInCreationOrder<T extends Pick<InventoryEntry, 'name' | 'definition'>>(views: T[], matching: NameMatching): T[] {
  return inCreationOrder(views, matching, (view) => referencedKeys(view.definition, matching));
}

/** A table and the tables its foreign keys reference (names as stored). */
type TableLinks = { name: string; references: readonly string[] };

/**
 * Sorts tables so that every table comes after the tables its foreign keys reference (creation
 * order: parents first). Tables are otherwise kept in name order; a cycle falls back to name order.
 */
export function tablesInCreationOrder<T extends TableLinks>(tables: T[], matching: NameMatching): T[] {
  return inCreationOrder(tables, matching, (table) =>
    table.references.length === 0 ? NO_KEYS : table.references.map((r) => nameKey(r, matching)),
  );
}

/**
 * Sorts tables so that every table comes after the tables whose foreign keys reference it (drop
 * order: children first). Tables are otherwise kept in name order; a cycle falls back to name order.
 */
export function tablesInDropOrder<T extends TableLinks>(tables: T[], matching: NameMatching): T[] {
  const children = new Map<string, string[]>();
  for (const table of tables) {
    for (const parent of table.references) {
      const key = nameKey(parent, matching);
      children.set(key, [...(children.get(key) ?? []), nameKey(table.name, matching)]);
    }
  }
  return inCreationOrder(tables, matching, (table) => children.get(nameKey(table.name, matching)) ?? NO_KEYS);
}

/** The captured definition of the view a step acts on (null for a table or a step on no object). */
export type DefinitionOf = (step: Step) => string | null;

/**
 * The tables referenced by the foreign keys of the table a step acts on (names as stored; empty
 * for a view, a step on no object, or a table whose warehouse does not enforce foreign keys).
 */
export type ReferencesOf = (step: Step) => readonly string[];

/** How the steps of one phase are ordered among themselves; each returns a permutation of `steps`. */
type PhaseOrder = (steps: Step[], matching: NameMatching, definitionOf: DefinitionOf, referencesOf: ReferencesOf) => Step[];

const asPlanned: PhaseOrder = (steps) => steps;

/** The order within each phase, for every phase (a new phase does not compile without one). */
const WITHIN_PHASE: { readonly [P in ActionPhase]: PhaseOrder } = {
  state: asPlanned,
  drop: orderDrops,
  undrop: orderRestores,
  content: orderRestores,
  view: orderViews,
  record: asPlanned,
};

/**
 * An action's steps in the order they run: by phase in `PHASE_ORDER` order (drop, undrop,
 * content, view, record), and within a phase as `WITHIN_PHASE` says: drops of views first, a view
 * before the views it reads, then other drops by name, a table before the tables it references;
 * undrops and content restores by name, a table after the tables it references; view
 * re-creations after the views they read. A step of a phase `PHASE_ORDER` lacks is kept, after
 * the others. Every input step comes out exactly once.
 */
export function orderActionSteps(
  steps: readonly Step[],
  matching: NameMatching,
  definitionOf: DefinitionOf,
  referencesOf: ReferencesOf,
): Step[] {
  const byPhase = new Map<ActionPhase, Step[]>();
  // Indexed loops: an iterator result per step is garbage a 100,000-object plan pays for in GC.
  for (let i = 0; i < steps.length; i += 1) {
    const step = steps[i] as Step;
    const phase = stepPhase(step);
    const bucket = byPhase.get(phase);
    if (bucket === undefined) byPhase.set(phase, [step]);
    else bucket.push(step);
  }
  const out: Step[] = [];
  for (const phase of [...PHASE_ORDER, ...byPhase.keys()]) {
    const bucket = byPhase.get(phase);
    if (bucket === undefined) continue;
    byPhase.delete(phase);
    const ordered = WITHIN_PHASE[phase](bucket, matching, definitionOf, referencesOf);
    for (let i = 0; i < ordered.length; i += 1) out.push(ordered[i] as Step);
  }
  return out;
}

/**
 * Drops: views first, a view before the views it reads (docs/snowflake-behaviour.md#pitfall-6), then the rest by name, a
 * table before the tables its foreign keys reference (children first).
 */
export function orderDrops(steps: Step[], matching: NameMatching, definitionOf: DefinitionOf, referencesOf: ReferencesOf): Step[] {
  const isView = (s: Step) => s.kind === 'drop-object' && s.object.kind === 'VIEW';
  const others = tablesInDropOrder(
    withReferences(
      steps.filter((s) => !isView(s)),
      referencesOf,
    ),
    matching,
  ).map((i) => i.step);
  return [...orderViews(steps.filter(isView), matching, definitionOf).reverse(), ...others];
}

/** Table restores (undrops, re-creations, reverts): by name, a table after the tables it references (parents first). */
export function orderRestores(steps: Step[], matching: NameMatching, _definitionOf: DefinitionOf, referencesOf: ReferencesOf): Step[] {
  return tablesInCreationOrder(withReferences(steps, referencesOf), matching).map((i) => i.step);
}

/** Steps paired with the name of the object they act on ('' for none) and its table's references. */
function withReferences(steps: Step[], referencesOf: ReferencesOf): Array<{ step: Step } & TableLinks> {
  return steps.map((step) => ({ step, name: 'object' in step ? step.object.name : '', references: referencesOf(step) }));
}

/** Steps on views in creation order: a view after the views it reads (docs/snowflake-behaviour.md#pitfall-6). */
export function orderViews(steps: Step[], matching: NameMatching, definitionOf: DefinitionOf): Step[] {
  const items = steps.map((step) => ({ step, name: 'object' in step ? step.object.name : '', definition: definitionOf(step) }));
  return viewsInCreationOrder(items, matching).map((i) => i.step);
}

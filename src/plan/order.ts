/**
 * Ordering: of views by dependency (a view that reads another view must be created after it and
 * dropped before it: pitfall 6; dependencies are read from the captured definitions by name), and
 * of an action's steps by phase (see `PHASE_ORDER` in model/step-kinds.ts). Ordering only
 * permutes: every step that goes in comes out, once.
 */
import type { InventoryEntry } from '../model/observed.js';
import type { Step } from '../model/plan.js';
import { compareText, nameKey, type NameMatching } from '../model/refs.js';
import { PHASE_ORDER, stepPhase, type ActionPhase } from '../model/step-kinds.js';

/** Tokens that could name an object in a view definition: bare words and quoted names. */
function referencedKeys(definition: string, matching: NameMatching): Set<string> {
  const keys = new Set<string>();
  const token = /"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g;
  for (const match of definition.matchAll(token)) {
    const name = match[1] !== undefined ? match[1].replaceAll('""', '"') : (match[2] ?? '').toUpperCase();
    keys.add(nameKey(name, matching));
  }
  return keys;
}

/**
 * Sorts views so that every view comes after the views it reads (creation order). Views are
 * otherwise kept in name order; a cycle (impossible in a real schema) falls back to name order.
 */
export function viewsInCreationOrder<T extends Pick<InventoryEntry, 'name' | 'definition'>>(
  views: T[],
  matching: NameMatching,
): T[] {
  const byKey = new Map(views.map((v) => [nameKey(v.name, matching), v]));
  const sorted = [...views].sort((a, b) => compareText(a.name, b.name));
  const deps = new Map<T, T[]>();
  for (const view of sorted) {
    const refs = referencedKeys(view.definition ?? '', matching);
    refs.delete(nameKey(view.name, matching));
    deps.set(view, [...refs].flatMap((k) => {
      const dep = byKey.get(k);
      return dep === undefined ? [] : [dep];
    }));
  }
  const done = new Set<T>();
  const visiting = new Set<T>();
  const out: T[] = [];
  const visit = (view: T): void => {
    if (done.has(view) || visiting.has(view)) return;
    visiting.add(view);
    for (const dep of deps.get(view) ?? []) visit(dep);
    visiting.delete(view);
    done.add(view);
    out.push(view);
  };
  sorted.forEach(visit);
  return out;
}

/** The captured definition of the view a step acts on (null for a table or a step on no object). */
export type DefinitionOf = (step: Step) => string | null;

/** How the steps of one phase are ordered among themselves; each returns a permutation of `steps`. */
type PhaseOrder = (steps: Step[], matching: NameMatching, definitionOf: DefinitionOf) => Step[];

const asPlanned: PhaseOrder = (steps) => steps;

/** The order within each phase, for every phase (a new phase does not compile without one). */
const WITHIN_PHASE: { readonly [P in ActionPhase]: PhaseOrder } = {
  state: asPlanned,
  drop: orderDrops,
  undrop: sortByName,
  content: sortByName,
  view: orderViews,
  record: asPlanned,
};

/**
 * An action's steps in the order they run: by phase in `PHASE_ORDER` order (drop, undrop,
 * content, view, record), and within a phase as `WITHIN_PHASE` says: drops of views first, a view
 * before the views it reads, then other drops by name; undrops and content restores by name;
 * view re-creations after the views they read. A step of a phase `PHASE_ORDER` lacks is kept,
 * after the others. Every input step comes out exactly once.
 */
export function orderActionSteps(steps: readonly Step[], matching: NameMatching, definitionOf: DefinitionOf): Step[] {
  const byPhase = new Map<ActionPhase, Step[]>();
  for (const step of steps) {
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
    for (const step of WITHIN_PHASE[phase](bucket, matching, definitionOf)) out.push(step);
  }
  return out;
}

/** Drops: views first, a view before the views it reads (pitfall 6), then the rest by name. */
export function orderDrops(steps: Step[], matching: NameMatching, definitionOf: DefinitionOf): Step[] {
  const isView = (s: Step) => s.kind === 'drop-object' && s.object.kind === 'VIEW';
  return [...orderViews(steps.filter(isView), matching, definitionOf).reverse(), ...sortByName(steps.filter((s) => !isView(s)))];
}

/** Steps on views in creation order: a view after the views it reads (pitfall 6). */
export function orderViews(steps: Step[], matching: NameMatching, definitionOf: DefinitionOf): Step[] {
  const items = steps.map((step) => ({ step, name: 'object' in step ? step.object.name : '', definition: definitionOf(step) }));
  return viewsInCreationOrder(items, matching).map((i) => i.step);
}

/** Steps by the name of the object they act on (steps on no object first); stable. */
export function sortByName(steps: Step[]): Step[] {
  const nameOf = (s: Step) => ('object' in s ? s.object.name : '');
  return [...steps].sort((a, b) => compareText(nameOf(a), nameOf(b)));
}

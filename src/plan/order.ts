/**
 * Ordering of views by dependency: a view that reads another view must be created after it and
 * dropped before it (pitfall 6). Dependencies are read from the captured definitions by name.
 */
import type { InventoryEntry } from '../model/observed.js';
import { compareText, nameKey, type NameMatching } from '../model/refs.js';

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
    deps.set(view, [...refs].flatMap((k) => (byKey.has(k) ? [byKey.get(k) as T] : [])));
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

/**
 * What ckpt's role cannot manage in a target, said before anything is applied: objects of kinds ckpt
 * does not manage (dynamic, Iceberg, external and event tables, materialized views), and objects
 * ckpt's role does not own (DROP, UNDROP and ALTER need OWNERSHIP: docs/snowflake-behaviour.md#pitfall-16).
 * Each is a warning listing them; a step that would change an object ckpt's role does not own is held
 * back by its action's blocker (ActionPlan.notOwned), with what to GRANT.
 */
import type { Target } from '../model/desired.js';
import type { Observed, Ownership } from '../model/observed.js';
import type { Finding } from '../model/plan.js';
import { displayIdent } from '../model/refs.js';
import { finding } from './findings.js';

/** The objects of kinds ckpt does not manage, by kind, as one warning; null when there are none. */
export function unmanagedFinding(target: Target, observed: Observed): Finding | null {
  const unmanaged = observed.unmanaged ?? [];
  if (unmanaged.length === 0) return null;
  const byKind = new Map<string, string[]>();
  for (const o of unmanaged) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), displayIdent(o.name)]);
  const listed = [...byKind].map(([kind, names]) => `${kind}${names.length === 1 ? '' : 's'} ${names.join(', ')}`).join('; ');
  return finding(target, 'warning', 'OBJECT_NOT_MANAGED', target.position, {
    message: `ckpt does not manage ${listed}: no checkpoint records them and no action drops, restores or reverts them`,
  });
}

/** The live objects ckpt's role does not own (protected ones aside), as one warning; null when there are none. */
export function notOwnedFinding(target: Target, observed: Observed, isProtected: (name: string) => boolean): Finding | null {
  const foreign = observed.objects.filter((o) => o.ownership?.owned === false && !isProtected(o.name));
  if (foreign.length === 0) return null;
  const named = foreign.map((o) => `${displayIdent(o.name)} (${ownerText(o.ownership)})`);
  return finding(target, 'warning', 'NOT_OWNED', target.position, {
    message: `${roleText(observed.role)} does not own ${named.join(', ')}: an action that would drop, restore or revert ${foreign.length === 1 ? 'it' : 'one of them'} is held back; ${grantHint(observed.role)}`,
  });
}

/** `owned by ROLE`, or that the owner is not visible. */
export function ownerText(ownership: Ownership | undefined): string {
  const owner = ownership?.owner ?? null;
  return owner === null ? 'owner not visible to ckpt' : `owned by ${displayIdent(owner)}`;
}

/** `ckpt's role X`, or `ckpt's role` when unknown. */
export function roleText(role: string | null | undefined): string {
  return role === null || role === undefined ? "ckpt's role" : `ckpt's role ${displayIdent(role)}`;
}

/** What to do about an object ckpt's role does not own (`name` as displayed, `<name>` for several). */
export function grantHint(role: string | null | undefined, name = '<name>'): string {
  const to = role === null || role === undefined ? '<ckpt role>' : displayIdent(role);
  return `GRANT OWNERSHIP ON TABLE (or VIEW) ${name} TO ROLE ${to} COPY CURRENT GRANTS, or protect it in the file (protect: [...])`;
}

/**
 * Fingerprints of what a plan was computed from, so that a saved plan is refused when the
 * schema, the audit table or the config changed since (Terraform's stale-plan rule). Pure.
 */
import { createHash } from 'node:crypto';
import type { Observed } from '../model/observed.js';

/**
 * A hash of a target's observed structure: objects (name, kind, incarnation, view definition),
 * restorable dropped versions, and the audit table's checkpoints and actions. Row counts and
 * LAST_ALTERED are left out: they move with every DML and do not change what the plan does.
 */
export function stateFingerprint(observed: Observed): string {
  const sorted = <T>(items: T[], key: (t: T) => string) => [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const shape = {
    schemaExists: observed.schemaExists,
    auditTableExists: observed.auditTableExists,
    // An object first seen at this very observation has no stable creation time yet.
    objects: sorted(observed.objects, (o) => `${o.kind}:${o.name}`).map((o) => [o.kind, o.name, o.created === observed.now ? null : o.created, o.definition]),
    dropped: sorted(observed.dropped, (d) => `${d.name}:${d.created}`).map((d) => [d.name, d.created, d.droppedOn]),
    checkpoints: sorted(observed.checkpoints, (c) => c.id).map((c) => [c.id, c.type, c.status, c.timestamp]),
    actions: sorted(observed.actions, (a) => `${a.actionId}:${a.timestamp}`).map((a) => [a.actionId, a.status, a.specHash, a.timestamp]),
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}

/**
 * Fingerprints of what a plan was computed from, so that a saved plan is refused when the
 * schema, the audit table or the config changed since (Terraform's stale-plan rule). Pure.
 */
import { createHash } from 'node:crypto';
import type { Observed } from '../model/observed.js';
import { compareText } from '../model/refs.js';

/**
 * A hash of a target's observed state: objects (name, kind, incarnation, content version,
 * columns, view definition), restorable dropped versions, and the audit table's checkpoints and
 * actions. The content version (LAST_ALTERED, or ckpt's registry locally) is in because a reset
 * reverts changed content; row counts are left out (they follow the content version).
 */
export function stateFingerprint(observed: Observed): string {
  const sorted = <T>(items: T[], key: (t: T) => string) => [...items].sort((a, b) => compareText(key(a), key(b)));
  // Whether the schema exists is left out: an empty schema and a missing one plan alike, and
  // taking the lease creates it.
  const shape = {
    auditTableExists: observed.auditTableExists,
    auditLayout: observed.auditLayout,
    // An object first seen at this very observation has no stable creation time yet.
    objects: sorted(observed.objects, (o) => `${o.kind}:${o.name}`).map((o) => [
      o.kind,
      o.name,
      o.created === observed.now ? null : o.created,
      o.lastAltered === observed.now ? null : o.lastAltered,
      o.columns ?? null,
      o.definition,
    ]),
    dropped: sorted(observed.dropped, (d) => `${d.name}:${d.created}`).map((d) => [d.name, d.created, d.droppedOn]),
    checkpoints: sorted(observed.checkpoints, (c) => c.id).map((c) => [c.id, c.type, c.status, c.timestamp, c.clone]),
    actions: sorted(observed.actions, (a) => `${a.actionId}:${a.timestamp}`).map((a) => [a.actionId, a.status, a.specHash, a.timestamp]),
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}

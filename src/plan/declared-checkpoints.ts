/**
 * Checkpoints declared in the file: the ones the audit table lacks are taken first (and actions
 * of the same plan can read them, as pending sources); a declared id whose checkpoint was deleted,
 * or whose `keep` or description in the file differ from the ones it was taken with, is not
 * retaken, only reported. Pure.
 */
import type { CheckpointSpec, Target } from '../model/desired.js';
import type { RecordedCheckpoint } from '../model/observed.js';
import type { Finding, Step } from '../model/plan.js';
import { displayTime } from '../model/time.js';
import { pendingSource, type PendingSource } from './checkpoint-source.js';
import { finding } from './findings.js';
import type { SchemaModel } from './schema-model.js';

/** The steps taking declared checkpoints, the findings about them, and the checkpoints taken by id. */
export interface DeclaredCheckpoints {
  steps: Step[];
  findings: Finding[];
  pending: Map<string, PendingSource>;
}

/** Plans the target's declared checkpoints against the audit table and the schema as observed. */
export function planDeclaredCheckpoints(
  target: Target,
  recorded: ReadonlyMap<string, RecordedCheckpoint>,
  model: SchemaModel,
): DeclaredCheckpoints {
  const out: DeclaredCheckpoints = { steps: [], findings: [], pending: new Map() };
  for (const spec of target.checkpoints) {
    const found = recorded.get(spec.id);
    if (found === undefined) {
      out.steps.push({
        target: target.name,
        kind: 'take-checkpoint',
        group: `checkpoint:${spec.id}`,
        checkpointId: spec.id,
        checkpointType: 'MANUAL',
        description: spec.description,
        keep: spec.keep,
        reason:
          spec.keep === 'clone'
            ? 'declared in the file and not in the audit table; keeps a clone of every table'
            : 'declared in the file and not in the audit table',
      });
      out.pending.set(spec.id, pendingSource(spec.id, model.objects()));
    } else if (found.status === 'DELETED') {
      out.findings.push(
        finding(target, 'warning', 'CHECKPOINT_DELETED', spec.position, {
          message: `checkpoint ${spec.id} was deleted (taken ${displayTime(found.timestamp)}); ckpt never retakes an id: declare a new one`,
        }),
      );
    } else {
      const changed = specChange(target, spec, found);
      if (changed !== null) out.findings.push(changed);
    }
  }
  return out;
}

/**
 * The warning for a taken checkpoint whose `keep` or description the file changed since (what
 * the audit table recorded, what the file says now), or null when they are the same.
 */
function specChange(target: Target, spec: CheckpointSpec, found: RecordedCheckpoint): Finding | null {
  const changes: string[] = [];
  if (found.keep !== spec.keep) changes.push(`keep: ${found.keep}, the file now says keep: ${spec.keep}`);
  if (found.description !== spec.description) {
    changes.push(`description ${JSON.stringify(found.description)}, the file now says ${JSON.stringify(spec.description)}`);
  }
  if (changes.length === 0) return null;
  return finding(target, 'warning', 'CHECKPOINT_SPEC_CHANGED', spec.position, {
    message: `checkpoint ${spec.id} was taken on ${displayTime(found.timestamp)} with ${changes.join('; and with ')}; a taken checkpoint is never retaken, so the change has no effect: declare a new id`,
  });
}

/**
 * Plans for commands that act outside the file's declarations: an ad-hoc checkpoint
 * (`ckpt checkpoint create`) and the audit table alone (`ckpt init`: created, or migrated). Pure.
 */
import type { CheckpointKeep, Target } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Observed } from '../model/observed.js';
import type { TargetPlan } from '../model/plan.js';
import { timestampId } from '../model/time.js';
import { auditSteps, targetLocation } from './plan.js';

/** The audit table, if missing, or its migration to ckpt's layout (the old pipelines' table). */
export function planInit(target: Target, observed: Observed): TargetPlan {
  return {
    target: target.name,
    connection: target.connection,
    location: targetLocation(target),
    steps: auditSteps(target, observed),
    findings: [],
  };
}

/**
 * An ad-hoc checkpoint; the id defaults to `CP_YYYY_MM_DD_HH_MI_SS` on the warehouse clock. With
 * `keep: 'clone'` it also keeps a copy of every table, as a declared `keep: clone` checkpoint does.
 * `guard`: the checkpoint `ckpt guard` takes before its command (type GUARD; its id is given).
 */
export function planAdHocCheckpoint(
  target: Target,
  observed: Observed,
  id: string | undefined,
  description: string,
  keep: CheckpointKeep = 'inventory',
  guard = false,
): TargetPlan {
  const checkpointId = id ?? timestampId('CP', observed.now);
  const by = guard ? 'ckpt guard, before its command' : 'ckpt checkpoint create';
  if (observed.checkpoints.some((c) => c.id === checkpointId)) {
    throw new CkptError('CHECKPOINT_EXISTS', `checkpoint ${checkpointId} already exists in ${targetLocation(target)}`, {
      hint: HINTS.checkpointRetaken,
    });
  }
  return {
    ...planInit(target, observed),
    steps: [
      ...auditSteps(target, observed),
      {
        target: target.name,
        group: `checkpoint:${checkpointId}`,
        kind: 'take-checkpoint',
        checkpointId,
        checkpointType: guard ? 'GUARD' : 'MANUAL',
        description,
        keep,
        reason: `requested by ${by}${keep === 'clone' ? '; keeps a clone of every table' : ''}`,
      },
    ],
  };
}

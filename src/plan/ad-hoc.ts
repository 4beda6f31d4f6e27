/**
 * Plans for commands that act outside the file's declarations: an ad-hoc checkpoint
 * (`ckpt checkpoint create`) and the audit table alone (`ckpt init`). Pure.
 */
import type { CheckpointKeep, Target } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Observed } from '../model/observed.js';
import type { Step, TargetPlan } from '../model/plan.js';
import { displayIdent } from '../model/refs.js';
import { timestampId } from '../model/time.js';
import { targetLocation } from './plan.js';

function initStep(target: Target, observed: Observed): Step[] {
  if (observed.auditTableExists) return [];
  const reason = `audit table ${displayIdent(target.auditTable)} does not exist yet`;
  return [{ target: target.name, group: 'audit', kind: 'init-audit', auditTable: target.auditTable, reason }];
}

/** The audit table, if missing. */
export function planInit(target: Target, observed: Observed): TargetPlan {
  return {
    target: target.name,
    connection: target.connection,
    location: targetLocation(target),
    steps: initStep(target, observed),
    findings: [],
  };
}

/**
 * An ad-hoc checkpoint; the id defaults to `CP_YYYY_MM_DD_HH_MI_SS` on the warehouse clock. With
 * `keep: 'clone'` it also keeps a copy of every table, as a declared `keep: clone` checkpoint does.
 */
export function planAdHocCheckpoint(
  target: Target,
  observed: Observed,
  id: string | undefined,
  description: string,
  keep: CheckpointKeep = 'inventory',
): TargetPlan {
  const checkpointId = id ?? timestampId('CP', observed.now);
  if (observed.checkpoints.some((c) => c.id === checkpointId)) {
    throw new CkptError('CHECKPOINT_EXISTS', `checkpoint ${checkpointId} already exists in ${targetLocation(target)}`, {
      hint: HINTS.checkpointRetaken,
    });
  }
  return {
    ...planInit(target, observed),
    steps: [
      ...initStep(target, observed),
      {
        target: target.name,
        group: `checkpoint:${checkpointId}`,
        kind: 'take-checkpoint',
        checkpointId,
        checkpointType: 'MANUAL',
        description,
        keep,
        reason: `requested by ckpt checkpoint create${keep === 'clone' ? '; keeps a clone of every table' : ''}`,
      },
    ],
  };
}

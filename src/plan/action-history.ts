/**
 * What the audit table says about the file's actions: an action applied before is not planned
 * again (with a warning if its spec changed since); one that failed is planned again, with a
 * warning. Pure.
 */
import type { Action, Target } from '../model/desired.js';
import type { RecordedAction } from '../model/observed.js';
import type { Finding } from '../model/plan.js';
import { displayTime } from '../model/time.js';
import { finding } from './findings.js';

/** The newest audit record of each action id, an APPLIED one winning over any FAILED. */
export function latestRecords(actions: RecordedAction[]): Map<string, RecordedAction> {
  const out = new Map<string, RecordedAction>();
  for (const a of actions) {
    const prev = out.get(a.actionId);
    if (prev === undefined || (prev.status !== 'APPLIED' && (a.status === 'APPLIED' || a.timestamp > prev.timestamp))) {
      out.set(a.actionId, a);
    }
  }
  return out;
}

/** Whether an action was applied already (so is not planned), and what to say about its record. */
export interface PriorRun {
  applied: boolean;
  finding: Finding | null;
}

/** Reads an action's latest audit record (undefined: never run). */
export function priorRun(target: Target, action: Action, record: RecordedAction | undefined): PriorRun {
  if (record?.status === 'APPLIED') {
    if (record.specHash === action.specHash) return { applied: true, finding: null };
    return {
      applied: true,
      finding: finding(target, 'warning', 'ACTION_SPEC_CHANGED', action.position, {
        actionId: action.id,
        message: `action ${action.id} was applied on ${displayTime(record.timestamp)} with a different spec; it is not run again: use a new id`,
      }),
    };
  }
  if (record?.status === 'FAILED') {
    return {
      applied: false,
      finding: finding(target, 'warning', 'ACTION_FAILED_BEFORE', action.position, {
        actionId: action.id,
        message: `action ${action.id} failed on ${displayTime(record.timestamp)} (${record.error ?? 'no error recorded'}); planning it again`,
      }),
    };
  }
  return { applied: false, finding: null };
}

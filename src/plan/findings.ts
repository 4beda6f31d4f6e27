/**
 * Findings as the planner reports them: one builder, so that every finding carries the target,
 * its code and severity, the action and object it concerns (or null) and where in the file.
 */
import type { Target } from '../model/desired.js';
import type { Finding, FindingCode } from '../model/plan.js';

/** What a finding says and what it concerns, besides its target, severity, code and position. */
export interface FindingDetail {
  message: string;
  actionId?: string;
  object?: string;
}

/** A finding about `target`; `actionId` and `object` default to null. */
export function finding(
  target: Pick<Target, 'name'>,
  severity: Finding['severity'],
  code: FindingCode,
  position: Finding['position'],
  detail: FindingDetail,
): Finding {
  return {
    target: target.name,
    severity,
    code,
    message: detail.message,
    actionId: detail.actionId ?? null,
    object: detail.object ?? null,
    position,
  };
}

/**
 * What an action's audit row says, decided by the core for every adapter: its audit type, and
 * the checkpoint it marks RESTORED_TO. Apply writes the row; a plan's SQL preview shows it.
 */
import type { ActionSpec } from './desired.js';
import type { AuditStatus, CheckpointType } from './observed.js';

/** The audit type recorded for an action kind. */
export function auditTypeOf(spec: ActionSpec): CheckpointType {
  switch (spec.kind) {
    case 'cleanup':
      return 'CLEANUP';
    case 'restore':
      return 'RESTORE';
    case 'reset':
      return 'RESET';
    case 'full-cleanup':
      return 'FULL_CLEANUP';
  }
}

/** The checkpoint an action's audit row marks RESTORED_TO: the one an applied reset or restore went back to. */
export function restoredTo(
  type: CheckpointType,
  status: Extract<AuditStatus, 'APPLIED' | 'FAILED'>,
  checkpointId: string | null,
): string | null {
  return status === 'APPLIED' && (type === 'RESET' || type === 'RESTORE') ? checkpointId : null;
}

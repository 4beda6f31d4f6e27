/**
 * Runs a plan through the Warehouse interface, exactly as listed: each step in order, each
 * action recorded APPLIED only when all its steps succeeded, FAILED (with what each step did)
 * otherwise. A failure stops the target's remaining steps; other targets go on.
 */
import { CkptError } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import type { CheckpointType, StepRecord } from '../model/observed.js';
import type { Plan, Step, TargetPlan } from '../model/plan.js';
import type { ActionSpec } from '../model/desired.js';
import type { RunContext, TargetRef, Warehouse } from '../warehouse/warehouse.js';

/** The outcome of one step. */
export interface StepOutcome {
  step: Step;
  outcome: 'succeeded' | 'failed' | 'skipped';
  error: string | null;
}

/** The outcome of a target's plan. */
export interface TargetOutcome {
  target: string;
  steps: StepOutcome[];
  failed: boolean;
}

/** Called after each step, for progress lines. */
export type ProgressListener = (event: { target: string; index: number; total: number; step: Step; outcome: StepOutcome['outcome'] }) => void;

/** What apply needs per target: where it lives and which warehouse serves it. */
export interface ApplyTarget {
  ref: TargetRef;
  warehouse: Warehouse;
}

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

/** Applies every target plan in order. */
export async function applyPlan(
  plan: Plan,
  resolve: (target: TargetPlan) => ApplyTarget,
  run: RunContext,
  logger: Logger,
  onProgress: ProgressListener = () => {},
): Promise<TargetOutcome[]> {
  const outcomes: TargetOutcome[] = [];
  for (const targetPlan of plan.targets) {
    if (targetPlan.steps.length === 0) continue;
    outcomes.push(await applyTarget(targetPlan, resolve(targetPlan), run, logger, onProgress));
  }
  return outcomes;
}

async function applyTarget(
  plan: TargetPlan,
  { ref, warehouse }: ApplyTarget,
  run: RunContext,
  logger: Logger,
  onProgress: ProgressListener,
): Promise<TargetOutcome> {
  const result: TargetOutcome = { target: plan.target, steps: [], failed: false };
  const journal = new Map<string, StepRecord[]>();
  const total = plan.steps.length;
  for (const [index, step] of plan.steps.entries()) {
    if (result.failed) {
      result.steps.push({ step, outcome: 'skipped', error: null });
      continue;
    }
    const records = journal.get(step.group) ?? [];
    journal.set(step.group, records);
    try {
      if (step.kind === 'record-action') {
        await warehouse.recordAction(
          ref,
          { actionId: step.actionId, type: auditTypeOf(step.spec), spec: step.spec, specHash: step.specHash, checkpointId: step.checkpointId, status: 'APPLIED', steps: records, error: null },
          run,
        );
      } else {
        await warehouse.execute(ref, step, run);
      }
      records.push({ kind: step.kind, object: objectOf(step), outcome: 'succeeded', error: null });
      result.steps.push({ step, outcome: 'succeeded', error: null });
      logger.info('step succeeded', { target: plan.target, step: step.kind, object: objectOf(step), group: step.group });
      onProgress({ target: plan.target, index, total, step, outcome: 'succeeded' });
    } catch (error) {
      const message = describeError(error);
      records.push({ kind: step.kind, object: objectOf(step), outcome: 'failed', error: message });
      result.steps.push({ step, outcome: 'failed', error: message });
      result.failed = true;
      logger.error('step failed', { target: plan.target, step: step.kind, object: objectOf(step), error: message });
      onProgress({ target: plan.target, index, total, step, outcome: 'failed' });
      await recordFailure(plan, step, records, message, ref, warehouse, run, logger);
    }
  }
  return result;
}

/** Records the failed action (if the step served one) so history shows it; never masks the failure. */
async function recordFailure(
  plan: TargetPlan,
  failed: Step,
  records: StepRecord[],
  message: string,
  ref: TargetRef,
  warehouse: Warehouse,
  run: RunContext,
  logger: Logger,
): Promise<void> {
  const record = plan.steps.find((s) => s.kind === 'record-action' && s.group === failed.group);
  if (record?.kind !== 'record-action') return;
  try {
    await warehouse.recordAction(
      ref,
      { actionId: record.actionId, type: auditTypeOf(record.spec), spec: record.spec, specHash: record.specHash, checkpointId: record.checkpointId, status: 'FAILED', steps: records, error: message },
      run,
    );
  } catch (error) {
    logger.error('could not record the failed action', { action: record.actionId, error: describeError(error) });
  }
}

function objectOf(step: Step): string | null {
  if ('object' in step) return step.object.name;
  if (step.kind === 'take-checkpoint') return step.checkpointId;
  return null;
}

/** A one-line description of an error for audit rows and messages. */
export function describeError(error: unknown): string {
  if (error instanceof CkptError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

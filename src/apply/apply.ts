/**
 * Runs a plan through the Warehouse interface, exactly as listed (the caller holds the
 * targets' leases): steps go in waves (a run of independent drops or table restores of one action runs with
 * bounded concurrency, or together when the warehouse runs such a wave itself: executeWave; a sequence of view
 * re-creations runs in order, as one unit when the warehouse runs it itself: executeSequence; everything else one at a
 * time, in order), each step journalled as
 * started then succeeded or failed. An action is recorded APPLIED only when all its steps
 * succeeded, FAILED otherwise. A failure, a shutdown or a lost lease lets running steps finish
 * and skips the rest; other targets go on.
 */
import { CkptError, type ErrorCode } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import type { StepRecord } from '../model/observed.js';
import type { Plan, Step, TargetPlan } from '../model/plan.js';
import { summarise } from '../model/plan.js';
import { stepSubject } from '../model/step-kinds.js';
import { auditTypeOf, restoredTo } from '../model/action-audit.js';
import type { JournalEntry } from '../warehouse/lease-sql.js';
import {
  runStep,
  type ActionRecord,
  type ExecutableStep,
  type RunContext,
  type TargetRef,
  type Warehouse,
  WaveIncomplete,
} from '../warehouse/warehouse.js';
import { formRuns, type StepRun } from './waves.js';

/** Most steps a warehouse runs as one unit (`executeWave`): bounds the size of one transaction. */
const BATCH = 500;

/** Runs a batch of a wave or sequence through the warehouse, telling `succeeded` of steps that took effect before it ends. */
type BatchExecutor = (steps: ExecutableStep[], succeeded: (step: ExecutableStep) => void) => Promise<void>;

/** The outcome of one step. */
export interface StepOutcome {
  step: Step;
  outcome: 'succeeded' | 'failed' | 'skipped';
  error: string | null;
  /** The code of a failed step's error (INTERNAL for an error ckpt did not classify), so callers can tell transient from terminal. */
  code?: ErrorCode;
  /** How long the step ran, in milliseconds (a step applied in a batch: the batch's time); null when skipped. */
  durationMs: number | null;
}

/** The outcome of a target's plan. */
export interface TargetOutcome {
  target: string;
  steps: StepOutcome[];
  failed: boolean;
  /** How long the target's apply took, in milliseconds. */
  durationMs: number;
}

/**
 * Called when a step starts (`outcome: 'started'`, `index` = steps finished before it) and after
 * each step (`index` = steps finished, minus one), for progress lines.
 */
export type ProgressListener = (event: {
  target: string;
  index: number;
  total: number;
  step: Step;
  outcome: StepOutcome['outcome'] | 'started';
}) => void;

/** What apply needs per target: where it lives and which warehouse serves it. */
export interface ApplyTarget {
  ref: TargetRef;
  warehouse: Warehouse;
}

/** How to apply. */
export interface ApplyOptions {
  /** Most steps in flight at once (capped by the warehouse's capability). */
  concurrency: number;
  onProgress?: ProgressListener;
  /** Aborting lets the running steps finish and skips the rest (shutdown, lost lease). */
  signal?: AbortSignal;
}

/** Applies every target plan in order. */
export async function applyPlan(
  plan: Plan,
  resolve: (target: TargetPlan) => ApplyTarget,
  run: RunContext,
  logger: Logger,
  options: ApplyOptions,
): Promise<TargetOutcome[]> {
  const outcomes: TargetOutcome[] = [];
  for (const targetPlan of plan.targets) {
    if (targetPlan.steps.length === 0) continue;
    outcomes.push(
      await new TargetRun(targetPlan, resolve(targetPlan), run, logger, options, options.signal ?? new AbortController().signal).apply(),
    );
  }
  return outcomes;
}

/** One target's apply: waves, journal, audit. */
class TargetRun {
  private readonly result: TargetOutcome;
  private readonly outcomes: Array<StepOutcome | undefined>;
  /** When each started step started (performance.now()). */
  private readonly startedAt = new Map<number, number>();
  private readonly records = new Map<string, StepRecord[]>();
  private seq = 0;
  private done = 0;

  constructor(
    private readonly plan: TargetPlan,
    private readonly target: ApplyTarget,
    private readonly run: RunContext,
    private readonly logger: Logger,
    private readonly options: ApplyOptions,
    private readonly signal: AbortSignal,
  ) {
    this.result = { target: plan.target, steps: [], failed: false, durationMs: 0 };
    this.outcomes = plan.steps.map(() => undefined);
  }

  async apply(): Promise<TargetOutcome> {
    const start = performance.now();
    const summary = summarise({ targets: [this.plan] });
    await this.journal([
      this.event(
        'run-started',
        null,
        JSON.stringify({ command: this.run.command, steps: this.plan.steps.length, commit: this.run.origin.commit, ...summary }),
      ),
    ]);
    const limit = Math.max(1, Math.min(this.options.concurrency, this.target.warehouse.capabilities.maxConcurrency));
    for (const { indexes: wave, inOrder } of formRuns(this.plan.steps)) {
      if (this.result.failed) break;
      if (this.signal.aborted) {
        await this.interrupt();
        break;
      }
      await this.journal(wave.map((i) => this.event('step-started', i)));
      await this.runWave({ indexes: wave, inOrder }, limit);
      await this.journal(
        wave
          .filter((i) => this.outcomes[i] !== undefined)
          .map((i) =>
            this.event(this.outcomes[i]?.outcome === 'succeeded' ? 'step-succeeded' : 'step-failed', i, this.outcomes[i]?.error ?? null),
          ),
      );
      const failed = wave.filter((i) => this.outcomes[i]?.outcome === 'failed');
      if (failed.length > 0) {
        this.result.failed = true;
        // The action is recorded FAILED with the error of the wave's first failed step.
        const first = this.outcomes[failed[0] as number] as StepOutcome;
        await this.recordFailures(
          failed.map((i) => this.plan.steps[i] as Step),
          first.error,
        );
      }
    }
    if (!this.result.failed && this.signal.aborted && this.outcomes.includes(undefined)) await this.interrupt();
    this.result.steps = this.plan.steps.map((step, i) => this.outcomes[i] ?? { step, outcome: 'skipped', error: null, durationMs: null });
    await this.journal([this.event(this.result.failed ? 'run-failed' : 'run-finished', null)]);
    this.result.durationMs = Math.round(performance.now() - start);
    return this.result;
  }

  /** Stops: the actions left unfinished are recorded FAILED, the rest of the plan is skipped. */
  private async interrupt(): Promise<void> {
    this.result.failed = true;
    const left = this.plan.steps.filter((_, i) => this.outcomes[i] === undefined);
    this.logger.warn('apply interrupted; the remaining steps are skipped', { target: this.plan.target, skipped: left.length });
    await this.recordFailures(left, 'interrupted before it finished');
  }

  /**
   * Runs the steps of a wave with at most `limit` in flight, or of a sequence one after another;
   * a failure stops new starts. Where the warehouse runs such a run itself, it goes in batches.
   */
  private async runWave(run: StepRun, limit: number): Promise<void> {
    const wave = run.indexes;
    const execute = this.executorOf(run, limit);
    if (execute !== undefined && wave.length > 1) {
      for (let at = 0; at < wave.length && !this.signal.aborted; at += BATCH)
        if (!(await this.runBatch(wave.slice(at, at + BATCH), execute))) return;
      return;
    }
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && next < wave.length && !this.signal.aborted) {
        const index = wave[next++] as number;
        const ok = await this.runStep(index);
        if (!ok) stop = true;
      }
    };
    await Promise.all(Array.from({ length: run.inOrder ? 1 : Math.min(limit, wave.length) }, worker));
  }

  /** How the warehouse runs a batch of this wave or sequence itself, or undefined: step by step. */
  private executorOf(run: StepRun, limit: number): BatchExecutor | undefined {
    const { warehouse, ref } = this.target;
    if (run.inOrder) {
      const executeSequence = warehouse.executeSequence?.bind(warehouse);
      return executeSequence && ((steps) => executeSequence(ref, steps, this.run));
    }
    const executeWave = warehouse.executeWave?.bind(warehouse);
    return executeWave && ((steps, succeeded) => executeWave(ref, steps, this.run, { concurrency: limit, signal: this.signal, succeeded }));
  }

  /**
   * Runs part of a wave or sequence through the warehouse (executeWave, executeSequence); false
   * when a step failed or it was interrupted. A step is recorded succeeded as the warehouse reports it; when the warehouse
   * says which steps failed (WaveIncomplete), exactly those are recorded failed and the rest of
   * the batch did not run; any other error means nothing of the batch was applied, and its steps
   * run one by one to apply what can be and attribute the failure to its step.
   */
  private async runBatch(batch: number[], execute: BatchExecutor): Promise<boolean> {
    const steps = batch.map((i) => this.plan.steps[i] as ExecutableStep);
    const indexOf = new Map(steps.map((step, k) => [step, batch[k] as number]));
    const succeeded = (step: ExecutableStep) => {
      const index = indexOf.get(step);
      if (index !== undefined && this.outcomes[index] === undefined) this.succeeded(index, step);
    };
    steps.forEach((step, k) => this.started(batch[k] as number, step));
    try {
      await execute(steps, succeeded);
    } catch (error) {
      if (error instanceof WaveIncomplete) {
        for (const failure of error.failed) {
          const index = indexOf.get(failure.step);
          if (index !== undefined) this.failed(index, failure.step, failure.error);
        }
        return false;
      }
      this.logger.warn('batch failed; retrying its steps one by one', {
        target: this.plan.target,
        steps: batch.length,
        error: describeError(error),
      });
      for (const index of batch) if (!(await this.runStep(index))) return false;
      return true;
    }
    steps.forEach(succeeded);
    return true;
  }

  private started(index: number, step: Step): void {
    this.startedAt.set(index, performance.now());
    this.logger.info('step started', { target: this.plan.target, index, step: step.kind, object: stepSubject(step), group: step.group });
    this.options.onProgress?.({ target: this.plan.target, index: this.done, total: this.plan.steps.length, step, outcome: 'started' });
  }

  private succeeded(index: number, step: Step): void {
    this.recordsOf(step.group).push({ kind: step.kind, object: stepSubject(step), outcome: 'succeeded', error: null });
    this.finish(index, { step, outcome: 'succeeded', error: null, durationMs: this.elapsed(index) });
    this.logger.info('step succeeded', { target: this.plan.target, index, step: step.kind, object: stepSubject(step), group: step.group });
  }

  private async runStep(index: number): Promise<boolean> {
    const step = this.plan.steps[index] as Step;
    this.started(index, step);
    try {
      if (step.kind === 'record-action') {
        await this.target.warehouse.recordAction(
          this.target.ref,
          actionRecord(step, 'APPLIED', this.recordsOf(step.group), null),
          this.run,
        );
      } else {
        await runStep(this.target.warehouse.steps, this.target.ref, step, this.run);
      }
      this.succeeded(index, step);
      return true;
    } catch (error) {
      this.failed(index, step, error);
      return false;
    }
  }

  private failed(index: number, step: Step, error: unknown): void {
    const message = describeError(error);
    this.recordsOf(step.group).push({ kind: step.kind, object: stepSubject(step), outcome: 'failed', error: message });
    this.finish(index, {
      step,
      outcome: 'failed',
      error: message,
      code: error instanceof CkptError ? error.code : 'INTERNAL',
      durationMs: this.elapsed(index),
    });
    this.logger.error('step failed', { target: this.plan.target, index, step: step.kind, object: stepSubject(step), error: message });
  }

  /** Milliseconds since the step at `index` started. */
  private elapsed(index: number): number {
    return Math.round(performance.now() - (this.startedAt.get(index) ?? performance.now()));
  }

  private finish(index: number, outcome: StepOutcome): void {
    this.outcomes[index] = outcome;
    this.done += 1;
    this.options.onProgress?.({
      target: this.plan.target,
      index: this.done - 1,
      total: this.plan.steps.length,
      step: outcome.step,
      outcome: outcome.outcome,
    });
  }

  private recordsOf(group: string): StepRecord[] {
    let records = this.records.get(group);
    if (records === undefined) {
      records = [];
      this.records.set(group, records);
    }
    return records;
  }

  /** Records each interrupted action FAILED (once), so history shows it; never masks the failure. */
  private async recordFailures(steps: Step[], message: string | null): Promise<void> {
    const groups = new Set(steps.map((s) => s.group));
    for (const group of groups) {
      const record = this.plan.steps.find((s) => s.kind === 'record-action' && s.group === group);
      if (record?.kind !== 'record-action' || this.recordsOf(group).length === 0) continue;
      try {
        await this.target.warehouse.recordAction(this.target.ref, actionRecord(record, 'FAILED', this.recordsOf(group), message), this.run);
      } catch (error) {
        this.logger.error('could not record the failed action', { action: record.actionId, error: describeError(error) });
      }
    }
  }

  private event(event: JournalEntry['event'], index: number | null, detail: string | null = null): JournalEntry {
    const step = index === null ? undefined : this.plan.steps[index];
    return {
      runId: this.run.runId,
      seq: this.seq++,
      event,
      stepIndex: index,
      kind: step?.kind ?? null,
      object: step === undefined ? null : stepSubject(step),
      group: step?.group ?? null,
      detail,
    };
  }

  /** Journals events; a journal that cannot be written stops the run (it would not be crash-safe). */
  private async journal(entries: JournalEntry[]): Promise<void> {
    try {
      await this.target.warehouse.leases(this.target.ref).journal(entries);
    } catch (error) {
      if (!this.result.failed)
        this.logger.error('cannot write the journal; stopping', { target: this.plan.target, error: describeError(error) });
      this.result.failed = true;
    }
  }
}

function actionRecord(
  step: Extract<Step, { kind: 'record-action' }>,
  status: 'APPLIED' | 'FAILED',
  records: StepRecord[],
  error: string | null,
): ActionRecord {
  const type = auditTypeOf(step.spec);
  return {
    actionId: step.actionId,
    type,
    spec: step.spec,
    specHash: step.specHash,
    checkpointId: step.checkpointId,
    restoredTo: restoredTo(type, status, step.checkpointId),
    status,
    steps: records,
    error,
  };
}

/** A one-line description of an error for audit rows and messages. */
export function describeError(error: unknown): string {
  if (error instanceof CkptError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * What the daemon tells `/status` and `/readyz`: the config's state and, per target, a
 * condition (Ready / Reconciling / Stalled) with a reason, the last plan, the actions waiting
 * for the file to settle and the next scheduled checkpoint. A record of facts the daemon reports; it decides nothing and does no I/O.
 */
import type { Desired, Schedule } from '../model/desired.js';
import type { ErrorCode, RetryKind } from '../model/errors.js';
import { summarise, type Plan, type PlanSummary, type Weight } from '../model/plan.js';
import { stepStake } from '../model/step-kinds.js';
import { nextFiring } from '../schedule/cron.js';
import type { KeyState } from './queue.js';
import type { HeldAction } from './settle.js';

/** A target's condition, as Kubernetes controllers report it. */
export type Condition = 'Ready' | 'Reconciling' | 'Stalled';

/** `SOME_CODE` as `SomeCode`. */
type PascalCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Capitalize<Lowercase<Head>>}${PascalCase<Tail>}`
  : Capitalize<Lowercase<S>>;

/** Why a reconcile failed: its error code, PascalCased (`AUTH_FAILED` is `AuthFailed`). */
export type FailureReason = PascalCase<ErrorCode>;

/** Why a target is in its condition. */
export type ConditionReason =
  'Pending' | 'Progressing' | 'Settling' | 'UpToDate' | 'Applied' | 'ChangesPending' | 'PlanBlocked' | 'Interrupted' | FailureReason;

/** The condition reason of a failure with this code. */
export function failureReason(code: ErrorCode): FailureReason {
  return code
    .toLowerCase()
    .split('_')
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('') as FailureReason;
}

/** The error of a failed reconcile: its code, whether it is retried with backoff, and what to do. */
export interface ReconcileError {
  code: ErrorCode;
  retry: RetryKind;
  hint: string | null;
}

/** Every way a reconcile can end. */
export const RECONCILE_RESULTS = ['applied', 'no-changes', 'planned', 'blocked', 'failed', 'interrupted'] as const;

/** How one reconcile ended. */
export type ReconcileResult = (typeof RECONCILE_RESULTS)[number];

/** What a finished reconcile reports. */
export interface ReconcileOutcome {
  result: ReconcileResult;
  reason: ConditionReason;
  message: string;
  /** Whether it read the warehouse (observe succeeded). */
  reachedWarehouse: boolean;
  /** The plan it made (of this target only), when it got that far. */
  plan: Plan | null;
  /** Why it failed (result `failed` only). */
  error: ReconcileError | null;
  /** New destructive actions and lowered retentions left out of this reconcile until the file settles (reason `Settling`). */
  held?: HeldAction[];
}

/** The plan of a target's last reconcile, as data. */
export interface PlanReport {
  generatedAt: string;
  summary: PlanSummary;
  /** Its steps; `weight`: what the table a drop drops or a revert overwrites holds (see Weight). */
  steps: Array<{ kind: string; group: string; object: string | null; reason: string; weight?: Weight }>;
  findings: Array<{ severity: string; code: string; message: string; actionId: string | null }>;
}

/** One target on `/status`. */
export interface TargetStatus {
  target: string;
  connection: string;
  condition: Condition;
  reason: ConditionReason;
  message: string;
  lastTrigger: string | null;
  lastAttemptAt: string | null;
  lastResult: ReconcileResult | null;
  lastDurationSeconds: number | null;
  lastSuccessAt: string | null;
  /** The error of the last reconcile when it failed; a `terminal` one is not retried with backoff. */
  error: ReconcileError | null;
  /** Consecutive failed reconciles, and when the next retry is due (null after a terminal error). */
  failures: number;
  nextRetryAt: string | null;
  /** Triggers waiting for the next reconcile. */
  pendingTriggers: string[];
  lastPlan: PlanReport | null;
  /** New destructive actions and lowered retentions' expiries waiting for the file to settle (see settle.ts), with why and until when. */
  heldActions: HeldAction[];
  /** The soonest firing of the target's schedules. */
  nextCheckpoint: { schedule: string; at: string } | null;
}

/** The config as the daemon last read it. */
export interface ConfigStatus {
  file: string;
  /** `valid`: the file on disk is the config in use; otherwise the last good one is kept. */
  state: 'valid' | 'invalid' | 'missing';
  /** Content hash of the config in use (the last good one). */
  hash: string;
  loadedAt: string;
  /** `file:line:col: error: ...` lines of the rejected file. */
  diagnostics: string[];
}

/** The whole `/status` document. */
export interface DaemonStatus {
  mode: 'apply' | 'plan';
  startedAt: string;
  config: ConfigStatus;
  targets: TargetStatus[];
}

/** `/readyz`: ready, or the reasons why not. */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

/** What the board keeps per target: the reported fields it owns, plus what it derives them from. */
type TargetRecord = Pick<
  TargetStatus,
  | 'connection'
  | 'condition'
  | 'reason'
  | 'message'
  | 'lastTrigger'
  | 'lastAttemptAt'
  | 'lastResult'
  | 'lastDurationSeconds'
  | 'lastSuccessAt'
  | 'lastPlan'
  | 'error'
  | 'heldActions'
> & {
  schedules: Schedule[];
  reachedWarehouse: boolean | null;
};

const SUCCESS: ReadonlySet<ReconcileResult> = new Set(['applied', 'no-changes', 'planned']);

/** Whether a result counts as a successful reconcile (for last-success times). */
export function isSuccess(result: ReconcileResult): boolean {
  return SUCCESS.has(result);
}

/** The daemon's record of its config and targets. */
export class StatusBoard {
  private readonly targets = new Map<string, TargetRecord>();
  private config: ConfigStatus;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly mode: 'apply' | 'plan',
    desired: Desired,
  ) {
    this.config = validConfig(desired);
    this.configLoaded(desired);
  }

  /** A valid config is in use: targets are added, updated or dropped to match it. */
  configLoaded(desired: Desired): void {
    this.config = validConfig(desired);
    const names = new Set(desired.targets.map((t) => t.name));
    for (const name of [...this.targets.keys()]) if (!names.has(name)) this.targets.delete(name);
    for (const target of desired.targets) {
      const known = this.targets.get(target.name);
      if (known !== undefined) {
        known.connection = target.connection;
        known.schedules = target.schedules;
        continue;
      }
      this.targets.set(target.name, {
        connection: target.connection,
        schedules: target.schedules,
        condition: 'Reconciling',
        reason: 'Pending',
        message: 'waiting for the first reconcile',
        lastTrigger: null,
        lastAttemptAt: null,
        lastResult: null,
        lastDurationSeconds: null,
        lastSuccessAt: null,
        reachedWarehouse: null,
        lastPlan: null,
        error: null,
        heldActions: [],
      });
    }
  }

  /** The file on disk is unusable (invalid or gone); the last good config stays in use. */
  configRejected(state: 'invalid' | 'missing', diagnostics: string[]): void {
    this.config = { ...this.config, state, diagnostics };
  }

  /** A reconcile of `target` started. */
  started(target: string, trigger: string): void {
    const record = this.targets.get(target);
    if (record === undefined) return;
    record.condition = 'Reconciling';
    record.reason = 'Progressing';
    record.message = `reconciling (${trigger})`;
    record.lastTrigger = trigger;
    record.lastAttemptAt = new Date().toISOString();
  }

  /** A reconcile of `target` ended. */
  finished(target: string, outcome: ReconcileOutcome, seconds: number): void {
    const record = this.targets.get(target);
    if (record === undefined) return;
    const ready = outcome.reason === 'UpToDate' || outcome.reason === 'Applied' || outcome.reason === 'ChangesPending';
    // Settling: applied what it could; the held actions run by themselves once the file settles.
    record.condition = ready ? 'Ready' : outcome.reason === 'Settling' ? 'Reconciling' : 'Stalled';
    record.heldActions = outcome.held ?? [];
    record.reason = outcome.reason;
    record.message = outcome.message;
    record.lastResult = outcome.result;
    record.lastDurationSeconds = seconds;
    record.reachedWarehouse = outcome.reachedWarehouse;
    record.error = outcome.error;
    if (isSuccess(outcome.result)) record.lastSuccessAt = new Date().toISOString();
    if (outcome.plan !== null) record.lastPlan = planReport(outcome.plan);
  }

  /** Ready when the file on disk is the valid config in use and every target's last reconcile reached its warehouse. */
  readiness(): Readiness {
    const reasons: string[] = [];
    if (this.config.state === 'invalid') reasons.push(`${this.config.file} is invalid; the last good config is kept`);
    if (this.config.state === 'missing') reasons.push(`${this.config.file} is missing; the last good config is kept`);
    for (const [name, record] of this.targets) {
      if (record.reachedWarehouse === null) reasons.push(`target ${name}: no reconcile has finished yet`);
      else if (!record.reachedWarehouse) reasons.push(`target ${name}: the last reconcile did not reach the warehouse (${record.message})`);
    }
    return { ready: reasons.length === 0, reasons };
  }

  /** The `/status` document; `queue` tells what waits per target. */
  snapshot(queue: (target: string) => KeyState): DaemonStatus {
    const now = new Date().toISOString();
    const targets = [...this.targets].map(([name, r]): TargetStatus => {
      const waiting = queue(name);
      return {
        target: name,
        connection: r.connection,
        condition: waiting.running ? 'Reconciling' : r.condition,
        reason: waiting.running ? 'Progressing' : r.reason,
        message: r.message,
        lastTrigger: r.lastTrigger,
        lastAttemptAt: r.lastAttemptAt,
        lastResult: r.lastResult,
        lastDurationSeconds: r.lastDurationSeconds,
        lastSuccessAt: r.lastSuccessAt,
        error: r.error,
        failures: waiting.failures,
        nextRetryAt: waiting.retryAt === null ? null : new Date(waiting.retryAt).toISOString(),
        pendingTriggers: waiting.pending,
        lastPlan: r.lastPlan,
        heldActions: r.heldActions,
        nextCheckpoint: nextCheckpoint(r.schedules, now),
      };
    });
    return { mode: this.mode, startedAt: this.startedAt, config: this.config, targets };
  }
}

function validConfig(desired: Desired): ConfigStatus {
  return { file: desired.file, state: 'valid', hash: desired.sourceHash, loadedAt: new Date().toISOString(), diagnostics: [] };
}

function planReport(plan: Plan): PlanReport {
  const steps = plan.targets.flatMap((t) => t.steps);
  return {
    generatedAt: plan.generatedAt,
    summary: summarise(plan),
    steps: steps.map((s) => {
      const weight = stepStake(s);
      return {
        kind: s.kind,
        group: s.group,
        object: 'object' in s ? s.object.name : 'checkpointId' in s ? s.checkpointId : null,
        reason: s.reason,
        ...(weight === null ? {} : { weight }),
      };
    }),
    findings: plan.targets
      .flatMap((t) => t.findings)
      .map((f) => ({ severity: f.severity, code: f.code, message: f.message, actionId: f.actionId })),
  };
}

function nextCheckpoint(schedules: Schedule[], now: string): { schedule: string; at: string } | null {
  let soonest: { schedule: string; at: string } | null = null;
  for (const schedule of schedules) {
    const at = nextFiring(schedule.cron, schedule.timezone, now);
    if (at !== null && (soonest === null || at < soonest.at)) soonest = { schedule: schedule.id, at };
  }
  return soonest;
}

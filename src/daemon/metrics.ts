/**
 * The daemon's Prometheus metrics, in a registry of its own (never prom-client's global one):
 * reconcile duration and count, pending actions, last success, and two checkpoint clocks read
 * from the last observation. Records what it is told; serving them is health.ts's job.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DroppedObject, Observed, RecordedCheckpoint } from '../model/observed.js';
import { nameKey } from '../model/refs.js';
import { isAfter, sameInstant } from '../model/time.js';
import { isSuccess, RECONCILE_RESULTS, type ReconcileResult } from './status.js';

/** When a target's checkpoints were taken and how long the oldest stays restorable. */
export interface CheckpointClocks {
  /** Timestamp of the newest ACTIVE (or RESTORED_TO) checkpoint, or null when there is none. */
  newestAt: string | null;
  /**
   * When the oldest such checkpoint stops being restorable: the earliest `restorableUntil` of the
   * dropped objects it holds. Null when nothing bounds it (no checkpoint, or every copy is kept
   * until ckpt releases it, as the embedded warehouse does).
   */
  oldestRestorableUntil: string | null;
}

/** Reads the checkpoint clocks of one observation. Pure. */
export function checkpointClocks(observed: Observed): CheckpointClocks {
  const kept = observed.checkpoints
    .filter((c) => (c.type === 'MANUAL' || c.type === 'AUTO') && c.status !== 'DELETED')
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const oldest = kept[0];
  const newest = kept[kept.length - 1];
  let until: string | null = null;
  if (oldest !== undefined) {
    for (const copy of observed.dropped.filter((d) => heldBy(oldest, d, observed))) {
      if (copy.restorableUntil != null && (until === null || Date.parse(copy.restorableUntil) < Date.parse(until)))
        until = copy.restorableUntil;
    }
  }
  return { newestAt: newest?.timestamp ?? null, oldestRestorableUntil: until };
}

/**
 * Whether a dropped version is one a checkpoint holds: in its inventory (same name, same
 * incarnation) when observe read it, else (only totals read) a version live when it was taken:
 * created before, dropped after.
 */
function heldBy(checkpoint: RecordedCheckpoint, d: DroppedObject, observed: Observed): boolean {
  if (checkpoint.objects === null) return !isAfter(d.created, checkpoint.timestamp) && isAfter(d.droppedOn, checkpoint.timestamp);
  const key = nameKey(d.name, observed.nameMatching);
  return checkpoint.objects.some((entry) => nameKey(entry.name, observed.nameMatching) === key && sameInstant(d.created, entry.created));
}

/** Names of the metrics, as scraped. */
export const METRIC_NAMES = {
  duration: 'ckpt_reconcile_duration_seconds',
  reconciles: 'ckpt_reconciles_total',
  pendingActions: 'ckpt_pending_actions',
  lastSuccess: 'ckpt_last_success_timestamp_seconds',
  checkpointAge: 'ckpt_newest_checkpoint_age_seconds',
  restorable: 'ckpt_oldest_checkpoint_restorable_seconds',
  configValid: 'ckpt_config_valid',
} as const;

/** The daemon's metrics and their registry. */
export class DaemonMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'target'>;
  private readonly reconciles: Counter<'target' | 'result'>;
  private readonly pendingActions: Gauge<'target'>;
  private readonly lastSuccess: Gauge<'target'>;
  private readonly configValid: Gauge;
  private readonly clocks = new Map<string, CheckpointClocks>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.duration = new Histogram({
      name: METRIC_NAMES.duration,
      help: 'Time a reconcile took (observe, plan and apply), per target',
      labelNames: ['target'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.reconciles = new Counter({
      name: METRIC_NAMES.reconciles,
      help: `Reconciles per target by result (${RECONCILE_RESULTS.join(', ')})`,
      labelNames: ['target', 'result'],
      registers,
    });
    this.pendingActions = new Gauge({
      name: METRIC_NAMES.pendingActions,
      help: 'Actions declared and not applied after the last reconcile (planned, failed or held back by a blocker)',
      labelNames: ['target'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: METRIC_NAMES.lastSuccess,
      help: 'Unix time of the last successful reconcile (applied, no changes, or planned with --plan)',
      labelNames: ['target'],
      registers,
    });
    this.configValid = new Gauge({
      name: METRIC_NAMES.configValid,
      help: '1 when the config file on disk is valid and in use, 0 when the last good one is kept',
      registers,
    });
    this.configValid.set(1);
    const clocks = this.clocks;
    new Gauge({
      name: METRIC_NAMES.checkpointAge,
      help: 'Seconds since the newest ACTIVE checkpoint of the target was taken',
      labelNames: ['target'],
      registers,
      collect() {
        this.reset();
        for (const [target, c] of clocks) if (c.newestAt !== null) this.set({ target }, (Date.now() - Date.parse(c.newestAt)) / 1000);
      },
    });
    new Gauge({
      name: METRIC_NAMES.restorable,
      help: 'Seconds until the oldest ACTIVE checkpoint of the target stops being restorable (+Inf when copies are kept until released)',
      labelNames: ['target'],
      registers,
      collect() {
        this.reset();
        for (const [target, c] of clocks) {
          if (c.newestAt === null) continue;
          this.set({ target }, c.oldestRestorableUntil === null ? Infinity : (Date.parse(c.oldestRestorableUntil) - Date.now()) / 1000);
        }
      },
    });
  }

  /** Records a finished reconcile. */
  reconciled(target: string, result: ReconcileResult, seconds: number): void {
    this.duration.observe({ target }, seconds);
    this.reconciles.inc({ target, result });
    if (isSuccess(result)) this.lastSuccess.set({ target }, Date.now() / 1000);
  }

  /** Records what the last observation of a target showed. */
  observed(target: string, pendingActions: number, clocks: CheckpointClocks): void {
    this.pendingActions.set({ target }, pendingActions);
    this.clocks.set(target, clocks);
  }

  /** Whether the config on disk is the one in use. */
  configState(valid: boolean): void {
    this.configValid.set(valid ? 1 : 0);
  }

  /** Drops the series of a target no longer in the config. */
  forget(target: string): void {
    this.duration.remove({ target });
    this.pendingActions.remove({ target });
    this.lastSuccess.remove({ target });
    this.clocks.delete(target);
    for (const result of RECONCILE_RESULTS) this.reconciles.remove({ target, result });
  }

  /** The text exposition and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * The daemon: keeps the last good config, turns triggers (file, cron, resync, SIGHUP) into
 * queued reconciles, runs each in a child process of its own (observe, plan, apply unless
 * plan-only: child-runner.ts; this process never loads a warehouse driver) and reports through
 * the logger, status, metrics and reconcile listeners. A failure with a terminal
 * error is not retried with backoff: the target waits for the file to change, SIGHUP or a resync.
 * It never prints and never exits the process; `ckpt daemon` and tests start it with startDaemon.
 */
import { access } from 'node:fs/promises';
import { hostname } from 'node:os';
import { describeError } from '../apply/apply.js';
import type { ConnectionChoice } from '../config/connections.js';
import { formatDiagnostic } from '../config/format.js';
import type { LoadResult } from '../config/load.js';
import { loadCommandConfig } from '../engine/command-config.js';
import type { Desired, Target } from '../model/desired.js';
import { asCkptError, CkptError, isTerminal, type Diagnostic } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Logger } from '../model/logger.js';
import { summarise, type Plan } from '../model/plan.js';
import { removeDaemonInfo, writeDaemonInfo } from './daemon-info.js';
import { serveHealth, type HealthServer, type ListenAddress } from './health.js';
import { RECONCILE_CHILD, ReconcileProcesses } from './child-runner.js';
import { IdleCollector } from './idle-memory.js';
import { DaemonMetrics } from './metrics.js';
import { WorkQueue } from './queue.js';
import { outcomeError, totalsFields } from './reconcile.js';
import { committedAtHead, readSnapshot, SettleGuard, type FileSnapshot, type HeldAction } from './settle.js';
import { StatusBoard, type DaemonStatus, type ReconcileOutcome, type Readiness } from './status.js';
import { every, onHangup, scheduleFirings, watchFile, type Stability, type TriggerSource } from './triggers.js';

/** How the daemon runs. */
export interface DaemonOptions {
  /** Absolute path of checkpoints.yaml. */
  file: string;
  /** Detect-only: plan and report, never apply. */
  planOnly: boolean;
  /** Where to serve the HTTP endpoints; null serves none. */
  listen: ListenAddress | null;
  /** Reconcile every target this often (ms); 0 turns the interval off. */
  resyncMs: number;
  /** How long a reconcile waits for another process's lock on the embedded warehouse. */
  lockWaitMs: number;
  /** Connection choices made outside the file (`--connection`, $SNOWFLAKE_DEFAULT_CONNECTION_NAME), as for the other commands. */
  connections: ConnectionChoice;
  logger: Logger;
  /** When a changed file counts as stable enough to read (default: 250 ms of quiet, then two reads 100 ms apart). */
  stability?: Stability;
  /**
   * How long the file must stay unchanged before a new destructive action in it is applied,
   * unless its content is what git has committed at HEAD (ms; default 5 s).
   */
  settleMs?: number;
  /** The reconcile child's built entry (default: reconcile-child.js next to this module; tests running the sources name the build's). */
  childEntry?: string;
}

/** The default settle period of a new destructive action. */
export const DEFAULT_SETTLE_MS = 5000;

/** A finished reconcile, as told to listeners. */
export interface ReconcileEvent {
  target: string;
  /** The distinct triggers that asked for it (`start`, `file`, `cron:<id>`, `resync`, `sighup`, `retry`). */
  triggers: string[];
  outcome: ReconcileOutcome;
  seconds: number;
}

/** A started daemon. */
export interface RunningDaemon {
  /** `http://host:port` of the HTTP endpoints as bound (the real port when 0 was asked); null without HTTP. */
  readonly url: string | null;
  /** The `/status` document. */
  statusDocument(): DaemonStatus;
  /** The `/readyz` answer. */
  readiness(): Readiness;
  /** Calls `listener` after every reconcile; returns the function that stops the calls. */
  onReconciled(listener: (event: ReconcileEvent) => void): () => void;
  /**
   * Stops the triggers, lets the running step finish (the rest of its plan is skipped), waits for
   * the reconcile to close its session, then closes the HTTP server. Safe to call more than once.
   */
  stop(reason: string): Promise<void>;
}

/**
 * Loads the config (an invalid or missing file at start is CONFIG_INVALID: there is no last
 * good config to keep), serves HTTP, starts the triggers and queues a first reconcile per target.
 */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const snapshot = await readSnapshot(options.file);
  const loaded = await loadConfig(options);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) logDiagnostic(options.logger, d);
    throw new CkptError('CONFIG_INVALID', `${options.file} is not a usable config; the daemon did not start`, {
      hint: HINTS.fixConfigAndRestart,
    });
  }
  for (const d of loaded.warnings) logDiagnostic(options.logger, d);
  // The settle period of a file found at start counts from its mtime (capped at now).
  const since = snapshot.present ? Math.min(snapshot.mtimeMs, Date.now()) : Date.now();
  const daemon = new Daemon(options, loaded.desired, await loadedState(options.file, loaded.desired, snapshot, since));
  try {
    await daemon.begin();
  } catch (error) {
    await daemon.stop('startup failure');
    throw error;
  }
  return daemon;
}

/** The daemon's state and triggers: started once, stopped once. */
class Daemon implements RunningDaemon {
  private readonly logger: Logger;
  private readonly queue: WorkQueue;
  private readonly status: StatusBoard;
  private readonly metrics = new DaemonMetrics();
  private readonly idle = new IdleCollector();
  private readonly processes: ReconcileProcesses;
  private readonly shutdown = new AbortController();
  private readonly sources: TriggerSource[] = [];
  private readonly listeners = new Set<(event: ReconcileEvent) => void>();
  private schedules: { key: string; source: TriggerSource } = { key: '[]', source: { close: async () => {} } };
  private server: HealthServer | null = null;
  private reloads: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private readonly settle: SettleGuard;
  /** Per target, the timer that reconciles it again when its held actions settle. */
  private readonly settleTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly options: DaemonOptions,
    private desired: Desired,
    first: { since: number; committed: boolean | null },
  ) {
    this.logger = options.logger;
    this.processes = new ReconcileProcesses(options.childEntry ?? RECONCILE_CHILD);
    this.settle = new SettleGuard(options.settleMs ?? DEFAULT_SETTLE_MS, { desired, ...first });
    this.status = new StatusBoard(options.planOnly ? 'plan' : 'apply', desired);
    this.queue = new WorkQueue({
      // One reconcile at a time in all: targets may share the embedded warehouse's file, which
      // a process can open only once at a time.
      concurrency: 1,
      run: (target, triggers) => this.reconcile(target, triggers),
      isTerminal,
      onRetry: (target, delayMs, failures) => this.logger.warn('reconcile will be retried', { target, in_ms: delayMs, failures }),
      onTerminal: (target, failures, error) =>
        this.logger.error('reconcile will not be retried', { target, failures, code: asCkptError(error).code, until: this.retriedWhen() }),
    });
  }

  get url(): string | null {
    return this.server?.url ?? null;
  }

  onReconciled(listener: (event: ReconcileEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  statusDocument(): DaemonStatus {
    return this.status.snapshot((target) => this.queue.state(target));
  }

  readiness(): Readiness {
    return this.status.readiness();
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= this.stopNow(reason);
    return this.stopping;
  }

  /** Serves HTTP, starts the triggers, publishes daemon.json and queues a first reconcile per target. */
  async begin(): Promise<void> {
    const { options, logger } = this;
    this.processes.prepare(); // the first reconcile's process starts while the rest does
    if (options.listen !== null) {
      this.server = await serveHealth(
        options.listen,
        { readiness: () => this.readiness(), status: () => this.statusDocument(), metrics: () => this.metrics.exposition() },
        logger,
      );
      logger.info('listening', { url: this.server.url });
    }
    this.sources.push(
      await watchFile(
        options.file,
        (event, snapshot, at) => this.reload(`file:${event}`, { snapshot, at }),
        logger,
        options.stability,
        // A reconcile is likely once the file is stable: its process starts meanwhile.
        () => {
          if (!this.shutdown.signal.aborted) this.processes.prepare();
        },
      ),
    );
    this.sources.push(onHangup(() => this.reload('sighup')));
    if (options.resyncMs > 0) this.sources.push(every(options.resyncMs, () => this.enqueueAll('resync')));
    this.useSchedules(this.desired);
    // `ckpt status` finds this daemon (and its /status) through .ckpt/daemon.json next to the config.
    await writeDaemonInfo({
      pid: process.pid,
      host: hostname(),
      url: this.server?.url ?? null,
      file: options.file,
      mode: options.planOnly ? 'plan' : 'apply',
      startedAt: new Date().toISOString(),
    });
    logger.info('daemon started', {
      file: options.file,
      mode: options.planOnly ? 'plan' : 'apply',
      targets: this.desired.targets.map((t) => `${t.name} (${t.connection})`),
      resync_ms: options.resyncMs,
      pid: process.pid,
    });
    this.enqueueAll('start');
  }

  private async stopNow(reason: string): Promise<void> {
    this.logger.info('daemon stopping', { reason });
    this.shutdown.abort();
    await Promise.allSettled([...this.sources, this.schedules.source].map((s) => s.close()));
    await this.reloads;
    for (const timer of this.settleTimers.values()) clearTimeout(timer);
    await this.queue.stop();
    this.processes.drop();
    this.idle.stop();
    await this.server?.close();
    await removeDaemonInfo(this.options.file).catch(() => {});
    this.logger.info('daemon stopped', { reason });
  }

  private enqueueAll(trigger: string): void {
    for (const target of this.desired.targets) this.queue.enqueue(target.name, trigger);
  }

  /**
   * Re-reads the file (one reload at a time); a valid, changed config replaces the last good one.
   * `stable` is the file as the watcher saw it stable (and when it last changed); SIGHUP has none.
   */
  private reload(trigger: string, stable?: { snapshot: FileSnapshot; at: number }): void {
    this.reloads = this.reloads
      .then(() => this.reloadOnce(trigger, stable))
      .catch((error: unknown) => {
        this.logger.error('config reload failed', { error: describeError(error) });
      });
  }

  private async reloadOnce(trigger: string, stable?: { snapshot: FileSnapshot; at: number }): Promise<void> {
    if (this.shutdown.signal.aborted) return;
    const { file } = this.options;
    const present = await access(file).then(
      () => true,
      () => false,
    );
    if (!present) {
      this.status.configRejected('missing', []);
      this.metrics.configState(false);
      this.logger.warn('config file missing; keeping the last good one', { file, trigger, hash: this.desired.sourceHash });
      return;
    }
    const loaded = await loadConfig(this.options);
    const snapshot = stable?.snapshot ?? (await readSnapshot(file));
    if (loaded.ok && snapshot.present && snapshot.sha256 !== loaded.desired.sourceHash) {
      // Written again between the stable reads and the load: the watcher waits for that change.
      this.logger.info('config file changed while it was read; waiting for it to be stable', { file, trigger });
      return;
    }
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) logDiagnostic(this.logger, d);
      this.status.configRejected('invalid', loaded.diagnostics.map(formatDiagnostic));
      this.metrics.configState(false);
      this.logger.error('config rejected; keeping the last good one', {
        file,
        trigger,
        errors: loaded.diagnostics.filter((d) => d.severity === 'error').length,
        hash: this.desired.sourceHash,
      });
      return;
    }
    for (const d of loaded.warnings) logDiagnostic(this.logger, d);
    const previous = this.desired;
    const changed = loaded.desired.sourceHash !== previous.sourceHash;
    if (changed) this.settle.loaded(await loadedState(file, loaded.desired, snapshot, stable?.at ?? Date.now()));
    this.desired = loaded.desired;
    this.status.configLoaded(loaded.desired);
    this.metrics.configState(true);
    const kept = new Set(loaded.desired.targets.map((t) => t.name));
    for (const gone of previous.targets.filter((t) => !kept.has(t.name))) {
      this.queue.forget(gone.name);
      this.metrics.forget(gone.name);
    }
    this.useSchedules(loaded.desired);
    this.logger.info('config loaded', { file, trigger, hash: loaded.desired.sourceHash, changed, targets: [...kept] });
    if (changed || trigger === 'sighup') this.enqueueAll(trigger.startsWith('file') ? 'file' : trigger);
  }

  /** Rebuilds the cron tasks when the schedules changed; their firings only enqueue. */
  private useSchedules(desired: Desired): void {
    const entries = desired.targets.flatMap((target) => target.schedules.map((schedule) => ({ target: target.name, schedule })));
    const key = JSON.stringify(entries.map(({ target, schedule: s }) => [target, s.id, s.cron, s.timezone]));
    if (key === this.schedules.key || this.shutdown.signal.aborted) return;
    void this.schedules.source.close();
    const source = scheduleFirings(entries, (target, scheduleId) => this.queue.enqueue(target, `cron:${scheduleId}`), this.logger);
    this.schedules = { key, source };
    if (entries.length > 0)
      this.logger.info('schedules armed', {
        schedules: entries.map((e) => `${e.target}/${e.schedule.id} (${e.schedule.cron} ${e.schedule.timezone})`),
      });
  }

  /**
   * One reconcile of one target, on the config in use when it starts, run in a child process
   * (child-runner.ts). Throws its error to be retried unless terminal.
   */
  private async reconcile(name: string, triggers: string[]): Promise<void> {
    const target = this.desired.targets.find((t) => t.name === name);
    if (target === undefined || this.shutdown.signal.aborted) return;
    const trigger = triggers.join(',');
    const began = performance.now();
    this.status.started(name, trigger);
    let announced = false;
    const announce = () => {
      if (!announced) this.logger.info('reconcile started', { target: name, trigger });
      announced = true;
    };
    const request = {
      type: 'reconcile',
      desired: this.desired,
      target: name,
      planOnly: this.options.planOnly,
      lockWaitMs: this.options.lockWaitMs,
    } as const;
    let outcome = await this.processes.run(
      request,
      {
        logger: this.logger,
        started: announce,
        hold: (plan) => this.hold(target, plan),
        observed: (pending, clocks) => this.metrics.observed(name, pending, clocks),
      },
      this.shutdown.signal,
    );
    announce(); // a child that died before it started
    this.idle.soon(); // gives back, once idle, the memory this run's messages took
    if (outcome.error?.retry === 'terminal') outcome = { ...outcome, message: `${outcome.message}; ${this.retriedWhen()}` };
    const seconds = (performance.now() - began) / 1000;
    this.status.finished(name, outcome, seconds);
    this.metrics.reconciled(name, outcome.result, seconds);
    this.tell({ target: name, triggers, outcome, seconds });
    const fields = {
      target: name,
      result: outcome.result,
      reason: outcome.reason,
      duration_ms: Math.round(seconds * 1000),
      ...(outcome.plan === null ? {} : totalsFields(summarise(outcome.plan))),
    };
    if (outcome.result === 'failed') {
      this.logger.error('reconcile finished', {
        ...fields,
        error: outcome.message,
        code: outcome.error?.code,
        retry: outcome.error?.retry,
      });
      throw outcomeError(outcome);
    }
    this.logger.info('reconcile finished', fields);
  }

  /** The actions of `target` to hold back on `plan`; arms a reconcile for when they settle. */
  private hold(target: Target, plan: Plan): HeldAction[] {
    const held = this.settle.held(target, plan);
    clearTimeout(this.settleTimers.get(target.name));
    this.settleTimers.delete(target.name);
    if (held.length > 0 && !this.shutdown.signal.aborted) {
      const timer = setTimeout(
        () => {
          this.settleTimers.delete(target.name);
          this.queue.enqueue(target.name, 'settled');
        },
        Math.max(0, this.settle.deadline - Date.now()) + 10,
      );
      this.settleTimers.set(target.name, timer);
    }
    return held;
  }

  /** Tells the listeners; one that throws is logged, never failing the reconcile. */
  private tell(event: ReconcileEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('reconcile listener failed', { error: describeError(error) });
      }
    }
  }

  /** When a target stalled by a terminal error is reconciled again. */
  private retriedWhen(): string {
    const resync = this.options.resyncMs > 0 ? `, or at the next resync (every ${Math.round(this.options.resyncMs / 1000)} s)` : '';
    return `not retried until the config file changes, on SIGHUP${resync}`;
  }
}

/** What the settle guard needs of a loaded config: when it was written and whether git has it at HEAD. */
async function loadedState(
  file: string,
  desired: Desired,
  snapshot: FileSnapshot,
  since: number,
): Promise<{ desired: Desired; since: number; committed: boolean | null }> {
  const same = snapshot.present && snapshot.bytes !== null && snapshot.sha256 === desired.sourceHash;
  const committed = same ? await committedAtHead(file, snapshot.bytes as Buffer) : null;
  return { desired, since, committed };
}

/** Loads the file as a command does (engine/command-config.ts), with a warning for each target `--connection` moves. */
async function loadConfig(options: DaemonOptions): Promise<LoadResult> {
  const config = await loadCommandConfig(options.file, options.connections);
  for (const warning of config.moved) options.logger.warn(warning);
  return config.desired === null
    ? { ok: false, diagnostics: config.errors }
    : { ok: true, desired: config.desired, warnings: config.warnings };
}

function logDiagnostic(logger: Logger, d: Diagnostic): void {
  const line = formatDiagnostic(d);
  if (d.severity === 'error') logger.error(line, { file: d.file, line: d.line, col: d.col });
  else logger.warn(line, { file: d.file, line: d.line, col: d.col });
}

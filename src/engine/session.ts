/**
 * A session composes config, warehouses, planner and apply for one command: it opens each
 * connection once (lazily), observes the selected targets, plans, applies, and closes
 * everything. No console, no process: callers render and decide exit codes.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { applyPlan, type ProgressListener, type TargetOutcome } from '../apply/apply.js';
import { holdLease, type HeldLease, type LeaseOptions } from '../apply/lease.js';
import { LOCAL_CONNECTION, type Desired, type Target } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Logger } from '../model/logger.js';
import type { Observed, RecordedCheckpoint } from '../model/observed.js';
import type { Plan, Weight } from '../model/plan.js';
import { inventoriesNeeded, type ObservePurpose } from '../plan/inventory-needs.js';
import { planAll, type PlanClock } from '../plan/plan.js';
import { lastFiring } from '../schedule/cron.js';
import { localWarehousePath, openWarehouse, type OpenOptions } from '../warehouse/open.js';
import type { JournalEntry } from '../warehouse/lease-sql.js';
import type { Origin, RunContext, TargetRef, Warehouse } from '../warehouse/warehouse.js';
import { stateFingerprint } from './fingerprint.js';
import { explainObserveFailure } from './audit-table-check.js';
import { unfinishedGuards } from './guards.js';
import { prepareLocalFolder } from './local-folder.js';
import { configOrigin } from './origin.js';

/** Options of a session. */
export interface SessionOptions {
  logger: Logger;
  /** Label for audit rows and query tags, e.g. `reconcile`. */
  command: string;
  lockWaitMs?: number;
  /** Most steps in flight per target (default 8; the warehouse may allow fewer). */
  concurrency?: number;
  /** How leases are held: who this is, how long to wait for another writer. */
  lease?: Partial<Omit<LeaseOptions, 'holder'>>;
  /** Opens a connection; injectable for tests. */
  open?: (options: OpenOptions) => Promise<Warehouse>;
}

/** How a session opens the embedded warehouse: as whom, and as a writer of which target. */
export interface LocalOpenOptions {
  command: string;
  /** Set when a writer opens the file (its lease's wait, `--lock-timeout`). */
  writer?: { waitMs: number; target: string };
}

/**
 * Opens a connection; the embedded warehouse once its folder is known to be usable, saying who
 * holds it and, for a writer, waiting for another writer as for a lease (duckdb-driver.ts).
 */
async function openChecked(options: OpenOptions, local: LocalOpenOptions): Promise<Warehouse> {
  if (options.connection !== LOCAL_CONNECTION) return openWarehouse(options);
  const path = localWarehousePath(options.configDir);
  await prepareLocalFolder(path);
  const { DuckDbWarehouse } = await import('../warehouse/duckdb/duckdb-warehouse.js');
  return DuckDbWarehouse.open({
    path,
    lockWaitMs: options.lockWaitMs,
    command: local.command,
    ...(local.writer === undefined ? {} : { writer: local.writer }),
    onWait: (message) => options.logger.warn(message),
  });
}

/** Schedules fire as their cron expressions say. */
const cronClock: PlanClock = { lastFiring: (s, now) => lastFiring(s.cron, s.timezone, now) };

/** The warehouse-facing reference of a target. */
export function targetRef(target: Target): TargetRef {
  return { name: target.name, database: target.database, schema: target.schema, auditTable: target.auditTable };
}

/**
 * The targets `--target` selects, in the file's order: all of them when it is not given. Each
 * value (one per `-t`) is a target's name, or a comma-separated list of names; a target whose
 * name holds a comma is selected by that name in full. A name no target has is TARGET_UNKNOWN,
 * listing the known ones.
 */
export function selectTargets(desired: Desired, selection: readonly string[] | undefined): Target[] {
  if (selection === undefined || selection.length === 0) return desired.targets;
  // Each `-t` value is a name, or a comma-separated list of names (`-t a,b`) unless a target has that exact name.
  const names = new Set(selection.flatMap((value) => (desired.targets.some((t) => t.name === value) ? [value] : value.split(','))));
  const unknown = [...names].filter((name) => !desired.targets.some((t) => t.name === name));
  if (unknown.length > 0) throw unknownTargets(desired, unknown);
  return desired.targets.filter((t) => names.has(t.name));
}

/** The target of this exact name; TARGET_UNKNOWN, listing the known ones, when there is none. */
export function targetNamed(desired: Desired, name: string): Target {
  const found = desired.targets.find((t) => t.name === name);
  if (found === undefined) throw unknownTargets(desired, [name]);
  return found;
}

function unknownTargets(desired: Desired, names: string[]): CkptError {
  return new CkptError('TARGET_UNKNOWN', `no target${names.length === 1 ? '' : 's'} named ${names.join(', ')} in ${desired.file}`, {
    hint: HINTS.knownTargets(desired.targets.map((t) => t.name)),
  });
}

/** The one target a single-target command acts on; several need --target naming one. */
export function singleTarget(targets: Target[], file: string): Target {
  if (targets.length === 1 && targets[0] !== undefined) return targets[0];
  throw new CkptError('TARGET_UNKNOWN', `this command acts on one target, and ${targets.length} targets of ${file} are selected`, {
    hint: HINTS.chooseTarget(targets.map((t) => t.name)),
  });
}

/** One command's use of the warehouses. */
export class Session {
  private readonly warehouses = new Map<string, Promise<Warehouse>>();
  private readonly leases: HeldLease[] = [];
  private readonly locked = new Set<string>();
  /** What each target looked like when last observed, to detect a change before applying. */
  private readonly seen = new Map<string, string>();
  private readonly runId = randomUUID();
  /** How many applies this session ran. */
  private applied = 0;
  private origin: Origin | undefined;

  constructor(
    readonly desired: Desired,
    private readonly options: SessionOptions,
  ) {}

  /**
   * The warehouse of a target (one per connection, opened on first use); `writer` when a writer
   * opens it to take the target's lease (the embedded warehouse's file lock is its lease).
   */
  warehouse(target: Target, writer = false): Promise<Warehouse> {
    let opened = this.warehouses.get(target.connection);
    if (opened === undefined) {
      const options: OpenOptions = {
        connection: target.connection,
        configDir: dirname(this.desired.file),
        lockWaitMs: this.options.lockWaitMs,
        logger: this.options.logger,
      };
      const local: LocalOpenOptions = {
        command: this.options.command,
        ...(writer ? { writer: { waitMs: this.options.lease?.waitMs ?? 0, target: target.name } } : {}),
      };
      const opening = this.options.open === undefined ? openChecked(options, local) : this.options.open(options);
      // A connection that failed to open is opened anew on the next use (the file may be free by then).
      opening.catch(() => {
        if (this.warehouses.get(target.connection) === opening) this.warehouses.delete(target.connection);
      });
      this.warehouses.set(target.connection, opening);
      opened = opening;
    }
    return opened;
  }

  /**
   * Observes targets, one after another (each in a constant number of queries), reading the
   * checkpoint inventories `purpose` needs (plan/inventory-needs.ts).
   */
  async observe(targets: Target[], purpose: ObservePurpose = 'plan'): Promise<Map<string, Observed>> {
    const observed = new Map<string, Observed>();
    for (const target of targets) {
      const warehouse = await this.warehouse(target);
      const ref = targetRef(target);
      const obs = await warehouse
        .observe(ref, inventoriesNeeded(target, purpose))
        .catch((error: unknown) => explainObserveFailure(warehouse, ref, error));
      // Only a target with a guard's checkpoint can have a guard that never finished: its journal is read then.
      if (obs.checkpoints.some((c) => c.type === 'GUARD' && c.status !== 'DELETED')) {
        obs.unfinishedGuards = unfinishedGuards(await warehouse.leases(ref).readJournal(true));
      }
      observed.set(target.name, obs);
      this.seen.set(target.name, stateFingerprint(obs));
    }
    return observed;
  }

  /** Observes and plans the given targets. */
  async plan(targets: Target[]): Promise<{ plan: Plan; observed: Map<string, Observed> }> {
    const observed = await this.observe(targets);
    return { plan: planAll({ ...this.desired, targets }, observed, cronClock), observed };
  }

  /**
   * The plan ckpt makes from already observed state as if at `at` (a saved plan's time), so
   * that a saved plan can be checked step by step against what ckpt itself would plan.
   */
  planAt(targets: Target[], observed: Map<string, Observed>, at: string): Plan {
    const then = new Map([...observed].map(([name, obs]) => [name, { ...obs, now: at }]));
    return planAll({ ...this.desired, targets }, then, cronClock);
  }

  /**
   * The statements each step of a plan will send (`--sql`), per target name, in step order:
   * built by each target's warehouse from what it observed for this plan, changing nothing.
   */
  async statements(plan: Plan): Promise<Map<string, string[][]>> {
    const run = await this.runContext();
    const byName = new Map(this.desired.targets.map((t) => [t.name, t]));
    const out = new Map<string, string[][]>();
    for (const tp of plan.targets) {
      const target = byName.get(tp.target);
      if (target === undefined || tp.steps.length === 0) continue;
      out.set(tp.target, await (await this.warehouse(target)).statements(targetRef(target), tp.steps, run));
    }
    return out;
  }

  /** What each of a target's `keep: clone` checkpoints costs to keep, where its warehouse reports it (Warehouse.keptCosts). */
  async keptCosts(target: Target, checkpoints: readonly RecordedCheckpoint[]): Promise<ReadonlyMap<string, Weight>> {
    return (await this.warehouse(target)).keptCosts(targetRef(target), checkpoints);
  }

  /** The run context for audit rows and the journal: this session's run id and the config's origin. */
  async runContext(): Promise<RunContext> {
    this.origin ??= await configOrigin(this.desired);
    return { runId: this.runId, origin: this.origin, command: this.options.command };
  }

  /**
   * Takes the leases of the targets a writer is about to observe and change (in name order, so
   * two writers never wait on each other crosswise); held until `close`.
   */
  async lock(targets: Target[]): Promise<void> {
    const lease: LeaseOptions = {
      holder: this.runId,
      info: JSON.stringify({ command: this.options.command, run: this.runId }),
      ttlMs: 60_000,
      waitMs: 0,
      pollMs: 500,
      isStale: () => false,
      ...this.options.lease,
    };
    for (const target of [...targets].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (this.locked.has(target.name)) continue;
      this.leases.push(await holdLease(await this.warehouse(target, true), targetRef(target), lease, this.options.logger));
      this.locked.add(target.name);
    }
  }

  /**
   * Applies a plan made by this session; an aborted `signal` stops it after the running step.
   * Targets not locked before they were observed are locked now and observed again: if they
   * changed meanwhile (another writer), the plan is stale and nothing is applied.
   */
  async apply(plan: Plan, onProgress?: ProgressListener, signal?: AbortSignal): Promise<TargetOutcome[]> {
    // Each apply is a run of its own in the journal (its events numbered from 0): a session's
    // first apply has the session's run id, a later one (`ckpt guard` applies twice) a new one.
    const run = { ...(await this.runContext()), ...(this.applied++ === 0 ? {} : { runId: randomUUID() }) };
    const byName = new Map(this.desired.targets.map((t) => [t.name, t]));
    const unlocked = plan.targets
      .filter((tp) => tp.steps.length > 0 && !this.locked.has(tp.target))
      .flatMap((tp) => (byName.has(tp.target) ? [byName.get(tp.target) as Target] : []));
    if (unlocked.length > 0) {
      await this.lock(unlocked);
      const before = new Map(unlocked.map((t) => [t.name, this.seen.get(t.name)]));
      const now = await this.observe(unlocked);
      for (const [name, obs] of now) {
        if (before.get(name) !== stateFingerprint(obs)) {
          throw new CkptError('PLAN_STALE', `target ${name} changed while the plan was being made (another writer?); nothing was applied`, {
            hint: HINTS.runAgain,
          });
        }
      }
    }
    const resolved = new Map<string, Warehouse>();
    for (const tp of plan.targets) {
      const target = byName.get(tp.target);
      if (target !== undefined && tp.steps.length > 0) resolved.set(tp.target, await this.warehouse(target));
    }
    const lost = this.leases.map((l) => l.lost);
    const stop = AbortSignal.any([...lost, ...(signal === undefined ? [] : [signal])]);
    return applyPlan(
      plan,
      (tp) => {
        const target = byName.get(tp.target);
        const warehouse = resolved.get(tp.target);
        if (target === undefined || warehouse === undefined) throw new CkptError('INTERNAL', `plan names unknown target ${tp.target}`);
        return { ref: targetRef(target), warehouse };
      },
      run,
      this.options.logger,
      { concurrency: this.options.concurrency ?? 8, onProgress, signal: stop },
    );
  }

  /**
   * Closes every connection while keeping the leases taken: they are not renewed meanwhile (each
   * stays held until its ttl runs out) and `lock` takes them again, as the same holder, before
   * the next write. `ckpt guard` does this on the embedded warehouse, whose file the guarded
   * command must be able to open.
   */
  async suspend(): Promise<void> {
    for (const lease of this.leases.splice(0)) lease.detach();
    this.locked.clear();
    const opened = [...this.warehouses.values()];
    this.warehouses.clear();
    await Promise.allSettled(opened.map(async (w) => (await w).close()));
  }

  /** Appends entries to a target's journal (`ckpt guard`'s events: engine/guards.ts). */
  async journal(target: Target, entries: JournalEntry[]): Promise<void> {
    await (await this.warehouse(target)).leases(targetRef(target)).journal(entries);
  }

  /** Releases the leases taken and closes every connection opened. */
  async close(): Promise<void> {
    for (const lease of this.leases.splice(0)) await lease.release();
    const opened = [...this.warehouses.values()];
    this.warehouses.clear();
    await Promise.allSettled(opened.map(async (w) => (await w).close()));
  }
}

/**
 * The Warehouse interface: the only thing the core knows about a database. Adapters
 * (duckdb/, snowflake/) implement it; differences between them are capability data, never
 * `if (dialect === ...)` in the core.
 */
import type { NameMatching } from '../model/refs.js';
import type { Observed, CheckpointType, AuditStatus, InventorySelection, RecordedCheckpoint, StepRecord } from '../model/observed.js';
import type { Step, Weight } from '../model/plan.js';
import type { ActionSpec } from '../model/desired.js';
import type { StepOf } from '../model/step-kinds.js';
import type { LeaseStore } from './lease-store.js';

/** Where a target lives, with canonical names. */
export interface TargetRef {
  name: string;
  database: string | null;
  schema: string;
  auditTable: string;
}

/** What an adapter can do; the core reads these instead of the adapter's name. */
export interface Capabilities {
  /** How names compare (Snowflake: exactly as stored; DuckDB: case-insensitively). */
  nameMatching: NameMatching;
  /** How many statements may be in flight at once on this connection (DuckDB: one). */
  maxConcurrency: number;
}

/** Where the config an audit entry acted on came from. */
export interface Origin {
  file: string;
  hash: string;
  commit: string | null;
  dirty: boolean | null;
}

/** Context of one run of apply, passed to every step. */
export interface RunContext {
  runId: string;
  origin: Origin;
  /** Label of what is running, e.g. `reconcile` or `checkpoint create`; goes into QUERY_TAG. */
  command: string;
}

/** The audit row of an action (applied or failed). */
export interface ActionRecord {
  actionId: string;
  type: CheckpointType;
  spec: ActionSpec;
  specHash: string;
  /** The checkpoint the action used. */
  checkpointId: string | null;
  /** The checkpoint to mark RESTORED_TO with this row (decided by the core: see restoredTo), or null. */
  restoredTo: string | null;
  status: Extract<AuditStatus, 'APPLIED' | 'FAILED'>;
  steps: StepRecord[];
  error: string | null;
}

/** A step an adapter runs itself (`record-action` is written through `recordAction`). */
export type ExecutableStep = Exclude<Step, { kind: 'record-action' }>;

/**
 * One handler per executable step kind: total, so that a new step kind does not compile until
 * every adapter says how to run it. A handler treats a step already done as progress (a run
 * interrupted after the step and before its journal entry runs it again).
 */
export type StepHandlers = {
  readonly [K in ExecutableStep['kind']]: (target: TargetRef, step: StepOf<K>, run: RunContext) => Promise<void>;
};

/** Runs a step with its kind's handler. */
export function runStep(handlers: StepHandlers, target: TargetRef, step: ExecutableStep, run: RunContext): Promise<void> {
  // The table is indexed by the step's own kind, so the handler takes exactly this step.
  const handler = handlers[step.kind] as (target: TargetRef, step: ExecutableStep, run: RunContext) => Promise<void>;
  return handler(target, step, run);
}

/** How apply drives a wave a warehouse runs itself (executeWave). */
export interface WaveControl {
  /** Most requests in flight at once. */
  concurrency: number;
  /** Once aborted, nothing more is sent (what is in flight finishes). */
  signal: AbortSignal;
  /** Told as each step takes effect, before the wave ends (progress, journal). */
  succeeded(step: ExecutableStep): void;
}

/**
 * A wave that took effect in part: the steps reported to WaveControl.succeeded took effect,
 * `failed` failed (each with its error), every other step did not take effect (not sent, or
 * checked after a failed request and found not done). No failure: the wave was interrupted.
 */
export class WaveIncomplete extends Error {
  constructor(readonly failed: ReadonlyArray<{ step: ExecutableStep; error: unknown }>) {
    super(failed.length === 0 ? 'wave interrupted' : `${failed.length} step(s) of a wave failed`);
    this.name = 'WaveIncomplete';
  }
}

/** Rows returned by `ckpt sql`. */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** One connection to a warehouse, opened for a command and closed after it. */
export interface Warehouse {
  readonly capabilities: Capabilities;
  /**
   * One consistent read of a target, in a number of round trips that does not grow with its
   * objects. Of the checkpoints kept in the inventory table it reads the entries of those
   * `inventories` selects (the core decides: plan/inventory-needs.ts), and only totals of the
   * others (RecordedCheckpoint.objects null); without a selection, of every one not DELETED.
   */
  observe(target: TargetRef, inventories?: InventorySelection): Promise<Observed>;
  /** How this warehouse runs each kind of step. */
  readonly steps: StepHandlers;
  /**
   * Runs a wave of independent steps of one kind (drops, or table restores) together, when the
   * warehouse does that better than one step at a time (DuckDB: one transaction, one registry
   * write; Snowflake: multi-statement requests, several in flight). Resolving means every step
   * took effect. Throwing WaveIncomplete means exactly the steps reported to `control.succeeded`
   * took effect, its `failed` steps failed, and the others did not take effect; any other error
   * means nothing of the wave took effect (all or nothing). Absent: step by step.
   */
  executeWave?(target: TargetRef, steps: ExecutableStep[], run: RunContext, control?: WaveControl): Promise<void>;
  /**
   * Runs a sequence of steps (view re-creations: step-kinds.ts `sequence`) one after another in
   * plan order as one unit, when the warehouse does that better than one step at a time (DuckDB:
   * one transaction instead of one per view, and two journal writes instead of two per view).
   * Resolving means every step took effect; throwing means none did (all or nothing). Absent:
   * step by step.
   */
  executeSequence?(target: TargetRef, steps: ExecutableStep[], run: RunContext): Promise<void>;
  /**
   * The statements each step will send, in plan order (`record-action`: its audit row as
   * applied), built by the functions the step handlers run, from what this connection observed
   * and the steps before it will change. A line starting with `--` is a comment saying what is
   * conditional (a retried step's check) or why nothing can be said; read-only probes are left
   * out. Runs no statement that changes anything.
   */
  statements(target: TargetRef, steps: readonly Step[], run: RunContext): Promise<string[][]>;
  /**
   * What each `keep: clone` checkpoint's kept copy costs to keep, by checkpoint id, where the
   * warehouse reports it (absent: not reported). Embedded: its copies' rows (DuckDB's estimate)
   * and bytes (blocks in use); Snowflake: the bytes the clone's tables own, from
   * TABLE_STORAGE_METRICS, which answers the ACCOUNTADMIN role only.
   */
  keptCosts(target: TargetRef, checkpoints: readonly RecordedCheckpoint[]): Promise<ReadonlyMap<string, Weight>>;
  /** Writes an action's audit row (APPLIED only when every step succeeded). */
  recordAction(target: TargetRef, record: ActionRecord, run: RunContext): Promise<void>;
  /** The target's lease and journal (one store per target for the life of the connection). */
  leases(target: TargetRef): LeaseStore;
  /** Runs a user's SQL in the target's schema (`ckpt sql`). */
  query(target: TargetRef, sql: string): Promise<QueryResult>;
  /**
   * Creates the target's schema if it does not exist (`ckpt init`), returning the statement run.
   * Absent: the warehouse creates a missing schema itself with the audit table (the embedded one).
   */
  createSchema?(target: TargetRef): Promise<string>;
  close(): Promise<void>;
}

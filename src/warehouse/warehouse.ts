/**
 * The Warehouse interface: the only thing the core knows about a database. Adapters
 * (duckdb/, snowflake/) implement it; differences between them are capability data, never
 * `if (dialect === ...)` in the core.
 */
import type { NameMatching } from '../model/refs.js';
import type { Observed, CheckpointType, AuditStatus, StepRecord } from '../model/observed.js';
import type { Step } from '../model/plan.js';
import type { ActionSpec } from '../model/desired.js';
import type { JournalEntry, LeaseRow } from './lease-sql.js';

/** Where a target lives, with canonical names. */
export interface TargetRef {
  name: string;
  database: string | null;
  schema: string;
  auditTable: string;
}

/** What an adapter can do; the planner and apply read these instead of the adapter's name. */
export interface Capabilities {
  nameMatching: NameMatching;
  /** DDL can be rolled back inside a transaction (DuckDB yes, Snowflake no: pitfall 11). */
  transactionalDdl: boolean;
  /** The warehouse itself keeps dropped tables (Snowflake UNDROP) rather than ckpt. */
  nativeUndrop: boolean;
  /** How many statements may be in flight at once on this connection (DuckDB: one). */
  maxConcurrency: number;
  /**
   * Past table content can be read AT a timestamp within retention (Snowflake Time Travel). The
   * planner reads it as data: inventory entries carry `retentionDays` (null without Time Travel).
   */
  timeTravel: boolean;
  /** `keep: clone` is a zero-copy schema clone (Snowflake); otherwise ckpt copies the rows. */
  zeroCopyClone: boolean;
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
  /** The checkpoint the action used; a successful reset marks it RESTORED_TO. */
  checkpointId: string | null;
  status: Extract<AuditStatus, 'APPLIED' | 'FAILED'>;
  steps: StepRecord[];
  error: string | null;
}

/** Rows returned by `ckpt sql`. */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** One connection to a warehouse, opened for a command and closed after it. */
export interface Warehouse {
  readonly capabilities: Capabilities;
  /** One consistent read of a target, in a constant number of round trips. */
  observe(target: TargetRef): Promise<Observed>;
  /** The SQL a step would run, for display; the exact statements may add guards. */
  describe(target: TargetRef, step: Step): string[];
  /**
   * Runs a wave of independent steps of one kind (drops, or table restores) as one unit, when the
   * warehouse does that better than one step at a time (DuckDB: one transaction, one registry
   * write). All or nothing: on failure nothing of the wave is applied. Absent: step by step.
   */
  executeWave?(target: TargetRef, steps: Step[], run: RunContext): Promise<void>;
  /** Runs one step (not `record-action`). Steps already done count as progress, not errors. */
  execute(target: TargetRef, step: Step, run: RunContext): Promise<void>;
  /** Writes an action's audit row (APPLIED only when every step succeeded). */
  recordAction(target: TargetRef, record: ActionRecord, run: RunContext): Promise<void>;
  /**
   * Takes the target's lease for `holder` if it is free, expired or already `holder`'s, and
   * returns the lease rows as they are after (all held by `holder` when taken).
   */
  takeLease(target: TargetRef, holder: string, info: string, ttlMs: number): Promise<LeaseRow[]>;
  /** Extends `holder`'s lease; false when it is not `holder`'s any more. */
  renewLease(target: TargetRef, holder: string, ttlMs: number): Promise<boolean>;
  releaseLease(target: TargetRef, holder: string): Promise<void>;
  /** Frees the lease whoever holds it; returns the rows before (`ckpt unlock`). */
  breakLease(target: TargetRef): Promise<LeaseRow[]>;
  /** Appends run and step events to the journal. */
  journal(target: TargetRef, entries: JournalEntry[]): Promise<void>;
  /** The journal, oldest first (empty before the first run). */
  readJournal(target: TargetRef): Promise<Array<JournalEntry & { at: string }>>;
  /** Runs a user's SQL in the target's schema (`ckpt sql`). */
  query(target: TargetRef, sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}

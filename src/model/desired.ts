/**
 * Desired state: what checkpoints.yaml asks for, after validation and normalisation.
 * Names here are canonical (Snowflake identifier rules applied). Holds no secrets.
 */
import type { SourcePosition } from './errors.js';

/** The name of the embedded DuckDB connection. */
export const LOCAL_CONNECTION = 'local';

/** Default name of the audit table. */
export const DEFAULT_AUDIT_TABLE = 'CHECKPOINT_AUDIT';

/**
 * The lease table (one writer per target), the journal table (steps of every run) and the
 * inventory table (one row per object of each checkpoint, since audit layout 2), next to the audit table.
 */
export function internalTables(auditTable: string): { lease: string; journal: string; inventory: string } {
  return { lease: `${auditTable}_LEASE`, journal: `${auditTable}_JOURNAL`, inventory: `${auditTable}_INVENTORY` };
}

/** ckpt's own tables of a target: the audit table and its internal tables (never part of an inventory, never dropped). */
export function ownTables(auditTable: string): string[] {
  return [auditTable, ...Object.values(internalTables(auditTable))];
}

/** Default cap on the number of drops a cleanup or reset may plan. */
export const DEFAULT_MAX_DROP = 500;

/** The whole file. */
export interface Desired {
  /** Absolute path of the file the config came from. */
  file: string;
  /** sha256 of the file's bytes, hex. */
  sourceHash: string;
  version: 1;
  targets: Target[];
}

/** One schema ckpt manages. */
export interface Target {
  /** Display and selection name; defaults to `DATABASE.SCHEMA` (or `SCHEMA` when no database). */
  name: string;
  /** `local` for the embedded warehouse, else a connections.toml entry. */
  connection: string;
  /**
   * Whether the file names the connection (the target's own `connection:` or the top-level one);
   * false when `connection` is the default, which $SNOWFLAKE_DEFAULT_CONNECTION_NAME may replace.
   */
  connectionDeclared: boolean;
  /** Canonical database name; null means the connection's default (always null-able for local). */
  database: string | null;
  /** Canonical schema name. */
  schema: string;
  /** Canonical audit table name (in the target schema). */
  auditTable: string;
  /** Name globs (canonical case) that no action ever drops or replaces. */
  protect: string[];
  /** Cleanup or reset refuses to drop more than this many objects without `allow_large`. */
  maxDrop: number;
  /**
   * Cleanup, reset or full cleanup refuses, without `allow_large`, to drop or overwrite (a content
   * revert) tables holding more than this many rows in all, or any table whose row count the
   * warehouse does not report; null: no limit.
   */
  maxDropRows: number | null;
  /** As `maxDropRows`, in bytes (the embedded warehouse reports none); null: no limit. */
  maxDropBytes: number | null;
  checkpoints: CheckpointSpec[];
  actions: Action[];
  schedules: Schedule[];
  /** Where the target is declared, for findings. */
  position: SourcePosition;
}

/** A checkpoint that must exist. */
export interface CheckpointSpec {
  id: string;
  description: string;
  /**
   * What the checkpoint keeps: `inventory` (names, definitions, metadata) or `clone` (also a
   * copy of every table's rows: a zero-copy schema clone on Snowflake, copies in ckpt's hidden
   * schema on the embedded warehouse), so that its content can be restored at any age.
   */
  keep: CheckpointKeep;
  position: SourcePosition;
}

/** What a checkpoint keeps besides its inventory. */
export type CheckpointKeep = 'inventory' | 'clone';

/**
 * The schema holding a `keep: clone` checkpoint's clone on Snowflake: `<SCHEMA>__CKPT_<ID>`,
 * cut to 255 characters with a hash suffix when longer. Never a target (config refuses it).
 */
export function cloneSchemaName(schema: string, checkpointId: string): string {
  const full = `${schema}${CLONE_SCHEMA_MARK}${checkpointId}`;
  if (full.length <= 255) return full;
  let h = 0;
  for (const ch of full) h = (Math.imul(h, 31) + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `${full.slice(0, 246)}_${h.toString(16).padStart(8, '0')}`;
}

/** The mark between a schema's name and a checkpoint id in a clone schema's name. */
export const CLONE_SCHEMA_MARK = '__CKPT_';

/** The embedded warehouse's hidden schema (trash, kept copies, registry); never a target, in any case. */
export const HIDDEN_SCHEMA = '_ckpt';

/** A cron schedule of automatic checkpoints. */
export interface Schedule {
  id: string;
  /** 5 fields, or 6 with seconds first. */
  cron: string;
  /** IANA time zone the expression is read in. */
  timezone: string;
  description: string;
  /** How many of its checkpoints stay ACTIVE; null keeps all. */
  retain: number | null;
  position: SourcePosition;
}

/** The id prefix of a schedule's automatic checkpoints. */
export function autoCheckpointPrefix(scheduleId: string): string {
  return `AUTO_${scheduleId}_`;
}

/** A one-shot request; applied at most once per id. */
export interface Action {
  id: string;
  spec: ActionSpec;
  /** sha256 of the canonical JSON of `spec` (plus allowLarge); detects edits to an applied action. */
  specHash: string;
  /** Lets a cleanup or reset exceed the target's max_drop, and a cleanup, reset or full cleanup its max_drop_rows and max_drop_bytes. */
  allowLarge: boolean;
  position: SourcePosition;
}

/** What an action does, discriminated on `kind`. */
export type ActionSpec =
  | { kind: 'cleanup'; since: string }
  | { kind: 'restore'; from: string; objects: string[] | null }
  | { kind: 'reset'; to: string }
  | { kind: 'full-cleanup' };

/** The checkpoint an action refers to, if any. */
export function actionCheckpoint(spec: ActionSpec): string | null {
  switch (spec.kind) {
    case 'cleanup':
      return spec.since;
    case 'restore':
      return spec.from;
    case 'reset':
      return spec.to;
    case 'full-cleanup':
      return null;
  }
}

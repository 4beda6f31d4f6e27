/**
 * SQL of the lease (one writer per target) and the journal (every step of every run), shared
 * by both adapters through a small dialect. Snowflake enforces no unique keys and has no
 * advisory locks (docs/snowflake-behaviour.md#pitfall-18): the lease is one row taken by a conditional UPDATE and checked
 * by reading it back; it expires unless its holder renews it.
 */
import { quoteIdent } from '../model/refs.js';

/** What differs between warehouses for this SQL. */
export interface LeaseDialect {
  /** The qualified schema of the audit table. */
  schema: string;
  literal(value: string): string;
  timestampType: string;
  now: string;
  /** `now` plus some milliseconds. */
  nowPlusMs(ms: number): string;
  /** ISO text of a timestamp expression. */
  iso(expression: string): string;
}

/** One row of the lease table. */
export interface LeaseRow {
  holder: string | null;
  info: string | null;
  acquiredAt: string | null;
  expiresAt: string | null;
}

/** The events of an apply run. */
export type RunEvent = 'run-started' | 'step-started' | 'step-succeeded' | 'step-failed' | 'step-skipped' | 'run-finished' | 'run-failed';

/**
 * The events of a guard (`ckpt guard`, model/guard.ts): its command started, its command ended,
 * the guard finished (outcome and what was undone). Journalled under the run id `guard:<id>`.
 */
export const GUARD_EVENTS = ['guard-started', 'guard-command-ended', 'guard-finished'] as const;

/** One of GUARD_EVENTS. */
export type GuardEvent = (typeof GUARD_EVENTS)[number];

/** An event of a run or a guard, journalled as it happens. */
export interface JournalEntry {
  runId: string;
  seq: number;
  event: RunEvent | GuardEvent;
  stepIndex: number | null;
  kind: string | null;
  object: string | null;
  group: string | null;
  detail: string | null;
}

const tableOf = (d: LeaseDialect, name: string) => `${d.schema}.${quoteIdent(name)}`;

/** Creates the lease and journal tables and the lease's single row, if missing. */
export function leaseSetup(d: LeaseDialect, lease: string, journal: string): string[] {
  const ts = d.timestampType;
  return [
    `CREATE TABLE IF NOT EXISTS ${tableOf(d, lease)} (HOLDER VARCHAR, HOLDER_INFO VARCHAR, ACQUIRED_AT ${ts}, EXPIRES_AT ${ts}, HEARTBEAT_AT ${ts})`,
    `INSERT INTO ${tableOf(d, lease)} (HOLDER) SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM ${tableOf(d, lease)})`,
    `CREATE TABLE IF NOT EXISTS ${tableOf(d, journal)} (RUN_ID VARCHAR, SEQ INTEGER, EVENT_AT ${ts}, EVENT VARCHAR, STEP_INDEX INTEGER, STEP_KIND VARCHAR, OBJECT VARCHAR, GROUP_ID VARCHAR, DETAIL VARCHAR)`,
  ];
}

/** Takes the lease if it is free, expired, or already ours (a conditional UPDATE). */
export function leaseTake(d: LeaseDialect, lease: string, holder: string, info: string, ttlMs: number): string {
  const me = d.literal(holder);
  return `UPDATE ${tableOf(d, lease)} SET HOLDER = ${me}, HOLDER_INFO = ${d.literal(info)},
  ACQUIRED_AT = CASE WHEN HOLDER = ${me} THEN ACQUIRED_AT ELSE ${d.now} END,
  EXPIRES_AT = ${d.nowPlusMs(ttlMs)}, HEARTBEAT_AT = ${d.now}
WHERE HOLDER IS NULL OR HOLDER = ${me} OR EXPIRES_AT < ${d.now}`;
}

/** Extends our lease (no-op when it is not ours any more). */
export function leaseRenew(d: LeaseDialect, lease: string, holder: string, ttlMs: number): string {
  return `UPDATE ${tableOf(d, lease)} SET EXPIRES_AT = ${d.nowPlusMs(ttlMs)}, HEARTBEAT_AT = ${d.now} WHERE HOLDER = ${d.literal(holder)}`;
}

/** Gives our lease back. */
export function leaseRelease(d: LeaseDialect, lease: string, holder: string): string {
  return `UPDATE ${tableOf(d, lease)} SET HOLDER = NULL, HOLDER_INFO = NULL, EXPIRES_AT = NULL WHERE HOLDER = ${d.literal(holder)}`;
}

/** Frees the lease whoever holds it (`ckpt unlock`). */
export function leaseBreak(d: LeaseDialect, lease: string): string {
  return `UPDATE ${tableOf(d, lease)} SET HOLDER = NULL, HOLDER_INFO = NULL, EXPIRES_AT = NULL`;
}

/** Reads the lease rows. */
export function leaseRead(d: LeaseDialect, lease: string): string {
  return `SELECT HOLDER, HOLDER_INFO, ${d.iso('ACQUIRED_AT')} AS ACQUIRED_AT, ${d.iso('EXPIRES_AT')} AS EXPIRES_AT FROM ${tableOf(d, lease)}`;
}

/**
 * The most journal rows in one INSERT: well under Snowflake's 16,384 rows of a VALUES list and,
 * with the text bound below, under its 1 MB of statement text (docs/snowflake-behaviour.md,
 * "Long statements and retries").
 */
export const JOURNAL_CHUNK_ROWS = 1_000;
/** The most characters of journal text (mostly step details) in one INSERT. */
export const JOURNAL_CHUNK_TEXT = 256_000;

/** Journal entries in chunks of at most JOURNAL_CHUNK_ROWS rows and about JOURNAL_CHUNK_TEXT characters, in order. */
export function journalChunks(entries: JournalEntry[]): JournalEntry[][] {
  const chunks: JournalEntry[][] = [];
  let size = 0;
  for (const entry of entries) {
    const text = (entry.detail?.length ?? 0) + (entry.object?.length ?? 0) + 100;
    const last = chunks[chunks.length - 1];
    if (last === undefined || last.length >= JOURNAL_CHUNK_ROWS || size + text > JOURNAL_CHUNK_TEXT) {
      chunks.push([entry]);
      size = text;
    } else {
      last.push(entry);
      size += text;
    }
  }
  return chunks;
}

/** Whether an entry is in the journal (`N` > 0): a chunk's first entry tells whether its INSERT ran. */
export function journalRecorded(d: LeaseDialect, journal: string, entry: JournalEntry): string {
  return `SELECT COUNT(*) AS N FROM ${tableOf(d, journal)} WHERE RUN_ID = ${d.literal(entry.runId)} AND SEQ = ${Math.trunc(entry.seq)}`;
}

/** Appends journal entries in one statement. */
export function journalInsert(d: LeaseDialect, journal: string, entries: JournalEntry[]): string {
  const text = (v: string | null) => (v === null ? 'NULL' : d.literal(v));
  const num = (v: number | null) => (v === null ? 'NULL' : String(Math.trunc(v)));
  const rows = entries.map(
    (e) =>
      `(${text(e.runId)}, ${num(e.seq)}, ${d.now}, ${text(e.event)}, ${num(e.stepIndex)}, ${text(e.kind)}, ${text(e.object)}, ${text(e.group)}, ${text(e.detail)})`,
  );
  return `INSERT INTO ${tableOf(d, journal)} (RUN_ID, SEQ, EVENT_AT, EVENT, STEP_INDEX, STEP_KIND, OBJECT, GROUP_ID, DETAIL) VALUES ${rows.join(', ')}`;
}

/** Reads the journal (`guardsOnly`: only the guards' events), oldest first. */
export function journalRead(d: LeaseDialect, journal: string, guardsOnly = false): string {
  const where = guardsOnly ? ` WHERE EVENT IN (${GUARD_EVENTS.map((e) => d.literal(e)).join(', ')})` : '';
  return `SELECT RUN_ID, SEQ, ${d.iso('EVENT_AT')} AS EVENT_AT, EVENT, STEP_INDEX, STEP_KIND, OBJECT, GROUP_ID, DETAIL FROM ${tableOf(d, journal)}${where} ORDER BY EVENT_AT, RUN_ID, SEQ`;
}

/** Lease rows (upper-case keys) → values. */
export function readLeaseRows(rows: Array<Record<string, unknown>>): LeaseRow[] {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return rows.map((r) => ({
    holder: str(r.HOLDER),
    info: str(r.HOLDER_INFO),
    acquiredAt: str(r.ACQUIRED_AT),
    expiresAt: str(r.EXPIRES_AT),
  }));
}

/** Journal rows (upper-case keys) → entries with their time. */
export function readJournalRows(rows: Array<Record<string, unknown>>): Array<JournalEntry & { at: string }> {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    runId: String(r.RUN_ID),
    seq: Number(r.SEQ),
    at: String(r.EVENT_AT),
    event: String(r.EVENT) as JournalEntry['event'],
    stepIndex: num(r.STEP_INDEX),
    kind: str(r.STEP_KIND),
    object: str(r.OBJECT),
    group: str(r.GROUP_ID),
    detail: str(r.DETAIL),
  }));
}

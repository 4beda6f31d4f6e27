/**
 * The lease and the journal on any warehouse: the statements of lease-sql.ts run through a
 * small transport each adapter provides (several statements in one request where it can), so
 * that taking, renewing, releasing and breaking a lease, and the journal (in chunks, each written
 * once), are written once.
 */
import { internalTables } from '../model/desired.js';
import {
  journalChunks,
  journalInsert,
  journalRecorded,
  journalRead,
  leaseBreak,
  leaseRead,
  leaseRelease,
  leaseRenew,
  leaseSetup,
  leaseTake,
  readJournalRows,
  readLeaseRows,
  type JournalEntry,
  type LeaseDialect,
  type LeaseRow,
} from './lease-sql.js';

/** How an adapter runs the lease and journal statements of one target. */
export interface LeaseTransport {
  dialect: LeaseDialect;
  /** The target's audit table; the lease and journal tables are named after it. */
  auditTable: string;
  /** Statements that must run before the tables are set up (DuckDB: create the schema). */
  prelude: string[];
  /**
   * Runs statements in order (in one request where the warehouse allows) and returns the last
   * one's rows. `recorded`, for statements that must not run twice: a query whose first row's `N`
   * is above 0 once they took effect, checked before they are sent again after a lost answer.
   */
  run(
    statements: string[],
    purpose: 'lease' | 'unlock' | 'journal' | 'history',
    recorded?: string,
  ): Promise<Array<Record<string, unknown>>>;
  /** Whether an error says that a table does not exist (nothing taken or journalled yet). */
  isMissingTable(error: unknown): boolean;
}

/** The lease and journal of one target. */
export class LeaseStore {
  private readonly lease: string;
  private readonly journalTable: string;

  constructor(private readonly io: LeaseTransport) {
    const tables = internalTables(io.auditTable);
    this.lease = tables.lease;
    this.journalTable = tables.journal;
  }

  /** Setup, conditional take and read-back together (docs/snowflake-behaviour.md#pitfall-18: check by reading). */
  async take(holder: string, info: string, ttlMs: number): Promise<LeaseRow[]> {
    const d = this.io.dialect;
    const statements = [
      ...this.io.prelude,
      ...leaseSetup(d, this.lease, this.journalTable),
      leaseTake(d, this.lease, holder, info, ttlMs),
      leaseRead(d, this.lease),
    ];
    return readLeaseRows(await this.io.run(statements, 'lease'));
  }

  /** Extends `holder`'s lease; false when it is not `holder`'s any more. */
  async renew(holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.io.run(
      [leaseRenew(this.io.dialect, this.lease, holder, ttlMs), leaseRead(this.io.dialect, this.lease)],
      'lease',
    );
    return readLeaseRows(rows).every((r) => r.holder === holder);
  }

  async release(holder: string): Promise<void> {
    await this.io.run([leaseRelease(this.io.dialect, this.lease, holder)], 'lease');
  }

  /** Frees the lease whoever holds it; returns the rows before (none when there is no lease table). */
  async break(): Promise<LeaseRow[]> {
    return this.orNothing(async () => {
      const before = readLeaseRows(await this.io.run([leaseRead(this.io.dialect, this.lease)], 'unlock'));
      await this.io.run([leaseBreak(this.io.dialect, this.lease)], 'unlock');
      return before;
    });
  }

  /** Appends entries in chunks (journalChunks), each written once even when its answer is lost. */
  async journal(entries: JournalEntry[]): Promise<void> {
    const d = this.io.dialect;
    for (const chunk of journalChunks(entries)) {
      const recorded = journalRecorded(d, this.journalTable, chunk[0] as JournalEntry);
      await this.io.run([journalInsert(d, this.journalTable, chunk)], 'journal', recorded);
    }
  }

  /** The journal, oldest first (empty before the first run); `guardsOnly`: only the guards' events (GUARD_EVENTS). */
  async readJournal(guardsOnly = false): Promise<Array<JournalEntry & { at: string }>> {
    return this.orNothing(async () =>
      readJournalRows(await this.io.run([journalRead(this.io.dialect, this.journalTable, guardsOnly)], 'history')),
    );
  }

  private async orNothing<T>(read: () => Promise<T[]>): Promise<T[]> {
    try {
      return await read();
    } catch (error) {
      if (this.io.isMissingTable(error)) return [];
      throw error;
    }
  }
}

/**
 * The lease store on a recording transport: which statements each operation sends, on which
 * tables (named after the audit table) and in one request; a renewal holds only if every lease
 * row names the holder; breaking the lease returns who held it; before the first run (no lease
 * or journal table yet) break and the journal read find nothing, while any other error surfaces;
 * an empty journal write sends nothing; the journal goes in chunks, each with the query that tells
 * whether it was written (its first entry).
 */
import { describe, expect, it } from 'vitest';
import {
  JOURNAL_CHUNK_ROWS,
  JOURNAL_CHUNK_TEXT,
  journalInsert,
  journalRecorded,
  journalRead,
  leaseBreak,
  leaseRead,
  leaseRelease,
  leaseRenew,
  leaseSetup,
  leaseTake,
  type JournalEntry,
  type LeaseDialect,
} from '../../src/warehouse/lease-sql.js';
import { LeaseStore, type LeaseTransport } from '../../src/warehouse/lease-store.js';

const dialect: LeaseDialect = {
  schema: '"DEMO"',
  literal: (v) => `'${v}'`,
  timestampType: 'TIMESTAMP',
  now: 'NOW()',
  nowPlusMs: (ms) => `NOW() + ${ms}`,
  iso: (e) => `ISO(${e})`,
};
const LEASE = 'CHECKPOINT_AUDIT_LEASE';
const JOURNAL = 'CHECKPOINT_AUDIT_JOURNAL';

type Answer = Array<Record<string, unknown>> | Error;

/** A transport that records each request and answers from `answers` in turn (then: no rows). */
function transport(answers: Answer[] = []) {
  const requests: Array<{ statements: string[]; purpose: string; recorded?: string }> = [];
  const io: LeaseTransport = {
    dialect,
    auditTable: 'CHECKPOINT_AUDIT',
    prelude: ['CREATE SCHEMA IF NOT EXISTS "DEMO"'],
    run: async (statements, purpose, recorded) => {
      requests.push({ statements, purpose, ...(recorded === undefined ? {} : { recorded }) });
      const answer = answers.shift() ?? [];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    isMissingTable: (error) => error instanceof Error && error.message === 'no such table',
  };
  return { store: new LeaseStore(io), requests };
}

const leaseRow = (holder: string | null) => ({
  HOLDER: holder,
  HOLDER_INFO: holder === null ? null : `{"pid":1}`,
  ACQUIRED_AT: null,
  EXPIRES_AT: null,
});

describe('the lease store', () => {
  it('takes the lease in one request: prelude, setup, conditional take, read-back', async () => {
    const { store, requests } = transport([[leaseRow('me')]]);
    expect(await store.take('me', '{"pid":1}', 5000)).toEqual([{ holder: 'me', info: '{"pid":1}', acquiredAt: null, expiresAt: null }]);
    expect(requests).toEqual([
      {
        statements: [
          'CREATE SCHEMA IF NOT EXISTS "DEMO"',
          ...leaseSetup(dialect, LEASE, JOURNAL),
          leaseTake(dialect, LEASE, 'me', '{"pid":1}', 5000),
          leaseRead(dialect, LEASE),
        ],
        purpose: 'lease',
      },
    ]);
  });

  it('a renewal holds only while every lease row names the holder', async () => {
    const { store, requests } = transport([[leaseRow('me')], [leaseRow('other')], [leaseRow('me'), leaseRow('other')], [leaseRow(null)]]);
    expect(await store.renew('me', 5000)).toBe(true);
    expect(await store.renew('me', 5000)).toBe(false);
    expect(await store.renew('me', 5000)).toBe(false);
    expect(await store.renew('me', 5000)).toBe(false);
    expect(requests[0]).toEqual({ statements: [leaseRenew(dialect, LEASE, 'me', 5000), leaseRead(dialect, LEASE)], purpose: 'lease' });
  });

  it('releases only the holder’s lease', async () => {
    const { store, requests } = transport();
    await store.release('me');
    expect(requests).toEqual([{ statements: [leaseRelease(dialect, LEASE, 'me')], purpose: 'lease' }]);
  });

  it('breaks the lease whoever holds it, returning who held it', async () => {
    const { store, requests } = transport([[leaseRow('other')]]);
    expect(await store.break()).toMatchObject([{ holder: 'other' }]);
    expect(requests).toEqual([
      { statements: [leaseRead(dialect, LEASE)], purpose: 'unlock' },
      { statements: [leaseBreak(dialect, LEASE)], purpose: 'unlock' },
    ]);
  });

  it('before the first run there is no lease to break and no journal to read; other errors surface', async () => {
    const missing = transport([new Error('no such table'), new Error('no such table')]);
    expect(await missing.store.break()).toEqual([]);
    expect(await missing.store.readJournal()).toEqual([]);
    const down = transport([new Error('network down'), new Error('network down')]);
    await expect(down.store.break()).rejects.toThrow('network down');
    await expect(down.store.readJournal()).rejects.toThrow('network down');
  });

  it('journals entries in one statement, and sends nothing for none', async () => {
    const entry: JournalEntry = {
      runId: 'r',
      seq: 0,
      event: 'run-started',
      stepIndex: null,
      kind: null,
      object: null,
      group: null,
      detail: null,
    };
    const { store, requests } = transport();
    await store.journal([]);
    expect(requests).toEqual([]);
    await store.journal([entry, { ...entry, seq: 1, event: 'run-finished' }]);
    expect(requests).toEqual([
      {
        statements: [journalInsert(dialect, JOURNAL, [entry, { ...entry, seq: 1, event: 'run-finished' }])],
        purpose: 'journal',
        recorded: journalRecorded(dialect, JOURNAL, entry),
      },
    ]);
    expect(journalRecorded(dialect, JOURNAL, entry)).toBe(`SELECT COUNT(*) AS N FROM "DEMO"."${JOURNAL}" WHERE RUN_ID = 'r' AND SEQ = 0`);
  });

  it('journals many entries in chunks of JOURNAL_CHUNK_ROWS rows, or fewer when their text is long, in order', async () => {
    const entry = (seq: number, detail: string | null = null): JournalEntry => ({
      runId: 'r',
      seq,
      event: 'step-started',
      stepIndex: seq,
      kind: 'drop-object',
      object: `T${seq}`,
      group: null,
      detail,
    });
    const many = Array.from({ length: 2 * JOURNAL_CHUNK_ROWS + 500 }, (_, i) => entry(i));
    const { store, requests } = transport();
    await store.journal(many);
    expect(requests.map((r) => r.statements)).toEqual([
      [journalInsert(dialect, JOURNAL, many.slice(0, JOURNAL_CHUNK_ROWS))],
      [journalInsert(dialect, JOURNAL, many.slice(JOURNAL_CHUNK_ROWS, 2 * JOURNAL_CHUNK_ROWS))],
      [journalInsert(dialect, JOURNAL, many.slice(2 * JOURNAL_CHUNK_ROWS))],
    ]);
    expect(requests.map((r) => r.recorded)).toEqual(
      [0, JOURNAL_CHUNK_ROWS, 2 * JOURNAL_CHUNK_ROWS].map((i) => journalRecorded(dialect, JOURNAL, entry(i))),
    );
    const long = 'x'.repeat(JOURNAL_CHUNK_TEXT / 2);
    const wordy = transport();
    await wordy.store.journal([entry(0, long), entry(1, long), entry(2, long)]);
    expect(wordy.requests.map((r) => r.statements)).toEqual([
      [journalInsert(dialect, JOURNAL, [entry(0, long)])],
      [journalInsert(dialect, JOURNAL, [entry(1, long)])],
      [journalInsert(dialect, JOURNAL, [entry(2, long)])],
    ]);
  });

  it('reads the journal back', async () => {
    const { store, requests } = transport([
      [
        {
          RUN_ID: 'r',
          SEQ: 0,
          EVENT_AT: '2026-01-01T00:00:00Z',
          EVENT: 'run-started',
          STEP_INDEX: null,
          STEP_KIND: null,
          OBJECT: null,
          GROUP_ID: null,
          DETAIL: null,
        },
      ],
    ]);
    expect(await store.readJournal()).toEqual([
      {
        runId: 'r',
        seq: 0,
        at: '2026-01-01T00:00:00Z',
        event: 'run-started',
        stepIndex: null,
        kind: null,
        object: null,
        group: null,
        detail: null,
      },
    ]);
    expect(requests).toEqual([{ statements: [journalRead(dialect, JOURNAL)], purpose: 'history' }]);
  });
});

/**
 * The weight guard (src/plan/weight-guard.ts): a cleanup, reset or full cleanup that drops or
 * overwrites more rows than max_drop_rows, or more bytes than max_drop_bytes, is held back by a
 * TOO_MUCH_DATA blocker stating the measured weight, unless the action sets allow_large: true.
 * The limit is inclusive; reverted tables count their current rows; a table whose measure the
 * warehouse does not report cannot be shown within the limit, so it holds the action back too.
 */
import { describe, expect, it } from 'vitest';
import type { Action, Target } from '../../src/model/desired.js';
import type { InventoryEntry, Observed } from '../../src/model/observed.js';
import type { Step, TargetPlan } from '../../src/model/plan.js';
import { planTarget } from '../../src/plan/plan.js';
import { action, target } from '../support/desired.js';
import { checkpoint, dropped, obj, observed } from '../support/observed.js';

const LATE = '2026-11-27T10:30:00.000Z';
const ORDERS = obj('ORDERS');

/** A table created after the checkpoint, holding `rowCount` rows and `bytes` bytes. */
const newTable = (name: string, rowCount: number | null, bytes: number | null = null): InventoryEntry => ({
  ...obj(name, 'TABLE', LATE),
  rowCount,
  bytes,
});

const cleanup = (allowLarge = false) => action('c1', { kind: 'cleanup', since: 'baseline' }, allowLarge);
const reset = (allowLarge = false) => action('r1', { kind: 'reset', to: 'baseline' }, allowLarge);
const wipe = (allowLarge = false) => action('w1', { kind: 'full-cleanup' }, allowLarge);

function plan(limits: Partial<Target>, act: Action, o: Partial<Observed>): TargetPlan {
  return planTarget(target({ ...limits, actions: [act] }), observed(o));
}

/** A cleanup of the given newcomers since a checkpoint holding ORDERS. */
const cleanupOf = (limits: Partial<Target>, objects: InventoryEntry[], allowLarge = false, extra: Partial<Observed> = {}) =>
  plan(limits, cleanup(allowLarge), { objects: [ORDERS, ...objects], checkpoints: [checkpoint('baseline', [ORDERS])], ...extra });

const label = (s: Step) => `${s.kind}${'object' in s ? `:${s.object.name}` : s.kind === 'record-action' ? `:${s.actionId}` : ''}`;
const blockers = (p: TargetPlan) => p.findings.map((f) => [f.severity, f.code, f.actionId, f.message]);

describe('max_drop_rows', () => {
  const A = newTable('A', 600_000);
  const B = newTable('B', 400_001);

  it('refuses a cleanup dropping more rows than the limit, stating the measured weight, at the action', () => {
    const p = cleanupOf({ maxDropRows: 1_000_000 }, [A, B]);
    expect(p.steps).toEqual([]);
    expect(blockers(p)).toEqual([
      [
        'blocker',
        'TOO_MUCH_DATA',
        'c1',
        'cleanup c1 would drop 1,000,001 rows in 2 tables, more than the 1,000,000 rows max_drop_rows allows; set allow_large: true on the action to allow it',
      ],
    ]);
    expect(p.findings[0]?.position).toEqual(cleanup().position);
  });

  it('allows exactly the limit and refuses one row over', () => {
    expect(cleanupOf({ maxDropRows: 1_000_001 }, [A, B]).steps.map(label)).toEqual(['drop-object:A', 'drop-object:B', 'record-action:c1']);
    expect(cleanupOf({ maxDropRows: 1_000_000 }, [A, B]).findings.map((f) => f.code)).toEqual(['TOO_MUCH_DATA']);
  });

  it('allows any weight with allow_large: true', () => {
    const p = cleanupOf({ maxDropRows: 1 }, [A, B], true);
    expect(p.findings).toEqual([]);
    expect(p.steps.map(label)).toEqual(['drop-object:A', 'drop-object:B', 'record-action:c1']);
  });

  it('says "about" when the row counts are the warehouse estimates (the embedded warehouse)', () => {
    const p = cleanupOf({ maxDropRows: 10 }, [newTable('A', 11)], false, { rowCountsEstimated: true });
    expect(p.findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop about 11 rows in 1 table, more than the 10 rows max_drop_rows allows; set allow_large: true on the action to allow it',
    ]);
  });

  it('refuses a table the warehouse reports no row count for: it cannot be shown within the limit', () => {
    const p = cleanupOf({ maxDropRows: 1_000 }, [newTable('A', 5), newTable('b c', null)]);
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 1 table the warehouse reports no row count for ("b c"); the others hold 5 rows, so it cannot be shown to stay within the 1,000 rows max_drop_rows allows; set allow_large: true on the action to allow it, or use max_drop_bytes instead of max_drop_rows',
    ]);
    expect(cleanupOf({ maxDropRows: 1_000 }, [newTable('A', 5), newTable('b c', null)], true).findings).toEqual([]);
  });

  it('names three unreported tables and counts the rest; over the limit, says what it does not count', () => {
    const unknown = ['U1', 'U2', 'U3', 'U4', 'U5'].map((n) => newTable(n, null));
    expect(cleanupOf({ maxDropRows: 0 }, unknown).findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 5 tables the warehouse reports no row count for (U1, U2, U3 and 2 more), so it cannot be shown to stay within the 0 rows max_drop_rows allows; set allow_large: true on the action to allow it, or use max_drop_bytes instead of max_drop_rows',
    ]);
    expect(cleanupOf({ maxDropRows: 1 }, [newTable('A', 2), newTable('U', null)]).findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 2 rows in 1 table, more than the 1 row max_drop_rows allows (not counting 1 table the warehouse reports no row count for); set allow_large: true on the action to allow it',
    ]);
  });

  it('says "about" for the estimated rows of the tables it could count, next to those it could not', () => {
    const p = cleanupOf({ maxDropRows: 1_000 }, [newTable('A', 5), newTable('U', null)], false, { rowCountsEstimated: true });
    expect(p.findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 1 table the warehouse reports no row count for (U); the others hold about 5 rows, so it cannot be shown to stay within the 1,000 rows max_drop_rows allows; set allow_large: true on the action to allow it, or use max_drop_bytes instead of max_drop_rows',
    ]);
  });

  it('names all of exactly three unreported tables, with nothing more to count', () => {
    const unknown = ['U1', 'U2', 'U3'].map((n) => newTable(n, null));
    expect(cleanupOf({ maxDropRows: 0 }, unknown).findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 3 tables the warehouse reports no row count for (U1, U2, U3), so it cannot be shown to stay within the 0 rows max_drop_rows allows; set allow_large: true on the action to allow it, or use max_drop_bytes instead of max_drop_rows',
    ]);
  });

  it('counts neither views nor protected tables, and allows empty tables under a limit of 0', () => {
    const view = obj('V', 'VIEW', LATE);
    const p = cleanupOf({ maxDropRows: 0, protect: ['KEEP_*'] }, [view, newTable('EMPTY', 0), newTable('KEEP_ME', 1_000)]);
    expect(p.findings.map((f) => f.code)).toEqual(['PROTECTED_KEPT']);
    expect(p.steps.map(label)).toEqual(['drop-object:V', 'drop-object:EMPTY', 'record-action:c1']);
  });

  it('is unlimited when unset', () => {
    expect(cleanupOf({}, [newTable('A', Number.MAX_SAFE_INTEGER, null)]).findings).toEqual([]);
  });
});

describe('max_drop_bytes', () => {
  it('says 1 byte and 2 bytes', () => {
    expect(cleanupOf({ maxDropBytes: 1 }, [newTable('A', 1, 2)]).findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 2 bytes in 1 table, more than the 1 byte max_drop_bytes allows; set allow_large: true on the action to allow it',
    ]);
  });

  it('refuses more bytes than the limit, in bytes and decimal units, and allows exactly the limit', () => {
    const tables = [newTable('A', 1, 7_000_000_000), newTable('B', 1, 5_345_678_901)];
    expect(cleanupOf({ maxDropBytes: 10_000_000_000 }, tables).findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 12,345,678,901 bytes (12.3 GB) in 2 tables, more than the 10,000,000,000 bytes (10.0 GB) max_drop_bytes allows; set allow_large: true on the action to allow it',
    ]);
    expect(cleanupOf({ maxDropBytes: 12_345_678_901 }, tables).findings).toEqual([]);
    expect(cleanupOf({ maxDropBytes: 12_345_678_900 }, tables).findings.map((f) => f.code)).toEqual(['TOO_MUCH_DATA']);
    expect(cleanupOf({ maxDropBytes: 1 }, tables, true).findings).toEqual([]);
    expect(cleanupOf({ maxDropBytes: 0 }, [newTable('A', 1, 999_999)]).findings[0]?.message).toMatch(
      /^cleanup c1 would drop 999,999 bytes \(1.0 MB\) in 1 table, more than the 0 bytes max_drop_bytes allows;/,
    );
  });

  it('refuses on a warehouse that reports no bytes (the embedded one), and says what to do', () => {
    const p = cleanupOf({ maxDropBytes: 10_000_000_000 }, [newTable('A', 5, null)], false, { rowCountsEstimated: true });
    expect(p.findings.map((f) => f.message)).toEqual([
      'cleanup c1 would drop 1 table the warehouse reports no size in bytes for (A), so it cannot be shown to stay within the 10,000,000,000 bytes (10.0 GB) max_drop_bytes allows; set allow_large: true on the action to allow it, or use max_drop_rows instead of max_drop_bytes',
    ]);
  });

  it('reports each limit it exceeds, after max_drop', () => {
    const p = cleanupOf({ maxDrop: 1, maxDropRows: 1, maxDropBytes: 999 }, [newTable('A', 2, 1_000), newTable('B', 0, 0)]);
    expect(p.findings.map((f) => f.code)).toEqual(['TOO_MANY_DROPS', 'TOO_MUCH_DATA', 'TOO_MUCH_DATA']);
    expect(p.findings[2]?.message).toBe(
      'cleanup c1 would drop 1,000 bytes (1.0 KB) in 2 tables, more than the 999 bytes max_drop_bytes allows; set allow_large: true on the action to allow it',
    );
  });
});

describe('reset', () => {
  const AT = { ...ORDERS, lastAltered: '2026-11-27T08:30:00.000Z', columns: ['ID'], rowCount: 100 };
  /** ORDERS with its rows changed after the checkpoint: now 700 rows, which the revert overwrites. */
  const CHANGED = { ...AT, lastAltered: '2026-11-27T10:12:03.000Z', rowCount: 700 };
  const resetOf = (limits: Partial<Target>, objects: InventoryEntry[], allowLarge = false) =>
    plan(limits, reset(allowLarge), { objects, checkpoints: [checkpoint('baseline', [AT])] });

  it('counts the rows a content revert overwrites, and says it overwrites them', () => {
    const p = resetOf({ maxDropRows: 699 }, [CHANGED]);
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.message)).toEqual([
      'reset r1 would overwrite 700 rows in 1 table it reverts, more than the 699 rows max_drop_rows allows; set allow_large: true on the action to allow it',
    ]);
    expect(resetOf({ maxDropRows: 700 }, [CHANGED]).steps.map(label)).toEqual(['restore-content:ORDERS', 'record-action:r1']);
  });

  it('adds up drops and reverts; allow_large lets it go ahead', () => {
    const objects = [CHANGED, newTable('NEW', 301)];
    expect(resetOf({ maxDropRows: 1_000 }, objects).findings.map((f) => f.message)).toEqual([
      'reset r1 would drop or overwrite 1,001 rows in 2 tables (1 dropped, 1 reverted), more than the 1,000 rows max_drop_rows allows; set allow_large: true on the action to allow it',
    ]);
    expect(resetOf({ maxDropRows: 1_001 }, objects).findings).toEqual([]);
    const allowed = resetOf({ maxDropRows: 1 }, objects, true);
    expect(allowed.findings).toEqual([]);
    expect(allowed.steps.map(label)).toEqual(['drop-object:NEW', 'restore-content:ORDERS', 'record-action:r1']);
  });
});

describe('full cleanup', () => {
  const objects = [newTable('A', 50, 2_000), newTable('B', 51, 2_000)];
  const wipeOf = (limits: Partial<Target>, allowLarge = false) => plan(limits, wipe(allowLarge), { objects });

  it('is held back by the weight limits, though max_drop does not apply to it', () => {
    expect(wipeOf({ maxDrop: 1, maxDropRows: 100 }).findings.map((f) => f.message)).toEqual([
      'full cleanup w1 would drop 101 rows in 2 tables, more than the 100 rows max_drop_rows allows; set allow_large: true on the action to allow it',
    ]);
    expect(wipeOf({ maxDropBytes: 3_999 }).findings.map((f) => f.code)).toEqual(['TOO_MUCH_DATA']);
  });

  it('goes ahead at the limit, or with allow_large: true', () => {
    expect(wipeOf({ maxDropRows: 101, maxDropBytes: 4_000 }).steps.map(label)).toEqual([
      'drop-object:A',
      'drop-object:B',
      'record-action:w1',
    ]);
    expect(wipeOf({ maxDropRows: 0, maxDropBytes: 0 }, true).steps.map(label)).toEqual([
      'drop-object:A',
      'drop-object:B',
      'record-action:w1',
    ]);
  });
});

describe('restore', () => {
  it('is not weighed: it brings back, and drops or overwrites nothing', () => {
    const p = plan({ maxDropRows: 0, maxDropBytes: 0 }, action('s1', { kind: 'restore', from: 'baseline', objects: null }), {
      dropped: [dropped(ORDERS)],
      checkpoints: [checkpoint('baseline', [ORDERS])],
    });
    expect(p.findings).toEqual([]);
    expect(p.steps.map(label)).toEqual(['restore-table:ORDERS', 'record-action:s1']);
  });
});

/**
 * Where a changed table's checkpoint content is read back from: a copy ckpt kept (the
 * checkpoint's own clone, else another checkpoint's clone of the very same table version), else
 * Time Travel AT the checkpoint while retention, the table's history and its columns allow; and
 * otherwise the sentence a person reads saying why not and what would have helped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InventoryEntry, RecordedCheckpoint } from '../../src/model/observed.js';
import { pendingSource, recordedSource } from '../../src/plan/checkpoint-source.js';
import { contentSource, keptCopy } from '../../src/plan/content-source.js';
import { BASELINE_AT, NOW, checkpoint, obj } from '../support/observed.js';

const ALTERED = '2026-11-27T08:30:00.000Z';
/** ORDERS as the baseline checkpoint recorded it: content version ALTERED, two columns, 1 day of retention. */
const ORDERS_AT: InventoryEntry = { ...obj('ORDERS'), lastAltered: ALTERED, columns: ['ID', 'NOTE'] };
/** ORDERS live, same incarnation, altered since. */
const ORDERS_NOW: InventoryEntry = { ...ORDERS_AT, lastAltered: '2026-11-27T10:00:00.000Z' };

const byId = (...checkpoints: RecordedCheckpoint[]) => new Map(checkpoints.map((c) => [c.id, c]));
/** A keep: clone checkpoint that recorded `objects`, taken at `timestamp`. */
const cloned = (id: string, objects: InventoryEntry[], timestamp: string, extra: Partial<RecordedCheckpoint> = {}) =>
  checkpoint(id, objects, { keep: 'clone', clone: `_ckpt_${id}`, timestamp, ...extra });

describe('keptCopy', () => {
  it("the checkpoint's own clone holds its tables", () => {
    const baseline = cloned('baseline', [ORDERS_AT], BASELINE_AT);
    expect(keptCopy(ORDERS_AT, recordedSource(baseline), byId(baseline))).toEqual({
      kind: 'clone',
      checkpointId: 'baseline',
      location: '_ckpt_baseline',
    });
  });

  it('a checkpoint the plan takes now has no copy of its own', () => {
    expect(keptCopy(ORDERS_AT, pendingSource('baseline', [ORDERS_AT]), byId())).toBeNull();
  });

  it("another checkpoint's clone serves when it recorded the same incarnation, content version and columns", () => {
    const baseline = checkpoint('baseline', [ORDERS_AT]);
    const later = cloned('later', [obj('OTHER'), { ...ORDERS_AT, lastAltered: '2026-11-27T08:30:00Z' }], '2026-11-27T09:30:00.000Z');
    expect(keptCopy(ORDERS_AT, recordedSource(baseline), byId(baseline, later))).toEqual({
      kind: 'clone',
      checkpointId: 'later',
      location: '_ckpt_later',
    });
  });

  it.each<[string, Partial<InventoryEntry> | null, Partial<RecordedCheckpoint>]>([
    ['another content version', { lastAltered: '2026-11-27T08:45:00.000Z' }, {}],
    ['no content version', { lastAltered: null }, {}],
    ['other columns', { columns: ['ID'] }, {}],
    ['another incarnation', { created: '2026-11-27T08:10:00.000Z' }, {}],
    ['another table with the same versions', { name: 'ORDERS_ARCHIVE' }, {}],
    ['a view of that name', { kind: 'VIEW', definition: 'CREATE VIEW ORDERS AS SELECT 1' }, {}],
    ['a deleted checkpoint', {}, { status: 'DELETED' }],
    ['a clone that no longer exists', {}, { clone: null }],
  ])("another checkpoint's clone does not serve when it holds %s", (_, change, extra) => {
    const baseline = checkpoint('baseline', [ORDERS_AT]);
    const later = cloned('later', [{ ...ORDERS_AT, ...change }], '2026-11-27T09:30:00.000Z', extra);
    expect(keptCopy(ORDERS_AT, recordedSource(baseline), byId(baseline, later))).toBeNull();
  });

  it('a view is never read from a kept copy: copies hold tables', () => {
    const view = { ...obj('V_ORDERS', 'VIEW'), lastAltered: ALTERED };
    const baseline = checkpoint('baseline', [view]);
    const later = cloned('later', [view], '2026-11-27T09:30:00.000Z');
    expect(keptCopy(view, recordedSource(baseline), byId(baseline, later))).toBeNull();
  });

  it('a table recorded without a content version is never matched to a clone', () => {
    const unversioned = { ...ORDERS_AT, lastAltered: null };
    const baseline = checkpoint('baseline', [unversioned]);
    const later = cloned('later', [unversioned], '2026-11-27T09:30:00.000Z');
    expect(keptCopy(unversioned, recordedSource(baseline), byId(baseline, later))).toBeNull();
  });

  it('tables recorded without columns match clones recorded without columns', () => {
    const old = { ...ORDERS_AT, columns: undefined };
    const baseline = checkpoint('baseline', [old]);
    const later = cloned('later', [{ ...old, columns: null }], '2026-11-27T09:30:00.000Z');
    expect(keptCopy(old, recordedSource(baseline), byId(baseline, later))?.checkpointId).toBe('later');
  });

  it('property: the earliest matching clone is chosen, whatever order the audit table lists checkpoints in', () => {
    const hours = fc.uniqueArray(fc.record({ hour: fc.integer({ min: 10, max: 23 }), same: fc.boolean() }), {
      selector: (c) => c.hour,
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(hours, fc.boolean(), (clones, reversed) => {
        const baseline = checkpoint('baseline', [ORDERS_AT]);
        const others = clones.map((c) =>
          cloned(`cp${c.hour}`, [c.same ? ORDERS_AT : { ...ORDERS_AT, lastAltered: NOW }], `2026-11-27T${c.hour}:00:00.000Z`),
        );
        const listed = reversed ? [...others].reverse() : others;
        const matching = clones.filter((c) => c.same).map((c) => c.hour);
        const expected = matching.length === 0 ? null : `cp${Math.min(...matching)}`;
        expect(keptCopy(ORDERS_AT, recordedSource(baseline), byId(baseline, ...listed))?.checkpointId ?? null).toBe(expected);
      }),
    );
  });
});

describe('contentSource', () => {
  const baseline = checkpoint('baseline', [ORDERS_AT]);
  const read = (entry: InventoryEntry, live: InventoryEntry, now = NOW, declaredClone = false, from = baseline) =>
    contentSource(entry, live, recordedSource(from), byId(from), now, declaredClone);

  it('reads Time Travel AT the checkpoint within retention', () => {
    expect(read(ORDERS_AT, ORDERS_NOW)).toEqual({ kind: 'time-travel', at: BASELINE_AT });
  });

  it('prefers a kept copy to Time Travel', () => {
    const kept = cloned('baseline', [ORDERS_AT], BASELINE_AT);
    expect(read(ORDERS_AT, ORDERS_NOW, NOW, false, kept)).toEqual({ kind: 'clone', checkpointId: 'baseline', location: '_ckpt_baseline' });
  });

  it('without Time Travel, says the checkpoint keeps an inventory only and advises keep: clone', () => {
    const noTimeTravel = { ...ORDERS_NOW, retentionDays: null };
    const expected =
      'checkpoint baseline keeps an inventory only and this warehouse has no Time Travel; declare checkpoints with keep: clone to restore content';
    expect(read(ORDERS_AT, noTimeTravel)).toBe(expected);
    expect(read({ ...ORDERS_AT, retentionDays: null }, ORDERS_NOW)).toBe(expected);
  });

  it('Time Travel ends when retention has passed since the checkpoint: the instant it ends is too late', () => {
    const ends = '2026-11-28T09:00:00.000Z';
    expect(read(ORDERS_AT, ORDERS_NOW, '2026-11-28T08:59:59.999Z')).toEqual({ kind: 'time-travel', at: BASELINE_AT });
    expect(read(ORDERS_AT, ORDERS_NOW, ends)).toBe(
      'checkpoint baseline stopped being restorable on 2026-11-28 09:00:00 UTC (Time Travel retention of 1 day(s) has passed: docs/snowflake-behaviour.md, pitfall 3); declare checkpoints with keep: clone to restore at any age',
    );
  });

  it('the shorter of the recorded and the current retention applies, whichever it is', () => {
    const later = '2026-11-29T12:00:00.000Z';
    const long = { retentionDays: 7 };
    expect(read({ ...ORDERS_AT, ...long }, { ...ORDERS_NOW, ...long }, later)).toEqual({ kind: 'time-travel', at: BASELINE_AT });
    for (const [entry, live] of [
      [{ ...ORDERS_AT, ...long }, ORDERS_NOW],
      [ORDERS_AT, { ...ORDERS_NOW, ...long }],
    ] as const) {
      expect(read(entry, live, later)).toContain('stopped being restorable on 2026-11-28 09:00:00 UTC (Time Travel retention of 1 day(s)');
    }
  });

  it('a retention of 0 days ends Time Travel at once', () => {
    expect(read(ORDERS_AT, { ...ORDERS_NOW, retentionDays: 0 })).toContain(
      'stopped being restorable on 2026-11-27 09:00:00 UTC (Time Travel retention of 0 day(s)',
    );
  });

  it("the date given is when the checkpoint's shortest-lived table stopped being restorable, if earlier", () => {
    const brief = { ...obj('BRIEF'), retentionDays: 0 };
    const withBrief = checkpoint('baseline', [ORDERS_AT, brief]);
    expect(read(ORDERS_AT, ORDERS_NOW, '2026-11-28T10:00:00.000Z', false, withBrief)).toContain(
      'stopped being restorable on 2026-11-27 09:00:00 UTC (Time Travel retention of 1 day(s)',
    );
    const lasting = checkpoint('baseline', [ORDERS_AT, { ...brief, retentionDays: 5 }]);
    expect(read(ORDERS_AT, ORDERS_NOW, '2026-11-28T10:00:00.000Z', false, lasting)).toContain(
      'stopped being restorable on 2026-11-28 09:00:00 UTC',
    );
  });

  it('a table whose Time Travel history starts after the checkpoint cannot be read AT it', () => {
    expect(read(ORDERS_AT, { ...ORDERS_NOW, timeTravelFrom: '2026-11-27T09:00:00.001Z' })).toBe(
      'its Time Travel history starts at 2026-11-27 09:00:00 UTC, after checkpoint baseline',
    );
    expect(read(ORDERS_AT, { ...ORDERS_NOW, timeTravelFrom: BASELINE_AT })).toEqual({ kind: 'time-travel', at: BASELINE_AT });
    expect(read(ORDERS_AT, { ...ORDERS_NOW, timeTravelFrom: null })).toEqual({ kind: 'time-travel', at: BASELINE_AT });
  });

  it('a column dropped since cannot come back through Time Travel, which reads the current columns', () => {
    expect(read(ORDERS_AT, { ...ORDERS_NOW, columns: ['ID', 'EXTRA'] })).toBe(
      'column(s) NOTE were dropped since, and Time Travel reads a table with its current columns; only a keep: clone checkpoint can bring them back',
    );
    expect(read({ ...ORDERS_AT, columns: ['ID', 'NOTE', 'MEMO'] }, { ...ORDERS_NOW, columns: ['ID'] })).toContain(
      'column(s) NOTE, MEMO were dropped',
    );
  });

  it('added columns, or columns unknown on either side, do not stop Time Travel', () => {
    expect(read(ORDERS_AT, { ...ORDERS_NOW, columns: ['ID', 'NOTE', 'EXTRA'] })).toEqual({ kind: 'time-travel', at: BASELINE_AT });
    expect(read(ORDERS_AT, { ...ORDERS_NOW, columns: null })).toEqual({ kind: 'time-travel', at: BASELINE_AT });
    expect(read({ ...ORDERS_AT, columns: undefined }, ORDERS_NOW)).toEqual({ kind: 'time-travel', at: BASELINE_AT });
  });

  describe('when the file already declares keep: clone for the checkpoint', () => {
    it('says the checkpoint was taken without it and to declare a new id', () => {
      const without =
        "checkpoint baseline was taken without keep: clone (the file's keep: clone came later, and a taken checkpoint is never retaken: declare a new id)";
      expect(read(ORDERS_AT, { ...ORDERS_NOW, retentionDays: null }, NOW, true)).toBe(
        `checkpoint baseline keeps an inventory only and this warehouse has no Time Travel; ${without}`,
      );
      expect(read(ORDERS_AT, ORDERS_NOW, '2026-11-29T00:00:00.000Z', true)).toMatch(
        /pitfall 3\); checkpoint baseline was taken without keep: clone \(/,
      );
      expect(read(ORDERS_AT, { ...ORDERS_NOW, columns: ['ID'] }, NOW, true)).toBe(
        `column(s) NOTE were dropped since, and Time Travel reads a table with its current columns; only a keep: clone checkpoint can bring them back, and ${without}`,
      );
    });

    it('says the copy it kept no longer exists when it was taken with keep: clone', () => {
      const gone = checkpoint('baseline', [ORDERS_AT], { keep: 'clone', clone: null });
      expect(read(ORDERS_AT, ORDERS_NOW, '2026-11-29T00:00:00.000Z', true, gone)).toMatch(
        /pitfall 3\); the copy checkpoint baseline kept \(keep: clone\) no longer exists$/,
      );
    });
  });
});

/**
 * How the schema is compared with a checkpoint (src/plan/diff.ts): which live objects are new,
 * which are another incarnation of a recorded name, which recorded objects are gone; whether a
 * view is still the view it was (its definition, read modulo layout); and why a table's content
 * changed, in the words a plan shows, read from metadata only.
 */
import { describe, expect, it } from 'vitest';
import type { InventoryEntry } from '../../src/model/observed.js';
import { contentChange, diffInventory, sameIncarnation } from '../../src/plan/diff.js';
import { obj } from '../support/observed.js';

const EARLY = '2026-11-27T08:00:00.000Z';
const LATER = '2026-11-27T10:00:00.000Z';
const view = (name: string, definition: string | null): InventoryEntry => ({ ...obj(name, 'VIEW'), definition });
const table = (fields: Partial<InventoryEntry> = {}): InventoryEntry => ({ ...obj('ORDERS'), ...fields });

describe('sameIncarnation', () => {
  it('a table is the same incarnation while its creation instant is, however the instant is written', () => {
    expect(sameIncarnation(obj('T', 'TABLE', EARLY), obj('T', 'TABLE', EARLY))).toBe(true);
    expect(sameIncarnation(obj('T', 'TABLE', EARLY), obj('T', 'TABLE', '2026-11-27T08:00:00Z'))).toBe(true);
    expect(sameIncarnation(obj('T', 'TABLE', EARLY), obj('T', 'TABLE', LATER))).toBe(false);
  });

  it('an object of another kind is never the same incarnation, even created at the same instant', () => {
    expect(sameIncarnation(obj('X', 'TABLE', EARLY), obj('X', 'VIEW', EARLY))).toBe(false);
    expect(sameIncarnation(obj('X', 'VIEW', EARLY), obj('X', 'TABLE', EARLY))).toBe(false);
  });

  it('a view is the same while its definition is, whatever its creation time or layout', () => {
    const recorded = { ...view('V', 'CREATE VIEW V AS SELECT 1'), created: EARLY };
    const same = [
      'CREATE VIEW V AS SELECT 1',
      'CREATE VIEW V AS SELECT 1;',
      'CREATE VIEW V AS SELECT 1 ;  \n',
      '\n  CREATE   VIEW V\tAS\n  SELECT 1',
      'CREATE VIEW V AS SELECT 1 ',
    ];
    for (const definition of same) expect(sameIncarnation(recorded, { ...view('V', definition), created: LATER }), definition).toBe(true);
  });

  it('a view with another definition is another view, even where only spacing inside a word, a quote or a semicolon differs', () => {
    const cases: Array<[string, string]> = [
      ['CREATE VIEW V AS SELECT 1', 'CREATE VIEW V AS SELECT 2'],
      ['CREATE VIEW V AS SELECT a b', 'CREATE VIEW V AS SELECT ab'],
      ["CREATE VIEW V AS SELECT 'a;b'", "CREATE VIEW V AS SELECT 'ab'"],
      ["CREATE VIEW V AS SELECT 'a; b'", "CREATE VIEW V AS SELECT 'ab'"],
      ['CREATE VIEW V AS SELECT 1;;', 'CREATE VIEW V AS SELECT 1'],
      ['CREATE VIEW V AS SELECT x', 'CREATE VIEW W AS SELECT y'],
    ];
    for (const [was, now] of cases) {
      expect(sameIncarnation(view('V', was), view('V', now)), `${was} | ${now}`).toBe(false);
      expect(sameIncarnation(view('V', now), view('V', was)), `${now} | ${was}`).toBe(false);
    }
  });

  it('views with no captured definition are the same as each other and as an empty one; a live view is the same as one recorded without a definition (the old pipelines), or one whose definition is hidden now (a secure view), while its CREATED is', () => {
    expect(sameIncarnation(view('V', null), view('V', null))).toBe(true);
    expect(sameIncarnation(view('V', null), view('V', ''))).toBe(true);
    expect(sameIncarnation(view('V', null), view('V', 'CREATE VIEW V AS SELECT 1'))).toBe(true);
    const recreated = { ...view('V', 'CREATE VIEW V AS SELECT 1'), created: '2026-12-01T00:00:00.000Z' };
    expect(sameIncarnation(view('V', null), recreated)).toBe(false);
    expect(sameIncarnation(view('V', 'CREATE VIEW V AS SELECT 1'), view('V', null))).toBe(true);
    expect(sameIncarnation(view('V', 'CREATE VIEW V AS SELECT 1'), { ...view('V', null), created: '2026-12-01T00:00:00.000Z' })).toBe(
      false,
    );
  });

  it('a view is the same whatever name, OR REPLACE or COPY GRANTS its definition carries (a renamed view keeps its old header)', () => {
    expect(
      sameIncarnation(view('V', 'CREATE OR REPLACE VIEW OLD COPY GRANTS AS SELECT 1'), view('V', 'CREATE VIEW "DB"."S"."V" AS SELECT 1')),
    ).toBe(true);
    expect(sameIncarnation(view('V', 'CREATE VIEW V AS SELECT 1'), view('V', 'CREATE SECURE VIEW V AS SELECT 1'))).toBe(false);
  });
});

describe('diffInventory', () => {
  it('sorts live objects into created and recreated, and recorded ones into missing; the same incarnation is in none', () => {
    const kept = obj('KEPT', 'TABLE', EARLY);
    const redone = obj('REDONE', 'TABLE', EARLY);
    const gone = obj('GONE', 'TABLE', EARLY);
    const redoneNow = obj('REDONE', 'TABLE', LATER);
    const fresh = obj('FRESH', 'TABLE', LATER);
    const diff = diffInventory([kept, redone, gone], [fresh, kept, redoneNow], 'exact');
    expect(diff).toEqual({ created: [fresh], recreated: [{ live: redoneNow, recorded: redone }], missing: [gone] });
  });

  it('matches names as the warehouse does: exactly on Snowflake, case-blind on the embedded warehouse', () => {
    const recorded = obj('Orders', 'TABLE', EARLY);
    const live = obj('ORDERS', 'TABLE', EARLY);
    expect(diffInventory([recorded], [live], 'case-insensitive')).toEqual({ created: [], recreated: [], missing: [] });
    expect(diffInventory([recorded], [live], 'exact')).toEqual({ created: [live], recreated: [], missing: [recorded] });
  });

  it('an empty schema misses everything; an empty checkpoint makes everything created', () => {
    const a = obj('A');
    const b = obj('B', 'VIEW');
    expect(diffInventory([a, b], [], 'exact')).toEqual({ created: [], recreated: [], missing: [a, b] });
    expect(diffInventory([], [a, b], 'exact')).toEqual({ created: [a, b], recreated: [], missing: [] });
  });
});

describe('contentChange', () => {
  it('a table with the same content version has not changed, however the instant is written', () => {
    expect(contentChange(table({ lastAltered: EARLY }), table({ lastAltered: EARLY }))).toBeNull();
    expect(contentChange(table({ lastAltered: EARLY }), table({ lastAltered: '2026-11-27T08:00:00Z', rowCount: 99 }))).toBeNull();
  });

  it('a table altered since says when, whatever its row count', () => {
    expect(contentChange(table({ lastAltered: EARLY }), table({ lastAltered: LATER }))).toBe('it was altered at 2026-11-27 10:00:00 UTC');
  });

  it('columns changed are reported first, before the content version, with both lists', () => {
    const was = table({ columns: ['ID', 'NOTE'], lastAltered: EARLY });
    expect(contentChange(was, table({ columns: ['ID'], lastAltered: LATER }))).toBe('its columns changed (ID, NOTE → ID)');
    expect(contentChange(was, table({ columns: ['ID', 'NOTE'], lastAltered: EARLY }))).toBeNull();
  });

  it('columns that only regroup the same letters are other columns', () => {
    expect(contentChange(table({ columns: ['AB', 'C'] }), table({ columns: ['A', 'BC'] }))).toBe('its columns changed (AB, C → A, BC)');
  });

  it('where either side has no column list (an older inventory), columns are not compared', () => {
    for (const [was, now] of [
      [undefined, ['ID']],
      [['ID'], undefined],
      [null, ['ID']],
      [['ID'], null],
    ] as const) {
      const recorded = table({ columns: was === undefined ? undefined : was === null ? null : [...was], lastAltered: EARLY });
      const live = table({ columns: now === undefined ? undefined : now === null ? null : [...now], lastAltered: EARLY });
      expect(contentChange(recorded, live)).toBeNull();
    }
  });

  it('with no content version on either side, a different row count, else a different size, says so', () => {
    const rows = (was: number | null, now: number | null) =>
      contentChange(table({ lastAltered: null, rowCount: was }), table({ lastAltered: LATER, rowCount: now }));
    expect(rows(10, 12)).toBe('its row count changed (10 → 12)');
    expect(rows(10, 10)).toBeNull();
    expect(rows(null, 12)).toBeNull();
    expect(rows(10, null)).toBeNull();
    const size = (was: number | null, now: number | null) =>
      contentChange(table({ lastAltered: EARLY, bytes: was }), table({ lastAltered: null, bytes: now }));
    expect(size(1024, 2048)).toBe('its size changed (1024 → 2048 bytes)');
    expect(size(1024, 1024)).toBeNull();
    expect(size(null, 2048)).toBeNull();
    expect(size(1024, null)).toBeNull();
  });

  it('a view, or a table against a view, has no content change, whatever its metadata', () => {
    const viewed = { ...view('ORDERS', 'CREATE VIEW ORDERS AS SELECT 1'), lastAltered: LATER, rowCount: 5, bytes: 7, columns: ['X'] };
    const tabled = table({ lastAltered: EARLY, rowCount: 10, bytes: 1, columns: ['ID'] });
    expect(contentChange(viewed, { ...viewed, lastAltered: EARLY, rowCount: 6, columns: ['Y'] })).toBeNull();
    expect(contentChange(tabled, viewed)).toBeNull();
    expect(contentChange(viewed, tabled)).toBeNull();
  });
});

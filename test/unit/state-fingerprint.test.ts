/**
 * The state fingerprint a saved plan is checked against (src/engine/fingerprint.ts): any change a
 * plan depends on — an object's name, kind, incarnation, content version, columns or view
 * definition, a restorable dropped version, a checkpoint or action row, the audit table itself —
 * changes it; the order things were listed in, row counts, whether the schema exists and the
 * creation or change of an object seen at this very instant do not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateFingerprint } from '../../src/engine/fingerprint.js';
import type { Observed } from '../../src/model/observed.js';
import { checkpoint, dropped, NOW, obj, observed, recorded } from '../support/observed.js';

const T1 = '2026-11-27T08:00:00.000Z';
const T2 = '2026-11-27T08:30:00.000Z';

/** A target with some of everything: two tables, a view, two dropped versions of one table, two checkpoints, two action rows. */
function rich(): Observed {
  const orders = { ...obj('ORDERS', 'TABLE', T1), lastAltered: T2, columns: ['ID', 'AMOUNT'] };
  const old = obj('LOGS', 'TABLE', '2026-11-26T01:00:00.000Z');
  return observed({
    objects: [orders, obj('CUSTOMERS', 'TABLE', T1), obj('ORDERS', 'VIEW', T2, 'CREATE VIEW ORDERS AS SELECT 1')],
    dropped: [dropped(old, '2026-11-26T02:00:00.000Z'), dropped(obj('LOGS', 'TABLE', '2026-11-26T03:00:00.000Z'))],
    checkpoints: [checkpoint('baseline', [orders]), checkpoint('after', [orders], { type: 'AUTO', clone: 'DEMO_CKPT_AFTER' })],
    actions: [
      { ...recorded('tidy', 'hash-1', 'FAILED'), timestamp: '2026-11-27T10:00:00.000Z' },
      { ...recorded('tidy', 'hash-1'), timestamp: '2026-11-27T11:00:00.000Z' },
    ],
  });
}

/** `rich()` with one change to its first item of a list. */
function changed<K extends 'objects' | 'dropped' | 'checkpoints' | 'actions'>(list: K, change: Partial<Observed[K][number]>): Observed {
  const o = rich();
  const items = o[list] as Array<Observed[K][number]>;
  items[0] = { ...items[0], ...change } as Observed[K][number];
  return o;
}

/** The fingerprint of `rich()` (computed in each test, so a failure is that test's). */
const same = (): string => stateFingerprint(rich());

describe('stateFingerprint', () => {
  it('is a SHA-256 in hex, the same for the same state', () => {
    expect(same()).toMatch(/^[0-9a-f]{64}$/);
    expect(stateFingerprint(rich())).toBe(same());
  });

  it.each<[string, () => Observed]>([
    ['the audit table is gone', () => ({ ...rich(), auditTableExists: false })],
    ['an object was created', () => ({ ...rich(), objects: [...rich().objects, obj('NEW', 'TABLE', T1)] })],
    ['an object was dropped', () => ({ ...rich(), objects: rich().objects.slice(1) })],
    ['an object has another name', () => changed('objects', { name: 'ORDERS2' })],
    ['an object is of another kind', () => changed('objects', { kind: 'VIEW' })],
    ['an object is another incarnation', () => changed('objects', { created: '2026-11-27T08:00:00.001Z' })],
    ["a table's content changed (content version)", () => changed('objects', { lastAltered: '2026-11-27T11:30:00.000Z' })],
    ["a table's content version is unknown", () => changed('objects', { lastAltered: null })],
    ["a table's columns changed", () => changed('objects', { columns: ['ID', 'TOTAL'] })],
    ["a table's columns became unknown", () => changed('objects', { columns: null })],
    [
      "a view's definition changed",
      () => {
        const o = rich();
        o.objects[2] = { ...o.objects[2]!, definition: 'CREATE VIEW ORDERS AS SELECT 2' };
        return o;
      },
    ],
    ['a dropped version is no longer restorable', () => ({ ...rich(), dropped: rich().dropped.slice(1) })],
    ['a dropped version is of another name', () => changed('dropped', { name: 'LOGS2' })],
    ['a dropped version is another incarnation', () => changed('dropped', { created: '2026-11-26T01:00:00.001Z' })],
    ['a dropped version was dropped at another time', () => changed('dropped', { droppedOn: '2026-11-26T02:00:00.001Z' })],
    ['a checkpoint was taken', () => ({ ...rich(), checkpoints: [...rich().checkpoints, checkpoint('third', [])] })],
    ['a checkpoint has another id', () => changed('checkpoints', { id: 'baseline2' })],
    ['a checkpoint has another type', () => changed('checkpoints', { type: 'AUTO' })],
    ['a checkpoint was deleted', () => changed('checkpoints', { status: 'DELETED' })],
    ['a checkpoint was taken again at another time', () => changed('checkpoints', { timestamp: '2026-11-27T09:00:00.001Z' })],
    ["a checkpoint's kept copy moved", () => changed('checkpoints', { clone: 'ELSEWHERE' })],
    ['an action was applied', () => ({ ...rich(), actions: [...rich().actions, recorded('wipe', 'hash-2')] })],
    ['an action row has another id', () => changed('actions', { actionId: 'tidy2' })],
    ['an action row has another status', () => changed('actions', { status: 'APPLIED' })],
    ['an action row has another spec hash', () => changed('actions', { specHash: 'hash-3' })],
    ['an action row has another time', () => changed('actions', { timestamp: '2026-11-27T10:00:00.001Z' })],
  ])('changes when %s', (_what, state) => {
    expect(stateFingerprint(state())).not.toBe(same());
  });

  it('does not change with row counts, sizes, whether the schema exists, or the clock alone', () => {
    const o = rich();
    expect(stateFingerprint({ ...o, objects: o.objects.map((x) => ({ ...x, rowCount: 999, bytes: 4096 })) })).toBe(same());
    expect(stateFingerprint({ ...o, schemaExists: false })).toBe(same());
    expect(stateFingerprint({ ...o, now: '2026-11-27T12:00:05.000Z' })).toBe(same());
  });

  it('ignores the creation and change times of an object seen at the very instant of the observation', () => {
    const at = (now: string): Observed => observed({ now, objects: [{ ...obj('FRESH', 'TABLE', now), lastAltered: now }] });
    expect(stateFingerprint(at('2026-11-27T12:00:00.000Z'))).toBe(stateFingerprint(at('2026-11-27T12:00:01.000Z')));
    // Seen later, the same object's times are stable and count.
    const later = observed({ now: '2026-11-27T12:00:01.000Z', objects: [{ ...obj('FRESH', 'TABLE', NOW), lastAltered: NOW }] });
    expect(stateFingerprint(later)).not.toBe(stateFingerprint(at(NOW)));
  });

  it('a change time at the instant of the observation is ignored on its own', () => {
    const seen = (lastAltered: string) => observed({ objects: [{ ...obj('T', 'TABLE', T1), lastAltered }] });
    expect(stateFingerprint(seen(NOW))).toBe(stateFingerprint(observed({ objects: [obj('T', 'TABLE', T1)] })));
    expect(stateFingerprint(seen(T2))).not.toBe(stateFingerprint(seen(NOW)));
  });

  it('does not depend on the order objects, dropped versions, checkpoints and actions are listed in', () => {
    const o = rich();
    const shuffled = <T>(items: T[]) => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
    fc.assert(
      fc.property(
        shuffled(o.objects),
        shuffled(o.dropped),
        shuffled(o.checkpoints),
        shuffled(o.actions),
        (objects, d, checkpoints, actions) => {
          expect(stateFingerprint({ ...o, objects, dropped: d, checkpoints, actions })).toBe(same());
        },
      ),
    );
  });
});

/**
 * The schema as a plan goes (src/plan/schema-model.ts): what is live and what can still be
 * undropped, as observed and after each planned drop and restore, so that a later action of the
 * same run is planned against what the earlier ones leave.
 */
import { describe, expect, it } from 'vitest';
import type { InventoryEntry } from '../../src/model/observed.js';
import { SchemaModel } from '../../src/plan/schema-model.js';
import { NOW, dropped, obj, observed } from '../support/observed.js';

const EARLY = '2026-11-27T08:00:00.000Z';
const LATER = '2026-11-27T10:00:00.000Z';
const names = (model: SchemaModel) => model.objects().map((o) => o.name);

describe('SchemaModel', () => {
  it('lists the live objects in name order, and finds one by name as the warehouse matches names', () => {
    const exact = new SchemaModel(observed({ objects: [obj('b'), obj('C'), obj('A')] }));
    expect(names(exact)).toEqual(['A', 'C', 'b']);
    expect(exact.get('C')?.name).toBe('C');
    expect(exact.get('c')).toBeUndefined();
    const folded = new SchemaModel(observed({ nameMatching: 'case-insensitive', objects: [obj('Orders')] }));
    expect(folded.get('ORDERS')?.name).toBe('Orders');
    expect(folded.matching).toBe('case-insensitive');
  });

  it('finds the dropped version of the very incarnation asked for, of the same kind, among a name’s versions', () => {
    const first = obj('ORDERS', 'TABLE', EARLY);
    const second = obj('ORDERS', 'TABLE', LATER);
    const model = new SchemaModel(observed({ nameMatching: 'case-insensitive', dropped: [dropped(second), dropped(first)] }));
    expect(model.droppedVersion(first)).toEqual(dropped(first));
    expect(model.droppedVersion({ ...first, name: 'orders', created: '2026-11-27T08:00:00Z' })).toEqual(dropped(first));
    expect(model.droppedVersion(second)).toEqual(dropped(second));
    expect(model.droppedVersion(obj('ORDERS', 'TABLE', '2026-11-27T09:00:00.000Z'))).toBeUndefined();
    expect(model.droppedVersion({ ...first, kind: 'VIEW' })).toBeUndefined();
    expect(model.droppedVersion(obj('OTHER', 'TABLE', EARLY))).toBeUndefined();
    expect(model.droppedVersionsOf('orders')).toEqual([dropped(second), dropped(first)]);
    expect(model.droppedVersionsOf('OTHER')).toEqual([]);
  });

  it('after a planned drop the object is gone, and a table can be undropped as it was, newest version first', () => {
    const orders: InventoryEntry = { ...obj('ORDERS', 'TABLE', LATER), lastAltered: LATER };
    const older = obj('ORDERS', 'TABLE', EARLY);
    const model = new SchemaModel(observed({ objects: [orders, obj('A')], dropped: [dropped(older)] }));
    expect(names(model)).toEqual(['A', 'ORDERS']);
    model.drop(orders);
    expect(names(model)).toEqual(['A']);
    expect(model.get('ORDERS')).toBeUndefined();
    const undroppable = { name: 'ORDERS', kind: 'TABLE', created: LATER, droppedOn: NOW, restorableUntil: null, lastAltered: LATER };
    expect(model.droppedVersion(orders)).toEqual(undroppable);
    expect(model.droppedVersionsOf('ORDERS')).toEqual([undroppable, dropped(older)]);
  });

  it('a table with no Time Travel on a warehouse that has it, a hybrid table and a view cannot be undropped after a planned drop', () => {
    const embedded = { ...obj('EMBEDDED'), retentionDays: null };
    const gone = [{ ...obj('NO_TT'), retentionDays: 0 }, { ...obj('HYBRID'), hybrid: true }, obj('V', 'VIEW')];
    const model = new SchemaModel(observed({ objects: [...gone, embedded] }));
    for (const object of [...gone, embedded]) model.drop(object);
    expect(model.objects()).toEqual([]);
    for (const object of gone) expect(model.droppedVersionsOf(object.name), object.name).toEqual([]);
    expect(model.droppedVersion(embedded)).toMatchObject({ name: 'EMBEDDED', created: embedded.created });
  });

  it('after a planned restore the checkpoint’s incarnation is live again and no longer among the dropped', () => {
    const first = obj('ORDERS', 'TABLE', EARLY);
    const second = obj('ORDERS', 'TABLE', LATER);
    const model = new SchemaModel(observed({ objects: [obj('Z')], dropped: [dropped(second), dropped(first)] }));
    expect(names(model)).toEqual(['Z']);
    model.restore(first);
    expect(names(model)).toEqual(['ORDERS', 'Z']);
    expect(model.get('ORDERS')).toBe(first);
    expect(model.droppedVersion(first)).toBeUndefined();
    expect(model.droppedVersionsOf('ORDERS')).toEqual([dropped(second)]);
  });

  it('a restore of an incarnation that was never dropped (a re-created view) leaves the dropped versions alone', () => {
    const table = obj('ORDERS', 'TABLE', EARLY);
    const model = new SchemaModel(observed({ dropped: [dropped(table)] }));
    const view = obj('V', 'VIEW', LATER);
    model.restore(view);
    model.restore({ ...table, created: LATER });
    expect(names(model)).toEqual(['ORDERS', 'V']);
    expect(model.droppedVersionsOf('ORDERS')).toEqual([dropped(table)]);
  });
});

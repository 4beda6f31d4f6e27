/**
 * The schema model follows an action's changes lazily (src/plan/schema-model.ts `follow`): what
 * it was handed is applied, in order and action after action, before anything is read from it,
 * so a later action is planned against exactly what the earlier ones leave.
 */
import { describe, expect, it } from 'vitest';
import { SchemaModel } from '../../src/plan/schema-model.js';
import { NOW, dropped, obj, observed } from '../support/observed.js';

const EARLY = '2026-11-27T08:00:00.000Z';
const LATER = '2026-11-27T10:00:00.000Z';

describe('SchemaModel.follow', () => {
  it('applies the changes followed, in order and action after action, before the next read', () => {
    const now = obj('ORDERS', 'TABLE', LATER);
    const original = obj('ORDERS', 'TABLE', EARLY);
    const model = new SchemaModel(observed({ objects: [now, obj('A')], dropped: [dropped(original)] }));
    // One action replaces ORDERS with its original; the next drops that original again.
    model.follow([
      { drop: true, entry: now },
      { drop: false, entry: original },
    ]);
    model.follow([{ drop: true, entry: original }]);
    expect(model.objects().map((o) => o.name)).toEqual(['A']);
    expect(model.get('ORDERS')).toBeUndefined();
    const version = (entry: typeof now) => ({
      name: 'ORDERS',
      kind: 'TABLE',
      created: entry.created,
      droppedOn: NOW,
      restorableUntil: null,
      lastAltered: entry.lastAltered,
    });
    expect(model.droppedVersionsOf('ORDERS')).toEqual([version(original), version(now)]);
    expect(model.droppedVersion(original)).toEqual(version(original));
  });

  it('applies followed changes before a direct drop or restore, whatever is read first', () => {
    const table = obj('T', 'TABLE', EARLY);
    const model = new SchemaModel(observed({ objects: [table] }));
    model.follow([{ drop: true, entry: table }]);
    model.restore(table);
    expect(model.get('T')).toBe(table);
    expect(model.droppedVersionsOf('T')).toEqual([]);
  });
});

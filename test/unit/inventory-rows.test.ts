/**
 * Reading inventories kept one row per object (audit layout 2): a checkpoint row naming the
 * inventory table takes its entries from the rows read there, not from OBJECTS_SNAPSHOT; an
 * expired one comes with totals and no entries, and its listing figures (objects, weight,
 * restorable until) come from them; rows of layout 1 read OBJECTS_SNAPSHOT as before.
 */
import { describe, expect, it } from 'vitest';
import { restorability } from '../../src/model/restorable.js';
import { keptInventories, readAuditRows } from '../../src/warehouse/audit-rows.js';

const toIso = (v: unknown) => (typeof v === 'string' ? v : null);
const scope = { schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };
const entry = (name: string, type = 'TABLE') => ({ name, type, created: '2026-01-01T00:00:00.000Z', row_count: 3, retention_time: 1 });
const row = (id: string, status: string, inventoryTable: string | null, snapshot: unknown) => ({
  CHECKPOINT_ID: id,
  CHECKPOINT_TIMESTAMP: '2026-01-02T00:00:00.000Z',
  CHECKPOINT_TYPE: 'MANUAL',
  STATUS: status,
  RUN_ID: 'r1',
  OBJECTS_SNAPSHOT: snapshot,
  INVENTORY_TABLE: inventoryTable,
});

describe('inventories in the inventory table', () => {
  const kept = keptInventories(
    undefined,
    [
      { CHECKPOINT_ID: 'big', ENTRY: JSON.stringify(entry('A')) },
      { CHECKPOINT_ID: 'big', ENTRY: entry('V', 'VIEW') },
    ],
    [
      {
        CHECKPOINT_ID: 'gone',
        OBJECTS: 41250,
        TABLES: 40000,
        ROW_COUNT: 1200,
        BYTES: null,
        ROWS_UNKNOWN: 2,
        BYTES_UNKNOWN: 40000,
        RETENTION_UNKNOWN: 0,
        MIN_RETENTION: 1,
      },
    ],
  );
  const { checkpoints } = readAuditRows(
    [
      row('old', 'ACTIVE', null, JSON.stringify([entry('OLD_T')])),
      row('big', 'ACTIVE', 'CHECKPOINT_AUDIT_INVENTORY', null),
      row('gone', 'DELETED', 'CHECKPOINT_AUDIT_INVENTORY', null),
    ],
    toIso,
    scope,
    kept,
  );

  it('reads a row of layout 1 from OBJECTS_SNAPSHOT, and one naming the inventory table from its rows', () => {
    expect(checkpoints.map((c) => [c.id, c.objects?.map((o) => `${o.kind}:${o.name}`) ?? null])).toEqual([
      ['old', ['TABLE:OLD_T']],
      ['big', ['TABLE:A', 'VIEW:V']],
      ['gone', null],
    ]);
    expect(checkpoints[1]?.totals).toBeUndefined();
  });

  it('gives an expired checkpoint its totals, and its restorability from them', () => {
    const gone = checkpoints[2];
    expect(gone?.totals).toEqual({
      objects: 41250,
      tables: 40000,
      rows: 1200,
      bytes: null,
      rowsUnknown: 2,
      bytesUnknown: 40000,
      retentionUnknown: 0,
      minRetentionDays: 1,
    });
    expect(gone === undefined ? null : restorability(gone)).toEqual({ kind: 'until', until: '2026-01-03T00:00:00.000Z' });
    const totals = gone?.totals ?? null;
    if (totals === null) throw new Error('no totals');
    const at = { timestamp: '2026-01-02T00:00:00.000Z', objects: null, clone: null };
    expect(restorability({ ...at, totals: { ...totals, retentionUnknown: 1 } })).toEqual({ kind: 'inventory-only' });
    expect(restorability({ ...at, totals: { ...totals, tables: 0 } })).toEqual({ kind: 'kept', location: null });
  });
});

describe('inventories read under a selection', () => {
  const rows = [
    row('wanted', 'ACTIVE', 'CHECKPOINT_AUDIT_INVENTORY', null),
    row('empty', 'ACTIVE', 'CHECKPOINT_AUDIT_INVENTORY', null),
    row('other', 'ACTIVE', 'CHECKPOINT_AUDIT_INVENTORY', null),
    row('nothing', 'ACTIVE', 'CHECKPOINT_AUDIT_INVENTORY', null),
    { ...row('copy', 'ACTIVE', 'CHECKPOINT_AUDIT_INVENTORY', null), SPEC: '{"keep":"clone"}' },
    row('old', 'ACTIVE', null, JSON.stringify([entry('OLD_T')])),
  ];
  const totals = { CHECKPOINT_ID: 'other', OBJECTS: 2, TABLES: 2, ROW_COUNT: 6, BYTES: null, ROWS_UNKNOWN: 0, BYTES_UNKNOWN: 2 };
  const read = (selection: { ids: string[]; keptCopies: boolean }) =>
    readAuditRows(rows, toIso, scope, keptInventories(selection, [{ CHECKPOINT_ID: 'wanted', ENTRY: entry('A') }], [totals])).checkpoints;

  it('reads the entries of the selected checkpoints only; the others are unread (null), never empty, and come with totals', () => {
    const seen = read({ ids: ['wanted', 'empty'], keptCopies: false });
    expect(seen.map((c) => [c.id, c.objects?.map((o) => o.name) ?? null, c.totals?.objects ?? null])).toEqual([
      ['wanted', ['A'], null],
      // Selected and without rows: it holds no object.
      ['empty', [], null],
      ['other', null, 2],
      // Not selected and without a totals row: it holds no object, and says so by its totals.
      ['nothing', null, 0],
      ['copy', null, 0],
      // An inventory in the audit row itself comes with the row.
      ['old', ['OLD_T'], null],
    ]);
  });

  it('reads every kept copy when asked for kept copies', () => {
    const seen = read({ ids: [], keptCopies: true });
    expect(seen.filter((c) => c.objects !== null).map((c) => c.id)).toEqual(['copy', 'old']);
  });
});

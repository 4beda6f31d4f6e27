/**
 * Checkpoint inventories kept one row per object (audit layout 2), on every adapter: a checkpoint
 * writes its inventory table rows and an audit row whose OBJECTS_SNAPSHOT holds the same entries
 * (small enough for one value); an expired checkpoint is listed by totals, its inventory not
 * read; and an audit table of layout 1 (ckpt's earlier layout, its inventories in
 * OBJECTS_SNAPSHOT) is migrated, its rows read and kept as they were, and reset to.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LAYOUT, layoutColumns } from '../../src/model/audit-layout.js';
import type { Target } from '../../src/model/desired.js';
import type { LiveObject } from '../../src/model/observed.js';
import type { StepOf } from '../../src/model/step-kinds.js';
import { action } from '../support/desired.js';
import type { Fixture, Harness } from './harness.js';
import { expectAllSucceeded, expectConverged, observe, planOnly, reconcile, sessionOn } from './run.js';

const SEED = [
  'CREATE TABLE orders (id INTEGER, amount INTEGER)',
  'INSERT INTO orders VALUES (1, 10), (2, 20), (3, 30)',
  'CREATE TABLE customers (id INTEGER, name VARCHAR)',
  "INSERT INTO customers VALUES (1, 'Acme')",
  'CREATE VIEW v_orders AS SELECT id, amount FROM orders',
];

const run = { runId: 'r-test', origin: { file: 'checkpoints.yaml', hash: 'h', commit: null, dirty: null }, command: 'test' };

/** An inventory entry in ckpt's format (audit-rows.ts), as layout 1 wrote it into OBJECTS_SNAPSHOT. */
function entryOf(o: LiveObject): Record<string, unknown> {
  return {
    name: o.name,
    type: o.kind,
    created: o.created,
    last_altered: o.lastAltered,
    row_count: o.rowCount,
    bytes: o.bytes,
    retention_time: o.retentionDays,
    is_transient: o.transient,
    is_hybrid: o.hybrid,
    definition: o.definition,
    columns: o.columns,
  };
}

/** Registers the inventory tests for one adapter. */
export function inventorySuite(harness: Harness): void {
  describe(`checkpoint inventories, one row per object: ${harness.name}`, () => {
    let fx: Fixture;
    const declaring = (id: string, actions: Target['actions'] = []): Target => ({
      ...fx.base,
      checkpoints: [{ id, description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
      actions,
    });

    beforeEach(async () => {
      fx = await harness.fresh();
      for (const statement of SEED) await fx.sql(statement);
    });
    afterEach(async () => fx.close());

    it('writes one inventory row per object and the same entries into OBJECTS_SNAPSHOT; an expired checkpoint is read by totals', async () => {
      expectAllSucceeded((await reconcile(fx, declaring('c1'))).outcomes);
      const rows = await fx.sql("SELECT OBJECT_NAME, OBJECT_TYPE FROM CHECKPOINT_AUDIT_INVENTORY WHERE CHECKPOINT_ID = 'c1'");
      expect(rows.map((r) => `${String(r[1])}:${String(r[0]).toUpperCase()}`).sort()).toEqual([
        'TABLE:CUSTOMERS',
        'TABLE:ORDERS',
        'VIEW:V_ORDERS',
      ]);
      const [row] = await fx.sql(
        "SELECT OBJECTS_SNAPSHOT, OBJECTS_COUNT, INVENTORY_TABLE FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_ID = 'c1'",
      );
      const snapshot = (typeof row?.[0] === 'string' ? JSON.parse(row[0]) : row?.[0]) as Array<{ name: string }>;
      expect(snapshot.map((e) => e.name.toUpperCase())).toEqual(['CUSTOMERS', 'ORDERS', 'V_ORDERS']);
      expect([Number(row?.[1]), row?.[2]]).toEqual([3, 'CHECKPOINT_AUDIT_INVENTORY']);
      const taken = (await observe(fx, fx.base)).checkpoints.find((c) => c.id === 'c1');
      expect(taken?.objects?.map((o) => `${o.kind}:${o.name.toUpperCase()}`)).toEqual(['TABLE:CUSTOMERS', 'TABLE:ORDERS', 'VIEW:V_ORDERS']);
      expect(taken?.totals).toBeUndefined();

      const ref = { name: fx.base.name, database: fx.base.database, schema: fx.base.schema, auditTable: fx.base.auditTable };
      const expire: StepOf<'expire-checkpoint'> = {
        target: ref.name,
        group: 'expire',
        kind: 'expire-checkpoint',
        checkpointId: 'c1',
        scheduleId: 'test',
        keep: 'inventory',
        reason: 'test',
      };
      await fx.warehouse.steps['expire-checkpoint'](ref, expire, run);
      const expired = (await observe(fx, fx.base)).checkpoints.find((c) => c.id === 'c1');
      expect(expired?.status).toBe('DELETED');
      expect(expired?.objects).toBeNull();
      expect(expired?.totals).toMatchObject({ objects: 3, tables: 2 });
    });

    it("reads the entries only of the checkpoints the target's actions name, totals of the others, in the same statements", async () => {
      const both: Target = {
        ...fx.base,
        // `big` keeps a clone: a reset or restore reads every kept copy's entries, a cleanup none.
        checkpoints: (['small', 'big'] as const).map((id) => ({
          id,
          description: '',
          keep: id === 'big' ? ('clone' as const) : ('inventory' as const),
          position: { line: 1, col: 1 },
        })),
      };
      expectAllSucceeded((await reconcile(fx, { ...both, checkpoints: [both.checkpoints[0] as Target['checkpoints'][number]] })).outcomes);
      for (let i = 0; i < 12; i += 1) await fx.sql(`CREATE TABLE wide_${i} (id INTEGER)`);
      expectAllSucceeded((await reconcile(fx, both)).outcomes);
      const cleanup = { ...both, actions: [action('tidy', { kind: 'cleanup', since: 'small' })] };
      // What an entries statement and a totals statement read back (harness spies: the test server's log, or the driver).
      const read = async (work: () => Promise<unknown>) => {
        const reads = await fx.reads(work);
        const rows = (pattern: RegExp) => reads.filter((r) => pattern.test(r.sql)).map((r) => r.rows);
        return { entries: rows(/AS ENTRY\b/), totals: rows(/AS MIN_RETENTION\b/) };
      };

      let plan: Awaited<ReturnType<typeof planOnly>> | undefined;
      // The plan reads `small`'s 3 entries and `big`'s totals (one row), not big's 15 entries.
      expect(await read(async () => (plan = await planOnly(fx, cleanup)))).toEqual({ entries: [3], totals: [1] });
      expect(plan?.targets[0]?.steps.filter((s) => s.kind === 'drop-object')).toHaveLength(12);
      // Unread is not empty: observe says so, with the totals.
      const ref = { name: fx.base.name, database: fx.base.database, schema: fx.base.schema, auditTable: fx.base.auditTable };
      const seen = await fx.warehouse.observe(ref, { ids: ['small'], keptCopies: false });
      expect(seen.checkpoints.map((c) => [c.id, c.objects?.length ?? null, c.totals?.objects ?? null])).toEqual([
        ['small', 3, null],
        ['big', null, 15],
      ]);
      // Kept copies: the checkpoint that keeps a clone is read, the other by its totals.
      const copies = await fx.warehouse.observe(ref, { ids: [], keptCopies: true });
      expect(copies.checkpoints.map((c) => [c.id, c.objects?.length ?? null, c.totals?.objects ?? null])).toEqual([
        ['small', null, 3],
        ['big', 15, null],
      ]);
      // Without a selection every active inventory is read, in the same statements.
      expect(await read(() => observe(fx, fx.base))).toEqual({ entries: [18], totals: [0] });
      // The listing reads totals only.
      expect(await read(() => sessionOn(fx.warehouse, cleanup).observe([cleanup], 'totals'))).toEqual({ entries: [0], totals: [2] });
    });

    it('migrates an audit table of layout 1, reads and keeps its rows, and resets to one of its checkpoints', async () => {
      const { timestamp, json, jsonValue } = harness.pipeline;
      const layout1 = layoutColumns(1).map((c) => {
        if (c === 'CHECKPOINT_TIMESTAMP') return `${c} ${timestamp}`;
        return ['OBJECTS_SNAPSHOT', 'SPEC', 'STEPS', 'ORIGIN'].includes(c)
          ? `${c} ${json}`
          : `${c} ${c === 'OBJECTS_COUNT' ? 'INTEGER' : 'VARCHAR'}`;
      });
      await fx.sql(`CREATE TABLE CHECKPOINT_AUDIT (${layout1.join(', ')})`);
      const live = (await observe(fx, fx.base)).objects;
      const snapshot = JSON.stringify(live.map(entryOf));
      await fx.sql(`INSERT INTO CHECKPOINT_AUDIT (CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION, OBJECTS_SNAPSHOT,
        OBJECTS_COUNT, STATUS, RUN_ID) SELECT 'old', CAST('2024-01-15 14:30:00' AS ${timestamp}), 'MANUAL', 'layout 1', ${jsonValue(snapshot)},
        ${live.length}, 'ACTIVE', 'r-old'`);
      const before = await fx.sql('SELECT CHECKPOINT_ID, OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, RUN_ID FROM CHECKPOINT_AUDIT');

      const seen = await observe(fx, fx.base);
      expect(seen.auditLayout).toBe(1);
      expect(seen.checkpoints.find((c) => c.id === 'old')?.objects?.map((o) => o.name)).toEqual(live.map((o) => o.name));
      const plan = await planOnly(fx, fx.base);
      expect(plan.targets[0]?.steps).toMatchObject([
        { kind: 'migrate-audit', fromLayout: 1, toLayout: AUDIT_LAYOUT, columns: ['INVENTORY_TABLE'] },
      ]);

      await fx.sql('DROP TABLE customers');
      await fx.sql('CREATE TABLE extra (id INTEGER)');
      const t = declaring('new', [action('back', { kind: 'reset', to: 'old' })]);
      const { plan: applied, outcomes } = await reconcile(fx, t);
      expectAllSucceeded(outcomes);
      expect(applied.targets[0]?.steps.map((s) => s.kind)).toContain('migrate-audit');
      expect((await fx.sql('SELECT name FROM customers')).map((r) => r[0])).toEqual(['Acme']);
      await expect(fx.sql('SELECT * FROM extra')).rejects.toThrow();
      expect(
        await fx.sql(
          "SELECT CHECKPOINT_ID, OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS, RUN_ID FROM CHECKPOINT_AUDIT WHERE CHECKPOINT_ID = 'old'",
        ),
      ).toEqual(before.map((r) => [r[0], r[1], r[2], 'RESTORED_TO', r[4]]));
      const after = await observe(fx, fx.base);
      expect(after.auditLayout).toBe(AUDIT_LAYOUT);
      expect(after.checkpoints.find((c) => c.id === 'new')?.objects?.length).toBeGreaterThan(0);
      await expectConverged(fx, t);
    });
  });
}

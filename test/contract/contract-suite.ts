/**
 * The contract every adapter must meet, written once: for each seed operation (checkpoint,
 * cleanup since, full cleanup, restore of a table and of a view, reset) apply on a real
 * warehouse, check the schema and the audit rows, then plan again and expect nothing; and the
 * adoption of the old pipelines' audit table (adoption-suite.ts) and inventories one row per
 * object (inventory-suite.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Action, Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, names, observe, planOnly, reconcile, sessionOn } from './run.js';
import type { Fixture, Harness } from './harness.js';
import { HOSTILE_TABLES, HOSTILE_VIEW } from './hostile-names.js';
import { adoptionSuite } from './adoption-suite.js';
import { inventorySuite } from './inventory-suite.js';
import { quoteIdent } from '../../src/model/refs.js';

const SEED = [
  'CREATE TABLE orders (id INTEGER, amount INTEGER, note VARCHAR)',
  "INSERT INTO orders VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c')",
  'CREATE TABLE customers (id INTEGER, name VARCHAR)',
  "INSERT INTO customers VALUES (1, 'Acme')",
  'CREATE VIEW v_orders AS SELECT id, amount FROM orders',
];

/** Registers the contract tests for one adapter. */
export function contractSuite(harness: Harness): void {
  describe(`contract: ${harness.name}`, () => {
    let fx: Fixture;
    let base: Target;
    const withBaseline = (actions: Action[] = [], extra: Partial<Target> = {}): Target => ({
      ...base,
      checkpoints: [{ id: 'baseline', description: 'before the demo', keep: 'inventory', position: { line: 1, col: 1 } }],
      actions,
      ...extra,
    });

    beforeEach(async () => {
      fx = await harness.fresh();
      base = fx.base;
      for (const statement of SEED) await fx.sql(statement);
    });
    afterEach(async () => fx.close());

    it('takes a declared checkpoint with an inventory, once', async () => {
      const t = withBaseline();
      const { plan, outcomes } = await reconcile(fx, t);
      expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['init-audit', 'take-checkpoint']);
      expectAllSucceeded(outcomes);
      const after = await observe(fx, t);
      expect(after.auditTableExists).toBe(true);
      const baseline = after.checkpoints.find((c) => c.id === 'baseline');
      expect(baseline?.type).toBe('MANUAL');
      expect(baseline?.status).toBe('ACTIVE');
      expect(baseline?.description).toBe('before the demo');
      expect(baseline?.objects?.map((o) => `${o.kind}:${o.name.toUpperCase()}`).sort()).toEqual([
        'TABLE:CUSTOMERS',
        'TABLE:ORDERS',
        'VIEW:V_ORDERS',
      ]);
      expect(baseline?.objects?.find((o) => o.kind === 'VIEW')?.definition).toMatch(/select/i);
      await expectConverged(fx, t);
    });

    it('cleans up objects created since a checkpoint, views first, keeping the rest', async () => {
      await reconcile(fx, withBaseline());
      await fx.sql('CREATE TABLE extra (id INTEGER)');
      await fx.sql('CREATE VIEW v_extra AS SELECT id FROM extra');
      const t = withBaseline([action('after-demo', { kind: 'cleanup', since: 'baseline' })]);
      const { plan, outcomes } = await reconcile(fx, t);
      const steps = plan.targets[0]?.steps ?? [];
      expect(steps.map((s) => `${s.kind}:${'object' in s ? s.object.name.toUpperCase() : ''}`)).toEqual([
        'drop-object:V_EXTRA',
        'drop-object:EXTRA',
        'record-action:',
      ]);
      expectAllSucceeded(outcomes);
      const after = await observe(fx, t);
      expect(names(after)).toEqual(['TABLE:CUSTOMERS', 'TABLE:ORDERS', 'VIEW:V_ORDERS']);
      expect(after.actions).toMatchObject([{ actionId: 'after-demo', status: 'APPLIED' }]);
      await expectConverged(fx, t);
    });

    it('full cleanup drops everything but the audit table and protected names', async () => {
      await fx.sql('CREATE TABLE ref_codes (code VARCHAR)');
      await reconcile(fx, withBaseline());
      const t = withBaseline([action('wipe', { kind: 'full-cleanup' })], { protect: ['REF_*'] });
      const { outcomes } = await reconcile(fx, t);
      expectAllSucceeded(outcomes);
      const after = await observe(fx, t);
      expect(names(after)).toEqual(['TABLE:REF_CODES']);
      expect(after.auditTableExists).toBe(true);
      expect(after.checkpoints.map((c) => c.id)).toEqual(['baseline']);
      await expectConverged(fx, t);
    });

    it('restores a table with its rows', async () => {
      const wipe = action('wipe', { kind: 'full-cleanup' });
      await reconcile(fx, withBaseline([wipe]));
      expect(names(await observe(fx, base))).toEqual([]);
      const t = withBaseline([wipe, action('bring-back', { kind: 'restore', from: 'baseline', objects: ['ORDERS'] })]);
      const { plan, outcomes } = await reconcile(fx, t);
      expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['restore-table', 'record-action']);
      expectAllSucceeded(outcomes);
      expect(names(await observe(fx, t))).toEqual(['TABLE:ORDERS']);
      const rows = await fx.sql('SELECT id, amount, note FROM orders ORDER BY id');
      expect(rows.map((r) => r.map((v) => String(v)))).toEqual([
        ['1', '10', 'a'],
        ['2', '20', 'b'],
        ['3', '30', 'c'],
      ]);
      await expectConverged(fx, t);
    });

    it('restores a table dropped through ckpt sql (Snowflake keeps it; the embedded warehouse keeps it in its trash)', async () => {
      await reconcile(fx, withBaseline());
      await fx.sql('DROP TABLE customers');
      const t = withBaseline([action('bring-back', { kind: 'restore', from: 'baseline', objects: ['CUSTOMERS'] })]);
      const plan = await planOnly(fx, t);
      expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['restore-table', 'record-action']);
      expectAllSucceeded((await reconcile(fx, t)).outcomes);
      expect(names(await observe(fx, t))).toContain('TABLE:CUSTOMERS');
      expect((await fx.sql('SELECT count(*) FROM customers')).map((r) => r.map(String))).toEqual([['1']]);
      await expectConverged(fx, t);
    });

    it('re-creates a dropped view from its captured definition', async () => {
      await reconcile(fx, withBaseline());
      await fx.sql('DROP VIEW v_orders');
      const t = withBaseline([action('views-back', { kind: 'restore', from: 'baseline', objects: null })]);
      const { plan, outcomes } = await reconcile(fx, t);
      expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['recreate-view', 'record-action']);
      expectAllSucceeded(outcomes);
      const rows = await fx.sql('SELECT count(*) FROM v_orders');
      expect(Number(rows[0]?.[0])).toBe(3);
      await expectConverged(fx, t);
    });

    it('re-creates a view renamed before the checkpoint under the name the checkpoint holds (docs/snowflake-behaviour.md#renamed-views)', async () => {
      await fx.sql('ALTER VIEW v_orders RENAME TO v_renamed');
      await reconcile(fx, withBaseline());
      await fx.sql('DROP VIEW v_renamed');
      const t = withBaseline([action('views-back', { kind: 'restore', from: 'baseline', objects: null })]);
      const { plan, outcomes } = await reconcile(fx, t);
      expect(plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['recreate-view', 'record-action']);
      expectAllSucceeded(outcomes);
      expect(names(await observe(fx, t)).filter((n) => n.startsWith('VIEW:'))).toEqual(['VIEW:V_RENAMED']);
      expect(Number((await fx.sql('SELECT count(*) FROM v_renamed'))[0]?.[0])).toBe(3);
      await expectConverged(fx, t);
    });

    it('keeps hostile names unchanged through checkpoint, drop, restore, re-create and cleanup', async () => {
      for (const name of HOSTILE_TABLES) {
        await fx.sql(`CREATE TABLE ${quoteIdent(name)} (id INTEGER)`);
        await fx.sql(`INSERT INTO ${quoteIdent(name)} VALUES (7)`);
      }
      await fx.sql(`CREATE VIEW ${quoteIdent(HOSTILE_VIEW)} AS SELECT id FROM ${quoteIdent(HOSTILE_TABLES[0] ?? '')}`);
      const wipe = action('wipe', { kind: 'full-cleanup' });
      await reconcile(fx, withBaseline([wipe]));
      const expected = [
        ...HOSTILE_TABLES.map((n) => `TABLE:${n}`),
        `VIEW:${HOSTILE_VIEW}`,
        'TABLE:CUSTOMERS',
        'TABLE:ORDERS',
        'VIEW:V_ORDERS',
      ];
      const baseline = (await observe(fx, base)).checkpoints.find((c) => c.id === 'baseline');
      expect(baseline?.objects?.map((o) => `${o.kind}:${o.name}`).sort()).toEqual(
        expect.arrayContaining(expected.filter((e) => !/ORDERS|CUSTOMERS/.test(e)).sort()),
      );
      expect((await observe(fx, base)).objects).toEqual([]);
      await fx.sql(`CREATE TABLE ${quoteIdent('new; DROP TABLE x --')} (id INTEGER)`);
      const t = withBaseline([wipe, action('back', { kind: 'reset', to: 'baseline' })]);
      const { outcomes } = await reconcile(fx, t);
      expectAllSucceeded(outcomes);
      const after = await observe(fx, t);
      for (const name of HOSTILE_TABLES) {
        expect(
          after.objects.some((o) => o.kind === 'TABLE' && o.name === name),
          name,
        ).toBe(true);
        expect(Number((await fx.sql(`SELECT count(*) FROM ${quoteIdent(name)}`))[0]?.[0]), name).toBe(1);
      }
      expect(after.objects.some((o) => o.name === 'new; DROP TABLE x --')).toBe(false);
      expect(Number((await fx.sql(`SELECT count(*) FROM ${quoteIdent(HOSTILE_VIEW)}`))[0]?.[0])).toBe(1);
      await expectConverged(fx, t);
    });

    it('refuses to apply a plan when the schema changed between planning and taking the lease', async () => {
      await reconcile(fx, withBaseline());
      await fx.sql('CREATE TABLE extra (id INTEGER)');
      const t = withBaseline([action('tidy', { kind: 'cleanup', since: 'baseline' })]);
      const session = sessionOn(fx.warehouse, t);
      try {
        const { plan } = await session.plan([t]);
        await fx.sql('CREATE TABLE sneaky (id INTEGER)');
        await expect(session.apply(plan)).rejects.toMatchObject({ code: 'PLAN_STALE' });
      } finally {
        await session.close();
      }
      expect(names(await observe(fx, t))).toContain('TABLE:EXTRA');
    });

    it('resets: drops what is new, brings back what is missing, marks the checkpoint', async () => {
      const wipe = action('wipe', { kind: 'full-cleanup' });
      await reconcile(fx, withBaseline([wipe]));
      await fx.sql('CREATE TABLE extra (id INTEGER)');
      const t = withBaseline([wipe, action('reset-friday', { kind: 'reset', to: 'baseline' })]);
      const { plan, outcomes } = await reconcile(fx, t);
      expect(plan.targets[0]?.steps.map((s) => `${s.kind}:${'object' in s ? s.object.name.toUpperCase() : ''}`)).toEqual([
        'drop-object:EXTRA',
        'restore-table:CUSTOMERS',
        'restore-table:ORDERS',
        'recreate-view:V_ORDERS',
        'record-action:',
      ]);
      expectAllSucceeded(outcomes);
      const after = await observe(fx, t);
      expect(names(after)).toEqual(['TABLE:CUSTOMERS', 'TABLE:ORDERS', 'VIEW:V_ORDERS']);
      expect(after.checkpoints.find((c) => c.id === 'baseline')?.status).toBe('RESTORED_TO');
      expect(Number((await fx.sql('SELECT count(*) FROM v_orders'))[0]?.[0])).toBe(3);
      await expectConverged(fx, t);
    });

    describe('full rewind', () => {
      /** A target whose `baseline` keeps `keep`; actions as given. */
      const keeping = (keep: 'inventory' | 'clone', actions: Action[] = []): Target => ({
        ...base,
        checkpoints: [{ id: 'baseline', description: 'before the demo', keep, position: { line: 1, col: 1 } }],
        actions,
      });
      const table = async (sql: string) => (await fx.sql(sql)).map((r) => r.map((v) => (v === null ? null : String(v))));
      const kinds = (plan: Awaited<ReturnType<typeof planOnly>>) =>
        (plan.targets[0]?.steps ?? []).map((s) => `${s.kind}${'object' in s ? `:${s.object.name.toUpperCase()}` : ''}`);
      const ORIGINAL = [
        ['1', '10', 'a'],
        ['2', '20', 'b'],
        ['3', '30', 'c'],
      ];
      const changeOrders = async () => {
        await fx.sql('UPDATE orders SET amount = 99 WHERE id = 1');
        await fx.sql('DELETE FROM orders WHERE id = 2');
        await fx.sql("INSERT INTO orders VALUES (4, 40, 'd')");
        await fx.sql('ALTER TABLE orders ADD COLUMN extra INTEGER');
      };

      it('reverts rows and columns changed after a keep: clone checkpoint; a later reset sees nothing to revert', async () => {
        await reconcile(fx, keeping('clone'));
        await changeOrders();
        const t = keeping('clone', [action('rewind', { kind: 'reset', to: 'baseline' })]);
        const { plan, outcomes } = await reconcile(fx, t);
        expect(kinds(plan)).toEqual(['restore-content:ORDERS', 'record-action']);
        expect(plan.targets[0]?.steps[0]).toMatchObject({
          kind: 'restore-content',
          from: { kind: 'clone', checkpointId: 'baseline' },
          missing: false,
        });
        expectAllSucceeded(outcomes);
        expect(await table('SELECT * FROM orders ORDER BY id')).toEqual(ORIGINAL);
        expect(await table('SELECT * FROM customers')).toEqual([['1', 'Acme']]);
        expect(Number((await fx.sql('SELECT count(*) FROM v_orders'))[0]?.[0])).toBe(3);
        await expectConverged(fx, t);
        // The reverted table is the checkpoint's incarnation with the checkpoint's content version.
        const again = keeping('clone', [
          action('rewind', { kind: 'reset', to: 'baseline' }),
          action('rewind-2', { kind: 'reset', to: 'baseline' }),
        ]);
        expect(kinds(await planOnly(fx, again))).toEqual(['record-action']);
        const later = keeping('clone', [
          action('rewind', { kind: 'reset', to: 'baseline' }),
          action('tidy', { kind: 'cleanup', since: 'baseline' }),
        ]);
        expect(kinds(await planOnly(fx, later))).toEqual(['record-action']);
      });

      it('an inventory-only checkpoint reverts content through Time Travel where the warehouse has it, else says why not', async () => {
        await reconcile(fx, keeping('inventory'));
        await changeOrders();
        const t = keeping('inventory', [action('rewind', { kind: 'reset', to: 'baseline' })]);
        const plan = await planOnly(fx, t);
        if (harness.timeTravel) {
          expect(kinds(plan)).toEqual(['restore-content:ORDERS', 'record-action']);
          expectAllSucceeded((await reconcile(fx, t)).outcomes);
          expect(await table('SELECT * FROM orders ORDER BY id')).toEqual(ORIGINAL);
          await expectConverged(fx, t);
        } else {
          expect(plan.targets[0]?.steps).toEqual([]);
          expect(plan.targets[0]?.findings).toMatchObject([
            { code: 'NOT_RESTORABLE', severity: 'blocker', object: expect.stringMatching(/^orders$/i) },
          ]);
          expect(plan.targets[0]?.findings[0]?.message).toMatch(/keep: clone/);
        }
      });

      it('a table dropped and re-created with other rows: the original rows come back, the newcomer goes', async () => {
        await reconcile(fx, keeping('clone'));
        await fx.sql('DROP VIEW v_orders');
        await fx.sql('DROP TABLE orders');
        await fx.sql('CREATE TABLE orders (id INTEGER, amount INTEGER, note VARCHAR)');
        await fx.sql("INSERT INTO orders VALUES (9, 90, 'newcomer')");
        const t = keeping('clone', [action('rewind', { kind: 'reset', to: 'baseline' })]);
        const { plan, outcomes } = await reconcile(fx, t);
        expect(kinds(plan)[0]).toBe('drop-object:ORDERS');
        expectAllSucceeded(outcomes);
        expect(await table('SELECT id, amount, note FROM orders ORDER BY id')).toEqual(ORIGINAL);
        expect(Number((await fx.sql('SELECT count(*) FROM v_orders'))[0]?.[0])).toBe(3);
        await expectConverged(fx, t);
        const later = keeping('clone', [
          action('rewind', { kind: 'reset', to: 'baseline' }),
          action('tidy', { kind: 'cleanup', since: 'baseline' }),
        ]);
        expect(kinds(await planOnly(fx, later))).toEqual(['record-action']);
      });

      it('a view on a view on a table, all three dropped, come back in dependency order and answer queries', async () => {
        await fx.sql('CREATE VIEW z_mid AS SELECT id, amount FROM v_orders');
        await fx.sql('CREATE VIEW a_top AS SELECT id FROM z_mid WHERE amount > 10');
        await reconcile(fx, keeping('clone'));
        await fx.sql('DROP VIEW a_top');
        await fx.sql('DROP VIEW z_mid');
        await fx.sql('DROP VIEW v_orders');
        await fx.sql('DROP TABLE orders');
        const t = keeping('clone', [action('rewind', { kind: 'reset', to: 'baseline' })]);
        const { plan, outcomes } = await reconcile(fx, t);
        expect(kinds(plan).slice(-4)).toEqual(['recreate-view:V_ORDERS', 'recreate-view:Z_MID', 'recreate-view:A_TOP', 'record-action']);
        expectAllSucceeded(outcomes);
        expect(await table('SELECT id FROM a_top ORDER BY id')).toEqual([['2'], ['3']]);
        await expectConverged(fx, t);
      });

      it('a view redefined after the checkpoint gets its old definition back', async () => {
        await reconcile(fx, keeping('inventory'));
        await fx.sql('DROP VIEW v_orders');
        await fx.sql('CREATE VIEW v_orders AS SELECT id FROM orders WHERE id = 1');
        const t = keeping('inventory', [action('rewind', { kind: 'reset', to: 'baseline' })]);
        const { plan, outcomes } = await reconcile(fx, t);
        expect(kinds(plan)).toEqual(['drop-object:V_ORDERS', 'recreate-view:V_ORDERS', 'record-action']);
        expectAllSucceeded(outcomes);
        expect(await table('SELECT id, amount FROM v_orders ORDER BY id')).toEqual([
          ['1', '10'],
          ['2', '20'],
          ['3', '30'],
        ]);
        await expectConverged(fx, t);
      });

      it('expiring a keep: clone checkpoint drops its clone, and nothing else', async () => {
        const two = (): Target => ({
          ...base,
          checkpoints: [
            { id: 'baseline', description: '', keep: 'clone', position: { line: 1, col: 1 } },
            { id: 'second', description: '', keep: 'clone', position: { line: 1, col: 1 } },
          ],
        });
        await reconcile(fx, two());
        const before = await observe(fx, base);
        expect(before.checkpoints.map((c) => [c.id, c.keep, c.clone !== null])).toEqual([
          ['baseline', 'clone', true],
          ['second', 'clone', true],
        ]);
        const ref = { name: base.name, database: base.database, schema: base.schema, auditTable: base.auditTable };
        const run = { runId: 'expire-test', origin: { file: 'x', hash: 'x', commit: null, dirty: null }, command: 'test' };
        const expire = {
          target: base.name,
          group: 'checkpoint:baseline',
          reason: 'test',
          kind: 'expire-checkpoint' as const,
          checkpointId: 'baseline',
          scheduleId: 'hourly',
          keep: 'clone' as const,
        };
        await fx.warehouse.steps['expire-checkpoint'](ref, expire, run);
        await fx.warehouse.steps['expire-checkpoint'](ref, expire, run); // again: progress, not an error
        const after = await observe(fx, base);
        expect(after.checkpoints.map((c) => [c.id, c.status, c.clone !== null])).toEqual([
          ['baseline', 'DELETED', false],
          ['second', 'ACTIVE', true],
        ]);
        expect(names(after)).toEqual(names(before));
        expect(await table('SELECT id, amount, note FROM orders ORDER BY id')).toEqual(ORIGINAL);
        // The other checkpoint's clone still restores.
        await fx.sql('DELETE FROM orders');
        const t = { ...two(), actions: [action('rewind', { kind: 'reset', to: 'second' })] };
        expectAllSucceeded((await reconcile(fx, t)).outcomes);
        expect(await table('SELECT id, amount, note FROM orders ORDER BY id')).toEqual(ORIGINAL);
      });
    });
  });
  adoptionSuite(harness);
  inventorySuite(harness);
}

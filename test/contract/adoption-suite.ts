/**
 * Adopting the old Matillion pipelines' audit table, on every adapter: a table with their seven
 * columns, their SYSTEM_INIT row and their checkpoints (ids like CP_2024_01_15_14_30, a
 * timestamp without zone, inventories of INFORMATION_SCHEMA.TABLES rows with keys in any case)
 * is read as it is, planned without changing anything, migrated by one step that adds ckpt's
 * columns, and reset to an old checkpoint; every old row stays as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_LAYOUT } from '../../src/model/audit-layout.js';
import type { InventoryEntry } from '../../src/model/observed.js';
import { action } from '../support/desired.js';
import type { Fixture, Harness } from './harness.js';
import { expectAllSucceeded, expectConverged, names, observe, planOnly, reconcile } from './run.js';

const SEED = [
  'CREATE TABLE orders (id INTEGER, amount INTEGER)',
  'INSERT INTO orders VALUES (1, 10), (2, 20), (3, 30)',
  'CREATE TABLE customers (id INTEGER, name VARCHAR)',
  "INSERT INTO customers VALUES (1, 'Acme')",
  'CREATE VIEW v_orders AS SELECT id, amount FROM orders',
];

const OLD_COLUMNS = 'CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION, OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS';
const FIRST = 'CP_2024_01_15_14_30';
const SECOND = 'CP_2024_01_16_09_00';

/** `created` as Snowflake writes a TIMESTAMP_LTZ into a VARIANT, in a session 8 hours behind UTC (`2024-01-15 06:30:00.000 -0800`). */
function pacificText(iso: string): string {
  const local = new Date(Date.parse(iso) - 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 23)} -0800`;
}

/** One INFORMATION_SCHEMA.TABLES row as a pipeline stored it; `lower`: with lower-case keys, as another pipeline wrote them. */
function pipelineRow(entry: InventoryEntry, lower: boolean): Record<string, unknown> {
  const row = {
    TABLE_SCHEMA: 'DEMO',
    TABLE_NAME: entry.name,
    TABLE_TYPE: entry.kind === 'VIEW' ? 'VIEW' : 'BASE TABLE',
    CREATED: lower ? entry.created : pacificText(entry.created),
    ROW_COUNT: entry.rowCount,
    BYTES: entry.bytes,
  };
  return lower ? Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v])) : row;
}

/** Makes the old pipelines' audit table, with their SYSTEM_INIT row and two checkpoints of the schema as it is now. */
async function makePipelineTable(fx: Fixture, harness: Harness): Promise<void> {
  const { timestamp, json, jsonValue } = harness.pipeline;
  await fx.sql(`CREATE TABLE CHECKPOINT_AUDIT (CHECKPOINT_ID VARCHAR, CHECKPOINT_TIMESTAMP ${timestamp}, CHECKPOINT_TYPE VARCHAR,
    DESCRIPTION VARCHAR, OBJECTS_SNAPSHOT ${json}, OBJECTS_COUNT INTEGER, STATUS VARCHAR)`);
  const live = (await observe(fx, fx.base)).objects;
  // What the pipelines captured besides the schema's objects: their own table, and (one of them) another schema's.
  const own = { TABLE_SCHEMA: 'DEMO', TABLE_NAME: 'CHECKPOINT_AUDIT', TABLE_TYPE: 'BASE TABLE', CREATED: '2024-01-01 00:00:00.000 -0800' };
  const other = { TABLE_SCHEMA: 'STAGING', TABLE_NAME: 'LOAD_1', TABLE_TYPE: 'BASE TABLE', CREATED: '2024-01-01 00:00:00.000 -0800' };
  const rows: Array<[string, string, string, string, unknown[], string]> = [
    ['SYSTEM_INIT', '2024-01-01 00:00:00', 'SYSTEM_INIT', 'checkpoint system initialised', [], 'ACTIVE'],
    [FIRST, '2024-01-15 14:30:00', 'MANUAL', 'before the January load', [...live.map((e) => pipelineRow(e, false)), own, other], 'SUCCESS'],
    [SECOND, '2024-01-16 09:00:00', 'AUTO', 'nightly', live.map((e) => pipelineRow(e, true)), 'ACTIVE'],
  ];
  for (const [id, at, type, description, snapshot, status] of rows) {
    await fx.sql(`INSERT INTO CHECKPOINT_AUDIT (${OLD_COLUMNS}) SELECT '${id}', CAST('${at}' AS ${timestamp}), '${type}', '${description}',
      ${jsonValue(JSON.stringify(snapshot))}, ${snapshot.length}, '${status}'`);
  }
}

/** The old pipelines' rows, as `ckpt sql` reads them. */
async function oldRows(fx: Fixture): Promise<unknown[][]> {
  return fx.sql(`SELECT ${OLD_COLUMNS} FROM CHECKPOINT_AUDIT ORDER BY CHECKPOINT_ID`);
}

/** Names of the schema's tables as the catalog lists them (upper-cased), ckpt's own among them. */
async function catalogTables(fx: Fixture): Promise<string[]> {
  const rows = await fx.sql("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DEMO'");
  return rows.map((r) => String(r[0]).toUpperCase()).sort();
}

/** Registers the adoption tests for one adapter. */
export function adoptionSuite(harness: Harness): void {
  describe(`adopting the old pipelines' audit table: ${harness.name}`, () => {
    let fx: Fixture;

    beforeEach(async () => {
      fx = await harness.fresh();
      for (const statement of SEED) await fx.sql(statement);
      await makePipelineTable(fx, harness);
    });
    afterEach(async () => fx.close());

    it('reads their checkpoints tolerantly, and plans the migration without changing anything', async () => {
      const before = { rows: await oldRows(fx), tables: await catalogTables(fx) };
      const seen = await observe(fx, fx.base);
      expect(seen.auditLayout).toBe(0);
      expect(seen.checkpoints.map((c) => [c.id, c.type, c.origin, c.status, c.timestamp])).toEqual([
        [FIRST, 'MANUAL', 'pipeline', 'ACTIVE', '2024-01-15T14:30:00.000Z'],
        [SECOND, 'AUTO', 'pipeline', 'ACTIVE', '2024-01-16T09:00:00.000Z'],
      ]);
      for (const { objects } of seen.checkpoints) {
        // Read from their rows, whatever observe was asked for: an old pipeline's inventory comes with its row.
        if (objects === null) throw new Error('an old pipeline checkpoint was read without its inventory');
        // Their own table and another schema's are left out; views come without definitions.
        expect(objects.map((o) => `${o.kind}:${o.name.toUpperCase()}`).sort()).toEqual(names(seen));
        expect(objects.find((o) => o.kind === 'VIEW')?.definition).toBeNull();
        // Same incarnations as live, whatever the key case and the zone the pipeline wrote.
        for (const o of objects) expect(o.created).toBe(seen.objects.find((l) => l.name === o.name)?.created);
      }

      const plan = await planOnly(fx, fx.base);
      expect(plan.targets[0]?.steps).toMatchObject([
        {
          kind: 'migrate-audit',
          fromLayout: 0,
          toLayout: AUDIT_LAYOUT,
          columns: ['ACTION_ID', 'SPEC_HASH', 'SPEC', 'STEPS', 'ERROR', 'RUN_ID', 'ORIGIN', 'INVENTORY_TABLE'],
        },
      ]);
      expect(plan.targets[0]?.findings).toEqual([]);
      // Planning wrote nothing: no column, no lease or journal table.
      expect({ rows: await oldRows(fx), tables: await catalogTables(fx) }).toEqual(before);
      expect((await observe(fx, fx.base)).auditLayout).toBe(0);
    });

    it('migrates, resets to an old checkpoint with findings for what it did not record, and keeps every old row', async () => {
      const before = await oldRows(fx);
      await fx.sql('CREATE TABLE extra (id INTEGER)');
      await fx.sql('INSERT INTO orders VALUES (4, 40)');
      await fx.sql('DROP TABLE customers');
      await fx.sql('DROP VIEW v_orders');
      const t = { ...fx.base, actions: [action('back-to-january', { kind: 'reset', to: FIRST })] };

      const { plan, outcomes } = await reconcile(fx, t);
      const steps = plan.targets[0]?.steps ?? [];
      expect(steps.map((s) => `${s.kind}:${'object' in s ? s.object.name.toUpperCase() : ''}`)).toEqual([
        'migrate-audit:',
        'drop-object:EXTRA',
        'restore-table:CUSTOMERS',
        'record-action:',
      ]);
      expect(plan.targets[0]?.findings.map((f) => [f.severity, f.code, f.object?.toUpperCase() ?? null])).toEqual([
        ['warning', 'VIEW_NOT_RECORDED', 'V_ORDERS'],
        ['warning', 'CONTENT_NOT_RECORDED', null],
      ]);
      expectAllSucceeded(outcomes);

      const after = await observe(fx, t);
      expect(after.auditLayout).toBe(AUDIT_LAYOUT);
      expect(names(after)).toEqual(['TABLE:CUSTOMERS', 'TABLE:ORDERS']);
      expect((await fx.sql('SELECT count(*) FROM customers')).map((r) => r.map(String))).toEqual([['1']]);
      expect(after.actions).toMatchObject([{ actionId: 'back-to-january', status: 'APPLIED' }]);
      // The old rows are as they were (FIRST is not marked RESTORED_TO: ckpt never changes them).
      expect(await oldRows(fx).then((rows) => rows.filter((r) => before.some((b) => b[0] === r[0])))).toEqual(before);
      expect(after.checkpoints.find((c) => c.id === FIRST)?.status).toBe('ACTIVE');
      await expectConverged(fx, t);
    });
  });
}

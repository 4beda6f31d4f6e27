/**
 * Adopting the old pipelines' audit table, in pure parts: the layout versions and their
 * migration statements, reading timestamp text (a zone-less one in UTC), reading the old
 * pipelines' rows tolerantly, and what the planner makes of their checkpoints.
 */
import { describe, expect, it } from 'vitest';
import { AUDIT_LAYOUT, columnsAddedSince, layoutColumns, layoutComment, readLayout } from '../../src/model/audit-layout.js';
import type { InventoryEntry } from '../../src/model/observed.js';
import { isoFromText, UNKNOWN_TIME } from '../../src/model/time.js';
import { planTarget } from '../../src/plan/plan.js';
import { readAuditRows } from '../../src/warehouse/audit-rows.js';
import { auditMigrationSql } from '../../src/warehouse/snowflake/snowflake-sql.js';
import { action, target } from '../support/desired.js';
import { checkpoint, dropped, obj, observed } from '../support/observed.js';

const PIPELINE = ['CHECKPOINT_ID', 'CHECKPOINT_TIMESTAMP', 'CHECKPOINT_TYPE', 'DESCRIPTION', 'OBJECTS_SNAPSHOT', 'OBJECTS_COUNT', 'STATUS'];
const CKPT = ['ACTION_ID', 'SPEC_HASH', 'SPEC', 'STEPS', 'ERROR', 'RUN_ID', 'ORIGIN'];

describe('audit table layout', () => {
  it('is 2 today: the old pipelines’ seven columns, then ckpt’s seven, then INVENTORY_TABLE', () => {
    expect(AUDIT_LAYOUT).toBe(2);
    expect(layoutColumns(0)).toEqual(PIPELINE);
    expect(layoutColumns(1)).toEqual([...PIPELINE, ...CKPT]);
    expect(layoutColumns(2)).toEqual([...PIPELINE, ...CKPT, 'INVENTORY_TABLE']);
    expect(columnsAddedSince(0).map((c) => c.name)).toEqual([...CKPT, 'INVENTORY_TABLE']);
    expect(columnsAddedSince(1).map((c) => c.name)).toEqual(['INVENTORY_TABLE']);
    expect(columnsAddedSince(2)).toEqual([]);
  });

  it('reads the stamp first, else the newest layout whose columns are all there', () => {
    expect(readLayout(null, PIPELINE)).toBe(0);
    expect(readLayout(null, [...PIPELINE, 'ACTION_ID', 'RUN_ID'])).toBe(0); // an interrupted migration
    expect(
      readLayout(
        null,
        [...PIPELINE, ...CKPT].map((c) => c.toLowerCase()),
      ),
    ).toBe(1); // a ckpt table older than the stamp
    expect(readLayout('ckpt audit table, layout 1', PIPELINE)).toBe(1);
    expect(readLayout('checkpoints of the ETL team', PIPELINE)).toBe(0);
    expect(readLayout(layoutComment(12), [...PIPELINE, ...CKPT])).toBe(12);
  });

  it('migrates on Snowflake one column at a time, IF NOT EXISTS, then stamps the table', () => {
    const inventoryTable = `CREATE TABLE IF NOT EXISTS "DB"."S"."CHECKPOINT_AUDIT_INVENTORY" (
  CHECKPOINT_ID VARCHAR NOT NULL,
  CAPTURED_AT TIMESTAMP_LTZ NOT NULL,
  OBJECT_NAME VARCHAR NOT NULL,
  OBJECT_TYPE VARCHAR NOT NULL,
  ROW_COUNT NUMBER,
  BYTES NUMBER,
  RETENTION_TIME NUMBER,
  ENTRY VARIANT NOT NULL)`;
    expect(auditMigrationSql({ database: 'DB', schema: 'S', auditTable: 'CHECKPOINT_AUDIT' }, 0)).toEqual([
      inventoryTable,
      ...[
        'ACTION_ID VARCHAR',
        'SPEC_HASH VARCHAR',
        'SPEC VARIANT',
        'STEPS VARIANT',
        'ERROR VARCHAR',
        'RUN_ID VARCHAR',
        'ORIGIN VARIANT',
        'INVENTORY_TABLE VARCHAR',
      ].map((c) => `ALTER TABLE "DB"."S"."CHECKPOINT_AUDIT" ADD COLUMN IF NOT EXISTS ${c}`),
      `ALTER TABLE "DB"."S"."CHECKPOINT_AUDIT" SET COMMENT = 'ckpt audit table, layout 2'`,
    ]);
    // From ckpt's layout 1: the inventory table, its one column, the stamp.
    expect(auditMigrationSql({ database: 'DB', schema: 'S', auditTable: 'CHECKPOINT_AUDIT' }, 1)).toEqual([
      inventoryTable,
      `ALTER TABLE "DB"."S"."CHECKPOINT_AUDIT" ADD COLUMN IF NOT EXISTS INVENTORY_TABLE VARCHAR`,
      `ALTER TABLE "DB"."S"."CHECKPOINT_AUDIT" SET COMMENT = 'ckpt audit table, layout 2'`,
    ]);
  });
});

describe('timestamp text', () => {
  it.each([
    ['2024-01-15 14:30:00', '2024-01-15T14:30:00.000Z'], // TIMESTAMP_NTZ: no zone, read in UTC
    ['2024-01-15T14:30:00', '2024-01-15T14:30:00.000Z'],
    ['2024-01-15 06:30:00.123456789 -0800', '2024-01-15T14:30:00.123Z'], // a VARIANT's TIMESTAMP_LTZ
    ['2024-01-15 06:30:00.1 -08:00', '2024-01-15T14:30:00.100Z'],
    ['2024-01-15 16:30:00.5+02', '2024-01-15T14:30:00.500Z'], // DuckDB's TIMESTAMPTZ text
    ['2024-01-15 14:30:00 Z', '2024-01-15T14:30:00.000Z'],
    ['2024-01-15T14:30:00.000Z', '2024-01-15T14:30:00.000Z'],
    ['not a time', null],
  ])('%s → %s', (text, iso) => {
    expect(isoFromText(text)).toBe(iso);
  });

  it('reads zone-less text in UTC whatever this machine’s zone is', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(isoFromText('2024-01-15 14:30:00')).toBe('2024-01-15T14:30:00.000Z');
      expect(isoFromText('2024-01-15T14:30:00.25')).toBe('2024-01-15T14:30:00.250Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

const SCOPE = { schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };

describe('reading the old pipelines’ rows', () => {
  const snapshot = [
    {
      TABLE_NAME: 'ORDERS',
      TABLE_TYPE: 'BASE TABLE',
      CREATED: '2024-01-10 08:00:00.000 -0800',
      ROW_COUNT: 3,
      BYTES: 1024,
      TABLE_SCHEMA: 'DEMO',
    },
    { table_name: 'V_ORDERS', Table_Type: 'VIEW', created: '2024-01-10T16:00:00Z' },
    { TABLE_NAME: 'NO_TIME', TABLE_TYPE: 'BASE TABLE' },
    { TABLE_NAME: 'CHECKPOINT_AUDIT', TABLE_TYPE: 'BASE TABLE', CREATED: '2024-01-01 00:00:00' },
    { TABLE_NAME: 'CHECKPOINT_AUDIT_LEASE', TABLE_TYPE: 'BASE TABLE', CREATED: '2024-01-01 00:00:00' },
    { TABLE_NAME: 'S3_FILES', TABLE_TYPE: 'EXTERNAL TABLE', CREATED: '2024-01-01 00:00:00' },
    { TABLE_NAME: 'LOAD_1', TABLE_TYPE: 'BASE TABLE', TABLE_SCHEMA: 'STAGING', CREATED: '2024-01-01 00:00:00' },
  ];
  const row = (id: string, type: string, status: unknown, extra: Record<string, unknown> = {}) => ({
    CHECKPOINT_ID: id,
    CHECKPOINT_TIMESTAMP: '2024-01-15 14:30:00',
    CHECKPOINT_TYPE: type,
    DESCRIPTION: null,
    OBJECTS_SNAPSHOT: JSON.stringify(snapshot),
    OBJECTS_COUNT: snapshot.length,
    STATUS: status,
    ...extra,
  });
  const { checkpoints, actions } = readAuditRows(
    [
      row('SYSTEM_INIT', 'SYSTEM_INIT', 'ACTIVE'),
      row('CP_2024_01_15_14_30', 'MANUAL', 'SUCCESS'),
      row('CP_2024_01_16_09_00', 'auto', null),
      row('CP_2024_01_17_09_00', 'MANUAL', 'deleted'),
      row('CLEANUP_2024_01_18', 'CLEANUP', 'COMPLETED'),
      row('RESTORE_2024_01_19', 'RESTORE', 'COMPLETED'),
      row('CP_2026_01_01_00_00', 'MANUAL', 'ACTIVE', { RUN_ID: 'run-1' }),
    ],
    (t) => isoFromText(String(t)),
    SCOPE,
  );

  it('takes MANUAL and AUTO rows (any case) as checkpoints, marked as the pipelines’, statuses read leniently', () => {
    expect(actions).toEqual([]);
    expect(checkpoints.map((c) => [c.id, c.type, c.status, c.origin, c.timestamp, c.description])).toEqual([
      ['CP_2024_01_15_14_30', 'MANUAL', 'ACTIVE', 'pipeline', '2024-01-15T14:30:00.000Z', ''],
      ['CP_2024_01_16_09_00', 'AUTO', 'ACTIVE', 'pipeline', '2024-01-15T14:30:00.000Z', ''],
      ['CP_2024_01_17_09_00', 'MANUAL', 'DELETED', 'pipeline', '2024-01-15T14:30:00.000Z', ''],
      ['CP_2026_01_01_00_00', 'MANUAL', 'ACTIVE', 'ckpt', '2024-01-15T14:30:00.000Z', ''],
    ]);
  });

  it('reads their inventory in any key case, without their own tables, other schemas or kinds ckpt does not manage', () => {
    const objects = checkpoints[0]?.objects ?? [];
    expect(objects.map((o) => [o.name, o.kind, o.created, o.rowCount, o.bytes, o.definition, o.lastAltered])).toEqual([
      ['ORDERS', 'TABLE', '2024-01-10T16:00:00.000Z', 3, 1024, null, null],
      ['V_ORDERS', 'VIEW', '2024-01-10T16:00:00.000Z', null, null, null, null],
      ['NO_TIME', 'TABLE', UNKNOWN_TIME, null, null, null, null],
    ]);
  });
});

describe('planning with the old pipelines’ checkpoints', () => {
  const TAKEN = '2024-01-10T16:00:00.000Z';
  const orders: InventoryEntry = { ...obj('ORDERS', 'TABLE', TAKEN), retentionDays: null, rowCount: 3 };
  const view: InventoryEntry = { ...obj('V_ORDERS', 'VIEW', TAKEN), definition: null };
  const unknown: InventoryEntry = { ...obj('NO_TIME', 'TABLE', UNKNOWN_TIME), retentionDays: null };
  const old = checkpoint('CP_2024_01_15_14_30', [orders, view, unknown], { origin: 'pipeline', timestamp: '2024-01-15T14:30:00.000Z' });
  const live = [
    { ...orders, rowCount: 4 },
    { ...view, created: '2026-11-27T09:30:00.000Z', definition: 'CREATE VIEW V_ORDERS AS SELECT 2' },
    { ...unknown, created: '2026-11-27T08:00:00.000Z' },
  ];

  it('plans the migration of a layout-0 table first, and nothing for one at ckpt’s layout', () => {
    const plan = planTarget(target(), observed({ auditLayout: 0, checkpoints: [old], objects: live }));
    expect(plan.steps).toEqual([
      {
        target: 'demo',
        group: 'audit',
        kind: 'migrate-audit',
        auditTable: 'CHECKPOINT_AUDIT',
        fromLayout: 0,
        toLayout: 2,
        columns: [...CKPT, 'INVENTORY_TABLE'],
        reason:
          "CHECKPOINT_AUDIT has the old pipelines' columns only (layout 0); ckpt's layout is 2, and no row changes; its inventory table CHECKPOINT_AUDIT_INVENTORY is created (one row per object of each checkpoint)",
      },
    ]);
    expect(planTarget(target(), observed({ auditLayout: 2 })).steps).toEqual([]);
  });

  it('holds everything back on a layout newer than this ckpt knows', () => {
    const plan = planTarget(target({ actions: [action('c1', { kind: 'cleanup', since: old.id })] }), observed({ auditLayout: 3 }));
    expect(plan.steps).toEqual([]);
    expect(plan.findings.map((f) => [f.severity, f.code])).toEqual([['blocker', 'AUDIT_LAYOUT_NEWER']]);
  });

  it('a reset keeps a re-defined view it cannot bring back and a table of unknown creation, and reverts no content', () => {
    const reset = action('r1', { kind: 'reset', to: old.id });
    const plan = planTarget(target({ actions: [reset] }), observed({ checkpoints: [old], objects: live }));
    expect(plan.steps.map((s) => s.kind)).toEqual(['record-action']);
    expect(plan.findings.map((f) => [f.severity, f.code, f.object])).toEqual([
      ['warning', 'VIEW_NOT_RECORDED', 'V_ORDERS'],
      ['warning', 'CONTENT_NOT_RECORDED', null],
    ]);
    expect(plan.findings[1]?.message).toContain('ORDERS: its row count changed (3 → 4)');
  });

  it('the content warning names every table whose recorded figures differ, one after the other', () => {
    const items: InventoryEntry = { ...orders, name: 'ITEMS', rowCount: 5 };
    const both = { ...old, objects: [orders, items] };
    const reset = action('r1', { kind: 'reset', to: old.id });
    const plan = planTarget(
      target({ actions: [reset] }),
      observed({
        checkpoints: [both],
        objects: [
          { ...orders, rowCount: 4 },
          { ...items, rowCount: 6 },
        ],
      }),
    );
    expect(plan.findings.map((f) => f.code)).toEqual(['CONTENT_NOT_RECORDED']);
    expect(plan.findings[0]?.message).toMatch(
      / \((ITEMS|ORDERS): its row count changed \(\d → \d\); (ITEMS|ORDERS): its row count changed \(\d → \d\)\)$/,
    );
  });

  it('a cleanup drops what is new since, never a table of unknown creation nor a view whose CREATED it recorded', () => {
    const cleanup = action('c1', { kind: 'cleanup', since: old.id });
    const same = [live[0] as InventoryEntry, view, live[2] as InventoryEntry, obj('EXTRA', 'TABLE', '2026-11-27T09:00:00.000Z')];
    const plan = planTarget(target({ actions: [cleanup] }), observed({ checkpoints: [old], objects: same }));
    expect(plan.steps.map((s) => `${s.kind}:${'object' in s ? s.object.name : ''}`)).toEqual(['drop-object:EXTRA', 'record-action:']);
  });

  it('a restore brings back a missing table by its dropped version, and a view whose definition was recorded', () => {
    const defined: InventoryEntry = { ...view, name: 'V_DEFINED', definition: 'CREATE VIEW V_DEFINED AS SELECT 1 AS ID' };
    const withDefinition = { ...old, objects: [orders, defined] };
    const restore = action('s1', { kind: 'restore', from: old.id, objects: null });
    const plan = planTarget(
      target({ actions: [restore] }),
      observed({ checkpoints: [withDefinition], objects: [], dropped: [dropped(orders)] }),
    );
    expect(plan.steps.map((s) => `${s.kind}:${'object' in s ? s.object.name : ''}`)).toEqual([
      'restore-table:ORDERS',
      'recreate-view:V_DEFINED',
      'record-action:',
    ]);
    expect(plan.findings).toEqual([]);
  });

  it('a restore of a missing view says it cannot, and goes ahead with the rest', () => {
    const restore = action('s1', { kind: 'restore', from: old.id, objects: null });
    const plan = planTarget(
      target({ actions: [restore] }),
      observed({ checkpoints: [old], objects: [live[0] as InventoryEntry, live[2] as InventoryEntry] }),
    );
    expect(plan.steps.map((s) => s.kind)).toEqual(['record-action']);
    expect(plan.findings.map((f) => f.code)).toEqual(['VIEW_NOT_RECORDED']);
  });
});

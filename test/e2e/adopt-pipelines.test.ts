/**
 * Coming from the Matillion pipelines, through the built CLI on both connections: a schema whose
 * CHECKPOINT_AUDIT the old pipelines made (their seven columns, a zone-less timestamp, their
 * SYSTEM_INIT row, a checkpoint CP_2024_01_15_14_30 whose inventory they built from the catalog)
 * is planned without a change, listed, migrated and reset to that checkpoint, and keeps every
 * old row.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ckpt, workspace } from './cli-runner.js';
import { e2eConnection, type E2eConnection } from './connections.js';

const OLD_COLUMNS = 'CHECKPOINT_ID, CHECKPOINT_TIMESTAMP, CHECKPOINT_TYPE, DESCRIPTION, OBJECTS_SNAPSHOT, OBJECTS_COUNT, STATUS';
const CP = 'CP_2024_01_15_14_30';

/**
 * The old pipelines' table and rows in each warehouse's dialect. The checkpoint's inventory is
 * built as the pipelines built it, from the catalog: INFORMATION_SCHEMA.TABLES on Snowflake
 * (their own table included, as they captured it), ckpt's registry of creation times locally.
 */
const PIPELINE_SQL = {
  snowflake: [
    `CREATE TABLE CHECKPOINT_AUDIT (CHECKPOINT_ID VARCHAR, CHECKPOINT_TIMESTAMP TIMESTAMP_NTZ, CHECKPOINT_TYPE VARCHAR,
      DESCRIPTION VARCHAR, OBJECTS_SNAPSHOT VARIANT, OBJECTS_COUNT NUMBER, STATUS VARCHAR)`,
    `INSERT INTO CHECKPOINT_AUDIT SELECT 'SYSTEM_INIT', '2024-01-01 00:00:00'::TIMESTAMP_NTZ, 'SYSTEM_INIT', 'initialised', ARRAY_CONSTRUCT(), 0, 'ACTIVE'`,
    `INSERT INTO CHECKPOINT_AUDIT SELECT '${CP}', '2024-01-15 14:30:00'::TIMESTAMP_NTZ, 'MANUAL', 'before the January load',
      ARRAY_AGG(OBJECT_CONSTRUCT('TABLE_NAME', TABLE_NAME, 'TABLE_TYPE', TABLE_TYPE, 'CREATED', CREATED, 'ROW_COUNT', ROW_COUNT, 'BYTES', BYTES)),
      COUNT(*), 'SUCCESS' FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DEMO'`,
  ],
  local: [
    `CREATE TABLE CHECKPOINT_AUDIT (CHECKPOINT_ID VARCHAR, CHECKPOINT_TIMESTAMP TIMESTAMP, CHECKPOINT_TYPE VARCHAR,
      DESCRIPTION VARCHAR, OBJECTS_SNAPSHOT VARCHAR, OBJECTS_COUNT INTEGER, STATUS VARCHAR)`,
    `INSERT INTO CHECKPOINT_AUDIT SELECT 'SYSTEM_INIT', TIMESTAMP '2024-01-01 00:00:00', 'SYSTEM_INIT', 'initialised', '[]', 0, 'ACTIVE'`,
    `INSERT INTO CHECKPOINT_AUDIT SELECT '${CP}', TIMESTAMP '2024-01-15 14:30:00', 'MANUAL', 'before the January load',
      to_json(list({'table_name': name, 'table_type': CASE kind WHEN 'VIEW' THEN 'VIEW' ELSE 'BASE TABLE' END, 'created': created})),
      count(*), 'SUCCESS' FROM _ckpt.objects WHERE schema_name = 'DEMO'`,
  ],
};

describe.each(['local', 'snowflake'] as const)('adopting the old pipelines on %s', (kind) => {
  let conn: E2eConnection;
  let dir: string;
  beforeEach(async () => {
    conn = await e2eConnection(kind);
    dir = await workspace(config(' []'));
  });
  afterEach(async () => {
    await conn.close();
    await rm(dir, { recursive: true, force: true });
  });

  function config(actions: string): string {
    return `${conn.header}targets:\n  - name: demo\n${conn.location}    actions:${actions}\n`;
  }
  const run = (args: string[]) => ckpt(dir, args, { env: conn.env });
  /** `ckpt sql`; `force` for the statements that write the old pipelines' table (ckpt guards its audit table). */
  const sql = async (statement: string, force = false): Promise<unknown[][]> => {
    const result = await run(['sql', '--json', ...(force ? ['--force'] : []), statement]);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as { rows: unknown[][] }).rows;
  };
  const tables = async () =>
    (await sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'DEMO'"))
      .map((r) => String(r[0]).toUpperCase())
      .sort();
  const oldRows = () => sql(`SELECT ${OLD_COLUMNS} FROM CHECKPOINT_AUDIT ORDER BY CHECKPOINT_ID`);

  it('plans without a change, lists their checkpoint, migrates, resets to it and keeps every old row', async () => {
    for (const statement of [
      'CREATE TABLE orders (id INTEGER, amount INTEGER)',
      'INSERT INTO orders VALUES (1, 10), (2, 20)',
      'CREATE TABLE customers (id INTEGER, name VARCHAR)',
      "INSERT INTO customers VALUES (1, 'Acme')",
    ]) {
      await sql(statement);
    }
    for (const statement of PIPELINE_SQL[kind]) await sql(statement, true);
    const before = { rows: await oldRows(), tables: await tables() };
    expect(before.tables).toEqual(['CHECKPOINT_AUDIT', 'CUSTOMERS', 'ORDERS']);

    const plan = await run(['reconcile', '--plan', '--detailed-exitcode']);
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(
      /\+ migrate audit table \S*CHECKPOINT_AUDIT: add columns ACTION_ID, SPEC_HASH, SPEC, STEPS, ERROR, RUN_ID, ORIGIN/,
    );
    expect(plan.stdout).toContain('Plan: 1 audit table to migrate.');
    // A plan changes nothing: no column added, no lease or journal table created.
    expect({ rows: await oldRows(), tables: await tables() }).toEqual(before);

    const listed = await run(['checkpoints', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      targets: [
        {
          target: 'demo',
          checkpoints: [
            { id: CP, origin: 'pipeline', type: 'MANUAL', status: 'ACTIVE', timestamp: '2024-01-15T14:30:00.000Z', objects_count: 2 },
          ],
        },
      ],
    });
    expect((await run(['checkpoints'])).stdout).toMatch(new RegExp(`${CP} +2024-01-15 14:30:00 UTC +MANUAL +pipeline`));

    await sql('CREATE TABLE scratch (id INTEGER)');
    await sql('DROP TABLE customers');
    await writeFile(join(dir, 'checkpoints.yaml'), config(`\n      - id: back-to-january\n        reset: { to: ${CP} }`));
    const applied = await run(['reconcile', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('CONTENT_NOT_RECORDED');
    expect((await tables()).filter((n) => !/_(LEASE|JOURNAL|INVENTORY)$/.test(n))).toEqual(['CHECKPOINT_AUDIT', 'CUSTOMERS', 'ORDERS']);
    expect(await sql('SELECT name FROM customers')).toEqual([['Acme']]);

    // Every old row is as it was, next to ckpt's new one.
    const after = await oldRows();
    expect(after.filter((r) => before.rows.some((b) => b[0] === r[0]))).toEqual(before.rows);
    expect(after).toHaveLength(before.rows.length + 1);
    const again = await run(['reconcile', '--plan', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
  });
});

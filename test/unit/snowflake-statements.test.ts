/**
 * The kinds of statement the Snowflake adapter tells apart by their text: content copies have no
 * client deadline, everything else a short one; which statements may be sent again after a lost
 * answer (a request only if every statement in it may); and the check that tells whether an
 * UNDROP or RENAME took effect.
 */
import { describe, expect, it } from 'vitest';
import { deadlineKind, effectProbe, isIdempotent } from '../../src/warehouse/snowflake/snowflake-statements.js';
import { checkpointStatements } from '../../src/warehouse/snowflake/snowflake-inventory-sql.js';

const T = '"DB"."S"."ORDERS"';

describe('deadline kinds', () => {
  it('INSERT OVERWRITE and CREATE … CLONE are copies; reads, DDL, UNDROP and the lease are short', () => {
    expect(
      deadlineKind(`INSERT OVERWRITE INTO ${T} ("ID") SELECT "ID" FROM ${T} AT(TIMESTAMP => '2025-01-01T00:00:00.000Z'::TIMESTAMP_LTZ)`),
    ).toBe('copy');
    expect(deadlineKind(`CREATE OR REPLACE SCHEMA "DB"."S__CKPT_X" CLONE "DB"."S" IGNORE HYBRID TABLES`)).toBe('copy');
    expect(deadlineKind(`CREATE TABLE ${T} CLONE "DB"."C"."ORDERS"`)).toBe('copy');
    expect(deadlineKind(`ALTER TABLE ${T} DROP COLUMN "X";\nINSERT OVERWRITE INTO ${T} SELECT 1`)).toBe('copy');
    for (const sql of [
      `SELECT 1`,
      `UNDROP TABLE ${T}`,
      `DROP TABLE IF EXISTS ${T}`,
      `UPDATE "DB"."S"."L" SET HOLDER = NULL`,
      `CREATE TABLE ${T} (A INT)`,
    ])
      expect(deadlineKind(sql), sql).toBe('short');
  });
});

describe('idempotent statements', () => {
  it('reads, guarded DDL, OVERWRITE, UPDATE, ADD COLUMN IF NOT EXISTS and NOT EXISTS-guarded INSERTs may be sent again', () => {
    for (const sql of [
      'SELECT 1',
      'SHOW TABLES HISTORY IN SCHEMA "DB"."S"',
      "ALTER SESSION SET TIMEZONE = 'UTC'",
      `CREATE TABLE IF NOT EXISTS ${T} (A INT)`,
      `DROP VIEW IF EXISTS ${T}`,
      `CREATE OR REPLACE SCHEMA "DB"."X" CLONE "DB"."S"`,
      `INSERT OVERWRITE INTO ${T} SELECT 1`,
      `UPDATE ${T} SET STATUS = 'DELETED' WHERE CHECKPOINT_ID = 'a'`,
      `ALTER TABLE ${T} ADD COLUMN IF NOT EXISTS "RUN_ID" VARCHAR`,
      `INSERT INTO ${T} (HOLDER) SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM ${T})`,
      `INSERT INTO ${T} (A) SELECT 1\nHAVING NOT EXISTS (SELECT 1 FROM ${T})`,
      `SELECT 1;\nSELECT 2`,
    ])
      expect(isIdempotent(sql), sql).toBe(true);
  });

  it('the checkpoint request (guarded DELETE, INSERT … SELECT and audit INSERT, as one request) may be sent again', () => {
    const target = { database: 'DB', schema: 'S', auditTable: 'CHECKPOINT_AUDIT' };
    const row = { id: 'c1', type: 'MANUAL', description: '', runId: 'r', origin: '{}' };
    const statements = checkpointStatements(target, row, 1000);
    expect(statements.map(isIdempotent)).toEqual([true, true, true]);
    expect(isIdempotent(statements.join(';\n'))).toBe(true);
    expect(isIdempotent(checkpointStatements(target, row, 1000, "'2026-01-01T00:00:00Z'::TIMESTAMP_LTZ").join(';\n'))).toBe(true);
  });

  it('plain INSERTs, UNDROP, RENAME, DROP without IF EXISTS and a request holding any of them may not', () => {
    for (const sql of [
      `INSERT INTO ${T} (A) VALUES (1)`,
      `INSERT INTO ${T} (A) SELECT ?`,
      `UNDROP TABLE ${T}`,
      `ALTER TABLE ${T} RENAME TO "DB"."S"."X"`,
      `DROP TABLE ${T}`,
      `CREATE TABLE ${T} (A INT)`,
      `ALTER TABLE ${T} DROP COLUMN "X"`,
      `SELECT 1;\nINSERT INTO ${T} (A) VALUES (1)`,
      `DELETE FROM ${T} WHERE A = 1`,
      `DELETE FROM ${T} WHERE A = 1 OR NOT EXISTS (SELECT 1 FROM ${T})`,
      `INSERT INTO ${T} (A) SELECT 1 WHERE A = 1 OR NOT EXISTS (SELECT 1 FROM ${T})`,
      '',
    ])
      expect(isIdempotent(sql), sql).toBe(false);
  });
});

describe('effect probes', () => {
  it('UNDROP and RENAME are checked by reading the table they bring back; nothing else has a probe', () => {
    expect(effectProbe(`UNDROP TABLE ${T}`)).toBe(`SELECT 1 FROM ${T} LIMIT 0`);
    expect(effectProbe(`UNDROP TABLE "DB"."S"."my table"`)).toBe(`SELECT 1 FROM "DB"."S"."my table" LIMIT 0`);
    expect(effectProbe(`ALTER TABLE ${T} RENAME TO "DB"."S"."ORDERS__CKPT_ASIDE_x_0"`)).toBe(
      `SELECT 1 FROM "DB"."S"."ORDERS__CKPT_ASIDE_x_0" LIMIT 0`,
    );
    expect(effectProbe(`INSERT INTO ${T} VALUES (1)`)).toBeNull();
    expect(effectProbe(`UNDROP TABLE ${T};\nUNDROP TABLE "DB"."S"."X"`)).toBeNull();
  });
});

/**
 * The `ckpt sql` guard of ckpt's own tables: every kind of write naming the audit table, its lease,
 * journal or inventory table, or the hidden schema is refused without --force (in any case or quoting); reads,
 * and writes to other tables, pass. One case per write keyword, so dropping one from the guard
 * fails a test.
 */
import { describe, expect, it } from 'vitest';
import { guardOwnTables } from '../../src/cli/own-tables.js';
import { target } from '../support/desired.js';

const demo = target({ name: 'demo', schema: 'DEMO' });
const refused = (sql: string) => {
  try {
    guardOwnTables(sql, demo, false);
    return false;
  } catch (error) {
    expect((error as { code?: string }).code).toBe('CONSENT_REQUIRED');
    return true;
  }
};

describe("ckpt sql: ckpt's own tables", () => {
  it.each([
    'DROP TABLE CHECKPOINT_AUDIT',
    'ALTER TABLE checkpoint_audit ADD COLUMN x INT',
    'DELETE FROM "CHECKPOINT_AUDIT"',
    "UPDATE CHECKPOINT_AUDIT SET STATUS = 'DELETED'",
    'TRUNCATE TABLE CHECKPOINT_AUDIT_JOURNAL',
    'DELETE FROM checkpoint_audit_inventory',
    'INSERT INTO CHECKPOINT_AUDIT_LEASE VALUES (1)',
    'MERGE INTO CHECKPOINT_AUDIT USING t ON 1 = 1 WHEN MATCHED THEN DELETE',
    'CREATE OR REPLACE TABLE CHECKPOINT_AUDIT (x INT)',
    'ALTER TABLE t RENAME TO CHECKPOINT_AUDIT',
    'ALTER TABLE t SWAP WITH CHECKPOINT_AUDIT',
    'UNDROP TABLE CHECKPOINT_AUDIT',
    'DROP SCHEMA _ckpt CASCADE',
    'update/**/"checkpoint_audit" set status = 1',
  ])('refuses %s', (sql) => {
    expect(refused(sql)).toBe(true);
  });

  it.each(['SELECT * FROM CHECKPOINT_AUDIT', 'DELETE FROM orders', 'UPDATE orders SET v = 1', 'DROP TABLE scratch'])('runs %s', (sql) => {
    expect(refused(sql)).toBe(false);
  });

  it('runs anything with --force', () => {
    expect(() => guardOwnTables('DROP TABLE CHECKPOINT_AUDIT', demo, true)).not.toThrow();
  });
});

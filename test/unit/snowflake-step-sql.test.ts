/**
 * What the Snowflake preview relies on to show what will run (src/warehouse/snowflake/
 * snowflake-step-sql.ts, snowflake-versions.ts): a table restore builds the same statements from
 * the same versions (its aside names come from each version's CREATED, not the clock), and a
 * copy of the table versions takes a plan's drops and restores without changing the original; a
 * keep: clone checkpoint's clone is taken AT its instant, and a table left out of it is cloned transient as its source.
 */
import { describe, expect, it } from 'vitest';
import { readLineage } from '../../src/warehouse/snowflake/snowflake-lineage.js';
import { cloneSchemaDdl, cloneTableDdl, instantSql, tableRestoreSql } from '../../src/warehouse/snowflake/snowflake-step-sql.js';
import { TableVersionLedger } from '../../src/warehouse/snowflake/snowflake-versions.js';

const T = { database: 'DB', schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };
const OLD = '2026-11-27T08:00:00.000Z';
const NEW = '2026-11-27T09:00:00.000Z';
const versions = () => [
  { name: 'C_T', created_on: NEW, dropped_on: '2026-11-27T10:00:00.000Z' },
  { name: 'C_T', created_on: OLD, dropped_on: '2026-11-27T08:30:00.000Z' },
];

describe('tableRestoreSql', () => {
  it('sets a newer dropped version aside under a name made of its CREATED, the same on every call', () => {
    const first = tableRestoreSql(T, 'C_T', OLD, versions(), readLineage([]));
    const aside = `"DB"."DEMO"."C_T__CKPT_ASIDE_${Date.parse(NEW).toString(36)}_0"`;
    expect(first.statements).toEqual([
      'UNDROP TABLE "DB"."DEMO"."C_T"',
      `ALTER TABLE "DB"."DEMO"."C_T" RENAME TO ${aside}`,
      'UNDROP TABLE "DB"."DEMO"."C_T"',
      `DROP TABLE IF EXISTS ${aside}`,
    ]);
    expect(tableRestoreSql(T, 'C_T', OLD, versions(), readLineage([]))).toEqual(first);
    expect(first.after).toEqual([
      { name: 'C_T', created_on: OLD, dropped_on: null },
      { name: `C_T__CKPT_ASIDE_${Date.parse(NEW).toString(36)}_0`, created_on: NEW, dropped_on: '2026-11-27T10:00:00.000Z' },
    ]);
  });

  it('brings a version set aside back from its aside name, and does not count it as standing in the way', () => {
    const aside = `C_T__CKPT_ASIDE_${Date.parse(NEW).toString(36)}_0`;
    const dropped = { name: 'C_T', created_on: OLD, dropped_on: '2026-11-27T11:00:00.000Z' };
    const setAside = { name: aside, created_on: NEW, dropped_on: '2026-11-27T10:30:00.000Z' };
    const set = [dropped, setAside];
    expect(tableRestoreSql(T, 'C_T', NEW, set, readLineage([]))).toEqual({
      done: false,
      statements: [`UNDROP TABLE "DB"."DEMO"."${aside}"`, `ALTER TABLE "DB"."DEMO"."${aside}" RENAME TO "DB"."DEMO"."C_T"`],
      after: [{ name: 'C_T', created_on: NEW, dropped_on: null }, dropped],
    });
    const older = [{ ...setAside, dropped_on: '2026-11-27T12:00:00.000Z' }, dropped];
    expect(tableRestoreSql(T, 'C_T', OLD, older, readLineage([])).statements).toEqual(['UNDROP TABLE "DB"."DEMO"."C_T"']);
    expect(new TableVersionLedger(set).versionsOf('C_T')).toEqual(set);
  });

  it('has nothing to run when the version is live, and refuses another live table of the name', () => {
    const live = [{ name: 'C_T', created_on: OLD, dropped_on: null }];
    expect(tableRestoreSql(T, 'C_T', OLD, live, readLineage([]))).toMatchObject({ done: true, statements: [] });
    expect(() => tableRestoreSql(T, 'C_T', NEW, live, readLineage([]))).toThrow(/a table of that name exists/);
  });
});

describe('TableVersionLedger.copy', () => {
  it('takes drops and restores without changing the ledger it was copied from', () => {
    const ledger = new TableVersionLedger([{ name: 'C_T', created_on: NEW, dropped_on: null, retention_time: 1 }]);
    const copy = ledger.copy();
    copy.dropped('C_T');
    copy.forget('X');
    expect(copy.versionsOf('C_T')?.[0]?.dropped_on).not.toBeNull();
    expect(ledger.versionsOf('C_T')).toEqual([{ name: 'C_T', created_on: NEW, dropped_on: null, retention_time: 1 }]);
    expect(copy.versionsOf('X')).toBeUndefined();
    expect(ledger.versionsOf('X')).toEqual([]);
  });
});

describe('keep: clone statements', () => {
  it('clone the schema AT the instant read, leaving out tables Time Travel cannot read, then each of those as it is', () => {
    const at = instantSql('2026-11-27T09:00:00.123Z');
    expect(at).toBe(`'2026-11-27T09:00:00.123Z'::TIMESTAMP_LTZ`);
    expect(cloneSchemaDdl(T, 'cp "1"', at)).toBe(
      `CREATE OR REPLACE SCHEMA "DB"."DEMO__CKPT_cp ""1""" CLONE "DB"."DEMO" AT(TIMESTAMP => '2026-11-27T09:00:00.123Z'::TIMESTAMP_LTZ) IGNORE TABLES WITH INSUFFICIENT DATA RETENTION IGNORE HYBRID TABLES`,
    );
    expect(cloneTableDdl(T, 'cp', 'Scratch', true)).toBe(
      `CREATE OR REPLACE TRANSIENT TABLE "DB"."DEMO__CKPT_cp"."Scratch" CLONE "DB"."DEMO"."Scratch"`,
    );
    expect(cloneTableDdl(T, 'cp', 'T', false)).toBe(`CREATE OR REPLACE TABLE "DB"."DEMO__CKPT_cp"."T" CLONE "DB"."DEMO"."T"`);
  });
});

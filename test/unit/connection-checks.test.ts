/**
 * The checks of `ckpt connection test` as data, on rows as Snowflake returns them (no server):
 * session parameters off their defaults and where to unset them, account retention, CREATE TABLE
 * or ownership through the role hierarchy, tables owned by other roles unless protected,
 * retention 0, a missing database or schema stopping the rest, and names quoted in every statement.
 */
import { describe, expect, it } from 'vitest';
import { CkptError } from '../../src/model/errors.js';
import {
  accountRetentionCheck,
  parameterChecks,
  sessionChecks,
  targetChecks,
  type RunSql,
  type SessionFacts,
} from '../../src/warehouse/snowflake/connection-checks.js';

const facts: SessionFacts = { user: 'ANN', role: 'DEV', warehouse: 'WH', database: 'APP', account: 'ACME' };
const target = { name: 'demo', database: 'APP', schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT', protect: ['REF_*'] };

/** A runner answering by the statement's first words; records what it ran. */
function runner(answers: Array<[RegExp, Array<Record<string, unknown>> | Error]>): RunSql & { ran: string[] } {
  const ran: string[] = [];
  const run = async (sql: string) => {
    ran.push(sql);
    const answer = answers.find(([pattern]) => pattern.test(sql))?.[1];
    if (answer === undefined) throw new Error(`unexpected statement: ${sql}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(run, { ran });
}

describe('session checks', () => {
  it('a session without a warehouse fails, with what to set', () => {
    const checks = sessionChecks({ ...facts, warehouse: null });
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['login', 'ok'],
      ['role', 'ok'],
      ['warehouse', 'fail'],
    ]);
    expect(checks[2]?.fix).toContain('warehouse');
  });

  it('parameters off their defaults say where they are set and how to unset them', () => {
    const checks = parameterChecks(
      [
        { key: 'AUTOCOMMIT', value: 'false', level: 'USER' },
        { key: 'QUOTED_IDENTIFIERS_IGNORE_CASE', value: 'true', level: 'ACCOUNT' },
        { key: 'TIMESTAMP_INPUT_FORMAT', value: 'AUTO', level: '' },
        { key: 'ROWS_PER_RESULTSET', value: '0', level: '' },
        { key: 'TIMEZONE', value: 'UTC', level: 'SESSION' },
      ],
      facts,
    );
    expect(checks.map((c) => [c.status, c.message.split(' ')[0]])).toEqual([
      ['ok', 'TIMESTAMP_INPUT_FORMAT,'],
      ['fail', 'AUTOCOMMIT'],
      ['fail', 'QUOTED_IDENTIFIERS_IGNORE_CASE'],
    ]);
    expect(checks[1]?.fix).toBe('ALTER USER "ANN" UNSET AUTOCOMMIT');
    expect(checks[2]?.fix).toContain('ALTER ACCOUNT UNSET QUOTED_IDENTIFIERS_IGNORE_CASE');
  });

  it('account retention: off is a warning, a minimum is explained', () => {
    const retention = (d: string, min: string) =>
      accountRetentionCheck([
        { key: 'DATA_RETENTION_TIME_IN_DAYS', value: d },
        { key: 'MIN_DATA_RETENTION_TIME_IN_DAYS', value: min },
      ]);
    expect(retention('1', '0').status).toBe('ok');
    expect(retention('0', '0').status).toBe('warn');
    expect(retention('1', '7').message).toContain('pitfall-3');
  });
});

describe('target checks', () => {
  const schemaRow = { SCHEMA_NAME: 'DEMO', SCHEMA_OWNER: 'OWNER', RETENTION_TIME: 1, IS_TRANSIENT: 'NO' };
  const tables = [
    { TABLE_NAME: 'ORDERS', TABLE_TYPE: 'BASE TABLE', TABLE_OWNER: 'DEV', RETENTION_TIME: 1 },
    { TABLE_NAME: 'REF_RATES', TABLE_TYPE: 'BASE TABLE', TABLE_OWNER: 'FINANCE', RETENTION_TIME: 7 },
    { TABLE_NAME: 'V_SALES', TABLE_TYPE: 'VIEW', TABLE_OWNER: 'OWNER', RETENTION_TIME: null },
    { TABLE_NAME: 'CHECKPOINT_AUDIT', TABLE_TYPE: 'BASE TABLE', TABLE_OWNER: 'ADMIN', RETENTION_TIME: 1 },
  ];
  const grants = [
    { privilege: 'OWNERSHIP', granted_to: 'ROLE', grantee_name: 'OWNER' },
    { privilege: 'CREATE TABLE', granted_to: 'ROLE', grantee_name: 'DEV' },
  ];

  it('CREATE TABLE through a granted role is enough; tables of other roles fail unless protected; names are quoted', async () => {
    // The session has DEV and (through the hierarchy) OWNER, not FINANCE or ADMIN.
    const run = runner([
      [/INFORMATION_SCHEMA\.SCHEMATA/, [schemaRow]],
      [/^SHOW GRANTS ON SCHEMA "APP"\."DEMO"$/, grants],
      [/INFORMATION_SCHEMA\.TABLES/, tables],
      [/IS_ROLE_IN_SESSION/, [{ R0: true, R1: true, R2: false, R3: false }]],
    ]);
    const checks = await targetChecks(run, target, facts);
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['database', 'ok'],
      ['schema', 'ok'],
      ['schema-privileges', 'ok'],
      ['table-owners', 'ok'],
      ['retention', 'ok'],
      ['audit-table', 'ok'],
    ]);
    expect(checks[2]?.message).toContain('owns');
    expect(checks[3]?.message).toContain('1 protected one owned by other roles');
    expect(checks[4]?.message).toContain('1 day: ORDERS; 7 days: REF_RATES');
    expect(run.ran.find((s) => s.includes('IS_ROLE_IN_SESSION'))).toBe(
      "SELECT IS_ROLE_IN_SESSION('OWNER') AS R0, IS_ROLE_IN_SESSION('DEV') AS R1, IS_ROLE_IN_SESSION('FINANCE') AS R2, IS_ROLE_IN_SESSION('ADMIN') AS R3",
    );
  });

  it('fails when the role neither owns nor may create, and names the tables it does not own', async () => {
    const run = runner([
      [/SCHEMATA/, [schemaRow]],
      [/^SHOW GRANTS/, [{ privilege: 'OWNERSHIP', granted_to: 'ROLE', grantee_name: 'OWNER' }]],
      [/INFORMATION_SCHEMA\.TABLES/, [{ TABLE_NAME: 'LEDGER', TABLE_TYPE: 'BASE TABLE', TABLE_OWNER: 'OWNER', RETENTION_TIME: 0 }]],
      [/IS_ROLE_IN_SESSION/, [{ R0: false }]],
    ]);
    const checks = await targetChecks(run, { ...target, protect: [] }, facts);
    expect(Object.fromEntries(checks.map((c) => [c.check, c.status]))).toMatchObject({
      'schema-privileges': 'fail',
      'table-owners': 'fail',
      retention: 'warn',
      'audit-table': 'ok',
    });
    expect(checks.find((c) => c.check === 'table-owners')?.message).toContain('LEDGER (OWNER)');
    expect(checks.find((c) => c.check === 'schema-privileges')?.fix).toContain('GRANT CREATE TABLE ON SCHEMA APP.DEMO TO ROLE DEV');
  });

  it('falls back to SCHEMA_OWNER with a warning when the grants cannot be read', async () => {
    const run = runner([
      [/SCHEMATA/, [{ ...schemaRow, SCHEMA_OWNER: 'DEV' }]],
      [/^SHOW GRANTS/, new CkptError('NOT_AUTHORIZED', 'Insufficient privileges')],
      [/INFORMATION_SCHEMA\.TABLES/, []],
      [/IS_ROLE_IN_SESSION/, [{ R0: true }]],
    ]);
    const checks = await targetChecks(run, target, facts);
    expect(Object.fromEntries(checks.map((c) => [c.check, c.status]))).toMatchObject({
      'schema-privileges': 'ok',
      'schema-grants': 'warn',
      retention: 'ok',
    });
  });

  it('a missing database or schema stops the rest; odd names are quoted and escaped', async () => {
    const missingDb = runner([[/SCHEMATA/, new CkptError('OBJECT_MISSING', "Database 'NOPE' does not exist or not authorized.")]]);
    expect((await targetChecks(missingDb, { ...target, database: 'NOPE' }, facts)).map((c) => [c.check, c.status])).toEqual([
      ['database', 'fail'],
    ]);
    const missingSchema = runner([[/SCHEMATA/, []]]);
    const checks = await targetChecks(missingSchema, { ...target, database: 'we"ird', schema: "o'brien" }, facts);
    expect(checks.map((c) => [c.check, c.status])).toEqual([
      ['database', 'ok'],
      ['schema', 'fail'],
    ]);
    expect(missingSchema.ran[0]).toBe(
      `SELECT SCHEMA_NAME, SCHEMA_OWNER, RETENTION_TIME, IS_TRANSIENT FROM "we""ird".INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = 'o''brien'`,
    );
    expect(checks[1]?.fix).toContain(`CREATE SCHEMA "we""ird"."o'brien"`);
  });

  it('a target without a database on a connection without one fails at once', async () => {
    const checks = await targetChecks(runner([]), { ...target, database: null }, { ...facts, database: null });
    expect(checks).toEqual([expect.objectContaining({ check: 'database', status: 'fail' })]);
  });
});

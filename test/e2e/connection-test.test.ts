/**
 * `ckpt connection test` / `ckpt doctor` as a user runs them, against the Snowflake test server
 * through the real snowflake-sdk: where the connection was found (variables named, values never
 * shown), login, role, warehouse, parameters, and per target the schema, its privileges, table
 * owners and retention, with failing checks for a schema owned by another role and one that does
 * not exist (exit 1), fixed by GRANT OWNERSHIP; the embedded warehouse (no login, and the Snowflake
 * CLI's default_connection_name it does not follow). And `reconcile --plan` on a Snowflake schema
 * that does not exist: an error that says so, while the embedded warehouse still plans a new schema.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ckpt, workspace } from './cli-runner.js';
import { e2eConnection, LOCAL, type E2eConnection } from './connections.js';

interface CheckJson {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix: string | null;
}
interface ReportJson {
  ok: boolean;
  counts: { ok: number; warn: number; fail: number };
  connections: Array<{ connection: string; kind: string; checks: CheckJson[]; targets: Array<{ target: string; checks: CheckJson[] }> }>;
}

/** Parses `connection test --json` output, checked against schemas/connection-test.schema.json. */
async function reportOf(stdout: string): Promise<ReportJson> {
  const schema = JSON.parse(await readFile(new URL('../../schemas/connection-test.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const report = JSON.parse(stdout) as unknown;
  validate(report);
  expect(validate.errors ?? []).toEqual([]);
  return report as ReportJson;
}

const byCheck = (checks: CheckJson[]) => Object.fromEntries(checks.map((c) => [c.check, c.status]));

describe('ckpt connection test', () => {
  let conn: E2eConnection;
  let database: string;
  let config: string;

  beforeAll(async () => {
    conn = await e2eConnection('snowflake');
    database = conn.ref.database as string;
    await conn.server?.account.execute(`
      CREATE TABLE ${database}.DEMO.ORDERS (id INT);
      CREATE TABLE ${database}.DEMO.SCRATCH (id INT) DATA_RETENTION_TIME_IN_DAYS = 0;
      CREATE ROLE OTHER_OWNER;
      USE ROLE OTHER_OWNER;
      CREATE SCHEMA ${database}.THEIRS;
      CREATE TABLE ${database}.THEIRS.LEDGER (id INT);
      USE ROLE SYSADMIN;
    `);
    config = `version: 1
connection: test
targets:
  - name: demo
    database: ${database}
    schema: DEMO
  - name: theirs
    database: ${database}
    schema: THEIRS
  - name: missing
    database: ${database}
    schema: NOPE
`;
  });
  afterAll(async () => conn.close());

  it('reports every check, fails on a schema owned by another role and on a missing one, and never shows a value', async () => {
    const dir = await workspace(config);
    const env = { ...conn.env, SNOWFLAKE_CONNECTIONS_TEST_PASSWORD: 'secret-pw' };
    const result = await ckpt(dir, ['connection', 'test', '--json'], { env });
    expect(result.code, result.stderr).toBe(1);
    const report = await reportOf(result.stdout);
    expect(report.ok).toBe(false);
    const [sf] = report.connections;
    expect(sf?.kind).toBe('snowflake');
    expect(byCheck(sf?.checks ?? [])).toEqual({
      found: 'ok',
      login: 'ok',
      role: 'ok',
      warehouse: 'ok',
      parameters: 'ok',
      'account-retention': 'ok',
    });
    const found = sf?.checks.find((c) => c.check === 'found')?.message ?? '';
    expect(found).toContain(`[test] in ${join(conn.env.SNOWFLAKE_HOME as string, 'connections.toml')} ($SNOWFLAKE_HOME)`);
    expect(found).toContain('SNOWFLAKE_CONNECTIONS_TEST_PASSWORD');
    const targets = Object.fromEntries((sf?.targets ?? []).map((t) => [t.target, t.checks]));
    expect(byCheck(targets.demo ?? [])).toEqual({
      database: 'ok',
      schema: 'ok',
      'schema-privileges': 'ok',
      'table-owners': 'ok',
      retention: 'warn',
      'audit-table': 'ok',
    });
    expect(targets.demo?.find((c) => c.check === 'retention')?.message).toContain('SCRATCH');
    expect(byCheck(targets.theirs ?? [])).toMatchObject({ schema: 'ok', 'schema-privileges': 'fail', 'table-owners': 'fail' });
    expect(targets.theirs?.find((c) => c.check === 'table-owners')?.message).toContain('LEDGER (OTHER_OWNER)');
    expect(targets.theirs?.find((c) => c.check === 'schema-privileges')?.fix).toContain('GRANT');
    expect(byCheck(targets.missing ?? [])).toEqual({ database: 'ok', schema: 'fail' });
    expect(report.counts.fail).toBe(3);
    expect(result.stdout + result.stderr).not.toContain('secret-pw');

    const human = await ckpt(dir, ['doctor'], { env });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/fail {2}schema +schema .*NOPE does not exist/);
    expect(human.stdout).toContain('fix: CREATE SCHEMA');
    expect(human.stdout).toMatch(/\d+ ok, \d+ warnings?, 3 failures/);
  });

  it('passes once the other role hands over the schema and its table', async () => {
    await conn.server?.account.execute(`
      GRANT OWNERSHIP ON SCHEMA ${database}.THEIRS TO ROLE SYSADMIN COPY CURRENT GRANTS;
      GRANT OWNERSHIP ON TABLE ${database}.THEIRS.LEDGER TO ROLE SYSADMIN COPY CURRENT GRANTS;
    `);
    const dir = await workspace(config.replace(/ {2}- name: missing[\s\S]*$/, ''));
    const result = await ckpt(dir, ['connection', 'test', 'test', '--json'], { env: conn.env });
    expect(result.code, result.stdout).toBe(0);
    expect((await reportOf(result.stdout)).counts.fail).toBe(0);
  });

  it('says where it looked for a connection it cannot find', async () => {
    const result = await ckpt(await workspace(), ['connection', 'test', 'nosuch'], { env: conn.env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/fail {2}found +connection nosuch is not in .*connections\.toml/);
    expect(result.stdout).toContain('fix: connections there: test');
  });

  it('on the embedded warehouse: no login, and the Snowflake CLI default it does not follow', async () => {
    const home = await workspace();
    await writeFile(join(home, 'config.toml'), 'default_connection_name = "test"\n', { mode: 0o600 });
    await writeFile(join(home, 'connections.toml'), '[test]\naccount = "ckpt"\n', { mode: 0o600 });
    const dir = await workspace('version: 1\ntargets:\n  - name: demo\n    schema: DEMO\n');
    const result = await ckpt(dir, ['doctor', '--json'], { env: { SNOWFLAKE_HOME: home } });
    expect(result.code, result.stderr).toBe(0);
    const [local] = (await reportOf(result.stdout)).connections;
    expect(local?.kind).toBe('embedded');
    expect(local?.checks[0]?.message).toContain('no login needed');
    expect(local?.checks[1]).toMatchObject({
      check: 'default-connection',
      status: 'warn',
      fix: expect.stringContaining('connection: test'),
    });
    // config.toml's default_connection_name never moves a target the file leaves on the embedded warehouse.
    const plan = await ckpt(dir, ['reconcile', '--plan', '--json'], { env: { SNOWFLAKE_HOME: home } });
    expect(plan.code, plan.stderr).toBe(0);
    expect((JSON.parse(plan.stdout) as { targets: Array<{ connection: string }> }).targets[0]?.connection).toBe('local');
  });
});

describe('reconcile --plan on a schema that does not exist', () => {
  let conn: E2eConnection;
  beforeAll(async () => {
    conn = await e2eConnection('snowflake');
  });
  afterAll(async () => conn.close());

  it('is an error on Snowflake that says so and what to do, planning and applying alike', async () => {
    const database = conn.ref.database as string;
    const dir = await workspace(
      `version: 1\nconnection: test\ntargets:\n  - name: gone\n    database: ${database}\n    schema: NOPE\n    checkpoints: [{ id: baseline }]\n`,
    );
    for (const args of [
      ['reconcile', '--plan'],
      ['reconcile', '--yes'],
    ]) {
      const result = await ckpt(dir, args, { env: conn.env });
      expect(result.code, `${args.join(' ')}: ${result.stdout}`).toBe(1);
      expect(result.stderr).toContain(`target gone: schema ${database}.NOPE does not exist on connection test, or its role cannot see it`);
      expect(result.stderr).toContain('hint: create it (CREATE SCHEMA');
      expect(result.stderr).toContain('ckpt init --connection test --schema NOPE');
    }
    const noDatabase = await workspace(`version: 1\nconnection: test\ntargets:\n  - name: nodb\n    database: NO_SUCH_DB\n    schema: S\n`);
    const result = await ckpt(noDatabase, ['reconcile', '--plan'], { env: conn.env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('target nodb: database NO_SUCH_DB does not exist on connection test');
  });

  it('the embedded warehouse still plans a schema it will create', async () => {
    const dir = await workspace(`${LOCAL.header}targets:\n  - name: demo\n    schema: FRESH\n    checkpoints: [{ id: baseline }]\n`);
    const result = await ckpt(dir, ['reconcile', '--plan'], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('baseline');
  });
});

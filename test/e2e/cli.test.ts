/**
 * End to end on the embedded warehouse: the built CLI in a temp folder, as a user runs it:
 * JSON plans against their schema, refusals before any connection, lock conflicts, examples.
 * (The full workflow on both connections is in workflow.test.ts.)
 */
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { ckpt, workspace } from './cli-runner.js';
import { demoConfig, LOCAL } from './connections.js';

const config = (actions: string) => demoConfig(LOCAL, actions);

const CLEANUP = `
      - id: after-demo
        cleanup: { since: baseline }`;

describe('ckpt CLI on the embedded warehouse', () => {
  it('prints the plan as JSON that matches schemas/plan.schema.json', async () => {
    const dir = await workspace(config(CLEANUP));
    expect((await ckpt(dir, ['sql', 'CREATE TABLE t (a INTEGER)'])).code).toBe(0);
    const result = await ckpt(dir, ['reconcile', '--plan', '--json']);
    expect(result.code).toBe(0);
    const schema = JSON.parse(await readFile(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    const plan: unknown = JSON.parse(result.stdout);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(validate(plan)).toBe(true);
    expect(plan).toMatchObject({
      format_version: 1,
      targets: [{ target: 'demo', steps: [{ kind: 'init-audit' }, { kind: 'take-checkpoint' }, { kind: 'record-action' }] }],
    });
  });

  it('refuses a full cleanup without DELETE_ALL before reaching the warehouse', async () => {
    const dir = await workspace(
      config(`
      - id: wipe
        full_cleanup: { confirm: delete_all }`),
    );
    const result = await ckpt(dir, ['reconcile', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/checkpoints\.yaml:\d+:\d+: error: .*DELETE_ALL/);
    expect(existsSync(join(dir, '.ckpt'))).toBe(false);
  });

  it('validate checks offline and reports file:line:col', async () => {
    const dir = await workspace('version: 1\ntargets:\n  - schema: DEMO\n    protekt: []\n');
    const result = await ckpt(dir, ['validate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/checkpoints\.yaml:4:5: error: .*protect/);
    expect(existsSync(join(dir, '.ckpt'))).toBe(false);
  });

  it('names the process holding the embedded warehouse', async () => {
    const dir = await workspace(config(' []'));
    const held = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
    try {
      const result = await ckpt(dir, ['checkpoints'], { env: { CKPT_LOCK_WAIT_MS: '300' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`(pid ${process.pid} on `);
    } finally {
      await held.close();
    }
  });

  it('every example validates and plans against an empty embedded warehouse', async () => {
    const dir = new URL('../../examples/', import.meta.url);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) {
      const ws = await workspace(await readFile(new URL(file, dir), 'utf8'));
      const validated = await ckpt(ws, ['validate']);
      expect(validated.code, `${file}: ${validated.stderr}`).toBe(0);
      const planned = await ckpt(ws, ['reconcile', '--plan']);
      // Exit 1 would be a blocker holding an action back: an example must plan cleanly.
      expect(planned.code, `${file}: ${planned.stderr}`).toBe(0);
      expect(planned.stdout).toContain('Plan:');
      expect(planned.stdout).not.toContain('Blockers');
    }
  });

  it('exits 1 with a hint for an unknown target', async () => {
    const dir = await workspace(config(' []'));
    const result = await ckpt(dir, ['reconcile', '--plan', '--target', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('known targets: demo');
  });

  it('$SNOWFLAKE_DEFAULT_CONNECTION_NAME fills in only where the file names no connection; --connection overrides it loudly', async () => {
    const dir = await workspace(config(' []'));
    const env = { SNOWFLAKE_HOME: dir, SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'elsewhere' };
    const named = await ckpt(dir, ['reconcile', '--yes'], { env });
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).not.toContain('elsewhere');
    expect(existsSync(join(dir, '.ckpt', 'local.duckdb'))).toBe(true);

    const unnamed = await workspace('version: 1\ntargets:\n  - name: demo\n    schema: DEMO\n');
    const filled = await ckpt(unnamed, ['reconcile', '--plan'], { env: { ...env, SNOWFLAKE_HOME: unnamed } });
    expect(filled.code).toBe(1);
    expect(filled.stderr).toContain('connection elsewhere: no connections.toml or config.toml in');
    expect(existsSync(join(unnamed, '.ckpt'))).toBe(false);

    const overridden = await ckpt(dir, ['--connection', 'flagged', 'reconcile', '--plan'], { env });
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toMatch(/^warning: --connection flagged overrides the connection of target demo \(the file says local\)/m);
    expect(overridden.stderr).toContain('connection flagged: no connections.toml or config.toml in');
  });
});

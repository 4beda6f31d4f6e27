/**
 * What is at stake, through the built CLI on both connections: a reset's plan shows the weight
 * of each table it drops and of the table whose content it reverts (the embedded warehouse's
 * row counts said to be estimates, Snowflake's counted rows and bytes), the rows the revert
 * writes and the dropped version a restore undrops; the summary line totals them; the Markdown
 * plan has a weight column; `ckpt checkpoints` shows each checkpoint's weight when taken, and
 * what a keep: clone checkpoint's copy costs to keep where the warehouse reports it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloneSchemaName } from '../../src/model/desired.js';
import { quoteIdent } from '../../src/model/refs.js';
import { ckpt, workspace } from './cli-runner.js';
import { e2eConnection, runSetupSql, type E2eConnection } from './connections.js';

/**
 * The demo target with a `baseline` checkpoint and `actions`; on the embedded warehouse, which
 * has no Time Travel, the checkpoint keeps a clone to revert content from.
 */
const config = (conn: E2eConnection, actions: string) => `${conn.header}targets:
  - name: demo
${conn.location}    checkpoints:
      - id: baseline
${conn.name === 'local' ? '        keep: clone\n' : ''}    actions:${actions}
`;

describe.each(['local', 'snowflake'] as const)('plan weights on %s', (kind) => {
  let conn: E2eConnection;
  beforeEach(async () => {
    conn = await e2eConnection(kind);
  });
  afterEach(async () => conn.close());

  const run = async (dir: string, args: string[]) => {
    const result = await ckpt(dir, args, { env: conn.env });
    expect(result.code, result.stderr).toBeLessThan(3);
    return result;
  };
  /** `about ` on the embedded warehouse, whose row counts are estimates; nothing on Snowflake, whose are counts. */
  const about = kind === 'local' ? 'about ' : '';
  /** `, 123 B` or the like on Snowflake, which reports bytes; nothing on the embedded warehouse. */
  const size = kind === 'local' ? '' : ', \\d[\\d.]* (B|KB|MB)';

  it('a reset plan shows weights, sources and totals; checkpoints show their weight when taken', async () => {
    const dir = await workspace(config(conn, ' []'));
    await runSetupSql(conn, dir, [
      'CREATE TABLE orders (id INTEGER, amount INTEGER)',
      'INSERT INTO orders VALUES (1, 10), (2, 20)',
      'CREATE TABLE customers (id INTEGER)',
      'INSERT INTO customers VALUES (1)',
    ]);
    expect((await run(dir, ['reconcile'])).code).toBe(0);

    const listed = await run(dir, ['checkpoints']);
    // KEPT COPY: the embedded checkpoint keeps a copy (its cost), the Snowflake one does not (-).
    const kept = kind === 'local' ? `${about}3 rows, \\d[\\d.]* (B|KB|MB)` : '-';
    expect(listed.stdout).toMatch(new RegExp(`baseline .* 2 +${about}3 rows${size} +${kept} +ACTIVE`));
    const json = JSON.parse((await run(dir, ['checkpoints', '--json'])).stdout) as {
      targets: Array<{ checkpoints: Array<{ weight: Record<string, unknown> }> }>;
    };
    expect(json.targets[0]?.checkpoints[0]?.weight).toMatchObject({ tables: 2, rows: 3, estimated: kind === 'local' });

    await runSetupSql(conn, dir, [
      'INSERT INTO orders VALUES (3, 30), (4, 40), (5, 50)',
      'CREATE TABLE scratch (id INTEGER)',
      'INSERT INTO scratch VALUES (1), (2), (3), (4)',
      'CREATE VIEW v_scratch AS SELECT id FROM scratch',
      'DROP TABLE customers',
    ]);
    await writeFile(join(dir, 'checkpoints.yaml'), config(conn, '\n      - id: back\n        reset: { to: baseline }'));

    const plan = await run(dir, ['reconcile', '--plan']);
    expect(plan.stdout).toMatch(new RegExp(`- drop table \\S*scratch\\S* \\(${about}4 rows${size}\\)`, 'i'));
    expect(plan.stdout).toMatch(/- drop view \S*v_scratch\S* \[back\]/i);
    expect(plan.stdout).toMatch(
      new RegExp(
        `~ revert content of table \\S*orders\\S* to baseline \\((clone|Time Travel AT) [^)]*\\) \\(${about}5 rows${size}\\)`,
        'i',
      ),
    );
    expect(plan.stdout).toMatch(new RegExp(`\\n      writes ${about}2 rows\\n`));
    expect(plan.stdout).toMatch(
      /< restore table \S*customers\S* from baseline.*\n {6}undrops the version dropped \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, (restorable until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC|kept until ckpt releases it)\n/i,
    );
    expect(plan.stdout).toMatch(
      new RegExp(
        `Plan: 1 to restore, 1 to revert \\(${about}5 rows${size}\\), 2 to drop \\(${about}4 rows${size}\\), 1 action to record\\.`,
      ),
    );

    const markdown = await run(dir, ['reconcile', '--plan', '--format', 'markdown']);
    expect(markdown.stdout).toContain('| | step | action | weight | reason |');
    expect(markdown.stdout).toMatch(new RegExp(`\\| ${about}4 rows${size} \\|`));

    const steps =
      (
        JSON.parse((await run(dir, ['reconcile', '--plan', '--json'])).stdout) as {
          targets: Array<{ steps: Array<Record<string, unknown>> }>;
        }
      ).targets[0]?.steps ?? [];
    const revert = steps.find((s) => s.kind === 'restore-content');
    expect(revert).toMatchObject({ weight: { rows: 5, estimated: kind === 'local' }, writes: { rows: 2 } });
    expect(steps.find((s) => s.kind === 'restore-table')).toHaveProperty('source.dropped_on');
  });

  it('a keep: clone checkpoint shows what its copy costs to keep, where the warehouse reports it', async () => {
    const dir = await workspace(`${conn.header}targets:
  - name: demo
${conn.location}    checkpoints:
      - id: baseline
        keep: clone
    actions: []
`);
    await runSetupSql(conn, dir, ['CREATE TABLE orders (id INTEGER, amount INTEGER)', 'INSERT INTO orders VALUES (1, 10), (2, 20)']);
    expect((await run(dir, ['reconcile'])).code).toBe(0);
    const cost = async (env: Record<string, string> = {}) => {
      const result = await ckpt(dir, ['checkpoints', '--json'], { env: { ...conn.env, ...env } });
      expect(result.code, result.stderr).toBe(0);
      const listed = JSON.parse(result.stdout) as { targets: Array<{ checkpoints: Array<{ kept_cost: unknown }> }> };
      const text = (await ckpt(dir, ['checkpoints'], { env: { ...conn.env, ...env } })).stdout;
      return { json: listed.targets[0]?.checkpoints[0]?.kept_cost, text };
    };
    if (kind === 'local') {
      // The copy's rows (DuckDB's estimate) and the blocks it holds in the file.
      const kept = await cost();
      expect(kept.json).toMatchObject({ rows: 2, estimated: true });
      expect((kept.json as { bytes: number }).bytes).toBeGreaterThan(0);
      expect(kept.text).toMatch(/baseline .* about 2 rows +about 2 rows, \d[\d.]* (B|KB|MB) +ACTIVE/);
      return;
    }
    // Snowflake answers TABLE_STORAGE_METRICS to ACCOUNTADMIN only: not reported for ckpt's usual role.
    const unreported = await cost();
    expect(unreported.json).toBeNull();
    expect(unreported.text).toMatch(/baseline .* not reported +ACTIVE/);
    // As ACCOUNTADMIN: a fresh clone owns no bytes (its rows are the schema's storage) …
    const admin = { SNOWFLAKE_CONNECTIONS_TEST_ROLE: 'ACCOUNTADMIN' };
    expect((await cost(admin)).json).toEqual({ rows: null, bytes: 0, estimated: false });
    // … and owns what is written to it.
    const clone = `${conn.ref.database}.${quoteIdent(cloneSchemaName('DEMO', 'baseline'))}.ORDERS`;
    await conn.server?.account.execute(`INSERT INTO ${clone} VALUES (3, 30)`);
    const owned = await cost(admin);
    expect((owned.json as { bytes: number }).bytes).toBeGreaterThan(0);
    expect(owned.text).toMatch(/baseline .* \d[\d.]* (B|KB|MB) +ACTIVE/);
  });
});

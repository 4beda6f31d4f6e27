/**
 * The lease of a long apply, end to end through the built CLI on the Snowflake test server: the
 * writer renews its leases while a step runs (the lease row's EXPIRES_AT and HEARTBEAT_AT move),
 * and when a renewal finds that another writer took a lease, it stops after the running step:
 * `lease lost` on stderr, exit 1, the action it was in recorded FAILED (interrupted), and nothing
 * after the loss applied, on that target or the next. The lease's time to live is ckpt's own
 * (60 s, renewed every 20 s), so the slow step (latency injected on the server for one DROP)
 * lasts 25 s: this file takes about 30 s.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, collect } from './cli-runner.js';
import { scratchFolders } from './scratch.js';
import { e2eConnection, type E2eConnection } from './connections.js';
import { runOn } from './reset-fixture.js';

const open: E2eConnection[] = [];
const folders = scratchFolders();
afterEach(async () => {
  for (const conn of open.splice(0)) await conn.close();
  await folders.remove();
});

/** One lease row as the server holds it. */
interface LeaseRow {
  holder: string | null;
  expiresAt: number;
  heartbeatAt: number;
}

describe('the lease of a long apply', () => {
  it('is renewed while a step runs; taken by another writer, the apply stops after that step and exits 1', async () => {
    const conn = await e2eConnection('snowflake');
    open.push(conn);
    const server = conn.server;
    if (server === null) throw new Error('a Snowflake connection has a server');
    const database = conn.ref.database as string;
    await server.account.execute(`CREATE SCHEMA ${database}.DEMO2`);
    const target = (name: string, schema: string, actions: string) =>
      `  - name: ${name}\n    database: ${database}\n    schema: ${schema}\n    checkpoints: [{ id: baseline }]\n    actions:${actions}\n`;
    const config = (actions: string) => `${conn.header}targets:\n${target('demo', 'DEMO', actions)}${target('demo2', 'DEMO2', actions)}`;
    const dir = await folders.workspace(config(' []'));
    const first = await runOn(conn, dir, ['reconcile', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    await server.account.execute(`CREATE TABLE ${database}.DEMO.SLOW_ONE (id INTEGER)`);
    await server.account.execute(`CREATE TABLE ${database}.DEMO2.LATER_ONE (id INTEGER)`);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: tidy\n        cleanup: { since: baseline }'));

    const lease = async (schema: string): Promise<LeaseRow> => {
      const result = await server.account.execute(
        `SELECT HOLDER, EXPIRES_AT, HEARTBEAT_AT FROM ${database}.${schema}.CHECKPOINT_AUDIT_LEASE`,
      );
      const [holder, expires, heartbeat] = result.rows[0] ?? [];
      // TIMESTAMP_LTZ values come as epoch seconds (`1796155491.566000000`).
      return { holder: holder ?? null, expiresAt: Number(expires) * 1000, heartbeatAt: Number(heartbeat) * 1000 };
    };

    // The drop of SLOW_ONE takes 25 s: the first renewal (20 s after the leases were taken) comes during it.
    server.injectLatency({ pattern: /DROP TABLE IF EXISTS .*"SLOW_ONE"/, perStatementMs: 25_000 });
    const writer = spawn(process.execPath, [CLI, 'reconcile', '--yes'], {
      cwd: dir,
      env: { ...process.env, ...conn.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'info', CKPT_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const done = collect(writer);
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      writer.stderr.on('data', (d: Buffer) => {
        seen += d.toString();
        if (/"object":"SLOW_ONE"[^\n]*"msg":"step started"/.test(seen)) resolve();
      });
      writer.on('exit', (code) => reject(new Error(`ckpt exited (${code}) before the slow step: ${seen}`)));
    });

    const taken = await lease('DEMO');
    expect(taken.holder).not.toBeNull();
    expect((await lease('DEMO2')).holder).toBe(taken.holder);
    await server.account.execute(`UPDATE ${database}.DEMO2.CHECKPOINT_AUDIT_LEASE SET HOLDER = 'another-writer', HOLDER_INFO = '{}'`);
    let renewed = taken;
    while (renewed.heartbeatAt === taken.heartbeatAt && writer.exitCode === null) {
      await new Promise((r) => setTimeout(r, 200));
      renewed = await lease('DEMO');
    }
    expect(renewed.holder).toBe(taken.holder);
    expect(renewed.heartbeatAt - taken.heartbeatAt).toBeGreaterThanOrEqual(15_000);
    expect(renewed.expiresAt - taken.expiresAt).toBeGreaterThanOrEqual(15_000);

    const result = await done;
    server.clearInjections();
    expect(result.code, result.stderr).toBe(1);
    const logged = result.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l.msg === 'lease lost: another writer took the target; stopping after the running step')).toEqual([
      expect.objectContaining({ target: 'demo2' }),
    ]);
    expect(logged.filter((l) => l.msg === 'step succeeded').map((l) => l.object)).toEqual(['SLOW_ONE']);
    expect(logged.filter((l) => l.msg === 'step started').map((l) => l.object)).toEqual(['SLOW_ONE']);

    // The running step finished; nothing after it ran, on either target.
    const wh = await conn.open(dir);
    try {
      const demo = await wh.observe(conn.ref);
      expect(demo.objects.map((o) => o.name)).toEqual([]);
      expect(demo.actions.map((a) => [a.actionId, a.status, a.error])).toEqual([['tidy', 'FAILED', 'interrupted before it finished']]);
      const demo2 = await wh.observe({ ...conn.ref, name: 'demo2', schema: 'DEMO2' });
      expect(demo2.objects.map((o) => o.name)).toEqual(['LATER_ONE']);
      expect(demo2.actions).toEqual([]);
    } finally {
      await wh.close();
    }
    // The writer gave back its own lease, and left the other writer's alone.
    expect((await lease('DEMO')).holder).toBeNull();
    expect((await lease('DEMO2')).holder).toBe('another-writer');
  });
});

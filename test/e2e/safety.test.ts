/**
 * Safety of writers, through the built CLI on both connections: the lease (a second writer is
 * refused naming the holder, `ckpt unlock` breaks it, a dead holder is taken over) and concurrent
 * writers applying each action exactly once. SIGKILL at every step is in crash-*.test.ts.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { e2eConnection, type E2eConnection } from './connections.js';
import { resetReady, resetState, runOn } from './reset-fixture.js';

describe.each(['local', 'snowflake'] as const)('safety on %s', (kind) => {
  let conn: E2eConnection;
  beforeEach(async () => {
    conn = await e2eConnection(kind);
  });
  afterEach(async () => conn.close());

  const run = (dir: string, args: string[]) => runOn(conn, dir, args);

  it('a second writer is refused naming the holder; unlock asks, then breaks a lease held elsewhere', async () => {
    const dir = await resetReady(conn);
    const info = JSON.stringify({ command: 'reconcile', pid: 4242, host: 'elsewhere.example', user: 'ann' });
    const wh = await conn.open(dir);
    expect((await wh.leases(conn.ref).take('other-run', info, 60_000)).every((r) => r.holder === 'other-run')).toBe(true);
    await wh.close();

    const before = conn.server?.statementLog.length ?? 0;
    const refused = await run(dir, ['reconcile', '--yes']);
    expect(refused.code).toBe(3);
    if (conn.server !== null) {
      // The lease comes before observing: the refused writer read nothing of the schema.
      const sent = conn.server.statementLog.slice(before).map((e) => e.sql);
      expect(sent.some((sql) => /LEASE/.test(sql))).toBe(true);
      expect(sent.filter((sql) => /INFORMATION_SCHEMA\.(TABLES|VIEWS|COLUMNS)|SHOW TABLES|FROM "?CHECKPOINT_AUDIT"?\s/i.test(sql))).toEqual(
        [],
      );
    }
    expect(refused.stderr).toMatch(
      /target demo is being changed by ckpt reconcile \(pid 4242 on elsewhere\.example\) since \d{4}-\d\d-\d\d/,
    );
    expect(refused.stderr).toContain('ckpt unlock demo');

    const noConsent = await run(dir, ['unlock', 'demo']);
    expect(noConsent.code).toBe(3);
    const unlocked = await run(dir, ['unlock', 'demo', '--yes']);
    expect(unlocked.code).toBe(0);
    expect(unlocked.stderr).toContain('Broke the lease of ckpt reconcile (pid 4242 on elsewhere.example)');
    const applied = await run(dir, ['reconcile', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
  });

  it('a lease left by a dead process on this host is taken over', async () => {
    const dir = await resetReady(conn);
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    const wh = await conn.open(dir);
    await wh.leases(conn.ref).take('dead-run', JSON.stringify({ command: 'reconcile', pid: dead.pid, host: hostname() }), 60_000);
    await wh.close();
    const result = await run(dir, ['reconcile', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('no longer running');
  });

  it('concurrent writers waiting on the lease all succeed, and each action is applied exactly once', async () => {
    const dir = await resetReady(conn);
    // The budget only bounds a hang: each writer waits for the one before it, however slow the machine.
    const results = await Promise.all([0, 1, 2].map(() => run(dir, ['reconcile', '--yes', '--lock-timeout', '150s'])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const after = await resetState(conn, dir);
    expect(after.applied).toEqual(['back', 'wipe']);
    expect((await run(dir, ['reconcile', '--plan', '--detailed-exitcode'])).code).toBe(0);
  });
});

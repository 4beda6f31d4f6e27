/**
 * Safety under concurrency and crashes, through the built CLI on both connections: the lease
 * (a second writer is refused naming the holder, waits with --lock-timeout, a dead holder is
 * taken over, `ckpt unlock` breaks it), SIGKILL at every step index of a reset (a re-run ends
 * in the same schema and audit state as an uninterrupted run, and history shows the
 * interrupted run), and concurrent writers applying each action exactly once.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, ckpt, workspace } from './cli-runner.js';
import { demoConfig, e2eConnection, type E2eConnection } from './connections.js';

describe.each(['local', 'snowflake'] as const)('safety on %s', (kind) => {
  let conn: E2eConnection;
  beforeEach(async () => {
    conn = await e2eConnection(kind);
  });
  afterEach(async () => conn.close());

  const config = (actions: string) => demoConfig(conn, actions);
  const WIPE = '\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }';
  const RESET = `${WIPE}\n      - id: back\n        reset: { to: baseline }`;
  const run = (dir: string, args: string[]) => ckpt(dir, args, { env: conn.env });

  /** A workspace where `reset: back` has 2 drops, 3 table restores and 2 view re-creations to do. */
  async function resetReady(): Promise<string> {
    const dir = await workspace(config(' []'));
    const wh = await conn.open(dir);
    try {
      for (const sql of [
        'CREATE TABLE a_t (id INTEGER)',
        'INSERT INTO a_t VALUES (1), (2)',
        'CREATE TABLE b_t (id INTEGER)',
        'INSERT INTO b_t VALUES (3)',
        'CREATE TABLE c_t (id INTEGER)',
        'CREATE VIEW v_one AS SELECT id FROM a_t',
        'CREATE VIEW v_two AS SELECT id FROM v_one',
        'CREATE TABLE ref_keep (id INTEGER)',
        'INSERT INTO ref_keep VALUES (42)',
      ])
        await wh.query(conn.ref, sql);
    } finally {
      await wh.close();
    }
    expect((await run(dir, ['reconcile'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config(WIPE));
    expect((await run(dir, ['reconcile', '--yes'])).code).toBe(0);
    expect((await run(dir, ['sql', 'CREATE TABLE x_new (id INTEGER)'])).code).toBe(0);
    expect((await run(dir, ['sql', 'CREATE TABLE y_new (id INTEGER)'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config(RESET));
    return dir;
  }

  /** What must be equal after an interrupted-then-resumed run and an uninterrupted one. */
  async function state(dir: string) {
    const wh = await conn.open(dir);
    try {
      const observed = await wh.observe(conn.ref);
      const counts: Record<string, number> = {};
      for (const o of observed.objects) {
        const r = await wh.query(conn.ref, `SELECT count(*) FROM "${o.name}"`);
        counts[o.name.toUpperCase()] = Number(r.rows[0]?.[0]);
      }
      return {
        objects: observed.objects.map((o) => `${o.kind}:${o.name.toUpperCase()}`).sort(),
        counts,
        applied: observed.actions
          .filter((a) => a.status === 'APPLIED')
          .map((a) => a.actionId)
          .sort(),
        checkpoints: observed.checkpoints.map((c) => `${c.id}:${c.status}`).sort(),
        runs: (await wh.leases(conn.ref).readJournal()).filter((e) => e.event === 'run-started').length,
      };
    } finally {
      await wh.close();
    }
  }

  it('a second writer is refused naming the holder; --lock-timeout waits; unlock breaks a stale lease', async () => {
    const dir = await resetReady();
    const info = JSON.stringify({ command: 'reconcile', pid: 4242, host: 'elsewhere.example', user: 'ann' });
    const wh = await conn.open(dir);
    expect((await wh.leases(conn.ref).take('other-run', info, 60_000)).every((r) => r.holder === 'other-run')).toBe(true);
    await wh.close();

    const refused = await run(dir, ['reconcile', '--yes']);
    expect(refused.code).toBe(3);
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
    const dir = await resetReady();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('close', resolve));
    const wh = await conn.open(dir);
    await wh.leases(conn.ref).take('dead-run', JSON.stringify({ command: 'reconcile', pid: dead.pid, host: hostname() }), 60_000);
    await wh.close();
    const result = await run(dir, ['reconcile', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('no longer running');
  });

  it('SIGKILL at every step index of a reset: a re-run ends in the same state as an uninterrupted run', async () => {
    const control = await resetReady();
    const plan = await run(control, ['reconcile', '--plan', '--json']);
    const steps = (JSON.parse(plan.stdout) as { targets: Array<{ steps: unknown[] }> }).targets[0]?.steps.length ?? 0;
    expect(steps).toBe(2 + 3 + 2 + 1);
    expect((await run(control, ['reconcile', '--yes'])).code).toBe(0);
    const expected = await state(control);
    expect(expected.objects).toEqual(['TABLE:A_T', 'TABLE:B_T', 'TABLE:C_T', 'TABLE:REF_KEEP', 'VIEW:V_ONE', 'VIEW:V_TWO']);
    expect(expected.counts).toMatchObject({ A_T: 2, B_T: 1, C_T: 0, REF_KEEP: 1, V_TWO: 2 });

    for (let kill = 0; kill < steps; kill += 1) {
      await conn.close();
      conn = await e2eConnection(kind); // a fresh database (Snowflake) for each kill point
      const dir = await resetReady();
      const killed = await killAtStep(dir, kill);
      expect(killed, `kill at step ${kill}`).toBe(true);
      const resumed = await run(dir, ['reconcile', '--yes']);
      expect(resumed.code, `resume after kill at ${kill}: ${resumed.stderr}`).toBe(0);
      const after = await state(dir);
      expect({ ...after, runs: 0 }, `state after kill at ${kill}`).toEqual({ ...expected, runs: 0 });
      expect(after.runs).toBe(expected.runs + 1);
      const history = await run(dir, ['history', '--json']);
      const runs = (JSON.parse(history.stdout) as { targets: Array<{ runs: Array<{ outcome: string }> }> }).targets[0]?.runs ?? [];
      expect(runs.map((r) => r.outcome)).toContain('interrupted');
      expect((await run(dir, ['reconcile', '--plan', '--detailed-exitcode'])).code).toBe(0);
    }
  }, 600_000);

  it('concurrent writers: each action is applied exactly once', async () => {
    const dir = await resetReady();
    const results = await Promise.all([0, 1, 2].map(() => run(dir, ['reconcile', '--yes', '--lock-timeout', '30s'])));
    for (const r of results) expect([0, 1], r.stderr).toContain(r.code);
    expect(results.some((r) => r.code === 0)).toBe(true);
    const after = await state(dir);
    expect(after.applied).toEqual(['back', 'wipe']);
    expect((await run(dir, ['reconcile', '--plan', '--detailed-exitcode'])).code).toBe(0);
  });

  /** Runs `reconcile --yes` and SIGKILLs it when it starts step `index`; true if it was killed. */
  function killAtStep(dir: string, index: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'reconcile', '--yes'], {
        cwd: dir,
        env: { ...process.env, ...conn.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'info', CKPT_LOG_FORMAT: 'json' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let buffer = '';
      child.stderr.on('data', (d: Buffer) => {
        buffer += d.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line.includes('"msg":"step started"') && line.includes(`"index":${index},`)) child.kill('SIGKILL');
        }
      });
      child.on('error', reject);
      child.on('close', (_code, signal) => resolve(signal === 'SIGKILL'));
    });
  }
});

/**
 * The daemon's signals, end to end through the built `ckpt daemon` (README "Signals and exit
 * codes", src/cli/commands/daemon.ts): SIGHUP re-reads the file and reconciles every target; the
 * first SIGTERM lets the running step finish, skips the rest of the plan and exits 0; a second
 * SIGTERM exits at once with 143; a stop that outlasts its deadline (9.5 s) exits 1 and says so.
 * A step is made slow, deterministically, by latency injected on the Snowflake test server for
 * its one DROP statement; the tests wait on the daemon's JSON log lines.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DaemonStatus } from '../../src/daemon/status.js';
import { DEMO_CONFIG } from './cli-runner.js';
import type { E2eConnection } from './connections.js';
import { DaemonProcess } from './daemon-process.js';
import { daemonInSlowStep, daemonScope } from './daemon-scope.js';

const scope = daemonScope();
const { folders } = scope;

/** The tables of the demo schema and the recorded status and error of action `tidy`. */
async function schemaAndAction(conn: E2eConnection): Promise<{ tables: string[]; tidy: Array<[string, string | null]> }> {
  const wh = await conn.open('');
  try {
    const observed = await wh.observe(conn.ref);
    return {
      tables: observed.objects.map((o) => o.name.toUpperCase()).sort(),
      tidy: observed.actions.filter((a) => a.actionId === 'tidy').map((a) => [a.status, a.error]),
    };
  } finally {
    await wh.close();
  }
}

describe('ckpt daemon: signals', () => {
  it('SIGHUP re-reads the file (the hash of what is on disk now) and reconciles every target with trigger sighup', async () => {
    const dir = await folders.workspace(DEMO_CONFIG);
    const daemon = new DaemonProcess(dir, ['--resync', '0']);
    await daemon.waitFor('reconcile finished', 1, { result: 'applied' });
    const edited = DEMO_CONFIG.replace('[{ id: baseline }]', '[{ id: baseline }, { id: second }]');
    await writeFile(join(dir, 'checkpoints.yaml'), edited);
    daemon.signal('SIGHUP');

    await daemon.waitFor('config loaded', 1, { trigger: 'sighup' });
    expect(daemon.lines('config loaded', { trigger: 'sighup' })[0]?.hash).toBe(createHash('sha256').update(edited).digest('hex'));
    await daemon.until('a reconcile asked for by SIGHUP to finish', (logs) => {
      const started = logs.findIndex((l) => l.msg === 'reconcile started' && String(l.trigger).split(',').includes('sighup'));
      return started >= 0 && logs.slice(started).some((l) => l.msg === 'reconcile finished');
    });
    const status = await daemon.getJson<DaemonStatus>('/status');
    // The watcher may see the edit too (a second later): SIGHUP's reconcile has taken `second` either way.
    expect(status.targets[0]?.lastTrigger?.split(',')).toContain('sighup');
    expect(status.targets[0]).toMatchObject({ condition: 'Ready' });
    const taken = daemon.lines('step succeeded', { step: 'take-checkpoint' }).map((l) => l.object);
    expect(taken).toEqual(['baseline', 'second']);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM during a step: the step finishes, the rest is skipped, the action is recorded FAILED (interrupted), exit 0', async () => {
    const { conn, daemon } = await daemonInSlowStep(scope, 3000);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.lines('step succeeded', { object: 'SLOW_ONE' })).toHaveLength(1);
    expect(daemon.lines('step started', { step: 'record-action' })).toEqual([]);
    expect(daemon.lines('apply interrupted; the remaining steps are skipped')[0]).toMatchObject({ skipped: 1 });
    expect(daemon.lines('reconcile finished')[0]).toMatchObject({ result: 'interrupted' });
    expect(daemon.lines('daemon stopped', { reason: 'SIGTERM' })).toHaveLength(1);
    expect(await schemaAndAction(conn)).toEqual({ tables: [], tidy: [['FAILED', 'interrupted before it finished']] });
  });

  it('a second SIGTERM while the first waits for the running step exits at once, with 143', async () => {
    const { daemon } = await daemonInSlowStep(scope, 30_000);
    daemon.signal('SIGTERM');
    await daemon.waitFor('signal received; finishing the running step', 1, { signal: 'SIGTERM' });
    const second = Date.now();
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 143, signal: null });
    // At once: long before the step (30 s) or the stop deadline (9.5 s) could end it.
    expect(Date.now() - second).toBeLessThan(9_000);
    expect(daemon.lines('second signal; exiting at once', { signal: 'SIGTERM' })).toHaveLength(1);
    expect(daemon.lines('step succeeded', { object: 'SLOW_ONE' })).toEqual([]);
    expect(daemon.lines('daemon stopped')).toEqual([]);
  });

  it('a stop that outlasts its deadline (the step takes 30 s) exits 1 after 9.5 s, saying so', async () => {
    const { daemon } = await daemonInSlowStep(scope, 30_000);
    const sent = Date.now();
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 1, signal: null });
    const waited = Date.now() - sent;
    expect(waited).toBeGreaterThanOrEqual(9_500);
    expect(waited).toBeLessThan(30_000);
    expect(daemon.lines('shutdown took longer than 10 s; exiting without waiting further', { signal: 'SIGTERM' })).toHaveLength(1);
    expect(daemon.lines('step succeeded', { object: 'SLOW_ONE' })).toEqual([]);
    expect(daemon.lines('daemon stopped')).toEqual([]);
  });
});

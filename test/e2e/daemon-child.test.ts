/**
 * The daemon's reconciles run in child processes (src/daemon/child-runner.ts): the daemon's own
 * process never loads a warehouse driver (run under a module hook that refuses them outside a
 * reconcile child, on both connections); a reconcile process that dies (SIGKILL at a step, the
 * crash tests' fault point) is a failed, retried outcome and the daemon keeps serving, and the
 * retry finishes the job; Ctrl-C, which signals the daemon and its reconcile process together,
 * lets the running step finish and skips the rest. Tests wait on log lines and events.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startDaemon, type ReconcileEvent, type RunningDaemon } from '../../src/daemon/daemon.js';
import { silentLogger } from '../../src/model/logger.js';
import { tempDir } from '../support/temp-dir.js';
import { ckpt, DEMO_CONFIG, RECONCILE_CHILD_BUILT } from './cli-runner.js';
import { demoConfig, e2eConnection } from './connections.js';
import { DaemonProcess } from './daemon-process.js';
import { daemonInSlowStep, daemonScope } from './daemon-scope.js';
import { runOn } from './reset-fixture.js';

const REFUSE_DRIVERS = fileURLToPath(new URL('../fixtures/hooks/refuse-drivers.mjs', import.meta.url));

const scope = daemonScope();
const { open, folders } = scope;

/** The next reconcile the daemon finishes that `match` accepts. */
function reconciled(daemon: RunningDaemon, match: (e: ReconcileEvent) => boolean = () => true): Promise<ReconcileEvent> {
  return new Promise((resolve) => {
    const off = daemon.onReconciled((event) => {
      if (!match(event)) return;
      off();
      resolve(event);
    });
  });
}

describe('ckpt daemon: reconciles in child processes', () => {
  it.each(['local', 'snowflake'] as const)('never loads a warehouse driver in its own process (%s)', async (kind) => {
    const conn = await e2eConnection(kind);
    open.push(conn);
    const dir = await folders.workspace(demoConfig(conn, ' []'));
    const hooked = `${process.env.NODE_OPTIONS ?? ''} --import ${REFUSE_DRIVERS}`.trim();
    const daemon = new DaemonProcess(dir, ['--resync', '0'], { ...conn.env, NODE_OPTIONS: hooked });
    await daemon.waitFor('reconcile finished');
    // The hook is on in the daemon's process: loading a driver there would have failed this reconcile.
    expect(daemon.stderr).toContain(`refuse-drivers: on in pid ${daemon.pid}\n`);
    expect(daemon.lines('reconcile finished')[0]).toMatchObject({ result: 'applied' });
    expect(daemon.lines('step succeeded', { step: 'take-checkpoint' }).map((l) => l.object)).toEqual(['baseline']);
    expect(daemon.stderr).not.toMatch(/loaded in a process that must not load a driver/);
    daemon.signal('SIGTERM');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
  });

  it('a reconcile process killed mid-apply is a failed, retried outcome; the daemon keeps serving and the retry finishes the job', async () => {
    const dir = await tempDir('ckpt-daemon-child-');
    const file = join(dir, 'checkpoints.yaml');
    await writeFile(file, DEMO_CONFIG);
    // The first reconcile's process kills itself (SIGKILL) as its step 1 (the checkpoint) starts.
    process.env.CKPT_FAULT_KILL_AT = '1:started';
    let daemon: RunningDaemon | undefined;
    try {
      daemon = await startDaemon({
        file,
        planOnly: false,
        listen: { host: '127.0.0.1', port: 0 },
        resyncMs: 0,
        lockWaitMs: 5000,
        logger: silentLogger,
        settleMs: 0,
        connections: {},
        childEntry: RECONCILE_CHILD_BUILT,
      });
      const crashed = await reconciled(daemon);
      delete process.env.CKPT_FAULT_KILL_AT; // the retry runs clean
      expect(crashed).toMatchObject({
        triggers: ['start'],
        outcome: { result: 'failed', reason: 'ReconcileCrashed', error: { code: 'RECONCILE_CRASHED', retry: 'transient' } },
      });
      expect(crashed.outcome.message).toMatch(/^the reconcile process \(pid \d+\) was killed by SIGKILL: /);
      const retried = reconciled(daemon);
      expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
      expect(daemon.statusDocument().targets[0]).toMatchObject({ lastResult: 'failed', reason: 'ReconcileCrashed', failures: 1 });
      expect(daemon.statusDocument().targets[0]?.nextRetryAt).not.toBeNull();

      // The journal and the embedded file's lock survive the kill: the retry applies what was left.
      expect(await retried).toMatchObject({ triggers: ['retry'], outcome: { result: 'applied', error: null } });
      expect(daemon.statusDocument().targets[0]).toMatchObject({ lastResult: 'applied', error: null });
    } finally {
      delete process.env.CKPT_FAULT_KILL_AT;
      await daemon?.stop('test over');
    }
    const again = await ckpt(dir, ['reconcile', '--plan', '--detailed-exitcode']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const history = await ckpt(dir, ['checkpoints', '--json']);
    expect(history.stdout).toContain('"baseline"');
  });

  it('Ctrl-C (SIGINT to the daemon and its reconcile process at once) during a step: it finishes, the rest is skipped, nothing is left running', async () => {
    const { conn, dir, daemon } = await daemonInSlowStep(scope, 3000);
    daemon.signalGroup('SIGINT');
    expect(await daemon.exited).toEqual({ code: 0, signal: null });
    expect(daemon.groupAlive()).toBe(false);
    expect(daemon.lines('step succeeded', { object: 'SLOW_ONE' })).toHaveLength(1);
    expect(daemon.lines('step started', { step: 'record-action' })).toEqual([]);
    expect(daemon.lines('reconcile finished')[0]).toMatchObject({ result: 'interrupted' });
    // The lease was released: a run now takes it at once and finishes the cleanup.
    const after = await runOn(conn, dir, ['reconcile', '--yes']);
    expect(after.code, after.stderr).toBe(0);
  });
});

/**
 * The daemon started in this process with startDaemon (as `ckpt daemon` starts it), on a temp
 * folder with the embedded warehouse: the first reconcile is awaited through onReconciled, the
 * HTTP endpoints answer at the bound address, and stop releases everything.
 */
import { access, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { daemonInfoPath } from '../../src/daemon/daemon-info.js';
import { startDaemon, type ReconcileEvent, type RunningDaemon } from '../../src/daemon/daemon.js';
import type { DaemonStatus } from '../../src/daemon/status.js';
import { silentLogger } from '../../src/model/logger.js';

const CONFIG = `version: 1
connection: local
targets:
  - name: demo
    schema: DEMO
    checkpoints:
      - id: baseline
    actions: []
`;

/** The next reconcile the daemon finishes. */
function nextReconcile(daemon: RunningDaemon): Promise<ReconcileEvent> {
  return new Promise((resolve) => {
    const off = daemon.onReconciled((event) => {
      off();
      resolve(event);
    });
  });
}

describe('startDaemon', () => {
  it('runs in process: the first reconcile applies, /status shows it at the bound address, stop releases the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-daemon-'));
    const file = join(dir, 'checkpoints.yaml');
    await writeFile(file, CONFIG);
    const daemon = await startDaemon({ file, planOnly: false, listen: { host: '127.0.0.1', port: 0 }, resyncMs: 0, lockWaitMs: 5000, logger: silentLogger });
    try {
      // Subscribing right after start cannot miss the first reconcile: it waits on file I/O.
      const first = await nextReconcile(daemon);
      expect(first).toMatchObject({ target: 'demo', triggers: ['start'], outcome: { result: 'applied', error: null } });
      expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const status = (await (await fetch(`${daemon.url}/status`)).json()) as DaemonStatus;
      expect(status.targets[0]).toMatchObject({ target: 'demo', condition: 'Ready', reason: 'Applied', error: null });
      expect(daemon.readiness()).toEqual({ ready: true, reasons: [] });
      await access(daemonInfoPath(file));
    } finally {
      await daemon.stop('test over');
    }
    await expect(access(daemonInfoPath(file))).rejects.toThrow();
    await expect(fetch(`${daemon.url}/healthz`)).rejects.toThrow();
  });
});

/**
 * The daemon started in this process with startDaemon (as `ckpt daemon` starts it), on a temp
 * folder with the embedded warehouse: reconciles are awaited through onReconciled and log events,
 * never sleeps. The first reconcile applies and /status answers at the bound address; a step
 * that fails the same way every time (a foreign key) stalls the target without a backoff retry; a
 * new full_cleanup in a file still being written waits for the file to settle, and so does a
 * lowered retention's expiry of checkpoints.
 */
import { createHash } from 'node:crypto';
import { access, open, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { daemonInfoPath } from '../../src/daemon/daemon-info.js';
import { startDaemon, type ReconcileEvent, type RunningDaemon } from '../../src/daemon/daemon.js';
import type { DaemonStatus } from '../../src/daemon/status.js';
import type { LogFields, Logger } from '../../src/model/logger.js';
import { silentLogger } from '../../src/model/logger.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { tempDir } from '../support/temp-dir.js';
import { RECONCILE_CHILD_BUILT } from './cli-runner.js';

const config = (actions = ' []') => `version: 1
connection: local
targets:
  - name: demo
    schema: DEMO
    protect: [child]
    checkpoints:
      - id: baseline
    actions:${actions}
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

/** A logger that keeps every line and resolves waiters on a message. */
function recordingLogger(): { logger: Logger; lines: Array<{ msg: string } & LogFields>; next(msg: string): Promise<LogFields> } {
  const lines: Array<{ msg: string } & LogFields> = [];
  const waiters: Array<{ msg: string; resolve: (fields: LogFields) => void }> = [];
  const log = (msg: string, fields: LogFields = {}) => {
    lines.push({ ...fields, msg });
    for (const w of waiters.filter((x) => x.msg === msg)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(fields);
    }
  };
  return {
    logger: { debug: log, info: log, warn: log, error: log },
    lines,
    next: (msg) => new Promise((resolve) => waiters.push({ msg, resolve })),
  };
}

async function workspace(): Promise<string> {
  const dir = await tempDir('ckpt-daemon-');
  await writeFile(join(dir, 'checkpoints.yaml'), config());
  return dir;
}

const options = (file: string, logger: Logger) => ({
  file,
  planOnly: false,
  listen: { host: '127.0.0.1', port: 0 },
  resyncMs: 0,
  lockWaitMs: 5000,
  logger,
  stability: { quietMs: 50, recheckMs: 20 },
  settleMs: 0,
  connections: {},
  // The reconcile child runs from the build (`npm run build`), as under `ckpt daemon`.
  childEntry: RECONCILE_CHILD_BUILT,
});

/** The tables in schema DEMO of the embedded warehouse (the daemon releases it between reconciles). */
async function tables(dir: string, sql?: string): Promise<string[]> {
  const warehouse = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
  try {
    const ref = { name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };
    if (sql !== undefined) await warehouse.query(ref, sql);
    const result = await warehouse.query(ref, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'DEMO' ORDER BY 1");
    return result.rows.map((r) => String(r[0]));
  } finally {
    await warehouse.close();
  }
}

describe('startDaemon', () => {
  it('runs in process: the first reconcile applies, /status shows it at the bound address, stop releases everything', async () => {
    const file = join(await workspace(), 'checkpoints.yaml');
    const daemon = await startDaemon(options(file, silentLogger));
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

  it('stalls a target whose step fails the same way every time (a foreign key) without retrying it', async () => {
    const dir = await workspace();
    const file = join(dir, 'checkpoints.yaml');
    const log = recordingLogger();
    const daemon = await startDaemon(options(file, log.logger));
    try {
      expect((await nextReconcile(daemon)).outcome.result).toBe('applied');
      // The daemon releases the file between reconciles.
      const warehouse = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
      const ref = { name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };
      await warehouse.query(ref, 'CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER REFERENCES parent (id))');
      await warehouse.close();

      const stalled = log.next('reconcile will not be retried');
      const failed = nextReconcile(daemon);
      await writeFile(file, config('\n      - id: tidy\n        cleanup: { since: baseline }'));
      const event = await failed;
      expect(event.triggers).toEqual(['file']);
      expect(event.outcome).toMatchObject({
        result: 'failed',
        reason: 'ConstraintViolated',
        error: { code: 'CONSTRAINT_VIOLATED', retry: 'terminal' },
      });
      expect(event.outcome.message).toMatch(
        /drop-object failed: .*main key table.*a constraint .*not retried until the config file changes, on SIGHUP$/,
      );
      expect(await stalled).toMatchObject({ target: 'demo', code: 'CONSTRAINT_VIOLATED', failures: 1 });
      expect(daemon.statusDocument().targets[0]).toMatchObject({
        condition: 'Stalled',
        reason: 'ConstraintViolated',
        failures: 1,
        nextRetryAt: null,
        pendingTriggers: [],
      });
      expect(log.lines.filter((l) => l.msg === 'reconcile will be retried')).toEqual([]);
    } finally {
      await daemon.stop('test over');
    }
  });

  it('holds a new full_cleanup of a file still being written until it settles, then applies it with the whole file (protect included)', async () => {
    const dir = await workspace();
    const file = join(dir, 'checkpoints.yaml');
    const log = recordingLogger();
    // The settle period outlasts the first part's reconcile (a few seconds on a busy machine, its process's start-up included).
    const daemon = await startDaemon({ ...options(file, log.logger), stability: { quietMs: 100, recheckMs: 50 }, settleMs: 15_000 });
    try {
      expect((await nextReconcile(daemon)).outcome.result).toBe('applied');
      expect(await tables(dir, 'CREATE TABLE keepme (id INTEGER); CREATE TABLE scratch (id INTEGER)')).toEqual(
        expect.arrayContaining(['keepme', 'scratch']),
      );

      // A writer that pauses between two writes: the first part is a valid file with a
      // full_cleanup and no protect for keepme; the second adds the protect.
      const first = config('\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }').replace('    protect: [child]\n', '');
      const writer = await open(file, 'w');
      let partial: ReconcileEvent;
      try {
        const reconciled = nextReconcile(daemon);
        await writer.write(first);
        // The pause: until the daemon has read and reconciled the first part (well within the settle period).
        partial = await reconciled;
        await writer.write('    protect: [keepme]\n');
      } finally {
        await writer.close();
      }
      const applied = new Promise<ReconcileEvent>((resolve) => {
        const off = daemon.onReconciled((e) => {
          if (e.outcome.result !== 'applied' || e.outcome.held?.length) return;
          off();
          resolve(e);
        });
      });
      expect(partial).toMatchObject({ triggers: ['file'], outcome: { reason: 'Settling', held: [{ action: 'wipe' }] } });
      expect(partial.outcome.message).toMatch(/wipe waits for the file to settle/);
      expect(log.lines.filter((l) => l.msg === 'destructive action waits for the file to settle')[0]).toMatchObject({
        target: 'demo',
        action: 'wipe',
        reason: expect.stringMatching(/not a git repository/) as unknown,
      });
      expect(daemon.statusDocument().targets[0]?.heldActions).toMatchObject([{ action: 'wipe' }]);
      expect(await tables(dir)).toEqual(expect.arrayContaining(['keepme', 'scratch']));

      const settled = await applied;
      expect(settled.triggers).toEqual(['settled']);
      expect(settled.outcome).toMatchObject({ reason: 'Applied', held: [] });
      const whole = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
      expect(daemon.statusDocument().config).toMatchObject({ state: 'valid', hash: whole });
      const left = await tables(dir);
      expect(left).toContain('keepme');
      expect(left).not.toContain('scratch');
      // Another reconcile (of the second write, finding nothing to do) may be running by now: /status shows that one.
      expect(daemon.statusDocument().targets[0]).toMatchObject({ heldActions: [] });
      expect(log.lines.filter((l) => l.msg === 'step succeeded' && l.object === 'keepme')).toEqual([]);
    } finally {
      await daemon.stop('test over');
    }
  });
  it('keeps the settled retain of a schedule whose retain the unsettled file lowered, then expires down to the new one once it settles', async () => {
    const dir = await tempDir('ckpt-daemon-');
    const file = join(dir, 'checkpoints.yaml');
    const withRetain = (retain: number) =>
      `${config()}    schedules:\n      - id: tick\n        cron: "* * * * * *"\n        retain: ${retain}\n`;
    await writeFile(file, withRetain(3));
    const past = new Date(Date.now() - 3_600_000);
    await utimes(file, past, past); // settled before the daemon starts
    const log = recordingLogger();
    // The settle period outlasts the reconcile of the change (a few seconds on a busy machine).
    const daemon = await startDaemon({ ...options(file, log.logger), settleMs: 15_000 });
    const expiries = (e: ReconcileEvent) =>
      (e.outcome.plan?.targets ?? []).flatMap((t) => t.steps).filter((s) => s.kind === 'expire-checkpoint');
    try {
      // Every second fires: once a reconcile expires one, the schedule holds its 3.
      await new Promise<void>((resolve) => {
        const off = daemon.onReconciled((e) => {
          if (e.outcome.result !== 'applied' || expiries(e).length === 0) return;
          off();
          resolve();
        });
      });
      const lowered = new Promise<ReconcileEvent>((resolve) => {
        const off = daemon.onReconciled((e) => {
          if (!e.triggers.includes('file')) return;
          off();
          resolve(e);
        });
      });
      let changed = false;
      const firstUnheld = new Promise<ReconcileEvent>((resolve) => {
        const off = daemon.onReconciled((e) => {
          if (!changed) {
            changed = e.triggers.includes('file');
            return;
          }
          if (e.outcome.result !== 'applied' || (e.outcome.held ?? []).length > 0) return;
          off();
          resolve(e);
        });
      });
      await writeFile(file, withRetain(1));
      const held = await lowered;
      expect(held.outcome).toMatchObject({ reason: 'Settling', held: [{ schedule: 'tick', keeps: 3 }] });
      expect(held.outcome.message).toMatch(/schedule tick's expiries waits? for the file to settle/);
      // With retain 1 at least two of the three would expire; held at 3, at most the one a new firing displaces.
      expect(expiries(held).length).toBeLessThanOrEqual(1);
      expect(log.lines.find((l) => l.msg === 'lowered retention waits for the file to settle')).toMatchObject({
        target: 'demo',
        schedule: 'tick',
        keeps: 3,
        reason: expect.stringMatching(/^retain lowered to 1 from 3;/) as unknown,
      });

      // The first reconcile not held back (the settle timer's, or a firing's once the period is over)
      // is the first to keep 1: at least 3 are ACTIVE until then, so it expires at least 2.
      const first = await firstUnheld;
      expect(first.outcome).toMatchObject({ result: 'applied', held: [] });
      expect(expiries(first).length).toBeGreaterThanOrEqual(2);
    } finally {
      await daemon.stop('test over');
    }
  });
});

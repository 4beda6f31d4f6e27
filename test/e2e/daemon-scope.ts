/**
 * What the daemon's end-to-end files share: per-test resources (the connections a test opened,
 * its scratch folders, every daemon it started) released after each test, and a Snowflake
 * workspace whose daemon is held inside a step made slow by latency injected on the test server.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { demoConfig, e2eConnection, type E2eConnection } from './connections.js';
import { DaemonProcess, killDaemons } from './daemon-process.js';
import { runOn } from './reset-fixture.js';
import { scratchFolders, type ScratchFolders } from './scratch.js';

/** A test's resources: push each connection it opens to `open`; make workspaces with `folders`. */
export interface DaemonScope {
  open: E2eConnection[];
  folders: ScratchFolders;
}

/** Registers, for the calling file, an afterEach that kills its daemons, closes its connections and removes its folders. */
export function daemonScope(): DaemonScope {
  const scope: DaemonScope = { open: [], folders: scratchFolders() };
  afterEach(async () => {
    killDaemons();
    for (const conn of scope.open.splice(0)) await conn.close();
    await scope.folders.remove();
  });
  return scope;
}

/** The statement of the slow step: the drop of table SLOW_ONE. */
export const SLOW_DROP = /DROP TABLE IF EXISTS .*"SLOW_ONE"/;

/**
 * A Snowflake workspace whose config asks for a cleanup since `baseline` of two tables created
 * after it (SLOW_ONE, QUICK_TWO: one wave of drops, then the action's record), and a daemon on it
 * that has started the drop of SLOW_ONE, which the server holds for `latencyMs`.
 */
export async function daemonInSlowStep(
  scope: DaemonScope,
  latencyMs: number,
): Promise<{ conn: E2eConnection; dir: string; daemon: DaemonProcess }> {
  const conn = await e2eConnection('snowflake');
  scope.open.push(conn);
  const dir = await scope.folders.workspace(demoConfig(conn, ' []'));
  const first = await runOn(conn, dir, ['reconcile']);
  expect(first.code, first.stderr).toBe(0);
  const wh = await conn.open(dir);
  try {
    await wh.query(conn.ref, 'CREATE TABLE slow_one (id INTEGER)');
    await wh.query(conn.ref, 'CREATE TABLE quick_two (id INTEGER)');
  } finally {
    await wh.close();
  }
  await writeFile(join(dir, 'checkpoints.yaml'), demoConfig(conn, '\n      - id: tidy\n        cleanup: { since: baseline }'));
  conn.server?.injectLatency({ pattern: SLOW_DROP, perStatementMs: latencyMs });
  const daemon = new DaemonProcess(dir, ['--resync', '0', '--settle', '0s'], conn.env);
  await daemon.waitFor('step started', 1, { object: 'SLOW_ONE' });
  return { conn, dir, daemon };
}

/**
 * A workspace where `reset: back` has work of every kind to do (2 drops, 3 table restores, 2 view
 * re-creations and the audit row), on either connection, and the state compared after a crash
 * and resume: shared by the lease, concurrency and crash tests.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ckpt, workspace, type CliResult } from './cli-runner.js';
import { demoConfig, runSetupSql, type E2eConnection } from './connections.js';

/** Steps in the plan of `reset: back`: 2 drops, 3 table restores, 2 view re-creations, 1 audit row. */
export const RESET_STEPS = 2 + 3 + 2 + 1;

const WIPE = '\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }';
const RESET = `${WIPE}\n      - id: back\n        reset: { to: baseline }`;

/** What must be equal after an interrupted-then-resumed run and an uninterrupted one. */
export interface ResetState {
  objects: string[];
  counts: Record<string, number>;
  applied: string[];
  checkpoints: string[];
  runs: number;
}

/** Runs the built CLI in a workspace, on the connection's environment. */
export function runOn(conn: E2eConnection, dir: string, args: string[]): Promise<CliResult> {
  return ckpt(dir, args, { env: conn.env });
}

/** A workspace whose config says `reset: back` (to `baseline`) after a full cleanup and two new tables. */
export async function resetReady(conn: E2eConnection): Promise<string> {
  const dir = await workspace(demoConfig(conn, ' []'));
  await runSetupSql(conn, dir, [
    'CREATE TABLE a_t (id INTEGER)',
    'INSERT INTO a_t VALUES (1), (2)',
    'CREATE TABLE b_t (id INTEGER)',
    'INSERT INTO b_t VALUES (3)',
    'CREATE TABLE c_t (id INTEGER)',
    'CREATE VIEW v_one AS SELECT id FROM a_t',
    'CREATE VIEW v_two AS SELECT id FROM v_one',
    'CREATE TABLE ref_keep (id INTEGER)',
    'INSERT INTO ref_keep VALUES (42)',
  ]);
  expect((await runOn(conn, dir, ['reconcile'])).code).toBe(0);
  await writeFile(join(dir, 'checkpoints.yaml'), demoConfig(conn, WIPE));
  expect((await runOn(conn, dir, ['reconcile', '--yes'])).code).toBe(0);
  await runSetupSql(conn, dir, ['CREATE TABLE x_new (id INTEGER)', 'CREATE TABLE y_new (id INTEGER)']);
  await writeFile(join(dir, 'checkpoints.yaml'), demoConfig(conn, RESET));
  return dir;
}

/** The schema, row counts, audit rows and journal runs of a workspace's target. */
export async function resetState(conn: E2eConnection, dir: string): Promise<ResetState> {
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

/**
 * Runs `reconcile --yes` killed by SIGKILL at step `index`: when it starts (`started`), or after it
 * ran and before its outcome is journaled (`ran`), by the CLI's fault point (src/cli/fault-point.ts),
 * so the kill lands there however busy the machine is. True if it was killed. Two steps in
 * flight: on Snowflake (two statements a request: connections.ts) the 3 table restores go in two
 * requests at once, so a kill after the first restore ran lands in the middle of a batched wave,
 * with the other request in flight or answered.
 */
export async function killAtStep(conn: E2eConnection, dir: string, index: number, phase: 'started' | 'ran'): Promise<boolean> {
  const run = await ckpt(dir, ['--concurrency', '2', 'reconcile', '--yes'], {
    env: { ...conn.env, CKPT_FAULT_KILL_AT: `${index}:${phase}` },
  });
  return run.signal === 'SIGKILL';
}

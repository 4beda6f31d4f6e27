/**
 * Ctrl+C, end to end at a pseudo-terminal (test/e2e/pty.ts): at the consent question it cancels
 * (exit 130, "cancelled at the prompt") and nothing is applied; during an apply the running step
 * finishes, the rest is skipped and ckpt exits 130: the steps done are whole, the action is
 * recorded FAILED (interrupted) and planned again, and a re-run ends as an uninterrupted run. The apply's pause point is an injected latency on the Snowflake
 * test server, so the interrupt lands at a known place whatever the machine's load.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ckpt } from './cli-runner.js';
import { e2eConnection, type E2eConnection } from './connections.js';
import { ckptAtTerminal } from './pty.js';
import { scratchFolders } from './scratch.js';
import { resetReady, resetState, runOn } from './reset-fixture.js';

/** What the Ctrl+C and Ctrl+D keys send to a terminal. */
const CTRL_C = '\x03';
const CTRL_D = '\x04';

const open: E2eConnection[] = [];
const folders = scratchFolders();
afterEach(async () => {
  for (const conn of open.splice(0)) await conn.close();
  await folders.remove();
});

describe('Ctrl+C at the consent question', () => {
  it('cancels a full cleanup at the schema-name question (Ctrl+D) and at the yes question (Ctrl+C): exit 130, nothing applied', async () => {
    const config = (actions: string) =>
      `version: 1\ntargets:\n  - name: demo\n    schema: DEMO\n    checkpoints: [{ id: baseline }]\n    actions:${actions}\n`;
    const dir = await folders.workspace(config(' []'));
    expect((await ckpt(dir, ['sql', 'CREATE TABLE keep_me (id INTEGER)'])).code).toBe(0);
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }'));
    const typeName = /Type DEMO to confirm: $/;

    const atName = await ckptAtTerminal(dir, ['reconcile'], [{ prompt: typeName, answer: CTRL_D }]);
    expect(atName.code, atName.screen).toBe(130);
    expect(atName.screen).toContain('error: cancelled at the prompt (Ctrl+D)');
    const atYes = await ckptAtTerminal(
      dir,
      ['reconcile'],
      [
        { prompt: typeName, answer: 'DEMO' },
        { prompt: /Only 'yes' will be accepted: $/, answer: CTRL_C },
      ],
    );
    expect(atYes.code, atYes.screen).toBe(130);
    expect(atYes.screen).toContain('error: cancelled at the prompt (Ctrl+C)');
    expect(atYes.screen).not.toContain('internal error');

    // keep_me is there, and neither a run nor the action was recorded.
    const state = await ckpt(dir, [
      'sql',
      '--json',
      "SELECT (SELECT count(*) FROM information_schema.tables WHERE table_name = 'keep_me'), (SELECT count(*) FROM CHECKPOINT_AUDIT WHERE ACTION_ID = 'wipe'), (SELECT count(DISTINCT RUN_ID) FROM CHECKPOINT_AUDIT_JOURNAL)",
    ]);
    expect((JSON.parse(state.stdout) as { rows: unknown[][] }).rows[0]?.map(Number)).toEqual([1, 0, 1]);
  });
});

describe('Ctrl+C during an apply', () => {
  it('stops between two steps and exits 130; the re-run finishes the action as an uninterrupted run would', async () => {
    const conn = await e2eConnection('snowflake');
    open.push(conn);
    const dir = folders.keep(await resetReady(conn));
    // The reset's two drops run, then its restores. The journal line recording that both drops
    // succeeded waits 10 s on the server, and Ctrl+C is typed as soon as both succeeded: it lands
    // while ckpt waits on that line, before the next wave starts, however busy the machine is.
    conn.server?.injectLatency({ pattern: /'step-succeeded'.*'drop-object'/s, perStatementMs: 10_000 });
    const bothDropsDone = /(?=[\s\S]*"index":0,[^\n]*"msg":"step succeeded")(?=[\s\S]*"index":1,[^\n]*"msg":"step succeeded")/;
    const run = await ckptAtTerminal(dir, ['reconcile', '--yes'], [{ prompt: bothDropsDone, answer: CTRL_C }], {
      ...conn.env,
      CKPT_LOG_LEVEL: 'info',
      CKPT_LOG_FORMAT: 'json',
    });
    conn.server?.clearInjections();
    expect(run.code, run.screen).toBe(130);
    // The first Ctrl+C lets the running step finish and skips the rest (a second one would exit at once).
    expect(run.screen).toContain('Ctrl-C: stopping after the running step');
    expect(run.screen).toContain('Target demo: 2 of 8 steps applied, 6 not attempted');
    expect(run.screen).toContain('Interrupted (SIGINT): every step that ran is whole');

    // Whole steps only: both drops done, no restore begun; the reset is recorded FAILED, to be planned again.
    const interrupted = await resetState(conn, dir);
    expect(interrupted.objects).toEqual(['TABLE:REF_KEEP']);
    expect(interrupted.applied).toEqual(['wipe']);
    const history = JSON.parse((await runOn(conn, dir, ['history', '--json'])).stdout) as {
      targets: Array<{
        runs: Array<{ outcome: string; steps_planned: number; steps_started: number }>;
        actions: Array<{ action_id: string; status: string; error: string | null }>;
      }>;
    };
    const last = history.targets[0]?.runs.at(-1);
    expect(last).toMatchObject({ outcome: 'failed', steps_planned: 8, steps_started: 2 });
    expect(history.targets[0]?.actions.filter((a) => a.action_id === 'back')).toMatchObject([
      { status: 'FAILED', error: 'interrupted before it finished' },
    ]);

    const resumed = await runOn(conn, dir, ['reconcile', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = await resetState(conn, dir);
    expect(after.objects).toEqual(['TABLE:A_T', 'TABLE:B_T', 'TABLE:C_T', 'TABLE:REF_KEEP', 'VIEW:V_ONE', 'VIEW:V_TWO']);
    expect(after.counts).toMatchObject({ A_T: 2, B_T: 1, C_T: 0, REF_KEEP: 1, V_TWO: 2 });
    expect(after.applied).toEqual(['back', 'wipe']);
  });
});

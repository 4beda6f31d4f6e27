/**
 * SIGKILL at every step index of a reset, on one connection (at the exact point the CLI's fault
 * point, CKPT_FAULT_KILL_AT, names: as the step starts, or after it ran): a re-run ends in the same schema and
 * audit state as an uninterrupted run, history shows the interrupted run, and planning again is
 * empty. One test per kill point, so each has its own budget; one file per connection
 * (crash-local.test.ts, crash-snowflake.test.ts), so the two run side by side.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { e2eConnection, type E2eConnection } from './connections.js';
import { killAtStep, RESET_STEPS, resetReady, resetState, runOn, type ResetState } from './reset-fixture.js';

/** Defines the crash tests of one connection. */
export function crashSuite(kind: 'local' | 'snowflake'): void {
  describe(`SIGKILL at every step of a reset on ${kind}`, () => {
    let expected: ResetState;
    const open: E2eConnection[] = [];
    const connect = async () => {
      const conn = await e2eConnection(kind); // a fresh database (Snowflake) for each run
      open.push(conn);
      return conn;
    };
    afterEach(async () => {
      for (const conn of open.splice(0)) await conn.close();
    });

    beforeAll(async () => {
      const conn = await e2eConnection(kind);
      try {
        const control = await resetReady(conn);
        const plan = await runOn(conn, control, ['reconcile', '--plan', '--json']);
        const steps = (JSON.parse(plan.stdout) as { targets: Array<{ steps: unknown[] }> }).targets[0]?.steps.length;
        expect(steps).toBe(RESET_STEPS);
        expect((await runOn(conn, control, ['reconcile', '--yes'])).code).toBe(0);
        expected = await resetState(conn, control);
      } finally {
        await conn.close();
      }
      expect(expected.objects).toEqual(['TABLE:A_T', 'TABLE:B_T', 'TABLE:C_T', 'TABLE:REF_KEEP', 'VIEW:V_ONE', 'VIEW:V_TWO']);
      expect(expected.counts).toMatchObject({ A_T: 2, B_T: 1, C_T: 0, REF_KEEP: 1, V_TWO: 2 });
      // Seven runs of the CLI: on a busy 2-core machine they can take longer than the default hook budget.
    }, 600_000);

    // Each step is killed once per connection, as it starts or after it ran (before its outcome is
    // journaled); the other connection takes the other phase, so both phases meet every step.
    const phaseOf = (step: number) => ((step + (kind === 'local' ? 0 : 1)) % 2 === 0 ? 'started' : 'ran');
    it.each(Array.from({ length: RESET_STEPS }, (_, i) => [i, phaseOf(i)] as const))(
      'killed at step %i (%s), a re-run ends as an uninterrupted run',
      async (kill, phase) => {
        const conn = await connect();
        const dir = await resetReady(conn);
        expect(await killAtStep(conn, dir, kill, phase), `killed at step ${kill}`).toBe(true);
        // Killed after the audit row was written (the last step ran), the reset is done: the re-run
        // has nothing left to do and starts no run. Anywhere earlier it has work, and one run does it.
        const done = kill === RESET_STEPS - 1 && phase === 'ran';
        const left = await runOn(conn, dir, ['reconcile', '--plan', '--detailed-exitcode']);
        expect(left.code, left.stdout).toBe(done ? 0 : 2);
        const resumed = await runOn(conn, dir, ['reconcile', '--yes']);
        expect(resumed.code, resumed.stderr).toBe(0);
        const after = await resetState(conn, dir);
        expect({ ...after, runs: 0 }).toEqual({ ...expected, runs: 0 });
        expect(after.runs).toBe(expected.runs + (done ? 0 : 1));
        const history = await runOn(conn, dir, ['history', '--json']);
        const runs = (JSON.parse(history.stdout) as { targets: Array<{ runs: Array<{ outcome: string }> }> }).targets[0]?.runs ?? [];
        expect(runs.map((r) => r.outcome)).toContain('interrupted');
        expect((await runOn(conn, dir, ['reconcile', '--plan', '--detailed-exitcode'])).code).toBe(0);
      },
    );
  });
}

/**
 * The model-based test in the regular suite: fixed seeds, a modest number of runs per connection
 * (generators of KNOWN_DEFECTS switched off; see ops.ts). `npm run fuzz` runs it longer with a
 * random seed. The counterexamples earlier runs found (regressions.ts) are replayed first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type Connection, type ConnectionName } from './connections.js';
import type { Op } from './ops.js';
import { checkModel } from './property.js';
import { REGRESSIONS } from './regressions.js';
import { runSequence } from './runner.js';

const SEEDS = [1, 2];
/** Runs per seed: the Snowflake connection costs about twice as much per operation. */
const RUNS_PER_SEED: Record<ConnectionName, number> = { duckdb: 5, snowflake: 3 };
const MAX_OPS = 20;
/** The operations that run ckpt (a checkpoint or an action), each checked against the model. */
const CKPT_OPS = new Set<Op['t']>(['checkpoint', 'cleanup', 'fullCleanup', 'reset', 'restore', 'savedPlan', 'batch', 'guard']);

for (const name of ['duckdb', 'snowflake'] as ConnectionName[]) {
  describe(`model-based: ${name}`, () => {
    let conn: Connection;
    beforeAll(async () => {
      conn = await openConnection(name);
    });
    afterAll(async () => conn?.close());

    for (const [i, regression] of REGRESSIONS.entries()) {
      it(`replays counterexample ${i + 1}: ${regression.found.slice(0, 80)}`, async () => {
        // runSequence throws on the first disagreement with the model; every ckpt operation of the
        // counterexample must also have run and been checked, or the replay would prove nothing.
        const ckptOps = regression.ops.filter((op) => CKPT_OPS.has(op.t)).length;
        expect((await runSequence(conn, regression.ops, [])).checks).toBe(ckptOps);
      });
    }

    it('a saved plan applies to the state it was made from, and is refused with nothing changed after a write', async () => {
      const reset = { t: 'reset', cp: 0 } as const;
      const { trace, checks } = await runSequence(conn, [
        { t: 'createTable', name: 0, w: false, rows: [[1, 0]] },
        { t: 'checkpoint', keep: 'clone' },
        { t: 'insert', name: 0, rows: [[2, 5]], sp: 0 },
        { t: 'createTable', name: 1, w: false, rows: [] },
        { t: 'savedPlan', action: reset, between: { t: 'delete', name: 0, id: 1, sp: 0 } },
        { t: 'savedPlan', action: reset, between: null },
      ]);
      expect(trace.filter((l) => l.includes('--from-plan'))).toEqual([
        expect.stringMatching(/--from-plan refused: target \S+ changed since the plan/),
        '    --from-plan applied',
      ]);
      expect(checks).toBe(3);
    });

    it('one edit with a new checkpoint and actions: a reset to that checkpoint after an action changed a table waits one reconcile', async () => {
      const { trace, checks } = await runSequence(conn, [
        { t: 'createTable', name: 0, w: false, rows: [[1, 0]] },
        { t: 'checkpoint', keep: 'clone' },
        { t: 'update', name: 0, id: 1, sp: 0 },
        // cp2 holds T1 as updated; the reset to cp1 puts T1 back; the reset to cp2 must wait for cp2.
        { t: 'batch', keep: 'inventory', actions: [{ t: 'reset', cp: 0 }], toNew: true },
      ]);
      expect(trace.filter((l) => l.includes('CHECKPOINT_NOT_TAKEN') || l.includes('reconcile again'))).toEqual([
        expect.stringMatching(/blockers: a2: CHECKPOINT_NOT_TAKEN T1/),
        '  reconcile again: the checkpoint is recorded now',
      ]);
      expect(checks).toBe(2);
    });

    it('ckpt guard: a failed command is undone to the guard checkpoint (reset or cleanup), a successful one kept', async () => {
      const command = [
        { t: 'createTable', name: 1, w: false, rows: [[3, 3]] },
        { t: 'update', name: 0, id: 1, sp: 0 },
        { t: 'dropTable', name: 0 },
      ] as const satisfies Op[];
      const { trace, checks } = await runSequence(conn, [
        { t: 'createTable', name: 0, w: false, rows: [[1, 0]] },
        { t: 'createTable', name: 2, w: true, rows: [[2, 0]] },
        { t: 'guard', keep: 'clone', command: [...command], fails: true, onFailure: 'reset' },
        { t: 'guard', keep: 'inventory', command: [{ t: 'createTable', name: 1, w: false, rows: [] }], fails: false, onFailure: 'reset' },
        { t: 'guard', keep: 'inventory', command: [{ t: 'createView', name: 3, base: 0, min: null }], fails: true, onFailure: 'cleanup' },
      ]);
      expect(trace.filter((l) => l.startsWith('  undo') || l.includes('schema kept'))).toEqual([
        expect.stringMatching(/^ {2}undo GUARD_1_UNDO: reset: \{ to: GUARD_1 \}/),
        '  the command succeeded: schema kept',
        expect.stringMatching(/^ {2}undo GUARD_3_UNDO: cleanup: \{ since: GUARD_3 \}/),
      ]);
      expect(checks).toBe(3);
    });

    for (const seed of SEEDS) {
      it(`agrees with the reference model (seed ${seed})`, async () => {
        const check = await checkModel(conn, { seed, numRuns: RUNS_PER_SEED[name], maxOps: MAX_OPS });
        expect(check.failure).toBeNull();
        expect(check.runs).toBe(RUNS_PER_SEED[name]);
      });
    }
  });
}

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
const CKPT_OPS = new Set<Op['t']>(['checkpoint', 'cleanup', 'fullCleanup', 'reset', 'restore']);

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
        expect(await runSequence(conn, regression.ops, [])).toBe(ckptOps);
      });
    }

    for (const seed of SEEDS) {
      it(`agrees with the reference model (seed ${seed})`, async () => {
        const check = await checkModel(conn, { seed, numRuns: RUNS_PER_SEED[name], maxOps: MAX_OPS });
        expect(check.failure).toBeNull();
        expect(check.runs).toBe(RUNS_PER_SEED[name]);
      });
    }
  });
}

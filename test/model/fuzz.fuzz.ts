/**
 * `npm run fuzz`: the model-based test with a random seed (or CKPT_FUZZ_SEED), CKPT_FUZZ_RUNS runs
 * (default 200) of up to CKPT_FUZZ_MAX_OPS operations (default 40), on CKPT_FUZZ_CONNECTION
 * (duckdb, snowflake or both: the default). Prints the seed first and, on failure, the shrunk
 * counterexample and the command to replay it (CKPT_FUZZ_PATH replays just that case).
 * CKPT_FUZZ_ENABLE=renameAwayAndBack,unnoticedDml turns generators of KNOWN_DEFECTS back on;
 * CKPT_FUZZ_MINUTES bounds the time per connection (search and shrinking).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConnection, type Connection, type ConnectionName } from './connections.js';
import { checkModel } from './property.js';

const env = process.env;
const seed = env.CKPT_FUZZ_SEED ? Number(env.CKPT_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const numRuns = Number(env.CKPT_FUZZ_RUNS ?? 200);
const maxOps = Number(env.CKPT_FUZZ_MAX_OPS ?? 40);
const enable = (env.CKPT_FUZZ_ENABLE ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const timeLimitMs = env.CKPT_FUZZ_MINUTES ? Number(env.CKPT_FUZZ_MINUTES) * 60_000 : undefined;
const connections = (env.CKPT_FUZZ_CONNECTION ?? 'duckdb,snowflake').split(',').map((s) => s.trim()) as ConnectionName[];

for (const name of connections) {
  describe(`fuzz: ${name}`, () => {
    let conn: Connection;
    beforeAll(async () => {
      conn = await openConnection(name);
    });
    afterAll(async () => conn?.close());

    it(`agrees with the reference model (seed ${seed}, ${numRuns} runs)`, async () => {
      console.log(
        `[fuzz] ${name}: seed ${seed}, ${numRuns} runs, up to ${maxOps} ops${enable.length ? `, enabled: ${enable.join(', ')}` : ''}`,
      );
      const check = await checkModel(conn, { seed, numRuns, maxOps, path: env.CKPT_FUZZ_PATH, enable, timeLimitMs });
      console.log(
        check.failure ?? `[fuzz] ${name}: ${check.runs} run(s) agreed with the model${check.interrupted ? ' (time limit reached)' : ''}`,
      );
      expect(check.failure).toBeNull();
    }, 3_600_000);
  });
}

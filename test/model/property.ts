/**
 * The property: for every generated sequence, ckpt on a real connection agrees with the reference
 * model. Shared by the regular suite (fixed seeds, few runs) and `npm run fuzz` (a random seed,
 * many runs), which prints the seed and the shrunk counterexample to replay.
 */
import fc from 'fast-check';
import type { Connection } from './connections.js';
import { disabled, opsArb, type Op } from './ops.js';
import { runSequence } from './runner.js';

export interface PropertyOptions {
  seed: number;
  numRuns: number;
  maxOps: number;
  /** fast-check replay path of a failure (CKPT_FUZZ_PATH), to replay it directly. */
  path?: string;
  /** Turns a generator back on (for work on its defect): names of KNOWN_DEFECTS. */
  enable?: string[];
  /** Stops after this long (searching or shrinking), reporting the smallest counterexample found so far. */
  timeLimitMs?: number;
}

/** What a check found: `failure` is null when the property held, else a report with the replay command. */
export interface ModelCheck {
  failure: string | null;
  /** Runs played (fewer than asked when the time limit stopped the search). */
  runs: number;
  interrupted: boolean;
}

/** Checks the property on one connection. */
export async function checkModel(conn: Connection, options: PropertyOptions): Promise<ModelCheck> {
  const on = (defect: string) => options.enable?.includes(defect) === true || !disabled(defect, conn.name);
  const arb = opsArb({ rename: on('renameAwayAndBack'), foreignKeys: on('foreignKeys') }, options.maxOps);
  const details = await fc.check(
    fc.asyncProperty(arb, async (ops: Op[]) => {
      await runSequence(conn, ops, options.enable ?? []);
    }),
    { seed: options.seed, numRuns: options.numRuns, path: options.path, endOnFailure: false, interruptAfterTimeLimit: options.timeLimitMs },
  );
  if (!details.failed) return { failure: null, runs: details.numRuns, interrupted: details.interrupted };
  const shrunk = details.counterexample?.[0] as Op[] | undefined;
  const failure = [
    `model-based test FAILED on ${conn.name}: seed ${details.seed}, path ${details.counterexamplePath}, after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)`,
    `replay: CKPT_FUZZ_CONNECTION=${conn.name} CKPT_FUZZ_SEED=${details.seed} CKPT_FUZZ_PATH=${details.counterexamplePath} npm run fuzz`,
    `shrunk ops: ${JSON.stringify(shrunk)}`,
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.error),
  ].join('\n');
  return { failure, runs: details.numRuns, interrupted: details.interrupted };
}

/**
 * Replays one operation list (the "shrunk ops" JSON a failure prints) and prints what ran:
 * CKPT_REPLAY_OPS='[...]' CKPT_FUZZ_CONNECTION=duckdb npm run fuzz -- test/model/replay.fuzz.ts
 * (CKPT_FUZZ_ENABLE as for the fuzz run). Skipped when CKPT_REPLAY_OPS is not set.
 */
import { expect, it } from 'vitest';
import { openConnection, type ConnectionName } from './connections.js';
import type { Op } from './ops.js';
import { runSequence } from './runner.js';

const opsJson = process.env.CKPT_REPLAY_OPS;

it.skipIf(opsJson === undefined)(
  'replays CKPT_REPLAY_OPS',
  async () => {
    const name = (process.env.CKPT_FUZZ_CONNECTION ?? 'duckdb') as ConnectionName;
    const enable = (process.env.CKPT_FUZZ_ENABLE ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const conn = await openConnection(name);
    let failure: string | null = null;
    try {
      await runSequence(conn, JSON.parse(opsJson ?? '[]') as Op[], enable);
    } catch (error) {
      failure = (error as Error).message;
      console.log(failure);
    } finally {
      await conn.close();
    }
    expect(failure).toBeNull();
  },
  600_000,
);

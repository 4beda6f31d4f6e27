/**
 * `ckpt unlock TARGET` at a pseudo-terminal (test/e2e/pty.ts), on the embedded warehouse: it
 * asks for the target's name; another answer cancels (exit 130) and leaves the lease with its
 * holder, the name itself breaks it. The lease is read by trying to take it in this process.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { ckpt, DEMO_CONFIG } from './cli-runner.js';
import { ckptAtTerminal } from './pty.js';
import { scratchFolders } from './scratch.js';

const folders = scratchFolders();
afterEach(() => folders.remove());

/** Tries to take the demo target's lease as `holder`; returns the holders the lease row shows then. */
async function takeLease(dir: string, holder: string, info = '{}'): Promise<Array<string | null>> {
  const wh = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
  try {
    const rows = await wh
      .leases({ name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' })
      .take(holder, info, 60_000);
    return rows.map((r) => r.holder);
  } finally {
    await wh.close();
  }
}

describe('ckpt unlock at a terminal', () => {
  it('another name cancels (exit 130) and the lease keeps its holder; the target name breaks it', async () => {
    const dir = await folders.workspace(DEMO_CONFIG);
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    expect(await takeLease(dir, 'other-run', JSON.stringify({ command: 'reconcile', pid: 4242, host: 'elsewhere.example' }))).toEqual([
      'other-run',
    ]);
    const question = /Type the target name to confirm: $/;

    const declined = await ckptAtTerminal(dir, ['unlock', 'demo'], [{ prompt: question, answer: 'DEMO' }]);
    expect(declined.code, declined.screen).toBe(130);
    expect(declined.screen).toContain('unlock cancelled; the lease is unchanged');
    expect(await takeLease(dir, 'probe')).toEqual(['other-run']);

    const broken = await ckptAtTerminal(dir, ['unlock', 'demo'], [{ prompt: question, answer: 'demo' }]);
    expect(broken.code, broken.screen).toBe(0);
    expect(broken.screen).toContain('Broke the lease of ckpt reconcile (pid 4242 on elsewhere.example)');
    expect(await takeLease(dir, 'probe')).toEqual(['probe']);
  });
});

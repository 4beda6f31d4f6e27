/**
 * Every malformed config in the corpus, through the built CLI: `reconcile --yes` exits 1 with a
 * file:line:col diagnostic and never opens a connection (no warehouse file appears).
 */
import { existsSync } from 'node:fs';
import { copyFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ckpt, workspace } from './cli-runner.js';

const CORPUS = new URL('../fixtures/config/invalid/', import.meta.url);

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

describe('bad input never reaches the warehouse', () => {
  it('each malformed file: exit 1, file:line:col, no connection', async () => {
    const files = (await readdir(CORPUS)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(60);
    const oversized = await workspace(`version: 1\n# ${'x'.repeat(1_100_000)}\ntargets: [{schema: A}]\n`);
    await inBatches([...files, null], 6, async (file) => {
      const dir = file === null ? oversized : await workspace();
      if (file !== null) await copyFile(new URL(file, CORPUS), join(dir, 'checkpoints.yaml'));
      const result = await ckpt(dir, ['reconcile', '--yes']);
      expect(result.code, `${file}: ${result.stderr}`).toBe(1);
      expect(result.stderr, String(file)).toMatch(/checkpoints\.yaml:\d+:\d+: error: /);
      expect(result.stderr, String(file)).toContain('nothing was done');
      expect(existsSync(join(dir, '.ckpt')), String(file)).toBe(false);
    });
  });

  it('a missing file says which path and how to start', async () => {
    const dir = await workspace();
    const result = await ckpt(dir, ['reconcile', '--plan']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ckpt init');
  });

  it('a config under a hostile path is still located precisely', async () => {
    const dir = await workspace();
    const file = join(dir, 'my "odd" config; --.yaml');
    await writeFile(file, 'version: 1\ntargets:\n  - schema: RETAIL\n    max_drop: lots\n');
    const result = await ckpt(dir, ['validate', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:4:15: error:`);
  });

  it('validate rejects a cron expression the daemon could not fire (`0 0 H * *`) at file:line:col', async () => {
    const dir = await workspace('version: 1\ntargets:\n  - schema: RETAIL\n    schedules:\n      - id: monthly\n        cron: "0 0 H * *"\n');
    const result = await ckpt(dir, ['validate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('checkpoints.yaml:6:15: error: `cron`: "0 0 H * *": `H` in day-of-month is not standard cron');
    expect(result.stderr).not.toContain('internal error');
  });
});

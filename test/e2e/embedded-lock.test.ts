/**
 * Issue 11 item 20: on the embedded warehouse, a writer that finds the DuckDB file held by another
 * ckpt writer behaves as on Snowflake when the lease is held: it waits up to `--lock-timeout`,
 * then exits 3 (LEASE_HELD) naming the holder, with the same hint. Waits on events, not sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ckpt, collect, workspace, DEMO_CONFIG } from './cli-runner.js';

const WAREHOUSE = fileURLToPath(new URL('../../dist/src/warehouse/duckdb/duckdb-warehouse.js', import.meta.url));

/** Opens the file as a ckpt writer would (`ckpt reconcile`), says `held`, and closes it on a line from stdin. */
const HOLDER = `
const [mod, path] = process.argv.slice(2);
const { DuckDbWarehouse } = await import(mod);
const w = await DuckDbWarehouse.open({ path, command: 'reconcile', writer: { waitMs: 0, target: 'demo' } });
process.stdout.write('held\\n');
process.stdin.once('data', async () => { await w.close(); process.stdout.write('released\\n'); });
`;

const config = DEMO_CONFIG;

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
});

/** Resolves when `child`'s stream has printed `text`. */
function printed(stream: NodeJS.ReadableStream | null, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    stream?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve();
    });
    stream?.on('end', () => reject(new Error(`ended without printing ${text}: ${seen}`)));
  });
}

async function holdFile(dir: string): Promise<ChildProcess> {
  const script = join(dir, 'hold.mjs');
  await writeFile(script, HOLDER);
  const child = spawn(process.execPath, [script, WAREHOUSE, join(dir, '.ckpt', 'local.duckdb')], { stdio: ['pipe', 'pipe', 'inherit'] });
  running.add(child);
  await printed(child.stdout, 'held');
  return child;
}

describe('embedded warehouse: a second writer', () => {
  it('exits 3 naming the ckpt that holds the file, with a hint that does not offer ckpt unlock (it cannot take a live lock)', async () => {
    const dir = await workspace(config);
    expect((await ckpt(dir, ['reconcile', '--yes'])).code).toBe(0);
    const holder = await holdFile(dir);
    const result = await ckpt(dir, ['reconcile', '--yes']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`target demo is being changed by ckpt reconcile (pid ${holder.pid}`);
    expect(result.stderr).toContain('raise --lock-timeout');
    expect(result.stderr).toContain('the operating system frees the file when that process ends');
    expect(result.stderr).not.toContain('ckpt unlock demo');
  });

  it('waits up to --lock-timeout and succeeds when the holder lets go meanwhile', async () => {
    const dir = await workspace(config);
    const holder = await holdFile(dir);
    const writer = spawn(process.execPath, [CLI, 'reconcile', '--yes', '--lock-timeout', '30s'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(writer);
    const done = collect(writer);
    await printed(writer.stderr, 'is in use by ckpt reconcile');
    const released = printed(holder.stdout, 'released');
    holder.stdin?.write('go\n');
    await released;
    const result = await done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('take checkpoint');
  });

  it('a writer facing a process other than ckpt names it and exits 3 after CKPT_LOCK_WAIT_MS', async () => {
    const dir = await workspace(config);
    const script = join(dir, 'raw.mjs');
    await writeFile(
      script,
      `const { DuckDBInstance } = await import(process.argv[3]);\nconst i = await DuckDBInstance.create(process.argv[2]);\nprocess.stdout.write('held\\n');\nprocess.stdin.once('data', () => { i.closeSync(); });\n`,
    );
    expect((await ckpt(dir, ['reconcile', '--plan'])).code).toBe(0);
    const duckdb = pathToFileURL(createRequire(import.meta.url).resolve('@duckdb/node-api')).href;
    const raw = spawn(process.execPath, [script, join(dir, '.ckpt', 'local.duckdb'), duckdb], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    running.add(raw);
    await printed(raw.stdout, 'held');
    const result = await ckpt(dir, ['reconcile', '--yes'], { env: { CKPT_LOCK_WAIT_MS: '200' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`process ${raw.pid} (`);
  });
});

/**
 * Spawns the built `ckpt` CLI in a folder, as a user would, and collects exit code and output.
 * Folders and processes it makes for a test file are gone after that file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

/** The built CLI entry point. */
export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** The built entry of the daemon's reconcile child (what a daemon started from the sources forks). */
export const RECONCILE_CHILD_BUILT = fileURLToPath(new URL('../../dist/src/daemon/reconcile-child.js', import.meta.url));

/** What a CLI run produced. */
export interface CliResult {
  code: number;
  /** The signal that ended the process, if one did (then `code` is -1). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Processes started through `running` that have not exited yet. */
const live = new Set<ChildProcess>();

// A test that failed or timed out while a process it started still ran leaves none running.
afterAll(() => {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
});

/** Returns `child`, killed after the test file if it has not exited by then. */
export function running<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Runs `ckpt ...args` in `cwd` (stdin closed unless `input` is given; never a TTY). */
export function ckpt(cwd: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = running(
      spawn(process.execPath, [CLI, ...args], {
        cwd,
        env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'warn', ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    collect(child).then(resolve, reject);
    child.stdin.end(options.input ?? '');
  });
}

/** The exit code and output of a spawned process (with piped stdout and stderr), once it closes. */
export function collect(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

/** The smallest config of the embedded warehouse: target demo (schema DEMO), checkpoint baseline, no actions. */
export const DEMO_CONFIG = `version: 1
targets:
  - name: demo
    schema: DEMO
    checkpoints: [{ id: baseline }]
    actions: []
`;

/** A fresh temp folder, optionally with a checkpoints.yaml; removed after the test file. */
export async function workspace(config?: string): Promise<string> {
  const dir = await tempDir('ckpt-e2e-');
  if (config !== undefined) await writeFile(join(dir, 'checkpoints.yaml'), config);
  return dir;
}

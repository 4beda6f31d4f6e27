/**
 * `ckpt guard` end to end through the built CLI, on the embedded warehouse and on the Snowflake
 * test server: a command that succeeds (schema kept, guard recorded), one that fails after
 * creating, dropping and changing objects (schema back to the checkpoint, the command's exit code
 * kept), without consent (nothing undone until `--resume`), a timeout, SIGINT forwarded to the
 * command, ckpt killed mid-command then `--resume` (and reconcile's blocker until then), and a
 * daemon that waits for the guard and goes on after it; and at a real (pseudo-)terminal, Ctrl-C
 * then the typed consent. The guarded command is a small Node
 * script (written into the workspace) that runs `ckpt sql` on the target, writes marker files the
 * test waits for, and ends with the exit code it is given; nothing waits a fixed time.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ckpt, CLI, collect, running, type CliResult } from './cli-runner.js';
import { demoConfig, e2eConnection, runSetupSql, type E2eConnection } from './connections.js';
import { DaemonProcess } from './daemon-process.js';
import { spawnAtTerminal } from './pty.js';
import { daemonScope } from './daemon-scope.js';

const { open, folders } = daemonScope();

/**
 * The guarded command: `node guarded.mjs <exit code> <statement>...` runs each statement with
 * `ckpt sql`, writes env.json (the guard's variables), then (GUARD_HANG=1) writes `ready` (its
 * pid) and waits: SIGINT writes `got-signal` and exits with the code; `release` appearing exits
 * with it too. Without GUARD_HANG it exits at once.
 */
const SCRIPT = `import { execFileSync } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
const [code, ...statements] = process.argv.slice(2);
for (const sql of statements) execFileSync(process.execPath, [process.env.CKPT_CLI, 'sql', sql], { stdio: 'inherit' });
writeFileSync('env.json', JSON.stringify({ target: process.env.CKPT_GUARD_TARGET, checkpoint: process.env.CKPT_GUARD_CHECKPOINT, file: process.env.CKPT_GUARD_FILE }));
if (process.env.GUARD_HANG !== '1') process.exit(Number(code));
process.on('SIGINT', () => { writeFileSync('got-signal', 'SIGINT'); process.exit(Number(code)); });
setInterval(() => { if (existsSync('release')) process.exit(Number(code)); }, 25);
writeFileSync('ready.tmp', String(process.pid));
renameSync('ready.tmp', 'ready');
`;

/** A workspace on `conn` with ORDERS (2 rows) and KEEP_ME checkpointed by a first reconcile, and the guarded script. */
async function guardReady(kind: 'local' | 'snowflake'): Promise<{ conn: E2eConnection; dir: string }> {
  const conn = await e2eConnection(kind);
  open.push(conn);
  const dir = await folders.workspace(demoConfig(conn, ' []'));
  await writeFile(join(dir, 'guarded.mjs'), SCRIPT);
  await runSetupSql(conn, dir, [
    'CREATE TABLE orders (id INTEGER)',
    'INSERT INTO orders VALUES (1), (2)',
    'CREATE TABLE keep_me (id INTEGER)',
  ]);
  expect((await run(conn, dir, ['reconcile'])).code).toBe(0);
  return { conn, dir };
}

function env(conn: E2eConnection, extra: Record<string, string> = {}): Record<string, string> {
  return { ...conn.env, CKPT_CLI: CLI, ...extra };
}

function run(conn: E2eConnection, dir: string, args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return ckpt(dir, args, { env: env(conn, extra) });
}

/** `ckpt guard <options> -- node guarded.mjs <code> <statements>`, as arguments. */
function guardArgs(options: string[], code: number, statements: string[] = []): string[] {
  return ['guard', ...options, '--', process.execPath, 'guarded.mjs', String(code), ...statements];
}

/** Spawns a guard whose command hangs until signalled or released, and waits for its command to be ready (its pid). */
async function hangingGuard(conn: E2eConnection, dir: string, args: string[]) {
  const child = running(
    spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'warn', ...env(conn, { GUARD_HANG: '1' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const done = collect(child);
  const pid = Number(await fileAppears(join(dir, 'ready'), () => child.exitCode !== null));
  return { child, done, commandPid: pid };
}

/** Waits for a file to appear (polling; fails when `gone()` says the writer ended first) and returns its text. */
async function fileAppears(path: string, gone: () => boolean, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (gone()) throw new Error(`the process ended before ${path} appeared`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return readFile(path, 'utf8');
}

/** Table names of the target (lower-cased, without ckpt's own tables). */
async function tables(conn: E2eConnection, dir: string): Promise<string[]> {
  const wh = await conn.open(dir);
  try {
    return (await wh.observe(conn.ref)).objects.map((o) => o.name.toLowerCase()).sort();
  } finally {
    await wh.close();
  }
}

/** The rows of ORDERS, read in this process. */
async function orderCount(conn: E2eConnection, dir: string): Promise<number> {
  const wh = await conn.open(dir);
  try {
    return Number((await wh.query(conn.ref, 'SELECT COUNT(*) AS N FROM orders')).rows[0]?.[0]);
  } finally {
    await wh.close();
  }
}

interface GuardJson {
  checkpoint_id: string;
  command: string | null;
  outcome: string;
  exit_code: number | null;
  signal: string | null;
  undo: string | null;
  undo_action: string | null;
  steps_undone: number;
}

async function guards(conn: E2eConnection, dir: string): Promise<GuardJson[]> {
  const r = await run(conn, dir, ['history', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { targets: Array<{ guards: GuardJson[] }> }).targets[0]?.guards ?? [];
}

/** What the command changes before it fails: a table created, one dropped, rows added to another. */
const CHANGES = ['CREATE TABLE new_t (id INTEGER)', 'DROP TABLE keep_me', 'INSERT INTO orders VALUES (3), (4)'];

/** Each test runs ckpt a dozen times and more (each a Node.js start and, on Snowflake, a login): on a busy machine that takes minutes. */
const SLOW_MS = 600_000;

describe.each(['local', 'snowflake'] as const)('ckpt guard on %s', { timeout: SLOW_MS }, (kind) => {
  it('keeps the schema when the command succeeds, and records the guard (type GUARD, the command line, its variables)', async () => {
    const { conn, dir } = await guardReady(kind);
    const r = await run(conn, dir, guardArgs(['--id', 'GUARD_OK', '--retain', '1'], 0, ['CREATE TABLE new_t (id INTEGER)']));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('The command succeeded: the schema is kept; guard GUARD_OK recorded.');
    expect(await tables(conn, dir)).toEqual(['keep_me', 'new_t', 'orders']);
    const seen = JSON.parse(await readFile(join(dir, 'env.json'), 'utf8')) as Record<string, string>;
    expect(seen).toEqual({ target: 'demo', checkpoint: 'GUARD_OK', file: join(dir, 'checkpoints.yaml') });
    const list = await run(conn, dir, ['checkpoints', '--json']);
    const cps = (JSON.parse(list.stdout) as { targets: Array<{ checkpoints: Array<{ id: string; type: string; description: string }> }> })
      .targets[0]?.checkpoints;
    expect(cps?.find((c) => c.id === 'GUARD_OK')).toMatchObject({ type: 'GUARD', description: expect.stringContaining('guarded.mjs 0') });
    expect(await guards(conn, dir)).toEqual([
      expect.objectContaining({ checkpoint_id: 'GUARD_OK', outcome: 'succeeded', exit_code: 0, undo: 'none', steps_undone: 0 }),
    ]);

    // A second success with --retain 1 expires the first guard's checkpoint.
    const again = await run(conn, dir, guardArgs(['--id', 'GUARD_OK2', '--retain', '1'], 0));
    expect(again.code, again.stderr).toBe(0);
    const after = await run(conn, dir, ['checkpoints', '--json', '--active']);
    const ids = (JSON.parse(after.stdout) as { targets: Array<{ checkpoints: Array<{ id: string }> }> }).targets[0]?.checkpoints.map(
      (c) => c.id,
    );
    expect(ids).toContain('GUARD_OK2');
    expect(ids).not.toContain('GUARD_OK');
  });

  it('puts the schema back when the command fails after creating, dropping and changing objects, and exits with its code', async () => {
    const { conn, dir } = await guardReady(kind);
    const r = await run(conn, dir, guardArgs(['--id', 'GUARD_BAD', '--yes'], 3, CHANGES));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('The command failed with exit code 3.');
    expect(r.stderr).toContain('Undone: demo is back to checkpoint GUARD_BAD');
    expect(await tables(conn, dir)).toEqual(['keep_me', 'orders']);
    expect(await orderCount(conn, dir)).toBe(2);
    expect(await guards(conn, dir)).toEqual([
      expect.objectContaining({
        checkpoint_id: 'GUARD_BAD',
        outcome: 'failed',
        exit_code: 3,
        undo: 'applied',
        undo_action: 'GUARD_BAD_UNDO',
      }),
    ]);
    // After the undo, planning again is empty.
    const plan = await run(conn, dir, ['reconcile', '--plan', '--detailed-exitcode']);
    expect(plan.code, plan.stdout).toBe(0);
  });

  it('without a terminal and without --yes undoes nothing, says how, and `--resume --yes` undoes it later', async () => {
    const { conn, dir } = await guardReady(kind);
    const r = await run(conn, dir, guardArgs(['--id', 'GUARD_ASK'], 5, CHANGES));
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('ckpt guard --resume -t demo --yes');
    expect(await tables(conn, dir)).toEqual(['new_t', 'orders']);
    const plan = await run(conn, dir, ['reconcile', '--plan']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('GUARD_UNFINISHED');
    expect(plan.stdout).toContain('ckpt guard --resume -t demo');

    const shown = await run(conn, dir, ['guard', '--resume', '--plan-only']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stderr).toContain('drop table');
    expect(await tables(conn, dir)).toEqual(['new_t', 'orders']);

    const resumed = await run(conn, dir, ['guard', '--resume', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await tables(conn, dir)).toEqual(['keep_me', 'orders']);
    expect(await orderCount(conn, dir)).toBe(2);
    expect(await guards(conn, dir)).toEqual([
      expect.objectContaining({ checkpoint_id: 'GUARD_ASK', outcome: 'failed', exit_code: 5, undo: 'applied' }),
    ]);
    expect((await run(conn, dir, ['reconcile', '--plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('stops a command that runs out of time (exit 124) and undoes it', async () => {
    const { conn, dir } = await guardReady(kind);
    // The command hangs after its changes (GUARD_HANG) until the timeout stops it.
    const r = await run(conn, dir, guardArgs(['--id', 'GUARD_SLOW', '--yes', '--timeout', '1s'], 0), { GUARD_HANG: '1' });
    expect(r.code, r.stderr).toBe(124);
    expect(r.stderr).toContain('ran out of time');
    expect(await guards(conn, dir)).toEqual([
      expect.objectContaining({ checkpoint_id: 'GUARD_SLOW', outcome: 'timed-out', undo: 'applied' }),
    ]);
  });

  it('forwards SIGINT to the command, waits for it to stop, then undoes what it did', async () => {
    const { conn, dir } = await guardReady(kind);
    const guard = await hangingGuard(conn, dir, guardArgs(['--id', 'GUARD_INT', '--yes'], 42, ['CREATE TABLE new_t (id INTEGER)']));
    guard.child.kill('SIGINT');
    const r = await guard.done;
    expect(r.code, r.stderr).toBe(42);
    expect(await readFile(join(dir, 'got-signal'), 'utf8')).toBe('SIGINT');
    expect(r.stderr.indexOf('stopping the command')).toBeLessThan(r.stderr.indexOf('The command failed with exit code 42'));
    expect(await tables(conn, dir)).toEqual(['keep_me', 'orders']);
  });

  it('killed (SIGKILL) while the command runs: reconcile reports the unfinished guard and `--resume` undoes it', async () => {
    const { conn, dir } = await guardReady(kind);
    const guard = await hangingGuard(conn, dir, guardArgs(['--id', 'GUARD_KILLED'], 0, ['CREATE TABLE new_t (id INTEGER)']));
    const killed = new Promise((resolve) => guard.child.once('exit', resolve));
    guard.child.kill('SIGKILL');
    await killed;
    // The command outlives ckpt (and holds its output pipes): the test ends it.
    process.kill(guard.commandPid, 'SIGTERM');
    await guard.done;

    const plan = await run(conn, dir, ['reconcile', '--plan']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('guard GUARD_KILLED');
    expect(plan.stdout).toContain('ckpt guard --resume -t demo');
    const refused = await run(conn, dir, guardArgs([], 0));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('guard GUARD_KILLED of target demo has not finished');

    const resumed = await run(conn, dir, ['guard', '--resume', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('ckpt was stopped while its command ran');
    expect(await tables(conn, dir)).toEqual(['keep_me', 'orders']);
    expect(await guards(conn, dir)).toEqual([
      expect.objectContaining({ checkpoint_id: 'GUARD_KILLED', outcome: 'interrupted', undo: 'applied' }),
    ]);
    expect((await run(conn, dir, ['reconcile', '--plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('makes a daemon wait while the command runs (its status says so), and the daemon goes on after', async () => {
    const { conn, dir } = await guardReady(kind);
    const guard = await hangingGuard(conn, dir, guardArgs(['--id', 'GUARD_D'], 0, ['CREATE TABLE new_t (id INTEGER)']));
    const daemon = new DaemonProcess(dir, ['--resync', '0'], env(conn));
    await daemon.waitFor('reconcile finished', 1, { result: 'failed' });
    const status = await daemon.getJson<{ targets: Array<{ message: string }> }>('/status');
    expect(status.targets[0]?.message).toContain('waits for ckpt guard GUARD_D');

    await writeFile(join(dir, 'release.tmp'), '');
    await rename(join(dir, 'release.tmp'), join(dir, 'release'));
    const r = await guard.done;
    expect(r.code, r.stderr).toBe(0);
    await daemon.waitFor('reconcile finished', 1, { result: 'no-changes' });
    expect(await tables(conn, dir)).toEqual(['keep_me', 'new_t', 'orders']);
  });
});

describe('ckpt guard stopped after its command', { timeout: SLOW_MS }, () => {
  it('a signal while the undo is being planned: nothing is undone, ckpt says so and --resume finishes it', async () => {
    const { conn, dir } = await guardReady('snowflake');
    const guard = await hangingGuard(conn, dir, guardArgs(['--id', 'GUARD_STOP', '--yes'], 5, CHANGES));
    // The undo's observation (its SHOW TABLES HISTORY, the first after the command) takes 8 s on the server.
    conn.server?.injectLatency({ pattern: /^SHOW TABLES HISTORY/, perStatementMs: 8_000 });
    let stderr = '';
    const planning = new Promise<void>((resolve) =>
      guard.child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('The command failed with exit code 5')) resolve();
      }),
    );
    await writeFile(join(dir, 'release.tmp'), '');
    await rename(join(dir, 'release.tmp'), join(dir, 'release'));
    await planning;
    guard.child.kill('SIGINT');
    const r = await guard.done;
    conn.server?.clearInjections();
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain('Ctrl-C: stopping after the running step');
    expect(r.stderr).toContain(
      'Guard GUARD_STOP stopped before its end: nothing more was done. `ckpt guard --resume -t demo` finishes it.',
    );
    expect(r.stderr).not.toContain('Undone');
    expect(await tables(conn, dir)).toEqual(['new_t', 'orders']);
    expect(await guards(conn, dir)).toEqual([expect.objectContaining({ checkpoint_id: 'GUARD_STOP', exit_code: 5, undo: null })]);

    const resumed = await run(conn, dir, ['guard', '--resume', '--yes']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await tables(conn, dir)).toEqual(['keep_me', 'orders']);
    expect(await orderCount(conn, dir)).toBe(2);
    expect(await guards(conn, dir)).toEqual([expect.objectContaining({ checkpoint_id: 'GUARD_STOP', exit_code: 5, undo: 'applied' })]);
  });
});

describe('ckpt guard at a terminal', { timeout: SLOW_MS }, () => {
  it('Ctrl-C typed at the terminal stops the command (ckpt survives it), then the undo is offered and applied on `yes`', async () => {
    const { conn, dir } = await guardReady('local');
    // script(1) runs the guard on a pseudo-terminal: a ^C written to it is the terminal's own
    // Ctrl-C, a SIGINT to the whole foreground process group (ckpt and its command).
    const args = guardArgs(['--id', 'GUARD_TTY'], 42, ['CREATE TABLE new_t (id INTEGER)']);
    const child = spawnAtTerminal(dir, args, env(conn, { GUARD_HANG: '1' }));
    const done = collect(child);
    let output = '';
    const prompted = new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        if (output.includes("Only 'yes' will be accepted")) resolve();
      }),
    );
    await fileAppears(join(dir, 'ready'), () => child.exitCode !== null);
    child.stdin.write('\u0003');
    await prompted;
    expect(await readFile(join(dir, 'got-signal'), 'utf8')).toBe('SIGINT');
    expect(output).toContain('Ctrl-C: stopping the command');
    expect(output).toContain('The command failed with exit code 42');
    child.stdin.write('yes\r');
    const r = await done;
    expect(r.code, output).toBe(42);
    expect(await tables(conn, dir)).toEqual(['keep_me', 'orders']);
    expect(await guards(conn, dir)).toEqual([expect.objectContaining({ checkpoint_id: 'GUARD_TTY', exit_code: 42, undo: 'applied' })]);
  });
});

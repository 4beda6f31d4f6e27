/**
 * Runs the built `ckpt` at a pseudo-terminal, as a person at a terminal would: util-linux
 * `script` (package bsdutils, essential on Debian, so on every machine) gives the CLI a pty for
 * stdin, stdout and stderr; the test answers each prompt once it has appeared (no fixed waits).
 * No native module is needed (node-pty builds one at install).
 */
import { spawn } from 'node:child_process';
import { CLI, running } from './cli-runner.js';

/** One exchange: wait until the screen matches `prompt`, then type `answer` and Enter. */
export interface Exchange {
  prompt: RegExp;
  answer: string;
}

/** What a run at a terminal showed (stdout and stderr are one screen) and its exit code. */
export interface PtyResult {
  code: number;
  screen: string;
}

const shellWord = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * `ckpt ...args` as the command line `script -c` hands to $SHELL. `exec` makes the shell become
 * ckpt: a shell left waiting in the foreground gets the terminal's Ctrl-C too, and dash (/bin/sh
 * here, what script runs when SHELL is unset) then kills itself with SIGINT once ckpt has exited,
 * so the exit code seen would be 130 whatever ckpt's was.
 */
function terminalCommandLine(args: readonly string[]): string {
  return `exec ${[process.execPath, CLI, ...args].map(shellWord).join(' ')}`;
}

/**
 * Spawns `ckpt ...args` in `cwd` at a pty (script(1)): stdin is typed at the terminal, stdout is
 * the screen (stdout and stderr). The same shell on every machine (SHELL=/bin/sh, dash on
 * Debian): the runner's SHELL must not change the result.
 */
export function spawnAtTerminal(cwd: string, args: readonly string[], env: Record<string, string> = {}) {
  return running(
    spawn('script', ['-qefc', terminalCommandLine(args), '/dev/null'], {
      cwd,
      env: { ...process.env, SHELL: '/bin/sh', NO_COLOR: '1', CKPT_LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
}

/** Runs `ckpt ...args` in `cwd` at a pty, answering `exchanges` in order. */
export function ckptAtTerminal(cwd: string, args: string[], exchanges: Exchange[], env: Record<string, string> = {}): Promise<PtyResult> {
  const child = spawnAtTerminal(cwd, args, { TERM: 'dumb', ...env });
  const pending = [...exchanges];
  let screen = '';
  let answeredUpTo = 0;
  const onOutput = (data: Buffer) => {
    screen += data.toString();
    const next = pending[0];
    if (next !== undefined && next.prompt.test(screen.slice(answeredUpTo))) {
      pending.shift();
      answeredUpTo = screen.length;
      child.stdin.write(`${next.answer}\r`);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending.length > 0)
        reject(new Error(`ckpt ${args.join(' ')} exited (${code}) before asking ${String(pending[0]?.prompt)}:\n${screen}`));
      else resolve({ code: code ?? -1, screen });
    });
  });
}

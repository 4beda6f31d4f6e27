/**
 * The command `ckpt guard` runs: a child process with stdin, stdout and stderr passed through and
 * the guard's variables added to its environment. SIGTERM and SIGHUP sent to ckpt go to the child
 * first (ckpt then waits for it to end); so does SIGINT, unless ckpt runs at a terminal, where
 * Ctrl-C already reaches the whole foreground process group, the child included (sending it a
 * second time would read as a second Ctrl-C to tools that stop at once on one). A second signal
 * kills the child (SIGKILL). `timeoutMs` ends it with SIGTERM, then SIGKILL after a grace period.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { GUARD_TIMEOUT_EXIT, type CommandEnd } from '../model/guard.js';
import type { Output } from './io.js';

/** How long a command stopped by the timeout (or a signal) has to end after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 10_000;

/** What the child is run with. */
export interface GuardedCommand {
  argv: readonly string[];
  /** Added to ckpt's own environment. */
  env: Record<string, string>;
  /** 0: no timeout. */
  timeoutMs: number;
  /** Whether ckpt's stdin is a terminal (then SIGINT is not sent on: the terminal sent it). */
  atTerminal: boolean;
}

/** The exit code `ckpt guard` exits with for a command's end: its own, 128 + the signal's number, or GUARD_TIMEOUT_EXIT. */
export function commandExitCode(end: CommandEnd): number {
  if (end.timedOut) return GUARD_TIMEOUT_EXIT;
  if (end.signal !== null) return 128 + (constants.signals[end.signal as NodeJS.Signals] ?? 0);
  return end.exitCode ?? 1;
}

/** Runs the command to its end; a command that cannot start ends as a shell's would (127: not found, 126: not runnable). */
export function runGuarded(command: GuardedCommand, out: Output): Promise<CommandEnd> {
  return new Promise((resolve) => {
    const [file, ...args] = command.argv;
    const child = spawn(file ?? '', args, { stdio: 'inherit', env: { ...process.env, ...command.env } });
    let timedOut = false;
    let signalled = 0;
    let grace: NodeJS.Timeout | undefined;
    const stop = (signal: NodeJS.Signals, why: string) => {
      signalled += 1;
      if (signalled > 1) {
        out.message(`\n${why}: killing the command (SIGKILL)…`);
        child.kill('SIGKILL');
        return;
      }
      out.message(`\n${why}: stopping the command (${signal}); ckpt undoes what it did once it has ended (again to kill it)…`);
      if (signal !== 'SIGINT' || !command.atTerminal) child.kill(signal);
      grace = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      grace.unref();
    };
    const onSignal = (signal: NodeJS.Signals) => stop(signal, signal === 'SIGINT' ? 'Ctrl-C' : signal);
    const timer =
      command.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            stop('SIGTERM', `the command ran out of time (--timeout ${command.timeoutMs / 1000}s)`);
          }, command.timeoutMs)
        : undefined;
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    const done = (end: CommandEnd) => {
      clearTimeout(timer);
      clearTimeout(grace);
      for (const s of signals) process.off(s, onSignal);
      resolve(end);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      out.message(`error: cannot run ${file ?? ''}: ${error.message}`);
      done({ exitCode: error.code === 'ENOENT' ? 127 : 126, signal: null, timedOut: false });
    });
    child.once('exit', (code, signal) => done({ exitCode: code, signal, timedOut }));
  });
}

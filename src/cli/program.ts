/**
 * The `ckpt` program: parses arguments (commander), runs one command, and turns its
 * result or error into text on stderr and an exit code. The only place errors become exit codes.
 */
import { Command, InvalidArgumentError } from 'commander';
import { parseDuration } from './duration.js';
import { MAX_DELAY_MS, wholeNumberFromEnv } from '../model/env.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import { addCommands } from './command-defs.js';
import { connectionChoice } from './config-file.js';
import type { CliContext } from './context.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { Output } from './io.js';
import { createLogger } from './logger.js';
import { version } from '../version.js';

type Runner = (ctx: CliContext) => Promise<number>;

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** Parses argv, runs the command, returns the exit code (never throws). */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let out = new Output();
  const program = new Command('ckpt')
    .description('Declarative checkpoints, resets and restores for Snowflake schemas')
    .version(version, '-V, --version')
    .option('--no-color', 'no colour in the output (also NO_COLOR=1)')
    .option('--connection <name>', 'use this connection for every target, whatever the file says (with a warning per target it moves)')
    .option('--lock-timeout <duration>', "how long a writer waits for another writer's lease, e.g. 30s", (v) => parseDuration(v), 0)
    .option('--concurrency <n>', 'most steps in flight per target', (v) => positiveInt(v), 8)
    .showHelpAfterError('(run ckpt --help for usage)')
    .exitOverride();

  const run = (runner: Runner) => async () => {
    const globals = program.opts<{ color: boolean; connection?: string; lockTimeout: number; concurrency: number }>();
    out = new Output(process.stdout, process.stderr, { colour: globals.color });
    const ctx: CliContext = {
      out,
      logger: createLogger(),
      lockWaitMs: wholeNumberFromEnv('CKPT_LOCK_WAIT_MS', process.env, { fallback: 5000, min: 0, max: MAX_DELAY_MS, unit: 'milliseconds' }),
      lockTimeoutMs: globals.lockTimeout,
      concurrency: globals.concurrency,
      connections: connectionChoice(globals.connection),
    };
    exitCode = await runner(ctx);
  };
  addCommands(program, run);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(error, out);
  }
}

/** Prints an error for a person and returns its exit code. */
function report(error: unknown, out: Output): number {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return ExitCode.ok;
  if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.error;
  if (error instanceof CkptError) {
    out.message(`${out.paint('red', 'error')}: ${error.message}`);
    if (error.hint) out.message(`  hint: ${error.hint}`);
    return exitCodeOf(error.code);
  }
  out.message(`${out.paint('red', 'internal error')}: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.CKPT_LOG_LEVEL === 'debug' && error instanceof Error) out.message(error.stack ?? '');
  out.message(`  hint: ${HINTS.bug}`);
  return ExitCode.error;
}

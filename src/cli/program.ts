/**
 * The `ckpt` program: parses arguments (commander), runs one command, and turns its
 * result or error into text on stderr and an exit code. The only place errors become exit codes.
 * The global options (`-c` the connection, `-C` the folder, ...) are read before or after the
 * command's name, as `snow` reads `-c`.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { parseDuration } from './duration.js';
import { MAX_DELAY_MS, wholeNumberFromEnv } from '../model/env.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import { addCommands, type Run } from './command-defs.js';
import { connectionChoice } from './config-file.js';
import type { CliContext } from './context.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { addHelpTexts } from './help.js';
import { Output } from './io.js';
import { toJsonText } from './json.js';
import { createCommandLogger } from './logger.js';
import { versionLines, versions } from './versions.js';

/** The program's own options, as commander parses them. */
interface GlobalOptions {
  color: boolean;
  connection?: string;
  directory?: string;
  lockTimeout: number;
  concurrency: number;
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** The program: its global options, every command, and the help texts; `run` runs a command's action. */
export function createProgram(run: Run): Command {
  const program = new Command('ckpt')
    .description('Declarative checkpoints, resets and restores for Snowflake schemas')
    .option('-V, --version', 'print the versions of ckpt, Node.js, DuckDB and snowflake-sdk (as JSON with --json)')
    .option('-c, --connection <name>', 'use this connection for every target, whatever the file says (with a warning per target it moves)')
    .option('-C, --directory <dir>', 'run as if ckpt was started in DIR')
    .option('--no-color', 'no colour in the output (also NO_COLOR=1)')
    .option('--lock-timeout <duration>', "how long a writer waits for another writer's lease, e.g. 30s", (v) => parseDuration(v), 0)
    .option('--concurrency <n>', 'most steps in flight per target', (v) => positiveInt(v), 8)
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run ckpt --help for usage)')
    .exitOverride();
  addCommands(program, run);
  addHelpTexts(program);
  return program;
}

/** Parses argv, runs the command, returns the exit code (never throws). */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  let out = new Output();
  const program: Command = createProgram((runner) => async () => {
    const globals = program.opts<GlobalOptions>();
    out = new Output(process.stdout, process.stderr, { colour: globals.color });
    if (globals.directory !== undefined) changeDirectory(globals.directory);
    const ctx: CliContext = {
      out,
      logger: createCommandLogger(out),
      lockWaitMs: wholeNumberFromEnv('CKPT_LOCK_WAIT_MS', process.env, { fallback: 5000, min: 0, max: MAX_DELAY_MS, unit: 'milliseconds' }),
      lockTimeoutMs: globals.lockTimeout,
      concurrency: globals.concurrency,
      connections: connectionChoice(globals.connection),
    };
    exitCode = await runner(ctx);
  });
  program.on('option:version', () => {
    const v = versions();
    out.data(argv.includes('--json') ? toJsonText(v) : versionLines(v).join('\n'));
    throw new CommanderError(ExitCode.ok, 'commander.version', '');
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(error, out);
  }
}

/** `-C DIR`: the process moves there, so that every relative path (and the config search) starts from it. */
function changeDirectory(dir: string): void {
  try {
    process.chdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : (error as Error).message;
    throw new CkptError('CONFIG_NOT_FOUND', `cannot run in ${dir} (-C): ${reason}`, { hint: HINTS.directoryMissing });
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

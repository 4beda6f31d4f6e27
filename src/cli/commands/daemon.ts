/**
 * `ckpt daemon`: runs the daemon in the foreground until SIGTERM or SIGINT. Parses --listen and
 * --resync, logs to stdout (JSON lines off a TTY), and owns the process signals: the first stops
 * the daemon gracefully (exit 0, or 1 past 10 s), a second exits at once.
 */
import { InvalidArgumentError } from 'commander';
import type { ListenAddress } from '../../daemon/health.js';
import { configPath } from '../config-file.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { createLogger } from '../logger.js';

/** Options of `ckpt daemon`, as parsed. */
export interface DaemonCommandOptions {
  file?: string;
  plan?: boolean;
  /** Where to serve HTTP, or `off` for nowhere. */
  listen: ListenAddress | 'off';
  resyncMs: number;
  /** How long the file must stay unchanged before a new destructive action in it is applied (default 5 s). */
  settleMs?: number;
}

/** The default `--listen`. */
export const DEFAULT_LISTEN = '127.0.0.1:9477';

/** The default `--resync`. */
export const DEFAULT_RESYNC = '10m';

/** How long a graceful stop may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 9_500;

/**
 * `HOST:PORT`, `[IPv6]:PORT` or `:PORT` (127.0.0.1); `off` serves no HTTP. For commander, which
 * turns a parsed `null` into `''`: `off` stays a string until the daemon starts.
 */
export function parseListen(text: string): ListenAddress | 'off' {
  if (text === 'off') return 'off';
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (match === null || port > 65535)
    throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:9477 (port 0 picks a free one), or off');
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** Runs the daemon until a signal stops it; returns the exit code. */
export async function daemonCommand(ctx: CliContext, options: DaemonCommandOptions): Promise<number> {
  const logger = createLogger('info', 'stdout');
  // Loaded here, not at start-up: every other command would pay for chokidar and prom-client.
  const { startDaemon } = await import('../../daemon/daemon.js');
  const starting = startDaemon({
    file: configPath(options.file),
    planOnly: options.plan === true,
    listen: options.listen === 'off' ? null : options.listen,
    resyncMs: options.resyncMs,
    settleMs: options.settleMs,
    lockWaitMs: ctx.lockWaitMs,
    connections: ctx.connections,
    logger,
  });
  let stopped: ((code: number) => void) | undefined;
  const done = new Promise<number>((resolve) => (stopped = resolve));
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn('second signal; exiting at once', { signal });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    signalled = true;
    logger.info('signal received; finishing the running step', { signal });
    const limit = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting without waiting further', { signal });
      process.exit(ExitCode.error);
    }, SHUTDOWN_LIMIT_MS);
    const finish = () => {
      clearTimeout(limit);
      // Everything is closed; should a library still hold the event loop, do not hang on it.
      setTimeout(() => process.exit(ExitCode.ok), 1000).unref();
      stopped?.(ExitCode.ok);
    };
    void starting.then((daemon) => daemon.stop(signal)).then(finish, finish);
  };
  // A stray rejection (a driver's late socket error, say) is logged; it must not kill the daemon.
  const onRejection = (reason: unknown) =>
    logger.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('unhandledRejection', onRejection);
  try {
    await starting;
    return await done;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('unhandledRejection', onRejection);
  }
}

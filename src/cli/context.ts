/**
 * What every command gets: output, logger, and the global options; plus running a session
 * that is always closed.
 */
import type { ConnectionChoice } from '../config/connections.js';
import type { Desired } from '../model/desired.js';
import type { Logger } from '../model/logger.js';
import { Session } from '../engine/session.js';
import type { Output } from './io.js';
import { holderInfo, isStaleHolder } from './lease-holder.js';

/** Shared state of one CLI invocation. */
export interface CliContext {
  out: Output;
  logger: Logger;
  /** Milliseconds to wait for the embedded warehouse's lock. */
  lockWaitMs: number;
  /** How long a writer waits for another writer's lease (`--lock-timeout`). */
  lockTimeoutMs: number;
  /** Most steps in flight per target (`--concurrency`). */
  concurrency: number;
  /** Connection choices made outside the file: `--connection` and $SNOWFLAKE_DEFAULT_CONNECTION_NAME. */
  connections: ConnectionChoice;
}

/**
 * Runs `body` with a session on `desired`, closing it whatever happens. `leaseTtlMs`: how long a
 * lease stays held without renewal (default the session's; `ckpt guard` holds one across its command).
 */
export async function withSession<T>(
  ctx: CliContext,
  desired: Desired,
  command: string,
  body: (session: Session) => Promise<T>,
  leaseTtlMs?: number,
): Promise<T> {
  const session = new Session(desired, {
    logger: ctx.logger,
    command,
    lockWaitMs: ctx.lockWaitMs,
    concurrency: ctx.concurrency,
    lease: {
      info: holderInfo(command),
      waitMs: ctx.lockTimeoutMs,
      isStale: isStaleHolder,
      ...(leaseTtlMs === undefined ? {} : { ttlMs: leaseTtlMs }),
    },
  });
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/**
 * One writer per target: takes the target's lease before a writer observes, waiting up to a
 * timeout for another holder, taking over a lease whose holder is known dead, renewing it while
 * the writer works, and signalling when it is lost. Released at the end, whatever happens.
 */
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Logger } from '../model/logger.js';
import { displayTime } from '../model/time.js';
import type { LeaseRow } from '../warehouse/lease-sql.js';
import type { LeaseStore } from '../warehouse/lease-store.js';
import type { TargetRef, Warehouse } from '../warehouse/warehouse.js';

/** How a command holds leases. */
export interface LeaseOptions {
  /** Unique id of this holder (the run id). */
  holder: string;
  /** Who this is, for the message another writer sees (JSON: pid, host, command). */
  info: string;
  ttlMs: number;
  /** How long to wait for another holder before giving up (`--lock-timeout`). */
  waitMs: number;
  pollMs: number;
  /** Whether a holder is known to be gone (same host, process not running). */
  isStale(info: string): boolean;
}

/** Renders a holder's info for people: `ckpt reconcile (pid 42 on host)`. */
export function describeHolder(info: string | null): string {
  try {
    const h = JSON.parse(info ?? '') as { command?: string; pid?: number; host?: string };
    return `ckpt${h.command === undefined ? '' : ` ${h.command}`} (pid ${h.pid ?? '?'} on ${h.host ?? '?'})`;
  } catch {
    return info ?? 'an unknown holder';
  }
}

/** A held lease: `lost` aborts if another writer takes it; `release` gives it back; `detach` stops renewing it and leaves it held until it expires or its holder takes it again. */
export interface HeldLease {
  lost: AbortSignal;
  release(): Promise<void>;
  detach(): void;
}

/**
 * Takes the target's lease (waiting up to `waitMs` for another holder) and keeps renewing it
 * until released. Writers take it before they observe, so that what they plan is what they apply.
 */
export async function holdLease(warehouse: Warehouse, ref: TargetRef, options: LeaseOptions, logger: Logger): Promise<HeldLease> {
  const store = warehouse.leases(ref);
  await acquire(store, ref, options, logger);
  const lost = new AbortController();
  const heartbeat = setInterval(
    () => {
      store
        .renew(options.holder, options.ttlMs)
        .then((held) => {
          if (!held && !lost.signal.aborted) {
            logger.error('lease lost: another writer took the target; stopping after the running step', { target: ref.name });
            lost.abort();
          }
        })
        .catch((error: unknown) => logger.warn('lease renewal failed; retrying', { target: ref.name, error: String(error) }));
    },
    Math.max(100, Math.floor(options.ttlMs / 3)),
  );
  return {
    lost: lost.signal,
    detach: () => clearInterval(heartbeat),
    release: async () => {
      clearInterval(heartbeat);
      await store.release(options.holder).catch((error: unknown) => {
        logger.warn('could not release the lease; it expires by itself', { target: ref.name, error: String(error) });
      });
    },
  };
}

async function acquire(store: LeaseStore, ref: TargetRef, options: LeaseOptions, logger: Logger): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const rows = await store.take(options.holder, options.info, options.ttlMs);
    const other = rows.find((r) => r.holder !== options.holder);
    if (other === undefined) return;
    if (options.isStale(other.info ?? '')) {
      logger.warn(`taking over the lease of ${describeHolder(other.info)}, which is no longer running`, { target: ref.name });
      await store.break();
      continue;
    }
    if (Date.now() >= deadline) throw heldError(ref, other);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

function heldError(ref: TargetRef, other: LeaseRow): CkptError {
  const since = other.acquiredAt ? ` since ${displayTime(other.acquiredAt)}` : '';
  if (isGuardHolder(other.info)) {
    // A guard holds the lease for as long as its command runs: the writer waits for it to finish.
    return new CkptError('LEASE_HELD', `target ${ref.name} waits for ${describeHolder(other.info)}${since} to finish its command`, {
      hint: HINTS.leaseHeldByGuard(ref.name),
    });
  }
  const until = other.expiresAt ? `; the lease expires at ${displayTime(other.expiresAt)} unless renewed` : '';
  return new CkptError('LEASE_HELD', `target ${ref.name} is being changed by ${describeHolder(other.info)}${since}${until}`, {
    hint: HINTS.leaseHeld(ref.name),
  });
}

/** Whether a lease's holder is `ckpt guard` (its info's command is `guard <checkpoint id>`). */
function isGuardHolder(info: string | null): boolean {
  try {
    const h = JSON.parse(info ?? '') as { command?: unknown };
    return typeof h.command === 'string' && h.command.startsWith('guard ');
  } catch {
    return false;
  }
}

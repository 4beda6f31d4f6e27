/**
 * The daemon's trigger sources: the config file (chokidar, read once stable), checkpoint schedules (timers set for
 * the firings schedule/cron.ts computes, the same the planner reads), a resync interval and
 * SIGHUP. Each only calls back to enqueue work: none loads, plans or applies anything, and none
 * runs long inside its callback.
 */
import { dirname, resolve } from 'node:path';
import { watch } from 'chokidar';
import type { Schedule } from '../model/desired.js';
import type { Logger } from '../model/logger.js';
import { followingFiring, nextFiring } from '../schedule/cron.js';
import { readSnapshot, sameSnapshot, type FileSnapshot } from './settle.js';

/** A running trigger source. */
export interface TriggerSource {
  close(): Promise<void>;
}

/** How watchFile decides that the file is stable. */
export interface Stability {
  /** Quiet time after the last change event before the file is read (ms). */
  quietMs: number;
  /** Time between the two reads that must see the same size, mtime and bytes (ms). */
  recheckMs: number;
}

/**
 * The default: 250 ms of quiet, then two reads 100 ms apart, so a save starts its reconcile
 * within half a second. No quiet period can outwait every writer's pauses; what protects against
 * a half-written file that parses is the settle period of settle.ts (new destructive actions and
 * lowered retentions wait until the file has not changed for it, or is committed).
 */
export const DEFAULT_STABILITY: Stability = { quietMs: 250, recheckMs: 100 };

/**
 * Watches one file through its directory, so that editors that save by rename and git
 * checkouts that replace the file are seen. A burst of events becomes one call once the file is
 * stable: `quietMs` without an event, then two reads `recheckMs` apart with the same size, mtime
 * and bytes (else it waits again). The call gets the events and the stable snapshot, and `at`,
 * the time of the last event; `onEvent`, if given, is called at each event, at once. Resolves
 * once the watch is in place.
 */
export async function watchFile(
  file: string,
  onChange: (event: string, snapshot: FileSnapshot, at: number) => void,
  logger: Logger,
  stability: Stability = DEFAULT_STABILITY,
  onEvent?: () => void,
): Promise<TriggerSource> {
  const path = resolve(file);
  const dir = dirname(path);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  let lastEvent = 0;
  let closed = false;
  const events = new Set<string>();
  const settle = async (seen: number): Promise<void> => {
    const first = await readSnapshot(path);
    await new Promise((r) => setTimeout(r, stability.recheckMs));
    const second = await readSnapshot(path);
    if (closed || seen !== generation) return; // another event came: its own wait runs
    if (!sameSnapshot(first, second)) {
      logger.info('config file still changing; waiting for it to be stable', { file: path });
      arm();
      return;
    }
    const names = [...events].join(',');
    events.clear();
    onChange(names, second, lastEvent);
  };
  const arm = (): void => {
    clearTimeout(timer);
    const seen = generation;
    timer = setTimeout(() => {
      settle(seen).catch((error: unknown) => logger.warn('file watch error', { file: path, error: (error as Error).message }));
    }, stability.quietMs);
  };
  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    ignored: (candidate: string) => candidate !== dir && candidate !== path,
  });
  watcher.on('all', (event, changed) => {
    if (resolve(changed) !== path) return;
    events.add(event);
    generation += 1;
    lastEvent = Date.now();
    arm();
    onEvent?.();
  });
  watcher.on('error', (error) => logger.warn('file watch error', { file: path, error: (error as Error).message }));
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

/** A schedule and the target it belongs to. */
export interface TargetSchedule {
  target: string;
  schedule: Schedule;
}

/** The longest delay a Node timer takes (about 24.8 days); a later firing is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One timer per schedule, set for its next firing in its time zone; a firing calls
 * `onFire(target, scheduleId)` and sets the timer for the one after. Firings missed while the
 * process was suspended count once: the next timer is set for the first firing still ahead.
 */
export function scheduleFirings(
  entries: TargetSchedule[],
  onFire: (target: string, scheduleId: string) => void,
  logger: Logger,
): TriggerSource {
  const timers = entries.map((entry) => scheduleTimer(entry, () => onFire(entry.target, entry.schedule.id), logger));
  return {
    close: async () => {
      for (const timer of timers) timer.stop();
    },
  };
}

/** A timer that fires one schedule at each of its firings until stopped. */
function scheduleTimer({ target, schedule }: TargetSchedule, fire: () => void, logger: Logger): { stop(): void } {
  const { cron, timezone } = schedule;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (due: string | null): void => {
    if (due === null) {
      logger.warn('schedule has no next firing; it is not armed', { target, schedule: schedule.id, cron, timezone });
      return;
    }
    timer = setTimeout(
      () => (Date.now() < Date.parse(due) ? arm(due) : fired(due)),
      Math.min(Math.max(0, Date.parse(due) - Date.now()), MAX_TIMER_MS),
    );
  };
  const fired = (due: string): void => {
    fire();
    const following = followingFiring(cron, timezone, due);
    const now = new Date().toISOString();
    arm(following !== null && following <= now ? nextFiring(cron, timezone, now) : following);
  };
  arm(nextFiring(cron, timezone, new Date().toISOString()));
  return { stop: () => clearTimeout(timer) };
}

/** Calls `onTick` every `intervalMs`. */
export function every(intervalMs: number, onTick: () => void): TriggerSource {
  const timer = setInterval(onTick, intervalMs);
  return {
    close: async () => clearInterval(timer),
  };
}

/** Calls `onHangup` on SIGHUP (the conventional "reload your config"). */
export function onHangup(onHangup: () => void): TriggerSource {
  const listener = () => onHangup();
  process.on('SIGHUP', listener);
  return {
    close: async () => {
      process.off('SIGHUP', listener);
    },
  };
}

/**
 * The daemon's trigger sources: the config file (chokidar), checkpoint schedules (node-cron), a
 * resync interval and SIGHUP. Each only calls back to enqueue work: none loads, plans or applies
 * anything, and none runs long inside its callback.
 */
import { dirname, resolve } from 'node:path';
import { watch } from 'chokidar';
import { createTask, type ScheduledTask } from 'node-cron';
import type { Schedule } from '../model/desired.js';
import type { Logger } from '../model/logger.js';

/** A running trigger source. */
export interface TriggerSource {
  close(): Promise<void>;
}

/**
 * Watches one file through its directory, so that editors that save by rename and git
 * checkouts that replace the file are seen; a burst of events becomes one call after
 * `debounceMs` of quiet. Resolves once the watch is in place.
 */
export async function watchFile(file: string, onChange: (event: string) => void, logger: Logger, debounceMs = 200): Promise<TriggerSource> {
  const path = resolve(file);
  const dir = dirname(path);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const events = new Set<string>();
  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    ignored: (candidate: string) => candidate !== dir && candidate !== path,
  });
  watcher.on('all', (event, changed) => {
    if (resolve(changed) !== path) return;
    events.add(event);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const seen = [...events].join(',');
      events.clear();
      onChange(seen);
    }, debounceMs);
  });
  watcher.on('error', (error) => logger.warn('file watch error', { file: path, error: (error as Error).message }));
  await new Promise<void>((ready) => watcher.once('ready', () => ready()));
  return {
    close: async () => {
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

/** One node-cron task per schedule; a firing calls `onFire(target, scheduleId)`. */
export function scheduleFirings(entries: TargetSchedule[], onFire: (target: string, scheduleId: string) => void, logger: Logger): TriggerSource {
  const cronLogger = {
    info: (message: string) => logger.debug(message, { source: 'node-cron' }),
    warn: (message: string) => logger.warn(message, { source: 'node-cron' }),
    error: (message: string | Error) => logger.error(String(message), { source: 'node-cron' }),
    debug: (message: string | Error) => logger.debug(String(message), { source: 'node-cron' }),
  };
  const tasks: ScheduledTask[] = entries.map(({ target, schedule }) => {
    const task = createTask(schedule.cron, () => onFire(target, schedule.id), {
      timezone: schedule.timezone,
      name: `${target}/${schedule.id}`,
      logger: cronLogger,
    });
    void task.start();
    return task;
  });
  return {
    close: async () => {
      await Promise.all(tasks.map((task) => task.destroy()));
    },
  };
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


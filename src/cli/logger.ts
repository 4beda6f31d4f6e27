/**
 * The CLI's logger: pino, on stderr (or stdout for the daemon). JSON lines when that stream is
 * not a TTY, a short readable line on a TTY. Level from CKPT_LOG_LEVEL (default `warn` for
 * commands). Never given a secret.
 */
import { destination, pino } from 'pino';
import type { Logger } from '../model/logger.js';

/** A core Logger backed by pino, writing to `stream`. */
export function createLogger(defaultLevel = 'warn', stream: 'stdout' | 'stderr' = 'stderr'): Logger {
  const level = process.env.CKPT_LOG_LEVEL ?? defaultLevel;
  const out = stream === 'stdout' ? process.stdout : process.stderr;
  if (out.isTTY) {
    const write = (lvl: string) => (message: string, fields?: Record<string, unknown>) => {
      const time = new Date().toTimeString().slice(0, 8);
      out.write(`${time} ${lvl.padEnd(5)} ${message}${readableFields(fields)}\n`);
    };
    const order = ['debug', 'info', 'warn', 'error'];
    const enabled = (lvl: string) => order.indexOf(lvl) >= order.indexOf(level);
    const noop = () => {};
    return {
      debug: enabled('debug') ? write('debug') : noop,
      info: enabled('info') ? write('info') : noop,
      warn: enabled('warn') ? write('warn') : noop,
      error: enabled('error') ? write('error') : noop,
    };
  }
  const log = pino({ level, base: { name: 'ckpt' } }, destination(stream === 'stdout' ? 1 : 2));
  return {
    debug: (m, f) => log.debug(f ?? {}, m),
    info: (m, f) => log.info(f ?? {}, m),
    warn: (m, f) => log.warn(f ?? {}, m),
    error: (m, f) => log.error(f ?? {}, m),
  };
}

/** ` key=value key2="two words"` for a terminal; objects as compact JSON. */
function readableFields(fields: Record<string, unknown> | undefined): string {
  if (fields === undefined) return '';
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return ` ${k}=${typeof v === 'string' && /[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
    })
    .join('');
}

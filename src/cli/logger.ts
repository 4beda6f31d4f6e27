/**
 * The CLI's logger: pino, on stderr. JSON lines when stderr is not a TTY, a short readable line
 * on a TTY. Level from CKPT_LOG_LEVEL (default `warn` for commands). Never given a secret.
 */
import { destination, pino } from 'pino';
import type { Logger } from '../model/logger.js';

/** A core Logger backed by pino. */
export function createLogger(defaultLevel = 'warn'): Logger {
  const level = process.env.CKPT_LOG_LEVEL ?? defaultLevel;
  if (process.stderr.isTTY) {
    const write = (lvl: string) => (message: string, fields?: Record<string, unknown>) => {
      const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      process.stderr.write(`${lvl} ${message}${extra}\n`);
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
  const log = pino({ level, base: { name: 'ckpt' } }, destination(2));
  return {
    debug: (m, f) => log.debug(f ?? {}, m),
    info: (m, f) => log.info(f ?? {}, m),
    warn: (m, f) => log.warn(f ?? {}, m),
    error: (m, f) => log.error(f ?? {}, m),
  };
}

/**
 * The CLI's logger: pino, on stderr (or stdout for the daemon). JSON lines when that stream is
 * not a TTY, a short readable line on a TTY. Level from CKPT_LOG_LEVEL (default `warn` for
 * commands). Never given a secret. Control characters in messages and fields (an object's name,
 * a warehouse's error) are shown escaped in either form, so a log line stays one line as written.
 */
import { destination, pino } from 'pino';
import { displayText } from '../model/display.js';
import { choiceFromEnv } from '../model/env.js';
import type { LogFields, Logger } from '../model/logger.js';

/** The levels CKPT_LOG_LEVEL takes, from the most verbose. */
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A level of CKPT_LOG_LEVEL. */
type Level = (typeof LEVELS)[number];

/** A core Logger backed by pino, writing to `stream`; CONFIG_INVALID when CKPT_LOG_LEVEL names no level. */
export function createLogger(defaultLevel: Level = 'warn', stream: 'stdout' | 'stderr' = 'stderr'): Logger {
  const level = choiceFromEnv('CKPT_LOG_LEVEL', process.env, LEVELS, defaultLevel);
  const out = stream === 'stdout' ? process.stdout : process.stderr;
  if (out.isTTY) {
    const write = (lvl: Level) => (message: string, fields?: LogFields) => {
      const time = new Date().toTimeString().slice(0, 8);
      out.write(`${time} ${lvl.padEnd(5)} ${displayText(message)}${readableFields(shownFields(fields))}\n`);
    };
    const enabled = (lvl: Level) => LEVELS.indexOf(lvl) >= LEVELS.indexOf(level);
    const noop = () => {};
    return {
      debug: enabled('debug') ? write('debug') : noop,
      info: enabled('info') ? write('info') : noop,
      warn: enabled('warn') ? write('warn') : noop,
      error: enabled('error') ? write('error') : noop,
    };
  }
  const log = pino({ level, base: { name: 'ckpt' } }, destination(stream === 'stdout' ? 1 : 2));
  const emit = (lvl: Level) => (message: string, fields?: LogFields) => {
    if (log.isLevelEnabled(lvl)) log[lvl](shownFields(fields) ?? {}, displayText(message));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A field's value with the control characters of its texts shown escaped (plain objects and arrays too). */
function shownValue(value: unknown): unknown {
  if (typeof value === 'string') return displayText(value);
  if (Array.isArray(value)) return value.map(shownValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return shownFields(value as LogFields);
  return value;
}

function shownFields(fields: LogFields | undefined): LogFields | undefined {
  return fields === undefined ? undefined : Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, shownValue(v)]));
}

/** ` key=value key2="two words"` for a terminal; objects as compact JSON. */
function readableFields(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return ` ${k}=${typeof v === 'string' && /[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
    })
    .join('');
}

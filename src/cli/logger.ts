/**
 * The CLI's loggers. A one-shot command writes its log lines (warnings, by default) for people on
 * stderr: `warning: message key=value`, the label coloured when colour is on. The daemon writes
 * to stdout: JSON lines (pino) off a terminal, a short readable line with the time on one.
 * CKPT_LOG_FORMAT=json gives JSON lines, and CKPT_LOG_FORMAT=text readable lines, to either. Level
 * from CKPT_LOG_LEVEL (default `warn` for commands, `info` for the daemon). Never given a secret.
 * Control characters in messages and fields (an object's name, a warehouse's error) are shown
 * escaped in every form, so a log line stays one line as written.
 */
import { destination, pino } from 'pino';
import { displayText } from '../model/display.js';
import { choiceFromEnv } from '../model/env.js';
import type { LogFields, Logger } from '../model/logger.js';
import type { Colour, Output } from './io.js';

/** The levels CKPT_LOG_LEVEL takes, from the most verbose. */
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A level of CKPT_LOG_LEVEL. */
type Level = (typeof LEVELS)[number];

/** The formats CKPT_LOG_FORMAT takes. */
const FORMATS = ['text', 'json'] as const;

/** How a command labels each level's lines, and in which colour. */
const LABELS: Readonly<Record<Level, { label: string; colour: Colour }>> = {
  debug: { label: 'debug', colour: 'dim' },
  info: { label: 'info', colour: 'cyan' },
  warn: { label: 'warning', colour: 'yellow' },
  error: { label: 'error', colour: 'red' },
};

/** A Logger whose levels below `level` write nothing. */
function leveled(level: Level, write: (lvl: Level) => (message: string, fields?: LogFields) => void): Logger {
  const at = (lvl: Level) => (LEVELS.indexOf(lvl) >= LEVELS.indexOf(level) ? write(lvl) : () => {});
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** JSON lines (pino) on a file descriptor. */
function jsonLogger(level: Level, fd: 1 | 2): Logger {
  const log = pino({ level, base: { name: 'ckpt' } }, destination(fd));
  return leveled(level, (lvl) => (message, fields) => log[lvl](shownFields(fields) ?? {}, displayText(message)));
}

/**
 * A one-shot command's logger, on `out`'s stderr: `warning: message key=value` lines (JSON lines
 * with CKPT_LOG_FORMAT=json); CONFIG_INVALID when CKPT_LOG_LEVEL or CKPT_LOG_FORMAT names no choice.
 */
export function createCommandLogger(out: Output): Logger {
  const level = choiceFromEnv('CKPT_LOG_LEVEL', process.env, LEVELS, 'warn');
  if (choiceFromEnv('CKPT_LOG_FORMAT', process.env, FORMATS, 'text') === 'json') return jsonLogger(level, 2);
  return leveled(level, (lvl) => (message, fields) => {
    out.message(`${out.paint(LABELS[lvl].colour, LABELS[lvl].label)}: ${displayText(message)}${readableFields(shownFields(fields))}`);
  });
}

/**
 * The daemon's logger, on `stream`: JSON lines (pino) off a terminal, `time level message
 * key=value` on one, unless CKPT_LOG_FORMAT says which; CONFIG_INVALID when CKPT_LOG_LEVEL or
 * CKPT_LOG_FORMAT names no choice.
 */
export function createLogger(defaultLevel: Level, stream: 'stdout' | 'stderr'): Logger {
  const level = choiceFromEnv('CKPT_LOG_LEVEL', process.env, LEVELS, defaultLevel);
  const out = stream === 'stdout' ? process.stdout : process.stderr;
  const format = choiceFromEnv('CKPT_LOG_FORMAT', process.env, FORMATS, out.isTTY ? 'text' : 'json');
  if (format === 'json') return jsonLogger(level, stream === 'stdout' ? 1 : 2);
  return leveled(level, (lvl) => (message, fields) => {
    const time = new Date().toTimeString().slice(0, 8);
    out.write(`${time} ${lvl.padEnd(5)} ${displayText(message)}${readableFields(shownFields(fields))}\n`);
  });
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

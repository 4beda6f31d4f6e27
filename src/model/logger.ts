/**
 * The logger the core writes through; the CLI and the daemon inject one (pino, or a quiet
 * one). Nothing below cli/ prints.
 */

/** Structured fields attached to a log line; never a secret. */
export type LogFields = Record<string, unknown>;

/** A minimal structured logger. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything (tests, `--json` runs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

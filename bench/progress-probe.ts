/**
 * What progress costs an apply: the CLI's TTY status line (`progressReporter` on an Output whose
 * stderr claims to be a terminal) and one JSON log line per step (pino, as the CLI and the daemon
 * log off a terminal), both written to sinks that discard, with the time spent in them summed.
 * Observes only; never changes what apply does.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { ProgressListener } from '../src/apply/apply.js';
import { Output } from '../src/cli/io.js';
import { progressReporter } from '../src/cli/progress.js';
import type { Logger } from '../src/model/logger.js';

/** A progress listener and a logger whose cost is measured. */
export interface ProgressProbe {
  listener: ProgressListener;
  logger: Logger;
  /** Milliseconds spent in progress lines and log lines so far. */
  spentMs(): number;
  /** Status lines written (TTY progress). */
  statusLines(): number;
  /** Log lines written. */
  logLines(): number;
  /** The last status line, as a person would see it. */
  lastStatus(): string;
}

/** A sink that claims to be a terminal and keeps only the last line. */
class FakeTerminal extends Writable {
  readonly isTTY = true;
  lines = 0;
  last = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    const text = chunk.toString();
    if (text.length > 6) {
      this.lines += 1;
      this.last = text.replace(/\r\u001b\[2K/g, '');
    }
    done();
  }
}

/** A sink that counts lines and drops them. */
class NullLines extends Writable {
  lines = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    for (const byte of chunk) if (byte === 10) this.lines += 1;
    done();
  }
}

/** A probe: a TTY progress line per finished step and an info-level JSON log line per step event. */
export function progressProbe(): ProgressProbe {
  const terminal = new FakeTerminal();
  const sink = new NullLines();
  const log = pino({ level: 'info', base: { name: 'ckpt' } }, sink);
  const report = progressReporter(new Output(sink as unknown as NodeJS.WritableStream, terminal as unknown as NodeJS.WritableStream));
  let spent = 0n;
  const timed =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      const start = process.hrtime.bigint();
      fn(...args);
      spent += process.hrtime.bigint() - start;
    };
  return {
    listener: timed(report),
    logger: {
      debug: timed((m: string, f?: Record<string, unknown>) => log.debug(f ?? {}, m)),
      info: timed((m: string, f?: Record<string, unknown>) => log.info(f ?? {}, m)),
      warn: timed((m: string, f?: Record<string, unknown>) => log.warn(f ?? {}, m)),
      error: timed((m: string, f?: Record<string, unknown>) => log.error(f ?? {}, m)),
    },
    spentMs: () => Number(spent) / 1e6,
    statusLines: () => terminal.lines,
    logLines: () => sink.lines,
    lastStatus: () => terminal.last,
  };
}

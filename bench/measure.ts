/**
 * Measuring one piece of work: wall time, peak RSS (sampled at an interval, plus the process's
 * own high-water mark), and the round trips and statements a Snowflake-protocol server saw
 * during it. Only measures: it never seeds, asserts or decides what a figure means.
 */
import { channel } from 'node:diagnostics_channel';
import type { SnowflakeServer } from '../test/snowflake-server/server.js';

/** What one measured piece of work cost. */
export interface Measurement {
  wallMs: number;
  /** Highest RSS sampled while it ran, in MB. */
  peakRssMb: number;
  /** The process's RSS high-water mark (process.resourceUsage().maxRSS) when it ended, in MB. */
  maxRssMb: number;
  /** Query requests the server received (one network round trip each); null without a server. */
  roundTrips: number | null;
  /** Every HTTP request the server received (query requests plus result fetches and session calls). */
  httpRequests: number | null;
  /** Statements the server executed. */
  statements: number | null;
}

const MB = 1024 * 1024;

let httpRequests = 0;
let counting = false;

/** Counts every HTTP request an in-process server receives (multi-statement result fetches included). */
function countHttpRequests(): void {
  if (counting) return;
  counting = true;
  channel('http.server.request.start').subscribe(() => {
    httpRequests += 1;
  });
}

/**
 * Runs `work` and measures it. RSS is sampled every `sampleMs` (the event loop must turn for a
 * sample: long synchronous stretches are covered by the process high-water mark instead).
 */
export async function measure<T>(
  work: () => Promise<T>,
  server?: SnowflakeServer,
  sampleMs = 5,
): Promise<{ result: T; cost: Measurement }> {
  if (server !== undefined) countHttpRequests();
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, sampleMs);
  const before = { requests: server?.requestCount ?? 0, statements: server?.statementLog.length ?? 0, http: httpRequests };
  const start = process.hrtime.bigint();
  try {
    const result = await work();
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    peak = Math.max(peak, process.memoryUsage.rss());
    return {
      result,
      cost: {
        wallMs,
        peakRssMb: peak / MB,
        maxRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
        roundTrips: server === undefined ? null : server.requestCount - before.requests,
        httpRequests: server === undefined ? null : httpRequests - before.http,
        statements: server === undefined ? null : server.statementLog.length - before.statements,
      },
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Runs a garbage collection when the process allows it (see exposeGc), so heap figures mean something. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  // Twice: the first full collection can leave what its finalisers released for the next one.
  gc?.();
  gc?.();
}

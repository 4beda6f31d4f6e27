// Public entry point of the local Snowflake-protocol test server: starts an HTTP server on a
// loopback port that the unmodified snowflake-sdk connects to, backed by an in-memory account
// model, with a controllable clock and injectable latency and faults.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnowflakeAccountModel } from './account.js';
import { Injections, type FaultRule, type LatencyRule } from './injections.js';
import { createRequestHandler, type StatementLogEntry } from './protocol.js';
import type { UserSpec } from './auth.js';

export { SnowflakeAccountModel } from './account.js';
export type { FaultRule, LatencyRule } from './injections.js';
export type { StatementLogEntry } from './protocol.js';
export type { UserSpec } from './auth.js';

/** Options of startSnowflakeServer. */
export interface SnowflakeServerOptions {
  /** 0 / undefined = a free loopback port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted users; when omitted any login is accepted. */
  users?: Record<string, UserSpec>;
  /** Base clock of the model (default: the real clock); advanceClock adds to it. */
  clock?: () => Date;
  /** Most rows a SHOW command returns, 090153 beyond it (default 10,000, as Snowflake). */
  showRowLimit?: number;
  /** How long a query request waits for its answer before answering 333333 "in progress" (default 45,000 ms, as Snowflake). */
  inProgressAfterMs?: number;
  /** Largest VARCHAR/VARIANT value in bytes, 100082 beyond it (default 16,777,216, as Snowflake without bundle 2025_03). */
  lobLimit?: number;
  /**
   * What a multi-statement request does after one of its statements fails: `stop` (default; the
   * later statements do not run) or `continue` (they run; the request still answers the first
   * error). Snowflake's documentation says neither, so a client must not rely on one: tests
   * run ckpt's batched waves under both (stricter reading).
   */
  afterFailedStatement?: 'stop' | 'continue';
}

/** A running server. */
export interface SnowflakeServer {
  url: string;
  port: number;
  /** Direct access for tests: seed data (`account.execute(sql)`), inspect `account.catalog`. */
  account: SnowflakeAccountModel;
  /** Moves the model's clock forward (retention expiry tests). */
  advanceClock(ms: number): void;
  /** perRequestMs for every matching HTTP request; perStatementMs per executed statement (a request's statements run in order; requests overlap). */
  injectLatency(rule: LatencyRule): void;
  /** A fault for matching statements (HTTP 503/429, connection reset, or a SQL error with `code`). */
  injectFault(rule: FaultRule): void;
  clearInjections(): void;
  /** Every statement executed, in order. */
  statementLog: StatementLogEntry[];
  /** HTTP query requests received. */
  requestCount: number;
  close(): Promise<void>;
}

/** Starts a server; resolves once it listens. */
export async function startSnowflakeServer(options: SnowflakeServerOptions = {}): Promise<SnowflakeServer> {
  let offset = 0;
  const base = options.clock ?? ((): Date => new Date());
  const account = await SnowflakeAccountModel.create(() => new Date(base().getTime() + offset));
  if (options.showRowLimit !== undefined) account.catalog.showRowLimit = options.showRowLimit;
  if (options.lobLimit !== undefined) account.catalog.lobLimit = options.lobLimit;
  const injections = new Injections();
  const statementLog: StatementLogEntry[] = [];
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  const handle: SnowflakeServer = {
    url: '',
    port: 0,
    account,
    advanceClock: (ms) => {
      offset += ms;
    },
    injectLatency: (rule) => injections.addLatency(rule),
    injectFault: (rule) => injections.addFault(rule),
    clearInjections: () => injections.clear(),
    statementLog,
    requestCount: 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          account.close();
          if (err) reject(err);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
  server.on(
    'request',
    createRequestHandler({
      account,
      users: options.users,
      injections,
      statementLog,
      inProgressAfterMs: options.inProgressAfterMs ?? 45_000,
      afterFailedStatement: options.afterFailedStatement ?? 'stop',
      onQueryRequest: () => {
        handle.requestCount++;
      },
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  handle.port = port;
  handle.url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return handle;
}

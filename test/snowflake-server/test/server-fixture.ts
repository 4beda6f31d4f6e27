// The test server and one driver session for a test file: starts the server with the file's options,
// seeds it as the account, connects the real snowflake-sdk as user `dev`, and closes both after the
// file. Every file that needs exactly that registers it here instead of writing the hooks again.

import { afterAll, beforeAll } from 'vitest';
import type { ConnectionOptions } from 'snowflake-sdk';
import { connectDriver, type DriverClient } from '../driver-client.js';
import { startSnowflakeServer, type SnowflakeServer, type SnowflakeServerOptions } from '../server.js';

/** What a test file's server starts with. */
export interface ServerFixtureOptions {
  /** Options of the server itself (clock, limits, users). */
  server?: SnowflakeServerOptions;
  /** SQL run as the account before the session connects (seed data, roles). */
  seed?: string;
  /** The database and schema the seed runs in, when its names are not qualified. */
  seedIn?: { database: string; schema: string };
  /** Connection options besides the server's address (default: user `dev`, password `x`). */
  connect?: Partial<ConnectionOptions>;
}

/** The file's server and session, usable from its tests (once beforeAll has run). */
export interface ServerFixture {
  readonly server: SnowflakeServer;
  readonly sql: DriverClient;
}

/** Registers beforeAll/afterAll hooks that start, seed, connect, and close, for the calling test file. */
export function useServer(options: ServerFixtureOptions = {}): ServerFixture {
  let server: SnowflakeServer | undefined;
  let sql: DriverClient | undefined;
  beforeAll(async () => {
    server = await startSnowflakeServer(options.server);
    if (options.seed !== undefined) await server.account.execute(options.seed, options.seedIn);
    sql = await connectDriver({ accessUrl: server.url, account: 'ckpt', username: 'dev', password: 'x', ...options.connect });
  });
  afterAll(async () => {
    await sql?.close();
    await server?.close();
  });
  return { server: lateBound(() => server), sql: lateBound(() => sql) };
}

/**
 * An object that forwards every property to the value `current` returns when the property is read
 * (methods bound to it), so a file can name its server and session at module level and use them in
 * its tests, once the hooks have set them.
 */
function lateBound<T extends object>(current: () => T | undefined): T {
  const value = (): T => {
    const v = current();
    if (v === undefined) throw new Error('the server fixture is used before its beforeAll hook ran');
    return v;
  };
  return new Proxy({} as T, {
    get(_, property) {
      const target = value();
      const member: unknown = Reflect.get(target, property);
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(target) : member;
    },
  });
}

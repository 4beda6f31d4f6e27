// Promise wrapper around the real snowflake-sdk for tests of the test server (and of code that
// talks to it): loads the driver with the environment the wire notes recommend, connects, runs
// single and multi-statement requests. Test support only; ckpt's adapter has its own client.

import type { Connection, ConnectionOptions, RowStatement, StatementOption } from 'snowflake-sdk';

type Driver = typeof import('snowflake-sdk');

let driver: Promise<Driver> | null = null;

/** Loads snowflake-sdk once, without cloud probing, connection-shape telemetry or proxies. */
export function loadDriver(): Promise<Driver> {
  process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
  process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
  process.env.NO_PROXY = '127.0.0.1,localhost';
  driver ??= import('snowflake-sdk').then((m) => {
    const sdk = ((m as unknown as { default?: Driver }).default ?? m) as Driver;
    sdk.configure({ logLevel: 'OFF' });
    return sdk;
  });
  return driver;
}

/** A row keyed by column name, as the driver returns it. */
export type Row = Record<string, unknown>;

/** A connected driver session. */
export interface DriverClient {
  connection: Connection;
  /** Runs one statement; resolves with its rows. */
  query(sql: string, options?: Omit<StatementOption, 'sqlText' | 'complete'>): Promise<Row[]>;
  /** Runs a multi-statement request (MULTI_STATEMENT_COUNT = count); resolves with each statement's rows. */
  queryMulti(sql: string, count: number): Promise<Row[][]>;
  /** Runs one statement and resolves with its statement object (query id, column metadata). */
  statement(sql: string, options?: Omit<StatementOption, 'sqlText' | 'complete'>): Promise<{ rows: Row[]; statement: RowStatement }>;
  close(): Promise<void>;
}

/**
 * Connects with the given options (`sfRetryMaxLoginRetries: 0` added), or, with no options, from
 * `$SNOWFLAKE_HOME/connections.toml` exactly like `snowflake.createConnection()`.
 */
export async function connectDriver(options?: Partial<ConnectionOptions>): Promise<DriverClient> {
  const sdk = await loadDriver();
  const connection = options
    ? sdk.createConnection({ sfRetryMaxLoginRetries: 0, ...options } as ConnectionOptions)
    : sdk.createConnection();
  await new Promise<void>((resolve, reject) => {
    const done = (err: unknown): void => (err ? reject(err) : resolve());
    if (options?.authenticator && options.authenticator !== 'SNOWFLAKE') connection.connectAsync(done).catch(reject);
    else connection.connect(done);
  });
  const statement = (
    sql: string,
    extra: Omit<StatementOption, 'sqlText' | 'complete'> = {},
  ): Promise<{ rows: Row[]; statement: RowStatement }> =>
    new Promise((resolve, reject) => {
      connection.execute({
        ...extra,
        sqlText: sql,
        complete: (err, stmt, rows) => (err ? reject(err) : resolve({ rows: (rows ?? []) as Row[], statement: stmt as RowStatement })),
      });
    });
  return {
    connection,
    statement,
    query: async (sql, extra) => (await statement(sql, extra)).rows,
    queryMulti: (sql, count) =>
      new Promise((resolve, reject) => {
        const results: Row[][] = [];
        connection.execute({
          sqlText: sql,
          parameters: { MULTI_STATEMENT_COUNT: count },
          complete: (err, stmt, rows) => {
            if (err) return reject(err);
            results.push((rows ?? []) as Row[]);
            const s = stmt as RowStatement & { hasNext(): boolean; NextResult(): void };
            if (s.hasNext()) s.NextResult();
            else resolve(results);
          },
        });
      }),
    close: () => new Promise<void>((resolve) => connection.destroy(() => resolve())),
  };
}

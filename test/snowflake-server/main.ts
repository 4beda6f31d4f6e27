// `npm run snowflake-server`: starts the local Snowflake-protocol test server on --port /
// SNOWFLAKE_SERVER_PORT (default 8085) with a CKPT_DEMO database, prints the URL and a
// connections.toml entry, and stays up until SIGINT/SIGTERM.

import { startSnowflakeServer } from './server.js';

function portFromArgs(argv: string[]): number {
  const i = argv.indexOf('--port');
  const flag = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  const value = flag ?? process.env.SNOWFLAKE_SERVER_PORT ?? '8085';
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${value}`);
  return port;
}

async function main(): Promise<void> {
  const server = await startSnowflakeServer({ port: portFromArgs(process.argv.slice(2)) });
  await server.account.execute('CREATE DATABASE IF NOT EXISTS CKPT_DEMO');
  process.stdout.write(`Snowflake test server listening on ${server.url}

Add this to $SNOWFLAKE_HOME/connections.toml (chmod 600), then
use "connection: test_server" in checkpoints.yaml (or: ckpt --connection test_server ...):

[test_server]
account = "ckpt"
host = "127.0.0.1"
port = ${server.port}
protocol = "http"
user = "dev"
password = "any"
database = "CKPT_DEMO"
schema = "PUBLIC"
warehouse = "COMPUTE_WH"

Any user name and password are accepted. State lives in memory until you stop the server (Ctrl+C).
`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

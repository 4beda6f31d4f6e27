#!/usr/bin/env node
/**
 * The `ckpt` executable: quiets snowflake-sdk's process-wide side effects (cloud platform
 * probes and their AWS SDK warning, connection-shape telemetry), runs the program on argv, and
 * exits with its code once output is flushed (a driver's pending retries must not keep it alive).
 */
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';

const { main } = await import('./program.js');
const code = await main(process.argv.slice(2));
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));

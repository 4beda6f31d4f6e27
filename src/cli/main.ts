#!/usr/bin/env node
/**
 * The `ckpt` executable: quiets snowflake-sdk's process-wide side effects (cloud platform
 * probes and their AWS SDK warning, connection-shape telemetry), turns on Node's compile cache
 * before the program's modules load (compile-cache.ts), runs the program on argv, and exits with
 * its code once output is flushed (a driver's pending retries must not keep it alive).
 */
import { enableCompileCache } from './compile-cache.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';
enableCompileCache();

const { main } = await import('./program.js');
const code = await main(process.argv.slice(2));
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));

/**
 * vitest global setup of the product tests: builds the product once (scripts/build.mjs: tsc -p
 * tsconfig.json → dist/, skipped when no source changed since the last build), so end-to-end tests
 * spawn the CLI as built from the sources under test. The test server package builds itself in its
 * own setup (test/snowflake-server/test/global-setup.ts).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Builds dist/ (when out of date) before any test file. */
export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'inherit',
  });
}

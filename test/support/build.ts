/**
 * vitest global setup of the product tests: compiles the product once (tsconfig.json → dist/),
 * so end-to-end tests spawn the CLI as built from the sources under test. The test server
 * package builds itself in its own setup (test/snowflake-server/test/global-setup.ts).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs tsc before any test file. */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

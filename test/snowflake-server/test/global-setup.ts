/**
 * vitest global setup of the test server package: compiles it once (tsconfig.json → dist/), so
 * the start-up test runs dist/main.js as `npm run snowflake-server` does.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Runs tsc on the package before any of its test files. */
export default function setup(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
}

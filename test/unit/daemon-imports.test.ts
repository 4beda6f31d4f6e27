/**
 * The daemon's process never loads a warehouse driver, by module structure: every module
 * src/daemon/daemon.ts reaches through its imports (static or `import()`, type-only imports
 * aside) stays clear of the adapters and their drivers; only the reconcile child
 * (src/daemon/reconcile-child.ts, forked by path, never imported) opens sessions. The running
 * check is test/e2e/daemon-child.test.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The specifiers a module imports at run time: `import … from`, `export … from` and `import()`, not `import type`. */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm))
    if (m[1] === undefined) found.push(m[2] as string);
  for (const m of source.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(m[1] as string);
  for (const m of source.matchAll(/import\(\s*'([^']+)'\s*\)/g)) found.push(m[1] as string);
  return found;
}

/** Every module and package reached from `entry` (paths relative to the repository; packages by name). */
function reached(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [resolve(ROOT, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const name = relative(ROOT, file);
    if (seen.has(name)) continue;
    seen.add(name);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) queue.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) seen.add(specifier);
    }
  }
  return seen;
}

describe("the daemon's imports", () => {
  it('reach neither an adapter, a driver nor the session that opens them; the reconcile child does', () => {
    const daemon = [...reached('src/daemon/daemon.ts')];
    // It reads the connection files (where each connection leads: engine/command-config.ts), which
    // needs no driver: those two modules are allowed, nothing else of the Snowflake adapter.
    const connectionFiles = /^src\/warehouse\/snowflake\/snowflake-(connection|config-files)\.ts$/;
    const forbidden = (m: string) =>
      !connectionFiles.test(m) &&
      /^src\/warehouse\/(duckdb|snowflake|open\.ts)|^src\/engine\/session\.ts$|^@duckdb\/|^snowflake-sdk|^src\/daemon\/reconcile-child\.ts$/.test(
        m,
      );
    expect(daemon).toContain('src/daemon/child-runner.ts');
    expect(daemon.filter(forbidden)).toEqual([]);
    // The same walk finds them from the child's entry: the check can see them.
    const child = [...reached('src/daemon/reconcile-child.ts')];
    expect(child).toEqual(
      expect.arrayContaining(['src/engine/session.ts', 'src/warehouse/open.ts', 'src/warehouse/duckdb/duckdb-warehouse.ts']),
    );
    expect(child).toEqual(expect.arrayContaining(['@duckdb/node-api', 'snowflake-sdk']));
  });
});

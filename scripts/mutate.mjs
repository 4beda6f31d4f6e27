// `npm run mutate [-- stryker options]`: runs StrykerJS (stryker.config.mjs), then tidies the
// incremental file it wrote (test/mutation/stryker-incremental.json, committed): one line of JSON
// as before, and no path of this machine in it (the stack traces in mutants' reasons name the
// repository's folder, as a path or a file:// URL, and Stryker's sandbox inside it). Exits with
// Stryker's code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stryker = join(dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');
const run = spawnSync(process.execPath, [stryker, 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

const file = join(root, 'test', 'mutation', 'stryker-incremental.json');
if (existsSync(file)) {
  const here = (path) => path.replace(/\/\.stryker-tmp\/sandbox-[^/]+/g, '');
  const prefixes = [`${pathToFileURL(root).href}/`, `${root}/`];
  const tidy = (value) => {
    if (typeof value === 'string') return prefixes.reduce((text, prefix) => text.replaceAll(prefix, ''), here(value));
    if (Array.isArray(value)) return value.map(tidy);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tidy(v)]));
    return value;
  };
  writeFileSync(file, JSON.stringify(tidy(JSON.parse(readFileSync(file, 'utf8')))));
}
process.exit(run.status ?? 1);

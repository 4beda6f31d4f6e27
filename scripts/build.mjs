// Builds the product (tsc -p tsconfig.json → dist/) only when it is out of date, and says so on
// stderr while it builds: `node scripts/build.mjs [--clean]`. Used by `npm start`, `npm run build`,
// `prepare` (after `npm ci`/`npm install` in a clone, and by npm for a git dependency) and
// `prepack` (with --clean, so a tarball never ships the output of a deleted source).
//
// Out of date means: dist/src/cli/main.js is missing, or a build input (src/**/*.ts,
// schemas/**/*.json, the tsconfig files, the TypeScript version) is newer than the stamp this
// script writes after each successful build. tsc itself is incremental (tsconfig.json sets
// `incremental`, its build info is dist/tsconfig.tsbuildinfo), so a rebuild after editing one file
// checks only what changed. The stamp takes the time the build started, so a file saved during a
// build triggers the next one. Exits with tsc's code when tsc fails.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const bin = join(dist, 'src', 'cli', 'main.js');

/** The newest modification time (ms) of the files under `dir` whose names match `pattern`. */
function newest(dir, pattern) {
  let max = 0;
  if (!existsSync(dir)) return max;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(path, pattern));
    else if (pattern.test(entry.name)) max = Math.max(max, statSync(path).mtimeMs);
  }
  return max;
}

/** The TypeScript compiler's entry point, or null when devDependencies are not installed. */
function tscPath() {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

function outOfDate(tsc) {
  if (!existsSync(bin) || !existsSync(stamp)) return true;
  const inputs = [
    newest(join(root, 'src'), /\.ts$/),
    newest(join(root, 'schemas'), /\.json$/),
    ...['tsconfig.json', 'tsconfig.base.json'].map((f) => statSync(join(root, f)).mtimeMs),
    tsc === null ? 0 : statSync(join(dirname(tsc), '..', 'package.json')).mtimeMs,
  ];
  return Math.max(...inputs) > statSync(stamp).mtimeMs;
}

// An installed (packed) ckpt has dist/ and no sources: nothing to build, whatever npm runs.
if (!existsSync(join(root, 'src'))) process.exit(0);
const clean = process.argv.includes('--clean');
if (clean) rmSync(dist, { recursive: true, force: true });
const tsc = tscPath();
if (!outOfDate(tsc)) process.exit(0);
if (tsc === null) {
  console.error('ckpt: cannot build dist/: TypeScript is not installed (run `npm ci` without --omit=dev, or install a packed ckpt)');
  process.exit(1);
}
// The schemas' validators are compiled ahead of tsc (src/generated/, see generate-validators.mjs).
const generated = spawnSync(process.execPath, [join(root, 'scripts', 'generate-validators.mjs')], { cwd: root, stdio: 'inherit' });
if (generated.status !== 0) process.exit(generated.status ?? 1);
const started = new Date();
console.error(`building ckpt (tsc -p tsconfig.json${clean ? ', clean' : ', incremental'})…`);
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
// The bin runs as ./dist/src/cli/main.js from a clone, and keeps its mode in a packed tarball.
chmodSync(bin, 0o755);
mkdirSync(dist, { recursive: true });
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
console.error(`built ckpt in ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s`);

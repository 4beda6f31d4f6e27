/**
 * The packed ckpt in a team's own config repository, run as examples/github-actions/ckpt.yml runs
 * it. `npm pack` of this project (dist/ as the test setup built it; one pack per file), then a
 * temporary git repository whose package.json depends on the tarball (`npm install
 * --package-lock-only` writes its lock; the workflow's own `npm ci` step installs it, through npm's
 * cache). The workflow's `run:` steps execute in bash as the hosted runner runs them — workflow and
 * step `env:` with `${{ vars.* }}`/`${{ secrets.* }}` resolved, GITHUB_ENV, GITHUB_OUTPUT,
 * RUNNER_TEMP, step `if:` — against the local Snowflake test server with key-pair (and token)
 * authentication; `gh` is a stand-in that records the comment. `uses:` steps are checked, not run,
 * and `npm ci` runs once: later jobs reuse its node_modules (same lock). Then `ckpt daemon` runs
 * from node_modules/.bin until it is ready.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startSnowflakeServer, type SnowflakeServer } from '../snowflake-server/server.js';
import { collect, type CliResult } from './cli-runner.js';

interface WorkflowStep {
  id?: string;
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface WorkflowJob {
  if?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: WorkflowStep[];
}
interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] } };
  permissions?: Record<string, string>;
  concurrency?: unknown;
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

/** What one step did. */
interface StepResult extends CliResult {
  step: string;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOW = join(ROOT, 'examples', 'github-actions', 'ckpt.yml');
const PR_NUMBER = '7';
const TOKEN = 'pat-3c1d9e-test-token';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const config = (actions: string) => `# yaml-language-server: $schema=node_modules/ckpt/schemas/checkpoints.schema.json
version: 1
connection: demo
targets:
  - name: demo
    database: CFG_DB
    schema: DEMO
    checkpoints:
      - id: baseline
        description: before the demo
    actions:${actions}
`;

/** This process's environment without the npm_* variables of an enclosing `npm test`. */
const OWN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = OWN_ENV): Promise<CliResult> {
  return collect(spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'ckpt',
      GIT_AUTHOR_EMAIL: 'ckpt@example.com',
      GIT_COMMITTER_NAME: 'ckpt',
      GIT_COMMITTER_EMAIL: 'ckpt@example.com',
    },
  }).trim();
}

/** `${{ expr }}` replaced from `context`; an expression the test does not know fails it. */
function expand(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
    const known = context[expr];
    if (known === undefined) throw new Error(`the test does not know the expression \${{ ${expr} }}`);
    return known;
  });
}

function expandAll(env: Record<string, string> | undefined, context: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, expand(String(v), context)]));
}

/** `KEY=value` lines of a GITHUB_ENV or GITHUB_OUTPUT file. */
async function keyValues(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return Object.fromEntries(
    text.split('\n').flatMap((line) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      return m === null ? [] : [[m[1], m[2]]];
    }),
  );
}

/** A step's `if:`, for the forms the workflow uses: `always()` and `steps.<id>.outputs.<key> != ''`. */
function shouldRun(condition: string | undefined, failed: boolean, outputs: Map<string, Record<string, string>>): boolean {
  if (condition === undefined) return !failed;
  const terms = condition.split('&&').map((t) => t.trim());
  let always = false;
  for (const term of terms) {
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+) != ''$/.exec(term);
    if (term === 'always()') always = true;
    else if (output !== null) {
      if ((outputs.get(output[1] ?? '')?.[output[2] ?? ''] ?? '') === '') return false;
    } else throw new Error(`the test does not know the condition ${term}`);
  }
  return always || !failed;
}

/** A runner for the workflow's jobs in one checkout: the hosted runner's variables and files. */
class Runner {
  readonly outputs = new Map<string, Record<string, string>>();
  /** Environment added by GITHUB_ENV in the last job. */
  jobEnv: Record<string, string> = {};
  installed = false;

  constructor(
    private readonly dir: string,
    private readonly tempRoot: string,
    private readonly base: Record<string, string>,
  ) {}

  /** Runs a job's steps in order (a failure skips the rest but for `if: always()` steps). */
  async job(workflow: Workflow, name: string, context: Record<string, string>): Promise<StepResult[]> {
    const job = workflow.jobs[name];
    if (job === undefined) throw new Error(`no job ${name}`);
    const temp = await mkdtemp(join(this.tempRoot, 'runner-temp-'));
    this.jobEnv = {};
    this.outputs.clear();
    const results: StepResult[] = [];
    let failed = false;
    for (const step of job.steps) {
      if (step.run === undefined || !shouldRun(step.if, failed, this.outputs)) continue;
      // npm ci runs once per test file; a later job's identical step reuses its node_modules.
      if (/^npm ci\b/.test(step.run) && this.installed) continue;
      const files = { GITHUB_ENV: join(temp, `env-${results.length}`), GITHUB_OUTPUT: join(temp, `out-${results.length}`) };
      const env = {
        ...this.base,
        RUNNER_TEMP: temp,
        GITHUB_WORKSPACE: this.dir,
        ...files,
        ...expandAll(workflow.env, context),
        ...expandAll(job.env, context),
        ...this.jobEnv,
        ...expandAll(step.env, context),
      };
      const result = await run(this.dir, 'bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], env);
      results.push({ step: step.name ?? step.run, ...result });
      Object.assign(this.jobEnv, await keyValues(files.GITHUB_ENV));
      if (step.id !== undefined) this.outputs.set(step.id, await keyValues(files.GITHUB_OUTPUT));
      if (/^npm ci\b/.test(step.run) && result.code === 0) this.installed = true;
      if (result.code !== 0) failed = true;
    }
    return results;
  }
}

const codes = (results: StepResult[]) => results.map((r) => `${r.step}: ${r.code}`);
const allPassed = (results: StepResult[]) => {
  const failures = results.filter((r) => r.code !== 0);
  expect(failures.map((r) => `${r.step} exited ${r.code}\n${r.stdout}\n${r.stderr}`)).toEqual([]);
};

describe('examples/github-actions/ckpt.yml with the packed ckpt in a config repository', () => {
  let workflow: Workflow;
  let server: SnowflakeServer;
  let scratch: string;
  let repo: string;
  let runner: Runner;
  let packed: { filename: string; files: Array<{ path: string; mode: number }> };
  let context: Record<string, string>;

  beforeAll(async () => {
    workflow = parse(await readFile(WORKFLOW, 'utf8')) as Workflow;
    scratch = await mkdtemp(join(tmpdir(), 'ckpt-pack-'));
    // dist/ is built by the test setup; --ignore-scripts keeps prepack from rebuilding it under
    // the other test files that run the CLI meanwhile.
    const pack = await run(ROOT, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch]);
    expect(pack.code, pack.stderr).toBe(0);
    packed = (JSON.parse(pack.stdout) as Array<typeof packed>)[0] as typeof packed;

    server = await startSnowflakeServer({ users: { CKPT_CI: { publicKeyPem: keys.publicKey, tokens: [TOKEN] } } });
    // The workflow signs in with the role vars.SNOWFLAKE_ROLE names: the server refuses a role that does not exist.
    await server.account.execute('CREATE ROLE DEMO_OWNER');
    await server.account.execute('CREATE DATABASE CFG_DB');
    await server.account.execute('CREATE SCHEMA CFG_DB.DEMO');
    // The demo's objects belong to the role ckpt signs in with (DROP and UNDROP need OWNERSHIP).
    await server.account.execute('USE ROLE DEMO_OWNER; CREATE TABLE CFG_DB.DEMO.ORDERS (ID INTEGER); USE ROLE SYSADMIN');

    // The team's config repository: ckpt pinned to the tarball, a lock, the workflow, .nvmrc.
    repo = join(scratch, 'demo-config');
    await mkdir(join(repo, '.github', 'workflows'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    const manifest = { name: 'demo-config', private: true, devDependencies: { ckpt: `file:${join(scratch, packed.filename)}` } };
    await writeFile(join(repo, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(repo, '.nvmrc'), '24\n');
    await writeFile(join(repo, '.gitignore'), 'node_modules/\n.ckpt/\nckpt-plan.*\n');
    await writeFile(join(repo, 'checkpoints.yaml'), config(' []'));
    await copyFile(WORKFLOW, join(repo, '.github', 'workflows', 'ckpt.yml'));
    const lock = await run(repo, 'npm', ['install', '--package-lock-only', '--prefer-offline', '--no-audit', '--no-fund']);
    expect(lock.code, lock.stderr).toBe(0);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'ckpt config');

    // A stand-in for the runner's GitHub CLI: records its arguments and the comment's body.
    const bin = join(scratch, 'bin');
    await mkdir(bin);
    await writeFile(
      join(bin, 'gh'),
      `#!/bin/sh\nprintf '%s|token=%s\\n' "$*" "\${GH_TOKEN:+set}" >> "${scratch}/gh.log"\n` +
        `while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "${scratch}/gh-body.md"; shift; done\nexit 0\n`,
    );
    await chmod(join(bin, 'gh'), 0o755);
    runner = new Runner(repo, scratch, {
      PATH: [bin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: process.env.HOME ?? tmpdir(),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/demo-config',
      // The runner's own setting for this machine: install from npm's cache when it can.
      npm_config_prefer_offline: 'true',
      // Where the test server listens: the only connection values that are not the workflow's.
      SNOWFLAKE_CONNECTIONS_DEMO_HOST: '127.0.0.1',
      SNOWFLAKE_CONNECTIONS_DEMO_PORT: String(server.port),
      SNOWFLAKE_CONNECTIONS_DEMO_PROTOCOL: 'http',
      NO_PROXY: '127.0.0.1,localhost',
    });
    context = {
      'vars.SNOWFLAKE_ACCOUNT': 'ckpt',
      'vars.SNOWFLAKE_USER': 'CKPT_CI',
      'vars.SNOWFLAKE_ROLE': 'DEMO_OWNER',
      'vars.SNOWFLAKE_WAREHOUSE': 'DEMO_WH',
      'secrets.SNOWFLAKE_PRIVATE_KEY': keys.privateKey,
      'secrets.SNOWFLAKE_TOKEN': '',
      'github.token': 'ghs_test',
      'github.event.pull_request.number': PR_NUMBER,
    };
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('packs dist/, the schemas, the examples, README and LICENSE: no tests, no TypeScript sources', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/src/cli/main.js',
        'dist/schemas/checkpoints.schema.json',
        'schemas/plan.schema.json',
        'examples/starter.yaml',
        'examples/github-actions/ckpt.yml',
        'examples/systemd/ckpt.service',
      ]),
    );
    expect(
      paths.filter((p) => /^(test|src|bench|scripts|docs)\//.test(p) || /\.(ts|map|tsbuildinfo)$/.test(p) || p.includes('.build-stamp')),
    ).toEqual([]);
    // Every bin of package.json is in the tarball, executable, with a shebang.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(manifest.bin)).toEqual(['ckpt']);
    for (const path of Object.values(manifest.bin)) {
      expect((packed.files.find((f) => f.path === path)?.mode ?? 0) & 0o111, path).toBe(0o111);
      expect(readFileSync(join(ROOT, path), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    }
  });

  it('is hardened: secrets only on the steps that write them, actions pinned by commit, no expression in a script', () => {
    expect(JSON.stringify(workflow.env)).not.toContain('secrets.');
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect(job.permissions?.contents, name).toBe('read');
      expect(JSON.stringify(job.env ?? {})).not.toContain('secrets.');
      for (const step of job.steps) {
        if (step.uses !== undefined) expect(step.uses, `${name}: ${step.uses}`).toMatch(/^actions\/(checkout|setup-node)@[0-9a-f]{40}$/);
        if (step.run !== undefined) expect(step.run, `${name}: ${step.name}`).not.toContain('${{');
        if (step.run !== undefined) expect(step.run, `${name}: ${step.name}`).not.toMatch(/\bnpx (?!--no-install )/);
        if (JSON.stringify(step.env ?? {}).includes('secrets.')) expect(step.name).toBe('Snowflake connection');
      }
    }
    expect(workflow.jobs.plan?.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(workflow.jobs.apply?.if).toContain("github.ref == 'refs/heads/main'");
  });

  it('plans on a pull request (Markdown comment) and applies on main, then runs the daemon from node_modules/.bin', async () => {
    // main: the first apply takes the baseline (this job's `npm ci` installs the tarball).
    const first = await runner.job(workflow, 'apply', context);
    allPassed(first);
    expect(codes(first)).toEqual(['Install the pinned ckpt: 0', 'Snowflake connection: 0', 'Validate: 0', 'Apply: 0']);
    // `npx --no-install ckpt` runs a package's only bin whatever its name: the bin must be `ckpt` itself.
    expect(existsSync(join(repo, 'node_modules', '.bin', 'ckpt')), 'npm ci installs the `ckpt` command').toBe(true);
    expect(first.find((r) => r.step === 'Apply')?.stdout).toContain('baseline');
    // The key landed outside the checkout, readable by its owner only.
    expect(runner.jobEnv.SNOWFLAKE_HOME).not.toContain(repo);
    const keyMode = execFileSync('stat', ['-c', '%a', join(runner.jobEnv.SNOWFLAKE_HOME ?? '', 'rsa_key.p8')], { encoding: 'utf8' });
    expect(keyMode.trim()).toBe('600');

    // A demo leaves tables behind; a pull request declares the cleanup.
    for (const t of ['SCRATCH_1', 'SCRATCH_2'])
      await server.account.execute(`USE ROLE DEMO_OWNER; CREATE TABLE CFG_DB.DEMO.${t} (A INTEGER); USE ROLE SYSADMIN`);
    git(repo, 'checkout', '-q', '-b', 'after-demo');
    await writeFile(join(repo, 'checkpoints.yaml'), config('\n      - id: after-demo\n        cleanup: { since: baseline }'));
    git(repo, 'commit', '-q', '-am', 'clean up after the demo');

    const pr = await runner.job(workflow, 'plan', context);
    allPassed(pr);
    expect(codes(pr)).toEqual(['Snowflake connection: 0', 'Validate: 0', 'Plan: 0', 'Comment the plan: 0']);
    expect(runner.outputs.get('plan')).toEqual({ exitcode: '2' });
    const comment = await readFile(join(scratch, 'gh-body.md'), 'utf8');
    expect(comment).toContain('### ckpt plan');
    // The tables are empty: Snowflake counts their rows and bytes.
    expect(comment).toContain('**Plan: 2 to drop (0 rows, 0 B), 1 action to record.**');
    expect(comment).toContain('| | step | action | weight | reason |');
    expect(comment).toContain('| `-` | **drop table CFG\\_DB.DEMO.SCRATCH\\_1** :warning: destructive | `after-demo` | 0 rows, 0 B |');
    expect(comment).toContain('> **2 destructive steps**');
    expect(await readFile(join(scratch, 'gh.log'), 'utf8')).toBe(
      `pr comment ${PR_NUMBER} --repo acme/demo-config --edit-last --create-if-none --body-file ckpt-plan.md|token=set\n`,
    );
    // The pull request changed nothing.
    expect(await tables()).toEqual(['ORDERS', 'SCRATCH_1', 'SCRATCH_2']);

    // Merged: main applies it.
    git(repo, 'checkout', '-q', 'main');
    git(repo, 'merge', '-q', '--ff-only', 'after-demo');
    allPassed(await runner.job(workflow, 'apply', context));
    expect(await tables()).toEqual(['ORDERS']);

    // A programmatic access token instead of the key: the same plan job, now with nothing to do.
    const withToken = await runner.job(workflow, 'plan', {
      ...context,
      'secrets.SNOWFLAKE_PRIVATE_KEY': '',
      'secrets.SNOWFLAKE_TOKEN': TOKEN,
    });
    allPassed(withToken);
    expect(runner.outputs.get('plan')).toEqual({ exitcode: '0' });
    expect(await readFile(join(scratch, 'gh-body.md'), 'utf8')).toContain('**No changes.**');

    // The daemon from the installed bin, on the connection the last job wrote.
    await daemonUntilReady({ ...runner.jobEnv, SNOWFLAKE_CONNECTIONS_DEMO_ACCOUNT: 'ckpt', SNOWFLAKE_CONNECTIONS_DEMO_USER: 'CKPT_CI' });
  }, 300_000);

  it('fails the plan job on a blocker, with the blocker in the comment', async () => {
    git(repo, 'checkout', '-q', '-B', 'bad-reset', 'main');
    await writeFile(join(repo, 'checkpoints.yaml'), config('\n      - id: bad\n        reset: { to: nope }'));
    const pr = await runner.job(workflow, 'plan', context);
    expect(codes(pr)).toEqual(['Snowflake connection: 0', 'Validate: 0', 'Plan: 1', 'Comment the plan: 0']);
    const comment = await readFile(join(scratch, 'gh-body.md'), 'utf8');
    expect(comment).toContain('**Blockers**');
    expect(comment).toContain('CHECKPOINT_UNKNOWN');
    expect(comment).toContain('exited 1');
    git(repo, 'checkout', '-q', '--', 'checkpoints.yaml');
  }, 120_000);

  /** The schema's tables on the test server, sorted, but for ckpt's own (audit table, lease, journal). */
  async function tables(): Promise<string[]> {
    const result = await server.account.execute("SELECT TABLE_NAME FROM CFG_DB.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DEMO'");
    return result.rows
      .map((r) => String(r[0]))
      .filter((t) => !t.startsWith('CHECKPOINT_AUDIT'))
      .sort();
  }

  /** Starts `node_modules/.bin/ckpt daemon`, waits for its first reconcile and a 200 from /readyz, then stops it. */
  async function daemonUntilReady(env: Record<string, string>): Promise<void> {
    const child: ChildProcess = spawn(
      join(repo, 'node_modules', '.bin', 'ckpt'),
      ['daemon', '--listen', '127.0.0.1:0', '--file', 'checkpoints.yaml'],
      { cwd: repo, env: { ...runnerBase(), ...env, CKPT_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    // A bin that cannot be spawned emits 'error', never 'exit': it fails the test at once.
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('exit', (code) => resolve(code));
      child.on('error', (error) => reject(new Error(`could not start node_modules/.bin/ckpt: ${error.message}`)));
    });
    try {
      let url = '';
      const finished = new Promise<Record<string, unknown>>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
        lines.on('line', (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.msg === 'listening') url = String(entry.url);
          if (entry.msg === 'reconcile finished') resolve(entry);
        });
        void exited.then((code) => reject(new Error(`ckpt daemon exited (${code}) before its first reconcile: ${stderr}`)), reject);
      });
      expect(await finished).toMatchObject({ target: 'demo' });
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status, await ready.text()).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }

  function runnerBase(): Record<string, string> {
    return {
      PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: process.env.HOME ?? tmpdir(),
      SNOWFLAKE_CONNECTIONS_DEMO_HOST: '127.0.0.1',
      SNOWFLAKE_CONNECTIONS_DEMO_PORT: String(server.port),
      SNOWFLAKE_CONNECTIONS_DEMO_PROTOCOL: 'http',
      NO_PROXY: '127.0.0.1,localhost',
      NO_COLOR: '1',
    };
  }
});

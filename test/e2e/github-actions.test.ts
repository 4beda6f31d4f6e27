/**
 * The example GitHub Actions workflow (examples/github-actions/ckpt.yml), run as its jobs run
 * their `run:` steps — not on the hosted runner: each step's script runs in bash in a git
 * checkout of a temp workspace on the embedded warehouse, with `npx ckpt` resolving to the
 * built CLI and $GITHUB_OUTPUT a file (steps of `npm ci` are skipped; `uses:` steps are checked,
 * not run).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, ckpt, collect, workspace } from './cli-runner.js';
import { demoConfig, LOCAL } from './connections.js';

interface WorkflowStep {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Workflow {
  on: { pull_request?: unknown; push?: { branches?: string[] } };
  jobs: Record<string, { if?: string; steps: WorkflowStep[] }>;
}

const WORKFLOW = new URL('../../examples/github-actions/ckpt.yml', import.meta.url);

async function workflow(): Promise<Workflow> {
  return parse(await readFile(WORKFLOW, 'utf8')) as Workflow;
}

/** Runs one `run:` script as the runner does (bash -e), with `npx ckpt` → the built CLI. */
async function runStep(dir: string, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(dir, '.test-bin');
  await mkdir(bin, { recursive: true });
  const npx = join(bin, 'npx');
  await writeFile(
    npx,
    `#!/bin/sh\nif [ "$1" = ckpt ]; then shift; exec "${process.execPath}" "${CLI}" "$@"; fi\necho "unexpected: npx $*" >&2\nexit 127\n`,
  );
  await chmod(npx, 0o755);
  return collect(
    spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: dir,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        GITHUB_OUTPUT: join(dir, '.github-output'),
        SNOWFLAKE_HOME: join(dir, '.snowflake'),
        NO_COLOR: '1',
        CKPT_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** Runs a job's `run:` steps in order, as the runner would, stopping at the first failure. */
async function runJob(dir: string, steps: WorkflowStep[]): Promise<Array<{ step: string; code: number; stderr: string }>> {
  const results: Array<{ step: string; code: number; stderr: string }> = [];
  for (const step of steps) {
    if (step.run === undefined || /^\s*npm ci\s*$/.test(step.run)) continue;
    const result = await runStep(dir, step.run);
    results.push({ step: step.name ?? step.run, code: result.code, stderr: result.stderr });
    if (result.code !== 0) break;
  }
  return results;
}

const config = (actions: string) => `# yaml-language-server: $schema=./schemas/checkpoints.schema.json\n${demoConfig(LOCAL, actions)}`;

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

describe('examples/github-actions/ckpt.yml', () => {
  it('plans on pull requests and applies on main, with a sticky comment of the Markdown plan', async () => {
    const wf = await workflow();
    expect(wf.on.pull_request).toBeDefined();
    expect(wf.on.push?.branches).toContain('main');
    const plan = wf.jobs.plan;
    const apply = wf.jobs.apply;
    expect(plan?.if).toContain('pull_request');
    expect(apply?.if).toContain('refs/heads/main');
    const runs = (steps: WorkflowStep[] = []) => steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));
    expect(runs(plan?.steps).join('\n')).toContain('npx ckpt validate');
    expect(runs(plan?.steps).join('\n')).toContain('npx ckpt reconcile --plan --format markdown --detailed-exitcode');
    expect(runs(apply?.steps).join('\n')).toContain('npx ckpt reconcile --yes');
    const comment = plan?.steps.find((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment'));
    expect(comment?.with?.path).toBe('ckpt-plan.md');
  });

  it("runs the jobs' commands: validate and the Markdown plan on a pull request, reconcile --yes on main", async () => {
    const wf = await workflow();
    const dir = await workspace(config(' []'));
    await writeFile(join(dir, '.gitignore'), '.ckpt/\n.test-bin/\n.snowflake/\n.github-output\nckpt-plan.*\n');
    git(dir, 'init', '-q', '-b', 'main');
    expect((await ckpt(dir, ['sql', 'CREATE TABLE orders (id INTEGER)'])).code).toBe(0);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'baseline');

    // main: the first apply takes the baseline.
    const first = await runJob(dir, wf.jobs.apply?.steps ?? []);
    expect(
      first.map((r) => r.code),
      JSON.stringify(first),
    ).toEqual(first.map(() => 0));
    expect(first.some((r) => r.step === 'Apply')).toBe(true);

    // A demo leaves tables behind; a pull request declares the cleanup.
    for (const t of ['scratch_1', 'scratch_2']) expect((await ckpt(dir, ['sql', `CREATE TABLE ${t} (a INTEGER)`])).code).toBe(0);
    git(dir, 'checkout', '-q', '-b', 'after-demo');
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: after-demo\n        cleanup: { since: baseline }'));
    git(dir, 'commit', '-q', '-am', 'clean up after the demo');

    const pr = await runJob(dir, wf.jobs.plan?.steps ?? []);
    expect(
      pr.map((r) => r.code),
      JSON.stringify(pr),
    ).toEqual(pr.map(() => 0));
    expect(pr.map((r) => r.step)).toEqual(expect.arrayContaining(['Validate', 'Plan']));
    expect(await readFile(join(dir, '.github-output'), 'utf8')).toContain('exitcode=2');
    const markdown = await readFile(join(dir, 'ckpt-plan.md'), 'utf8');
    expect(markdown).toContain('### ckpt plan');
    expect(markdown).toContain('**Plan: 2 to drop, 1 action to record.**');
    expect(markdown).toContain('| | step | action | reason |');
    expect(markdown).toContain('| `-` | **drop table DEMO."scratch\\_1"** :warning: destructive | `after-demo` |');
    expect(markdown).toContain('> **2 destructive steps**');
    // The pull request changed nothing.
    expect((await ckpt(dir, ['sql', 'SELECT count(*) AS n FROM scratch_1'])).code).toBe(0);

    // Merged: main applies it, and the run carries the merged commit.
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'merge', '-q', '--ff-only', 'after-demo');
    const merged = await runJob(dir, wf.jobs.apply?.steps ?? []);
    expect(
      merged.map((r) => r.code),
      JSON.stringify(merged),
    ).toEqual(merged.map(() => 0));
    const again = await ckpt(dir, ['reconcile', '--plan', '--format', 'markdown', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('**No changes.**');
    const history = JSON.parse((await ckpt(dir, ['history', '--json'])).stdout) as {
      targets: Array<{ runs: Array<{ commit: string | null; outcome: string }> }>;
    };
    expect(history.targets[0]?.runs.at(-1)).toMatchObject({ commit: git(dir, 'rev-parse', 'HEAD'), outcome: 'completed' });
    const shown = await ckpt(dir, ['history']);
    expect(shown.stdout).toContain(git(dir, 'rev-parse', 'HEAD').slice(0, 12));
  });

  it('fails the pull request job on a blocker, with the plan and its blocker in the comment', async () => {
    const wf = await workflow();
    const dir = await workspace(config('\n      - id: bad\n        reset: { to: nope }'));
    const pr = await runJob(dir, wf.jobs.plan?.steps ?? []);
    expect(pr.at(-1)).toMatchObject({ step: 'Plan', code: 1 });
    const markdown = await readFile(join(dir, 'ckpt-plan.md'), 'utf8');
    expect(markdown).toContain('**Blockers**');
    expect(markdown).toContain('CHECKPOINT_UNKNOWN');
    expect(markdown).toContain('exited 1');
  });
});

describe('examples/systemd', () => {
  it('runs the daemon as a dedicated user, restarts on failure, reads the connection from an environment file', async () => {
    const unit = await readFile(new URL('../../examples/systemd/ckpt.service', import.meta.url), 'utf8');
    const keys = new Map<string, string[]>();
    for (const line of unit.split('\n')) {
      const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
      if (m?.[1] !== undefined) keys.set(m[1], [...(keys.get(m[1]) ?? []), m[2] ?? '']);
    }
    expect(keys.get('Restart')).toEqual(['on-failure']);
    expect(keys.get('User')?.[0]).toBe('ckpt');
    expect(keys.get('EnvironmentFile')?.[0]).toMatch(/ckpt\.env$/);
    const exec = keys.get('ExecStart')?.[0] ?? '';
    expect(exec).toMatch(/ckpt daemon /);
    expect(keys.get('ExecReload')?.[0]).toContain('-HUP');
    // Every variable of the example environment file is one ckpt (or its Snowflake driver) reads.
    const env = await readFile(new URL('../../examples/systemd/ckpt.env', import.meta.url), 'utf8');
    const names = env.split('\n').flatMap((l) => /^([A-Z_]+)=/.exec(l.trim())?.[1] ?? []);
    expect(names.length).toBeGreaterThan(2);
    for (const name of names)
      expect(name).toMatch(
        /^(SNOWFLAKE_HOME|SNOWFLAKE_DEFAULT_CONNECTION_NAME|SNOWFLAKE_CONNECTIONS_[A-Z0-9_]+|PRIVATE_KEY_PASSPHRASE|CKPT_[A-Z_]+|NO_COLOR)$/,
      );
  });
});

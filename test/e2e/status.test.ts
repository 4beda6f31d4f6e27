/**
 * `ckpt status` end to end on the embedded warehouse: from the warehouse (the journal's last
 * reconcile, the pending actions of a plan made now, the next scheduled checkpoint), and from a
 * running daemon's /status, found through `.ckpt/daemon.json` (removed when the daemon stops).
 * Every document validates against schemas/status.schema.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ckpt, workspace } from './cli-runner.js';

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
});

const config = (actions: string) => `version: 1
targets:
  - name: demo
    schema: DEMO
    checkpoints: [{ id: baseline }]
    schedules: [{ id: hourly, cron: "0 * * * *", retain: 3 }]
    actions:${actions}
`;

async function validate(document: unknown): Promise<void> {
  const schema = JSON.parse(await readFile(new URL('../../schemas/status.schema.json', import.meta.url), 'utf8')) as object;
  const check = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  check(document);
  expect(check.errors ?? [], JSON.stringify(check.errors)).toEqual([]);
}

type StatusDoc = {
  source: string;
  daemon: { pid: number } | null;
  targets: Array<{
    target: string;
    condition: string | null;
    last_reconcile: { outcome: string; command: string | null } | null;
    pending: { steps: number; actions: string[]; blockers: number; summary: string };
    next_checkpoint: { schedule: string; at: string } | null;
  }>;
};

describe('ckpt status', () => {
  it('without a daemon: the last reconcile from the journal, pending actions, the next checkpoint', async () => {
    const dir = await workspace(config(' []'));
    const fresh = await ckpt(dir, ['status', '--json']);
    expect(fresh.code, fresh.stderr).toBe(0);
    const before = JSON.parse(fresh.stdout) as StatusDoc;
    await validate(before);
    expect(before).toMatchObject({
      source: 'warehouse',
      daemon: null,
      targets: [{ target: 'demo', last_reconcile: null, next_checkpoint: { schedule: 'hourly' } }],
    });
    expect(before.targets[0]?.pending.steps).toBeGreaterThan(0);

    expect((await ckpt(dir, ['reconcile', '--yes'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'CREATE TABLE scratch (a INTEGER)'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: tidy\n        cleanup: { since: baseline }'));
    const after = JSON.parse((await ckpt(dir, ['status', '--json'])).stdout) as StatusDoc;
    await validate(after);
    const t = after.targets[0];
    expect(t?.last_reconcile).toMatchObject({ outcome: 'completed', command: 'reconcile' });
    expect(t?.pending).toMatchObject({
      steps: 2,
      actions: ['tidy'],
      blockers: 0,
      summary: 'Plan: 1 to drop (about 0 rows), 1 action to record.',
    });
    expect(Date.parse(t?.next_checkpoint?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);

    const human = await ckpt(dir, ['status']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('From the warehouse');
    expect(human.stdout).toMatch(/last reconcile: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, completed/);
    expect(human.stdout).toMatch(/pending: +Plan: 1 to drop \(about 0 rows\), 1 action to record\. \(action tidy\)/);
    expect(human.stdout).toMatch(/next checkpoint: +\d{4}-.* UTC \(schedule hourly\)/);
  });

  it('with a daemon running for the file: its /status, and says so; back to the warehouse once it stops', async () => {
    const dir = await workspace(config(' []'));
    const child = spawn(process.execPath, [CLI, 'daemon', '--listen', '127.0.0.1:0', '--plan'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let logs = '';
    child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
    const deadline = Date.now() + 90_000;
    while (!logs.includes('"reconcile finished"')) {
      if (Date.now() > deadline) throw new Error(`daemon did not reconcile: ${logs}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(existsSync(join(dir, '.ckpt', 'daemon.json'))).toBe(true);

    const result = await ckpt(dir, ['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as StatusDoc;
    await validate(doc);
    expect(doc).toMatchObject({
      source: 'daemon',
      daemon: { pid: child.pid },
      targets: [{ target: 'demo', condition: 'Ready', last_reconcile: { outcome: 'planned', command: 'daemon' } }],
    });
    expect(doc.targets[0]?.pending.steps).toBeGreaterThan(0);
    expect(doc.targets[0]?.next_checkpoint?.schedule).toBe('hourly');
    const human = await ckpt(dir, ['status']);
    expect(human.stdout).toContain(`From the daemon (pid ${child.pid}`);

    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(existsSync(join(dir, '.ckpt', 'daemon.json'))).toBe(false);
    const after = JSON.parse((await ckpt(dir, ['status', '--json'])).stdout) as StatusDoc;
    expect(after.source).toBe('warehouse');
  });

  it('ignores a daemon.json left by a daemon that died', async () => {
    const dir = await workspace(config(' []'));
    expect((await ckpt(dir, ['reconcile', '--yes'])).code).toBe(0);
    const gone = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => gone.on('exit', resolve));
    await writeFile(
      join(dir, '.ckpt', 'daemon.json'),
      JSON.stringify({ pid: gone.pid, url: 'http://127.0.0.1:9', file: join(dir, 'checkpoints.yaml'), mode: 'apply', startedAt: '' }),
    );
    const result = await ckpt(dir, ['status', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as StatusDoc).source).toBe('warehouse');
  });
});

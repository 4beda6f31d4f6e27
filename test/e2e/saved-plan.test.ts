/**
 * Saved plans: `--plan --out` then `--from-plan` applies exactly that plan, once, and refuses
 * (exit 3, PLAN_STALE) when the schema, the audit table or the config changed since.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ckpt, workspace } from './cli-runner.js';
import { e2eConnection, runSetupSql } from './connections.js';

/** The embedded warehouse, for setup statements run in this process, where `ckpt sql` is not what a test checks. */
const local = await e2eConnection('local');

const CONFIG = `version: 1
targets:
  - name: demo
    schema: DEMO
    checkpoints:
      - id: baseline
    actions:
      - id: tidy
        cleanup: { since: baseline }
`;

async function prepared(): Promise<string> {
  const dir = await workspace(CONFIG.replace(/    actions:[\s\S]*/, '    actions: []\n'));
  await runSetupSql(local, dir, ['CREATE TABLE keep (id INTEGER)']);
  expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
  await runSetupSql(local, dir, ['CREATE TABLE scratch (id INTEGER)']);
  await writeFile(join(dir, 'checkpoints.yaml'), CONFIG);
  return dir;
}

async function tables(dir: string): Promise<string[]> {
  const result = await ckpt(dir, [
    'sql',
    '--json',
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'DEMO' ORDER BY 1",
  ]);
  return (JSON.parse(result.stdout) as { rows: string[][] }).rows
    .map((r) => String(r[0]))
    .filter((n) => !/^CHECKPOINT_AUDIT_(LEASE|JOURNAL|INVENTORY)$/.test(n));
}

describe('saved plans', () => {
  it('applies exactly the saved plan, once', async () => {
    const dir = await prepared();
    const saved = await ckpt(dir, ['reconcile', '--plan', '--out', 'plan.json']);
    expect(saved.code).toBe(0);
    const document = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as { state_fingerprints: Record<string, string> };
    expect(Object.keys(document.state_fingerprints)).toEqual(['demo']);

    const applied = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await tables(dir)).toEqual(['CHECKPOINT_AUDIT', 'keep']);

    const again = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('changed since the plan');
  });

  it('refuses a plan when the schema changed since', async () => {
    const dir = await prepared();
    expect((await ckpt(dir, ['reconcile', '--plan', '--out', 'plan.json'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'CREATE TABLE surprise (id INTEGER)'])).code).toBe(0);
    const result = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('target demo changed since the plan');
    expect(await tables(dir)).toContain('scratch');
  });

  it('refuses a plan when the config changed since', async () => {
    const dir = await prepared();
    expect((await ckpt(dir, ['reconcile', '--plan', '--out', 'plan.json'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), CONFIG.replace('    actions:', '    protect: [SCRATCH]\n    actions:'));
    const result = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('changed since the plan');
    expect(await tables(dir)).toContain('scratch');
  });

  it('applies a plan saved on a fresh embedded warehouse (taking the lease creates the schema)', async () => {
    const dir = await workspace(CONFIG.replace(/    actions:[\s\S]*/, '    actions: []\n'));
    expect((await ckpt(dir, ['reconcile', '--plan', '--out', 'plan.json'])).code).toBe(0);
    const applied = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(await tables(dir)).toEqual(['CHECKPOINT_AUDIT']);
  });

  it('applies a plan whose targets are named in capitals (the name a target without `name:` gets) or mixed case', async () => {
    const config = `version: 1
targets:
  - schema: DEMO
    checkpoints:
      - id: baseline
  - name: Sales_EU
    schema: SALES
    checkpoints:
      - id: baseline
`;
    const dir = await workspace(config);
    expect((await ckpt(dir, ['reconcile', '--plan', '--out', 'plan.json'])).code).toBe(0);
    const document = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as { state_fingerprints: Record<string, string> };
    expect(Object.keys(document.state_fingerprints).sort()).toEqual(['DEMO', 'Sales_EU']);
    const applied = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(applied.code, applied.stderr).toBe(0);
    const listed = await ckpt(dir, ['checkpoints', '--json']);
    expect(listed.stdout.match(/"id": "baseline"/g)).toHaveLength(2);
  });

  it('refuses a plan when only table content changed since', async () => {
    const dir = await workspace(
      CONFIG.replace(/    actions:[\s\S]*/, '    actions: []\n').replace(
        '      - id: baseline',
        '      - id: baseline\n        keep: clone',
      ),
    );
    await runSetupSql(local, dir, ['CREATE TABLE keep AS SELECT 1 AS id']);
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    await runSetupSql(local, dir, ['DELETE FROM keep']);
    await writeFile(
      join(dir, 'checkpoints.yaml'),
      CONFIG.replace('      - id: baseline', '      - id: baseline\n        keep: clone').replace(
        'cleanup: { since: baseline }',
        'reset: { to: baseline }',
      ),
    );
    expect((await ckpt(dir, ['reconcile', '--plan', '--out', 'plan.json'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'INSERT INTO keep VALUES (7)'])).code).toBe(0);
    const result = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('target demo changed since the plan');
  });

  it('refuses an edited plan: a drop of a protected table smuggled into the file', async () => {
    const dir = await prepared();
    await writeFile(join(dir, 'checkpoints.yaml'), CONFIG.replace('    actions:', '    protect: [KEEP]\n    actions:'));
    expect((await ckpt(dir, ['reconcile', '--plan', '--out', 'plan.json'])).code).toBe(0);
    const document = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as {
      targets: Array<{ steps: Array<Record<string, unknown>> }>;
    };
    const steps = document.targets[0]?.steps ?? [];
    const drop = steps.find((s) => s.kind === 'drop-object');
    expect(drop).toBeDefined();
    steps.unshift({ ...drop, object: { name: 'keep', kind: 'TABLE' }, reason: 'nothing to see here' });
    await writeFile(join(dir, 'plan.json'), JSON.stringify(document));
    const result = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('are not the plan ckpt makes from this state');
    expect(await tables(dir)).toEqual(['CHECKPOINT_AUDIT', 'keep', 'scratch']);
  });

  it('refuses a file that is not a saved plan', async () => {
    const dir = await prepared();
    await writeFile(join(dir, 'plan.json'), '{"format_version": 1}');
    const result = await ckpt(dir, ['reconcile', '--from-plan', 'plan.json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a saved ckpt plan');
  });
});

/**
 * Control characters in names and texts never reach the terminal or Markdown raw: object names
 * with an ANSI sequence, a lone CR, a newline, DEL and a C1 control, a checkpoint description
 * with an escape sequence and a warehouse error naming such an object, through every command
 * that shows them (plan, Markdown plan, JSON plan, apply logs, history, checkpoints, status,
 * errors). Each is shown escaped (`\u001b`, `\r`), on the line it belongs to.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ckpt, workspace, type CliResult } from './cli-runner.js';
import { demoConfig, LOCAL } from './connections.js';

/** Every C0 control but the newline, DEL and every C1 control. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const NAMES = ['erase\u001b[1A\u001b[2Kx', 'cr\rx|y', 'nl\nfake', 'del\u007fz', 'csi\u009b2Kz'];

function expectNoRawControl(result: CliResult, what: string): void {
  expect(RAW_CONTROL.test(result.stdout), `${what} stdout: ${JSON.stringify(result.stdout)}`).toBe(false);
  expect(RAW_CONTROL.test(result.stderr), `${what} stderr: ${JSON.stringify(result.stderr)}`).toBe(false);
}

describe('control characters in names are shown escaped, never interpreted', () => {
  it('plan, Markdown, JSON, logs, history, checkpoints, status and errors', async () => {
    const dir = await workspace(demoConfig(LOCAL, ' []'));
    const run = (args: string[], env: Record<string, string> = {}) => ckpt(dir, args, { env });
    expect((await run(['reconcile', '--yes'])).code).toBe(0);
    expect((await run(['sql', NAMES.map((name) => `CREATE TABLE "${name}" (id INTEGER);`).join('\n')])).code).toBe(0);
    expect((await run(['checkpoint', 'create', '--id', 'manual', '-d', 'wipe\u001b[2J\u001b[Hscreen'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), demoConfig(LOCAL, '\n      - id: clean\n        cleanup: { since: baseline }'));

    const plan = await run(['reconcile', '--plan']);
    expectNoRawControl(plan, 'plan');
    expect(plan.stdout).toContain('drop table DEMO."erase\\u001b[1A\\u001b[2Kx" (about 0 rows) [clean] (destructive)');
    expect(plan.stdout).toContain('drop table DEMO."cr\\rx|y" (about 0 rows) [clean] (destructive)');
    expect(plan.stdout).toContain('drop table DEMO."nl\\nfake" (about 0 rows) [clean] (destructive)');
    expect(plan.stdout).toContain('drop table DEMO."del\\u007fz" (about 0 rows) [clean] (destructive)');
    expect(plan.stdout).toContain('drop table DEMO."csi\\u009b2Kz" (about 0 rows) [clean] (destructive)');

    const markdown = await run(['reconcile', '--plan', '--format', 'markdown']);
    expectNoRawControl(markdown, 'markdown');
    const rows = markdown.stdout.split('\n').filter((line) => line.startsWith('| `-` |'));
    expect(rows).toHaveLength(NAMES.length);
    for (const row of rows) expect(row).toMatch(/\| `clean` \| about 0 rows \| created .* \|$/);

    const json = await run(['reconcile', '--plan', '--json']);
    expectNoRawControl(json, 'json');
    const names = (JSON.parse(json.stdout) as { targets: { steps: { object?: { name: string } }[] }[] }).targets[0]?.steps.map(
      (s) => s.object?.name,
    );
    expect(names).toEqual(expect.arrayContaining(NAMES));

    const applied = await run(['reconcile', '--yes'], { CKPT_LOG_LEVEL: 'info' });
    expect(applied.code).toBe(0);
    expectNoRawControl(applied, 'apply');

    for (const args of [['history'], ['checkpoints'], ['status']]) {
      const shown = await run(args);
      expect(shown.code, shown.stderr).toBe(0);
      expectNoRawControl(shown, args[0] ?? '');
    }
    expect((await run(['checkpoints'])).stdout).toContain('wipe\\u001b[2J\\u001b[Hscreen');

    const failed = await run(['sql', 'SELECT * FROM "gone\u001b[2J\u009b1;1H"']);
    expect(failed.code).toBe(1);
    expectNoRawControl(failed, 'error');
    expect(failed.stderr).toContain('gone\\u001b[2J\\u009b1;1H');
  });
});

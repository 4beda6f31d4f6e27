/**
 * Every `--json` output validates against its published schema under schemas/, on real output
 * of the built CLI; `ckpt schema` prints them.
 */
import { readFile } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ckpt, workspace } from './cli-runner.js';

async function validator(name: string) {
  const schema = JSON.parse(await readFile(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}

describe('JSON outputs match their schemas', () => {
  it('reconcile, checkpoints, history and status', async () => {
    const config = (actions: string) =>
      `version: 1\ntargets:\n  - name: demo\n    schema: DEMO\n    checkpoints: [{ id: baseline }]\n    actions:${actions}\n`;
    const dir = await workspace(config(' []'));
    expect((await ckpt(dir, ['sql', 'CREATE TABLE t (a INTEGER)'])).code).toBe(0);
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'CREATE TABLE u (a INTEGER)'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: tidy\n        cleanup: { since: baseline }'));
    const outputs: Array<[string, string[]]> = [
      ['plan', ['reconcile', '--plan', '--json']],
      ['plan', ['reconcile', '--plan', '--format', 'json']],
      ['plan', ['reconcile', '--yes', '--json']],
      ['checkpoints-list', ['checkpoints', '--json']],
      ['history', ['history', '--json']],
      ['status', ['status', '--json']],
    ];
    for (const [schema, args] of outputs) {
      const result = await ckpt(dir, args);
      expect(result.code, result.stderr).toBe(0);
      const validate = await validator(schema);
      const document: unknown = JSON.parse(result.stdout);
      const ok = validate(document);
      expect(validate.errors ?? [], `${args.join(' ')}: ${JSON.stringify(validate.errors)}`).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('ckpt schema prints the config schema and the output schemas', async () => {
    const dir = await workspace();
    const config = await ckpt(dir, ['schema']);
    expect(config.code).toBe(0);
    expect(JSON.parse(config.stdout)).toMatchObject({ title: 'ckpt checkpoints.yaml' });
    const history = await ckpt(dir, ['schema', '--of', 'history']);
    expect(JSON.parse(history.stdout)).toMatchObject({ title: 'ckpt history --json' });
    const status = await ckpt(dir, ['schema', '--of', 'status']);
    expect(JSON.parse(status.stdout)).toMatchObject({ title: 'ckpt status --json' });
    expect((await ckpt(dir, ['schema', '--of', 'nope'])).code).toBe(1);
  });

  it('ckpt init writes a starter whose $schema line points at the shipped schema', async () => {
    const dir = await workspace();
    expect((await ckpt(dir, ['init'])).code).toBe(0);
    const text = await readFile(join(dir, 'checkpoints.yaml'), 'utf8');
    const match = /yaml-language-server: \$schema=(\S+)/.exec(text);
    expect(match).not.toBeNull();
    const schema = JSON.parse(await readFile(join(dir, match?.[1] ?? ''), 'utf8')) as { title: string };
    expect(schema.title).toBe('ckpt checkpoints.yaml');
  });
});

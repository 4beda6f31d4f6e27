/**
 * The command line as a user of the Snowflake CLI, git and make expects it, through the built
 * CLI: `-c` is the connection before or after the command, `ckpt sql -q`/`-f`, `-t` repeated,
 * the config found from a subfolder (stopping at the git root) or given by -f or $CKPT_FILE,
 * `-C DIR`, FORCE_COLOR, warnings as text (JSON lines with CKPT_LOG_FORMAT=json), --help and
 * --version.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { ckpt, workspace, type CliResult } from './cli-runner.js';
import { demoConfig, LOCAL } from './connections.js';

const DEMO = demoConfig(LOCAL, ' []');
const THREE = 'version: 1\ntargets:\n  - name: a\n    schema: A\n  - name: b\n    schema: B\n  - name: c\n    schema: C\n';

/** The targets a `--json` plan covers. */
const planned = (result: CliResult) => (JSON.parse(result.stdout) as { targets: Array<{ target: string }> }).targets.map((t) => t.target);

function expectClearError(result: CliResult, message: string | RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toContain('internal error');
}

describe('flags as the Snowflake CLI has them', () => {
  it('-c (--connection) names the connection before or after the command; the config file is -f or --config', async () => {
    const dir = await workspace(DEMO);
    const env = { SNOWFLAKE_HOME: dir };
    for (const args of [
      ['-c', 'flagged', 'reconcile', '--plan'],
      ['reconcile', '-c', 'flagged', '--plan'],
      ['reconcile', '--plan', '--connection', 'flagged'],
    ]) {
      const result = await ckpt(dir, args, { env });
      expect(result.stderr, args.join(' ')).toMatch(/^warning: --connection flagged overrides the connection of target demo/m);
      expectClearError(result, 'connection flagged: no connections.toml or config.toml in');
    }
    await mkdir(join(dir, 'ops'));
    await writeFile(join(dir, 'ops', 'other.yaml'), 'version: 1\ntargets:\n  - name: elsewhere\n    schema: ELSEWHERE\n');
    for (const flag of ['-f', '--file', '--config']) {
      const validated = await ckpt(dir, ['validate', flag, 'ops/other.yaml']);
      expect(validated.code, `${flag}: ${validated.stderr}`).toBe(0);
      expect(validated.stderr).toContain('other.yaml');
    }
  });

  it('ckpt sql takes a statement, -q SQL or -f FILE.sql, and its config only as --config', async () => {
    const dir = await workspace();
    await mkdir(join(dir, 'conf'));
    await writeFile(join(dir, 'conf', 'checkpoints.yaml'), DEMO);
    await writeFile(join(dir, 'rows.sql'), 'INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n');
    const config = ['--config', 'conf/checkpoints.yaml'];
    expect((await ckpt(dir, ['sql', ...config, '-q', 'CREATE TABLE t (a INTEGER)'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', '-f', 'rows.sql', ...config])).code).toBe(0);
    const counted = await ckpt(dir, ['sql', 'SELECT COUNT(*) AS n FROM t', '--json', ...config]);
    expect(counted.code, counted.stderr).toBe(0);
    expect(JSON.parse(counted.stdout)).toMatchObject({ columns: ['n'], rows: [['2']] });
    expect(existsSync(join(dir, 'conf', '.ckpt', 'local.duckdb'))).toBe(true);
    expect(existsSync(join(dir, '.ckpt'))).toBe(false);

    expectClearError(
      await ckpt(dir, ['sql', ...config, '-q', 'SELECT 1', 'SELECT 2']),
      'give the SQL once: a statement, -q SQL or -f FILE.sql (2 given)',
    );
    expectClearError(await ckpt(dir, ['sql', ...config]), '(0 given)');
    expectClearError(await ckpt(dir, ['sql', '--file', 'conf/checkpoints.yaml', 'SELECT 1']), "unknown option '--file'");
    const help = await ckpt(dir, ['sql', '--help']);
    expect(help.stdout).toMatch(/--config <path> +the config file \(--config only: here -f is the SQL/);
  });
});

describe('--target', () => {
  it('repeats (or takes a comma-separated list); an unknown name lists the known ones', async () => {
    const dir = await workspace(THREE);
    expect(planned(await ckpt(dir, ['reconcile', '--plan', '--json', '-t', 'c', '-t', 'a']))).toEqual(['a', 'c']);
    expect(planned(await ckpt(dir, ['reconcile', '--plan', '--json', '--target', 'b,c']))).toEqual(['b', 'c']);
    const unknown = await ckpt(dir, ['checkpoints', '-t', 'a', '-t', 'nope', '-t', 'zz']);
    expectClearError(unknown, 'no targets named nope, zz in');
    expect(unknown.stderr).toContain('hint: known targets: a, b, c');
    const two = await ckpt(dir, ['sql', '-t', 'a', '-t', 'b', 'SELECT 1']);
    expectClearError(two, 'this command acts on one target, and 2 targets of');
    expect(two.stderr).toContain('hint: choose one with --target: a, b');
  });
});

describe('which config file', () => {
  it('is found from a subfolder, and its .ckpt/ stays next to it; -f wins over $CKPT_FILE, which wins over the search', async () => {
    const root = await workspace(DEMO);
    const deeper = join(root, 'sub', 'deeper');
    await mkdir(deeper, { recursive: true });
    expect((await ckpt(deeper, ['sql', 'CREATE TABLE t (a INTEGER)'])).code).toBe(0);
    expect(existsSync(join(root, '.ckpt', 'local.duckdb'))).toBe(true);
    expect(existsSync(join(deeper, '.ckpt'))).toBe(false);
    const seen = await ckpt(root, ['sql', '--json', 'SELECT COUNT(*) AS n FROM t']);
    expect(seen.code, seen.stderr).toBe(0);
    expect(JSON.parse(seen.stdout)).toMatchObject({ rows: [['0']] });

    const other = join(root, 'other.yaml');
    await writeFile(other, 'version: 1\ntargets:\n  - name: other\n    schema: OTHER\n');
    const env = { CKPT_FILE: other };
    expect((await ckpt(deeper, ['sql', '-t', 'other', 'SELECT 1'], { env })).code).toBe(0);
    expectClearError(await ckpt(deeper, ['sql', '-t', 'other', 'SELECT 1']), 'no target named other');
    expectClearError(
      await ckpt(deeper, ['sql', '--config', '../../checkpoints.yaml', '-t', 'other', 'SELECT 1'], { env }),
      'no target named other',
    );
  });

  it('is looked for no further up than the git root', async () => {
    const above = await workspace(DEMO);
    const sub = join(above, 'repo', 'sub');
    await mkdir(join(above, 'repo', '.git'), { recursive: true });
    await mkdir(sub);
    const result = await ckpt(sub, ['validate']);
    expectClearError(result, `no checkpoints.yaml in ${sub} or a folder above it up to ${join(above, 'repo')}`);
    expect(result.stderr).toContain('hint: run `ckpt init` to create one here');
  });

  it('-C DIR runs as if started there: the search and relative paths start from DIR', async () => {
    const root = await workspace(DEMO);
    await mkdir(join(root, 'sub'));
    const elsewhere = await workspace();
    // Each form finds the file under root (exit 0 alone would not say which file was read).
    const valid = `${join(root, 'checkpoints.yaml')} is valid: 1 target`;
    for (const args of [
      ['-C', join(root, 'sub'), 'validate'],
      ['validate', '-C', root, '-f', 'checkpoints.yaml'],
      ['--directory', join(root, 'sub'), 'validate', '-f', '../checkpoints.yaml'],
    ]) {
      const result = await ckpt(elsewhere, args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, args.join(' ')).toContain(valid);
    }
    expectClearError(await ckpt(elsewhere, ['-C', join(root, 'nope'), 'validate']), /cannot run in .*nope \(-C\): no such folder/);
    expectClearError(await ckpt(elsewhere, ['-C', join(root, 'checkpoints.yaml'), 'validate']), /\(-C\): not a folder/);
  });
});

describe('what a person reads', () => {
  it('colour off a terminal with FORCE_COLOR; never with FORCE_COLOR=0, NO_COLOR or --no-color', async () => {
    const dir = await workspace();
    const red = '\u001b[31merror\u001b[0m: no checkpoints.yaml';
    const run = (env: Record<string, string>, args: string[] = []) => ckpt(dir, [...args, 'validate'], { env: { NO_COLOR: '', ...env } });
    expect((await run({ FORCE_COLOR: '1' })).stderr).toContain(red);
    expect((await run({ FORCE_COLOR: 'true' })).stderr).toContain(red);
    for (const [env, args] of [
      [{ FORCE_COLOR: '0' }, []],
      [{ FORCE_COLOR: 'false' }, []],
      [{ FORCE_COLOR: '1', NO_COLOR: '1' }, []],
      [{ FORCE_COLOR: '1' }, ['--no-color']],
    ] as const) {
      const result = await run(env, [...args]);
      expect(result.stderr, JSON.stringify([env, args])).toContain('error: no checkpoints.yaml');
      expect(result.stderr, JSON.stringify([env, args])).not.toContain('\u001b[');
    }
  });

  it('warnings are plain text off a terminal (coloured with FORCE_COLOR), and JSON lines with CKPT_LOG_FORMAT=json', async () => {
    const dir = await workspace(DEMO);
    const held = await DuckDbWarehouse.open({ path: join(dir, '.ckpt', 'local.duckdb') });
    try {
      // Long enough that the wait outlasts the first attempt to open the file on a busy machine:
      // when that attempt alone uses the whole wait, ckpt fails at once, without the warning.
      const env = { CKPT_LOCK_WAIT_MS: '2000' };
      const text = await ckpt(dir, ['checkpoints'], { env });
      expect(text.code).toBe(1);
      expect(text.stderr).toMatch(/^warning: the embedded warehouse .*local\.duckdb is in use by .*; waiting up to 2 s$/m);
      expect(text.stderr).not.toMatch(/^\{/m);

      const coloured = await ckpt(dir, ['checkpoints'], { env: { ...env, NO_COLOR: '', FORCE_COLOR: '1' } });
      expect(coloured.stderr).toContain('\u001b[33mwarning\u001b[0m: the embedded warehouse');

      const json = await ckpt(dir, ['checkpoints'], { env: { ...env, CKPT_LOG_FORMAT: 'json' } });
      const lines = json.stderr.split('\n').filter((l) => l.startsWith('{'));
      expect(lines.map((l) => JSON.parse(l) as { level: number; msg: string })).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringContaining('is in use by') }),
      ]);
    } finally {
      await held.close();
    }
  });

  it('--help lists the environment, the exit codes and examples; each command has its examples', async () => {
    const dir = await workspace();
    const help = await ckpt(dir, ['--help']);
    expect(help.code).toBe(0);
    for (const text of ['Environment:', 'CKPT_LOG_FORMAT', 'FORCE_COLOR', 'Exit codes:', '130  cancelled', 'Examples:'])
      expect(help.stdout).toContain(text);
    const reconcile = await ckpt(dir, ['reconcile', '--help']);
    expect(reconcile.stdout).toContain('  ckpt reconcile -t retail -t finance --yes');
    expect(reconcile.stdout).toContain('Global Options:');
  });

  it('--version names ckpt, Node.js, DuckDB and snowflake-sdk; with --json, as JSON matching its schema', async () => {
    const dir = await workspace();
    const manifest = async (path: string) =>
      (JSON.parse(await readFile(new URL(`../../${path}`, import.meta.url), 'utf8')) as { version: string }).version;
    const ckptVersion = await manifest('package.json');
    const duckdb = await manifest('node_modules/@duckdb/node-api/package.json');
    const sdk = await manifest('node_modules/snowflake-sdk/package.json');

    for (const flag of ['--version', '-V']) {
      const text = await ckpt(dir, [flag]);
      expect(text.code).toBe(0);
      expect(text.stdout.split('\n')).toEqual([
        `ckpt ${ckptVersion}`,
        `Node.js ${process.versions.node}`,
        `DuckDB ${duckdb.split('-')[0]} (@duckdb/node-api ${duckdb}), the embedded warehouse`,
        `snowflake-sdk ${sdk}, the Snowflake driver`,
        '',
      ]);
    }

    const json = await ckpt(dir, ['--version', '--json']);
    expect(json.code).toBe(0);
    const document: unknown = JSON.parse(json.stdout);
    expect(document).toEqual({
      format_version: 1,
      ckpt: ckptVersion,
      node: process.versions.node,
      duckdb: duckdb.split('-')[0],
      duckdb_node_api: duckdb,
      snowflake_sdk: sdk,
    });
    const schema = JSON.parse((await ckpt(dir, ['schema', '--of', 'version'])).stdout) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });
});

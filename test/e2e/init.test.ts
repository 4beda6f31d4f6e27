/**
 * End to end: `ckpt init` with flags, with the defaults off a terminal, and asking at a terminal
 * (a pty); the `$schema` reference resolves from the config's folder in each place ckpt can be
 * (installed in the repository, its own repository, elsewhere: a copy); `.ckpt/` lands in
 * `.gitignore` once; on Snowflake (the test server) a missing schema is created.
 */
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { snowflakeHome, type SnowflakeHome } from '../contract/snowflake-harness.js';
import { ckpt, workspace } from './cli-runner.js';
import { ckptAtTerminal } from './pty.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The `$schema` reference of a config, and the title of the schema it resolves to from the config's folder. */
async function schemaOf(configFile: string): Promise<{ ref: string; title: string }> {
  const text = await readFile(configFile, 'utf8');
  const ref = /yaml-language-server: \$schema=(\S+)/.exec(text)?.[1] ?? '';
  const schema = JSON.parse(await readFile(resolve(dirname(configFile), ref), 'utf8')) as { title: string };
  return { ref, title: schema.title };
}

/** The one target of a config file, as ckpt reads it. */
async function targetOf(configFile: string) {
  const loaded = loadConfigText(await readFile(configFile, 'utf8'), configFile);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.desired.targets[0];
}

describe('ckpt init', () => {
  it('off a terminal without flags: the starter (embedded warehouse, DEMO), a schema copy, .ckpt/ ignored', async () => {
    const dir = await workspace();
    const result = await ckpt(dir, ['init']);
    expect(result.code, result.stderr).toBe(0);
    expect(await targetOf(join(dir, 'checkpoints.yaml'))).toMatchObject({ connection: 'local', schema: 'DEMO', database: null });
    // Not in a repository with ckpt installed: a copy next to the file, referenced relatively.
    expect(await schemaOf(join(dir, 'checkpoints.yaml'))).toEqual({ ref: './checkpoints.schema.json', title: 'ckpt checkpoints.yaml' });
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('.ckpt/\n');
    expect(result.stderr).toContain('Created the audit table of DEMO');
  });

  it('takes --schema and --connection; --database on the embedded warehouse is refused before anything is written', async () => {
    const dir = await workspace();
    const result = await ckpt(dir, ['init', '--connection', 'local', '--schema', 'Retail']);
    expect(result.code, result.stderr).toBe(0);
    expect(await targetOf(join(dir, 'checkpoints.yaml'))).toMatchObject({ connection: 'local', schema: 'RETAIL' });

    const quoted = await workspace();
    expect((await ckpt(quoted, ['init', '--schema', '"MixedCase"'])).code).toBe(0);
    expect(await targetOf(join(quoted, 'checkpoints.yaml'))).toMatchObject({ schema: 'MixedCase' });

    const refused = await workspace();
    const bad = await ckpt(refused, ['init', '--database', 'OTHER']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('the answers do not make a valid file');
    await expect(readFile(join(refused, 'checkpoints.yaml'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('adds .ckpt/ to .gitignore once: appended to an existing file, never twice', async () => {
    const dir = await workspace();
    await writeFile(join(dir, '.gitignore'), 'node_modules');
    expect((await ckpt(dir, ['init'])).code).toBe(0);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.ckpt/\n');
    const again = await ckpt(dir, ['init']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('exists; leaving it as it is');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('node_modules\n.ckpt/\n');

    const ignored = await workspace();
    await writeFile(join(ignored, '.gitignore'), '/.ckpt\n');
    expect((await ckpt(ignored, ['init'])).code).toBe(0);
    expect(await readFile(join(ignored, '.gitignore'), 'utf8')).toBe('/.ckpt\n');
  });

  it('points $schema into node_modules/ckpt when ckpt is installed in the repository, from a sub-folder too', async () => {
    const repo = await workspace();
    await mkdir(join(repo, '.git'));
    await mkdir(join(repo, 'node_modules', 'ckpt'), { recursive: true });
    await cp(join(REPO, 'schemas'), join(repo, 'node_modules', 'ckpt', 'schemas'), { recursive: true });
    await mkdir(join(repo, 'ops'));
    const result = await ckpt(repo, ['init', '--file', 'ops/checkpoints.yaml']);
    expect(result.code, result.stderr).toBe(0);
    expect(await schemaOf(join(repo, 'ops', 'checkpoints.yaml'))).toEqual({
      ref: '../node_modules/ckpt/schemas/checkpoints.schema.json',
      title: 'ckpt checkpoints.yaml',
    });
    await expect(readFile(join(repo, 'ops', 'checkpoints.schema.json'))).rejects.toThrow(/ENOENT/);
    // `npm link` installs ckpt as a symbolic link: the reference is the same.
    const linked = await workspace();
    await mkdir(join(linked, '.git'));
    await mkdir(join(linked, 'node_modules'));
    await symlink(join(repo, 'node_modules', 'ckpt'), join(linked, 'node_modules', 'ckpt'));
    expect((await ckpt(linked, ['init'])).code).toBe(0);
    expect((await schemaOf(join(linked, 'checkpoints.yaml'))).ref).toBe('./node_modules/ckpt/schemas/checkpoints.schema.json');
  });

  it('asks at a terminal for what no flag gives, with the defaults in brackets', async () => {
    const dir = await workspace();
    const run = await ckptAtTerminal(
      dir,
      ['init', '--schema', 'SALES'],
      [{ prompt: /Connection \("local" is the embedded warehouse.*\[local\]: $/, answer: '' }],
    );
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).not.toContain('Schema to manage');
    expect(await targetOf(join(dir, 'checkpoints.yaml'))).toMatchObject({ connection: 'local', schema: 'SALES' });

    const asked = await workspace();
    const both = await ckptAtTerminal(
      asked,
      ['init'],
      [
        { prompt: /\[local\]: $/, answer: 'local' },
        { prompt: /Schema to manage \[DEMO\]: $/, answer: 'retail' },
      ],
    );
    expect(both.code, both.screen).toBe(0);
    expect(both.screen).not.toContain('Database');
    expect(await targetOf(join(asked, 'checkpoints.yaml'))).toMatchObject({ connection: 'local', schema: 'RETAIL' });
  });

  describe('on Snowflake (the test server)', () => {
    let sf: SnowflakeHome | undefined;
    afterAll(async () => sf?.close());
    const env = () => ({
      SNOWFLAKE_HOME: sf?.home ?? '',
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: '1',
      NO_PROXY: '127.0.0.1,localhost',
    });

    it('creates the schema --schema names, after saying so, then the audit table; an existing file is not enough', async () => {
      sf = await snowflakeHome();
      await sf.server.account.execute('CREATE DATABASE INIT_DB');
      const dir = await workspace();
      const result = await ckpt(dir, ['init', '--connection', 'test', '--database', 'INIT_DB', '--schema', 'Fresh'], { env: env() });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('Schema INIT_DB.FRESH on connection test does not exist; creating it, as --schema names it.');
      expect(result.stderr).toContain('CREATE SCHEMA IF NOT EXISTS "INIT_DB"."FRESH"');
      expect(result.stderr).toContain('Created the audit table of INIT_DB.FRESH');
      expect(await targetOf(join(dir, 'checkpoints.yaml'))).toMatchObject({ connection: 'test', database: 'INIT_DB', schema: 'FRESH' });

      // A file naming a schema that does not exist, off a terminal, without --schema: said, not created.
      const other = await workspace('version: 1\nconnection: test\ntargets:\n  - database: INIT_DB\n    schema: MISSING\n');
      const refused = await ckpt(other, ['init'], { env: env() });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('schema INIT_DB.MISSING on connection test does not exist');
      expect(refused.stderr).toContain('`ckpt init` at a terminal offers to');

      // At a terminal it asks; "n" creates nothing.
      const declined = await ckptAtTerminal(other, ['init'], [{ prompt: /Create it\? \[y\/N\] $/, answer: 'n' }], env());
      expect(declined.code).toBe(130);
      const accepted = await ckptAtTerminal(other, ['init'], [{ prompt: /Create it\? \[y\/N\] $/, answer: 'y' }], env());
      expect(accepted.code, accepted.screen).toBe(0);
      expect(accepted.screen).toContain('Created the audit table of INIT_DB.MISSING');
    });
  });
});

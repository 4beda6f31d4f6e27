/**
 * Where ckpt finds Snowflake connections, as the Snowflake CLI finds them: the folder
 * ($SNOWFLAKE_HOME, ~/.snowflake, each platform's config folder, computed for Linux, macOS and
 * Windows without running there), connections.toml replacing config.toml's connections,
 * $SNOWFLAKE_CONNECTIONS, default_connection_name, TOML 1.0 syntax the old TOML 0.4 parser
 * refused, parse errors that never quote the file, and the permission rules: snowflake-sdk's for
 * connections.toml (checked against the driver's own function on real files), the CLI's for
 * config.toml, none on Windows.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSdk } from '../../src/warehouse/snowflake/snowflake-driver.js';
import {
  defaultConnection,
  permissionVerdict,
  platformFolder,
  readConnections,
  snowflakeFolder,
  type ConnectionEnvironment,
} from '../../src/warehouse/snowflake/snowflake-config-files.js';
import { tempDir } from '../support/temp-dir.js';

/** A folder holding `files`, each readable as `mode` says; removed after the test file. */
async function folder(files: Record<string, string> = {}, mode = 0o600): Promise<string> {
  const dir = await tempDir('ckpt-sfdir-');
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), mode);
  }
  return dir;
}

/** A home folder with nothing in it. */
const emptyHome = () => tempDir('ckpt-home-');

describe('the folder the Snowflake CLI reads', () => {
  it('is $SNOWFLAKE_HOME when it exists, with ~ expanded', async () => {
    const dir = await folder();
    expect(snowflakeFolder({ env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' })).toEqual({ dir, reason: '$SNOWFLAKE_HOME' });
    const home = await emptyHome();
    await mkdir(join(home, 'sf'));
    expect(snowflakeFolder({ env: { SNOWFLAKE_HOME: '~/sf' }, home }).dir).toBe(join(home, 'sf'));
  });

  it('falls through to the platform folder, not ~/.snowflake, when $SNOWFLAKE_HOME does not exist', async () => {
    const home = await emptyHome();
    await mkdir(join(home, '.snowflake'));
    const found = snowflakeFolder({ env: { SNOWFLAKE_HOME: '/no/such/dir' }, home, platform: 'linux' });
    expect(found.dir).toBe(join(home, '.config', 'snowflake'));
    expect(found.reason).toContain('$SNOWFLAKE_HOME (/no/such/dir) does not exist');
  });

  it('is ~/.snowflake when SNOWFLAKE_HOME is unset (or empty) and it exists', async () => {
    const home = await emptyHome();
    await mkdir(join(home, '.snowflake'));
    for (const env of [{}, { SNOWFLAKE_HOME: '' }]) {
      expect(snowflakeFolder({ env, home, platform: 'linux' })).toEqual({ dir: join(home, '.snowflake'), reason: '~/.snowflake exists' });
    }
  });

  it("is each platform's config folder otherwise", async () => {
    const home = await emptyHome();
    const at = (environment: Omit<ConnectionEnvironment, 'home'>) => snowflakeFolder({ ...environment, home }).dir;
    expect(at({ env: {}, platform: 'linux' })).toBe(join(home, '.config', 'snowflake'));
    expect(at({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux' })).toBe('/xdg/snowflake');
    expect(at({ env: { XDG_CONFIG_HOME: '  ' }, platform: 'freebsd' })).toBe(join(home, '.config', 'snowflake'));
    expect(at({ env: {}, platform: 'darwin' })).toBe(join(home, 'Library', 'Application Support', 'snowflake'));
    expect(at({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'darwin' })).toBe('/xdg/snowflake');
  });

  it('on Windows is %LOCALAPPDATA%\\snowflake, else AppData\\Local under the home folder', () => {
    expect(platformFolder({ env: { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, home: 'C:\\Users\\ann', platform: 'win32' }).dir).toBe(
      'C:\\Users\\ann\\AppData\\Local\\snowflake',
    );
    expect(platformFolder({ env: {}, home: 'C:\\Users\\bob', platform: 'win32' }).dir).toBe('C:\\Users\\bob\\AppData\\Local\\snowflake');
    expect(platformFolder({ env: { XDG_CONFIG_HOME: '/xdg' }, home: 'C:\\Users\\bob', platform: 'win32' }).dir).toBe(
      'C:\\Users\\bob\\AppData\\Local\\snowflake',
    );
  });
});

describe('which file the connections come from', () => {
  const config = 'default_connection_name = "cfg"\n[connections.cfg]\naccount = "from-config"\n[connections.both]\naccount = "config"\n';

  it("takes config.toml's [connections.name] sections when there is no connections.toml", async () => {
    const dir = await folder({ 'config.toml': config });
    const catalog = readConnections({ env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' });
    expect(catalog.source).toBe(join(dir, 'config.toml'));
    expect(catalog.entries.get('cfg')).toMatchObject({ section: '[connections.cfg]', values: { account: 'from-config' } });
  });

  it("lets connections.toml replace all of config.toml's connections, and says which it shadows", async () => {
    const dir = await folder({ 'config.toml': config, 'connections.toml': '[both]\naccount = "connections"\n' });
    const catalog = readConnections({ env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' }, { withConfigToml: true });
    expect(catalog.source).toBe(join(dir, 'connections.toml'));
    expect([...catalog.entries.keys()]).toEqual(['both']);
    expect(catalog.entries.get('both')?.values).toEqual({ account: 'connections' });
    expect([...catalog.shadowed.keys()]).toEqual(['cfg', 'both']);
  });

  it('lets $SNOWFLAKE_CONNECTIONS (a TOML document) replace both files', async () => {
    const dir = await folder({ 'connections.toml': '[dev]\naccount = "file"\n' });
    const catalog = readConnections({ env: { SNOWFLAKE_HOME: dir, SNOWFLAKE_CONNECTIONS: '[ci]\naccount = "env"\n' }, home: '/nowhere' });
    expect(catalog.source).toBe('$SNOWFLAKE_CONNECTIONS');
    expect([...catalog.entries.keys()]).toEqual(['ci']);
  });

  it('reads TOML 1.0: dotted keys, inline tables, multi-line and literal strings', async () => {
    const toml = [
      'dev.account = "acme"',
      'dev.user = "ann"',
      'ci = { account = "acme", user = "bot", role = "CI" }',
      '[kp]',
      "private_key_file = 'C:\\keys\\rsa.p8'",
      'password = """',
      'multi',
      'line"""',
      'port = 1_443',
    ].join('\n');
    const dir = await folder({ 'connections.toml': toml });
    const { entries } = readConnections({ env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' });
    expect(entries.get('dev')?.values).toEqual({ account: 'acme', user: 'ann' });
    expect(entries.get('ci')?.values).toEqual({ account: 'acme', user: 'bot', role: 'CI' });
    expect(entries.get('kp')?.values).toEqual({ private_key_file: 'C:\\keys\\rsa.p8', password: 'multi\nline', port: 1443 });
  });

  it('says file:line:col of a syntax error and never quotes the file', async () => {
    const dir = await folder({ 'connections.toml': '[dev]\naccount = "acme"\npassword = "s3cret-value\n' });
    const error = (() => {
      try {
        readConnections({ env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error?.message).toMatch(new RegExp(`^${join(dir, 'connections.toml')}:3:\\d+: not valid TOML: `));
    expect(error?.message).not.toContain('s3cret');
  });

  it('finds the default connection: $SNOWFLAKE_DEFAULT_CONNECTION_NAME, else config.toml, else none', async () => {
    const dir = await folder({ 'config.toml': config });
    expect(defaultConnection({ env: { SNOWFLAKE_HOME: dir, SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'env' }, home: '/nowhere' })).toEqual({
      name: 'env',
      source: '$SNOWFLAKE_DEFAULT_CONNECTION_NAME',
    });
    expect(defaultConnection({ env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' })).toEqual({
      name: 'cfg',
      source: `${join(dir, 'config.toml')} default_connection_name`,
    });
    expect(defaultConnection({ env: { SNOWFLAKE_HOME: await folder() }, home: '/nowhere' })).toBeNull();
  });
});

describe('permission rules', () => {
  const env = (extra: Record<string, string> = {}, platform: NodeJS.Platform = 'linux'): ConnectionEnvironment => ({
    env: extra,
    home: '/nowhere',
    platform,
    uid: 1000,
  });
  const verdict = (mode: number, rule: 'driver' | 'cli' | 'key', environment = env(), uid = 1000) =>
    permissionVerdict('/f', { mode, uid }, rule, environment);

  it("snowflake-sdk's rule for connections.toml: readable warns; executable, writable, not rw for the owner or another owner refuse", () => {
    expect(verdict(0o600, 'driver')).toEqual({ refuse: null, warn: null });
    expect(verdict(0o644, 'driver')).toMatchObject({ refuse: null, warn: expect.stringContaining('chmod 600') });
    for (const mode of [0o700, 0o610, 0o620, 0o602, 0o400, 0o200]) expect(verdict(mode, 'driver').refuse).not.toBeNull();
    expect(verdict(0o600, 'driver', env(), 0).refuse).toMatch(/belongs to another user/);
    expect(verdict(0o666, 'driver', env({ SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'x' }))).toEqual({ refuse: null, warn: null });
  });

  it("the Snowflake CLI's rule for config.toml: writable refuses; readable refuses unless the skip variable is true", () => {
    expect(verdict(0o600, 'cli')).toEqual({ refuse: null, warn: null });
    expect(verdict(0o620, 'cli').refuse).toMatch(/changed by other users/);
    expect(verdict(0o640, 'cli').refuse).toMatch(/readable by other users/);
    expect(verdict(0o640, 'cli', env({ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'true' }))).toMatchObject({ refuse: null });
    expect(verdict(0o640, 'cli', env({ SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: '1' })).warn).not.toBeNull();
    expect(verdict(0o640, 'cli', env({ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'yes' })).refuse).not.toBeNull();
    expect(verdict(0o622, 'cli', env({ SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION: 'true' })).refuse).not.toBeNull();
  });

  it('a key file readable by others is a warning', () => {
    expect(verdict(0o644, 'key')).toMatchObject({ refuse: null, warn: expect.stringContaining('holds a secret') });
  });

  it('nothing is checked on Windows, which has no mode bits', () => {
    for (const rule of ['driver', 'cli', 'key'] as const)
      expect(verdict(0o777, rule, env({}, 'win32'), 0)).toEqual({ refuse: null, warn: null });
  });

  it("refuses exactly the files snowflake-sdk's own validateNoExtraPermissionsForOthers refuses", async () => {
    await loadSdk(); // its logging off
    const fileUtil = createRequire(import.meta.url)('snowflake-sdk/dist/lib/file_util.js') as {
      validateNoExtraPermissionsForOthersSync(path: string): void;
    };
    const dir = await folder();
    for (const mode of [0o600, 0o644, 0o640, 0o604, 0o660, 0o606, 0o700, 0o400, 0o200, 0o610, 0o601, 0o620, 0o602]) {
      const file = join(dir, `f${mode.toString(8)}`);
      await writeFile(file, '');
      await chmod(file, mode);
      let driverRefuses = false;
      try {
        fileUtil.validateNoExtraPermissionsForOthersSync(file);
      } catch {
        driverRefuses = true;
      }
      const ours = permissionVerdict(file, { mode, uid: process.getuid?.() ?? 0 }, 'driver', { env: {}, home: '/nowhere' });
      expect({ mode: mode.toString(8), refuses: ours.refuse !== null }).toEqual({ mode: mode.toString(8), refuses: driverRefuses });
    }
  });

  it('refuses a connections.toml others can change before reading it', async () => {
    const dir = await folder({ 'connections.toml': '[dev]\naccount = "a"\n' }, 0o666);
    expect(() => readConnections({ env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' })).toThrow(/can be changed by other users/);
  });
});

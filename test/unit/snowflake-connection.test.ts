/**
 * connections.toml, as ckpt reads it: named entries (both section styles), environment
 * overrides, key-pair spellings, clear errors for a missing file or entry, and permission
 * warnings; then real logins through snowflake-sdk against the test server (password, key
 * pair with a key generated here, programmatic access token, OAuth token: each as its user, and
 * refused with a wrong credential; what a wrong password says; an unreachable account). External
 * browser SSO needs a browser and is not exercised here. Every folder made here is removed.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../../src/model/logger.js';
import { resolveConnection } from '../../src/warehouse/snowflake/snowflake-connection.js';
import { loadSdk } from '../../src/warehouse/snowflake/snowflake-driver.js';
import { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import { startSnowflakeServer, type SnowflakeServer } from '../snowflake-server/server.js';
import { tempDir } from '../support/temp-dir.js';

process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION = 'true';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE = '1';
process.env.NO_PROXY = '127.0.0.1,localhost';

/** A SNOWFLAKE_HOME holding connections.toml with `toml`, readable as `mode` says. */
async function home(toml: string, mode = 0o600): Promise<string> {
  const dir = await tempDir('ckpt-conn-');
  await writeFile(join(dir, 'connections.toml'), toml);
  await chmod(join(dir, 'connections.toml'), mode);
  return dir;
}

const normalize = async () => {
  const sdk = await loadSdk();
  return (o: Record<string, unknown>) => sdk.normalizeConnectionOptions(o);
};

describe('connections.toml', () => {
  it('reads a named [entry] with the sdk normaliser', async () => {
    const dir = await home(
      '[dev]\naccount = "acme"\nuser = "ann"\npassword = "p"\nwarehouse = "WH"\n[prod]\naccount = "acme"\nuser = "bob"\n',
    );
    const resolved = resolveConnection('dev', await normalize(), { env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' });
    expect(resolved.options).toMatchObject({ account: 'acme', username: 'ann', password: 'p', warehouse: 'WH' });
    expect(resolved.warnings).toEqual([]);
  });

  it('reads [connections.<name>] too, and ~/.snowflake when SNOWFLAKE_HOME is not set', async () => {
    const dir = await tempDir('ckpt-home-');
    const sfDir = await home('[connections.default]\naccount = "acme"\nuser = "ann"\n');
    await rm(join(dir, '.snowflake'), { force: true, recursive: true });
    const { symlink } = await import('node:fs/promises');
    await symlink(sfDir, join(dir, '.snowflake'));
    const resolved = resolveConnection('default', await normalize(), { env: {}, home: dir });
    expect(resolved.options).toMatchObject({ account: 'acme', username: 'ann' });
  });

  it('applies SNOWFLAKE_CONNECTIONS_<NAME>_<KEY> environment overrides', async () => {
    const dir = await home('[dev]\naccount = "acme"\nuser = "ann"\npassword = "from-file"\n');
    const resolved = resolveConnection('dev', await normalize(), {
      env: { SNOWFLAKE_HOME: dir, SNOWFLAKE_CONNECTIONS_DEV_PASSWORD: 'from-env', SNOWFLAKE_CONNECTIONS_DEV_ROLE: 'ANALYST' },
      home: '/nowhere',
    });
    expect(resolved.options).toMatchObject({ password: 'from-env', role: 'ANALYST' });
  });

  it('maps both key-pair spellings and the passphrase', async () => {
    for (const key of ['private_key_file', 'private_key_path']) {
      const dir = await home(
        `[kp]\naccount = "acme"\nuser = "ann"\nauthenticator = "SNOWFLAKE_JWT"\n${key} = "/keys/k.p8"\nprivate_key_passphrase = "pp"\n`,
      );
      const resolved = resolveConnection('kp', await normalize(), { env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' });
      expect(resolved.options).toMatchObject({ authenticator: 'SNOWFLAKE_JWT', privateKeyPath: '/keys/k.p8', privateKeyPass: 'pp' });
    }
  });

  it('a missing entry lists the names that exist', async () => {
    const dir = await home('[dev]\naccount = "a"\n[prod]\naccount = "b"\n');
    expect(() => resolveConnection('stage', () => ({}), { env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' })).toThrow(
      expect.objectContaining({ code: 'CONNECTION_UNKNOWN', hint: 'connections there: dev, prod' }),
    );
  });

  it('a missing file says where it looked and why there', async () => {
    const empty = await tempDir('ckpt-empty-');
    expect(() => resolveConnection('dev', () => ({}), { env: { SNOWFLAKE_HOME: empty }, home: '/nowhere' })).toThrow(
      `connection dev: no connections.toml or config.toml in ${empty} ($SNOWFLAKE_HOME)`,
    );
    expect(() => resolveConnection('dev', () => ({}), { env: { SNOWFLAKE_HOME: '/no/such/dir' }, home: '/nowhere' })).toThrow(
      /in \/nowhere\/\.config\/snowflake \(the platform folder .*\$SNOWFLAKE_HOME \(\/no\/such\/dir\) does not exist\)/,
    );
  });

  it("reads config.toml's [connections.name] when there is no connections.toml", async () => {
    const dir = await tempDir('ckpt-cfg-');
    await writeFile(join(dir, 'config.toml'), '[connections.dev]\naccount = "acme"\nuser = "ann"\n', { mode: 0o600 });
    const resolved = resolveConnection('dev', await normalize(), { env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' });
    expect(resolved).toMatchObject({
      file: join(dir, 'config.toml'),
      section: '[connections.dev]',
      options: { account: 'acme', username: 'ann' },
    });
  });

  it('a connection only in config.toml, while connections.toml exists, says that connections.toml replaces it', async () => {
    const dir = await home('[other]\naccount = "a"\n');
    await writeFile(join(dir, 'config.toml'), '[connections.dev]\naccount = "acme"\n', { mode: 0o600 });
    expect(() => resolveConnection('dev', () => ({}), { env: { SNOWFLAKE_HOME: dir }, home: '/nowhere' })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining("replaces config.toml's connections") }),
    );
  });

  it('lets generic SNOWFLAKE_<KEY> variables fill in what the entry lacks, never override it, and names what it applied', async () => {
    const dir = await home('[dev]\naccount = "acme"\nuser = "ann"\nprivate_key_path = "/keys/k.p8"\n');
    const resolved = resolveConnection('dev', await normalize(), {
      env: {
        SNOWFLAKE_HOME: dir,
        SNOWFLAKE_USER: 'bob',
        SNOWFLAKE_PRIVATE_KEY_FILE: '/other.p8',
        SNOWFLAKE_ROLE: 'ANALYST',
        SNOWFLAKE_PORT: '8443',
        SNOWFLAKE_CONNECTIONS_DEV_WAREHOUSE: 'WH',
        SNOWFLAKE_WAREHOUSE: 'GENERIC_WH',
        SNOWFLAKE_PASSWORD: 'pw-from-env',
        SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'dev',
      },
      home: '/nowhere',
    });
    expect(resolved.options).toMatchObject({
      account: 'acme',
      username: 'ann',
      privateKeyPath: '/keys/k.p8',
      role: 'ANALYST',
      port: 8443,
      warehouse: 'WH',
      password: 'pw-from-env',
    });
    expect(resolved.overrides).toEqual(['SNOWFLAKE_CONNECTIONS_DEV_WAREHOUSE', 'SNOWFLAKE_PASSWORD', 'SNOWFLAKE_PORT', 'SNOWFLAKE_ROLE']);
    expect(JSON.stringify(resolved.overrides)).not.toContain('pw-from-env');
  });

  it('lets PRIVATE_KEY_PASSPHRASE win over the passphrase in the file, as the Snowflake CLI does', async () => {
    const dir = await home('[kp]\naccount = "acme"\nprivate_key_file_pwd = "from-file"\n');
    const resolved = resolveConnection('kp', await normalize(), {
      env: { SNOWFLAKE_HOME: dir, PRIVATE_KEY_PASSPHRASE: 'from-env' },
      home: '/nowhere',
    });
    expect(resolved.options.privateKeyPass).toBe('from-env');
  });

  it('reads a connection from $SNOWFLAKE_CONNECTIONS', async () => {
    const resolved = resolveConnection('ci', await normalize(), {
      env: { SNOWFLAKE_HOME: '/no/such/dir', SNOWFLAKE_CONNECTIONS: 'ci = { account = "acme", user = "bot" }' },
      home: '/nowhere',
    });
    expect(resolved).toMatchObject({ file: '$SNOWFLAKE_CONNECTIONS', section: '[ci]', options: { account: 'acme', username: 'bot' } });
  });

  it('warns when the file is readable by others, refuses when writable by them', async () => {
    const readable = await home('[dev]\naccount = "a"\n', 0o644);
    const resolved = resolveConnection('dev', await normalize(), { env: { SNOWFLAKE_HOME: readable }, home: '/nowhere' });
    expect(resolved.warnings.join()).toContain('chmod 600');
    const writable = await home('[dev]\naccount = "a"\n', 0o666);
    expect(() => resolveConnection('dev', () => ({}), { env: { SNOWFLAKE_HOME: writable }, home: '/nowhere' })).toThrow(
      /can be changed by other users/,
    );
  });
});

describe('logging in through snowflake-sdk', () => {
  let server: SnowflakeServer;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  beforeAll(async () => {
    server = await startSnowflakeServer({
      users: {
        ANN: { password: 'right-pw' },
        KEYS: { publicKeyPem: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
        PAT: { tokens: ['pat-token-123'] },
      },
    });
    await server.account.execute('CREATE DATABASE D');
    await server.account.execute('CREATE SCHEMA D.S');
  });
  afterAll(async () => server.close());
  const ref = { name: 'x', database: 'D', schema: 'S', auditTable: 'A' };

  const entry = (body: string) => {
    const url = new URL(server.url);
    return `[c]\naccount = "ckpt"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\n${body}`;
  };
  const open = async (body: string, logger: Logger = silentLogger) => {
    const dir = await home(entry(body));
    return SnowflakeWarehouse.open({
      connectionName: 'c',
      logger,
      environment: { env: { SNOWFLAKE_HOME: dir }, home: dir },
      limits: { statementTimeoutMs: 5000 },
    });
  };

  /** A key file holding a private key in PKCS#8 PEM, as `private_key_file` names it. */
  const keyFile = async (key: KeyObject) => {
    const dir = await tempDir('ckpt-key-');
    const file = join(dir, 'rsa_key.p8');
    await writeFile(file, key.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    return file;
  };
  const jwt = (file: string) => `user = "KEYS"\nauthenticator = "SNOWFLAKE_JWT"\nprivate_key_file = "${file}"\n`;
  const token = (authenticator: string, value: string) => `user = "PAT"\nauthenticator = "${authenticator}"\ntoken = "${value}"\n`;

  // Each method logs in as its user, and the same entry with a wrong credential is refused: the
  // server checks only the credential of the authenticator the driver sent, so a refusal shows
  // that this method, not another, was used.
  const methods: Array<{ method: string; user: string; right: () => Promise<string>; wrong: () => Promise<string> }> = [
    {
      method: 'password',
      user: 'ANN',
      right: async () => 'user = "ANN"\npassword = "right-pw"\n',
      wrong: async () => 'user = "ANN"\npassword = "wrong-pw"\n',
    },
    {
      method: 'key pair, with a key generated here',
      user: 'KEYS',
      right: async () => jwt(await keyFile(keys.privateKey)),
      wrong: async () => jwt(await keyFile(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)),
    },
    {
      method: 'programmatic access token',
      user: 'PAT',
      right: async () => token('PROGRAMMATIC_ACCESS_TOKEN', 'pat-token-123'),
      wrong: async () => token('PROGRAMMATIC_ACCESS_TOKEN', 'another-token'),
    },
    {
      method: 'OAuth token',
      user: 'PAT',
      right: async () => token('OAUTH', 'pat-token-123'),
      wrong: async () => token('OAUTH', 'another-token'),
    },
  ];

  it.each(methods)('$method: logs in as its user; a wrong credential is AUTH_FAILED', async ({ user, right, wrong }) => {
    const wh = await open(await right());
    try {
      expect((await wh.query(ref, 'SELECT CURRENT_USER()')).rows).toEqual([[user]]);
    } finally {
      await wh.close();
    }
    await expect(open(await wrong())).rejects.toMatchObject({ code: 'AUTH_FAILED' });
  });

  it('a wrong password is AUTH_FAILED with a hint, and the password is not in the message', async () => {
    const error = await open('user = "ANN"\npassword = "wrong-pw-42"\n').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    expect(String((error as Error).message)).not.toContain('wrong-pw-42');
    expect((error as { hint: string }).hint).toContain('credentials');
  });

  it('an unreachable account fails with WAREHOUSE_UNREACHABLE (not a hang: the test budget catches one)', async () => {
    const dir = await home('[c]\naccount = "ckpt"\nhost = "127.0.0.1"\nport = 9\nprotocol = "http"\nuser = "ANN"\npassword = "x"\n');
    const error = await SnowflakeWarehouse.open({
      connectionName: 'c',
      logger: silentLogger,
      environment: { env: { SNOWFLAKE_HOME: dir }, home: dir },
      limits: { statementTimeoutMs: 5000 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WAREHOUSE_UNREACHABLE' });
  });

  // snowflake-sdk retries a reset connection and 5xx answers itself; ckpt's own bounded retry
  // (DriverLimits.retries, unit-tested in retries.test.ts) only comes in after the driver gives up,
  // which this server cannot make quick. So this checks the outcome, not whose retry it was.

  it('a transient failure (a reset connection) is retried and the statement succeeds, its rows intact', async () => {
    const wh = await open('user = "ANN"\npassword = "right-pw"\n');
    try {
      await wh.query(ref, 'SELECT 1');
      const clean = server.requestCount;
      await wh.query(ref, 'SELECT 42');
      const perQuery = server.requestCount - clean;
      server.injectFault({ pattern: /^SELECT 42/, times: 1, kind: 'reset' });
      const before = server.requestCount;
      const result = await wh.query(ref, 'SELECT 42');
      expect(result.rows).toEqual([[42]]);
      // One request more than without the fault: the reset one, retried.
      expect(server.requestCount - before).toBe(perQuery + 1);
    } finally {
      await wh.close();
    }
  });
});

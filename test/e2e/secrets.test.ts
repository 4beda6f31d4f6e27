/**
 * No secret leaks: every command runs with a password, a key passphrase and a token configured
 * (debug logging on), and their values appear nowhere: stdout, stderr, saved plan files, audit,
 * lease and journal rows, or the SQL the warehouse received.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnowflakeServer, type SnowflakeServer } from '../snowflake-server/server.js';
import { ckpt, workspace } from './cli-runner.js';

const PASSWORD = 'Pw-8d3f1e-leak-canary';
const PASSPHRASE = 'Pass-77a1c2-leak-canary';
const TOKEN = 'Tok-4b9e0f-leak-canary';

describe('secrets never leak', () => {
  let server: SnowflakeServer;
  let home: string;
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE },
  });

  beforeAll(async () => {
    server = await startSnowflakeServer({
      users: { PWUSER: { password: PASSWORD }, KEYUSER: { publicKeyPem: keys.publicKey }, TOKUSER: { tokens: [TOKEN] } },
    });
    await server.account.execute('CREATE DATABASE SECRETS_DB');
    await server.account.execute('CREATE SCHEMA SECRETS_DB.DEMO');
    home = await workspace();
    const url = new URL(server.url);
    const at = `account = "ckpt"\nhost = "${url.hostname}"\nport = ${url.port}\nprotocol = "http"\ndatabase = "SECRETS_DB"\n`;
    await writeFile(join(home, 'rsa_key.p8'), keys.privateKey, { mode: 0o600 });
    await writeFile(
      join(home, 'connections.toml'),
      `[pw]\n${at}user = "PWUSER"\npassword = "${PASSWORD}"\n` +
        `[kp]\n${at}user = "KEYUSER"\nauthenticator = "SNOWFLAKE_JWT"\nprivate_key_file = "${join(home, 'rsa_key.p8')}"\nprivate_key_passphrase = "${PASSPHRASE}"\n` +
        `[tok]\n${at}user = "TOKUSER"\nauthenticator = "PROGRAMMATIC_ACCESS_TOKEN"\ntoken = "${TOKEN}"\n`,
      { mode: 0o600 },
    );
  });
  afterAll(async () => server.close());

  it('appears in no output, file, audit row or statement', async () => {
    const env = {
      SNOWFLAKE_HOME: home,
      CKPT_LOG_LEVEL: 'debug',
      SNOWFLAKE_DISABLE_PLATFORM_DETECTION: 'true',
      SF_TELEMETRY_DISABLE_CONNECTION_SHAPE: '1',
    };
    const texts: string[] = [];
    for (const connection of ['pw', 'kp', 'tok']) {
      const dir = await workspace(
        `version: 1\nconnection: ${connection}\ntargets:\n  - name: demo\n    database: SECRETS_DB\n    schema: DEMO\n    audit_table: AUDIT_${connection.toUpperCase()}\n    checkpoints: [{ id: baseline }]\n    actions:\n      - id: tidy\n        cleanup: { since: baseline }\n`,
      );
      const commands = [
        ['validate'],
        ['sql', `CREATE TABLE IF NOT EXISTS t_${connection} (id INTEGER)`],
        ['reconcile', '--plan', '--json'],
        ['reconcile', '--plan', '--out', 'plan.json'],
        ['reconcile', '--yes'],
        ['checkpoint', 'create', '--description', 'ad hoc'],
        ['checkpoints', '--json'],
        ['history', '--json'],
        ['sql', 'SELECT 1'],
      ];
      for (const args of commands) {
        const result = await ckpt(dir, args, { env });
        expect(result.code, `${connection} ${args.join(' ')}: ${result.stderr}`).toBe(0);
        texts.push(result.stdout, result.stderr);
      }
      const wrong = await ckpt(dir, ['reconcile', '--plan'], {
        env: { ...env, [`SNOWFLAKE_CONNECTIONS_${connection.toUpperCase()}_PASSWORD`]: `${PASSWORD}-wrong` },
      });
      texts.push(wrong.stdout, wrong.stderr);
      texts.push(await readFile(join(dir, 'plan.json'), 'utf8'));
      for (const table of [
        `AUDIT_${connection.toUpperCase()}`,
        `AUDIT_${connection.toUpperCase()}_LEASE`,
        `AUDIT_${connection.toUpperCase()}_JOURNAL`,
      ]) {
        texts.push(JSON.stringify(await server.account.execute(`SELECT * FROM SECRETS_DB.DEMO.${table}`)));
      }
    }
    texts.push(JSON.stringify(server.statementLog));
    const all = texts.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const secret of [PASSWORD, PASSPHRASE, TOKEN]) expect(all.includes(secret), secret).toBe(false);
  });
});

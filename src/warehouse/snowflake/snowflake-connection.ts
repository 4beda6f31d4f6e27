/**
 * Finds a named connection the way the Snowflake CLI does: `$SNOWFLAKE_HOME/connections.toml`,
 * else `~/.snowflake/connections.toml`, section `[<name>]` (or `[connections.<name>]`). Maps its
 * keys with snowflake-sdk's own normaliser, applies `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>`
 * environment overrides, and says clearly what is wrong (missing file, missing entry, loose
 * permissions) before the driver's generic error would. Never logs a value.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import toml from 'toml';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';

/** Driver options for one connection (may hold secrets: never log or print). */
export type ConnectionOptions = Record<string, unknown>;

/** A resolved connection: driver options, where they came from, and warnings for a person. */
export interface ResolvedConnection {
  name: string;
  file: string;
  options: ConnectionOptions;
  warnings: string[];
}

/** The environment and home folder used to find connections.toml (injectable for tests). */
export interface ConnectionEnvironment {
  env: Record<string, string | undefined>;
  home: string;
}

/** Keys whose values are secrets: never shown, logged or stored. */
export const SECRET_KEYS = ['password', 'token', 'privateKey', 'privateKeyPass', 'passcode', 'oauthClientSecret'] as const;

/** Options whose files hold secrets; their permissions are checked too. */
const SECRET_FILE_KEYS = ['privateKeyPath', 'tokenFilePath'];

/** Where connections.toml is looked for. */
export function connectionsFile(environment: ConnectionEnvironment): string {
  const home = environment.env.SNOWFLAKE_HOME;
  return join(home !== undefined && home !== '' ? home : join(environment.home, '.snowflake'), 'connections.toml');
}

/** Reads a connection entry, mapped to snowflake-sdk options. */
export function resolveConnection(
  name: string,
  normalize: (options: Record<string, unknown>) => ConnectionOptions,
  environment: ConnectionEnvironment = { env: process.env, home: homedir() },
): ResolvedConnection {
  const file = connectionsFile(environment);
  const warnings: string[] = [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CkptError('CONNECTION_UNKNOWN', `connection ${name}: no connections file at ${file}`, {
      hint: HINTS.connectionsFileMissing(name),
    });
  }
  const looseness = permissionProblem(file);
  if (looseness === 'writable') {
    throw new CkptError('CONNECTION_UNKNOWN', `${file} can be changed by other users; snowflake-sdk refuses it`, {
      hint: HINTS.chmod(file),
    });
  }
  if (looseness === 'readable') warnings.push(`${file} holds credentials and is readable by other users; run: chmod 600 ${file}`);

  let parsed: Record<string, unknown>;
  try {
    parsed = toml.parse(text) as Record<string, unknown>;
  } catch (error) {
    const e = error as { line?: number; column?: number; message: string };
    throw new CkptError('CONNECTION_UNKNOWN', `${file}:${e.line ?? 1}:${e.column ?? 1}: not valid TOML: ${e.message}`, { cause: error });
  }
  const sections = entries(parsed);
  const entry = sections.get(name);
  if (entry === undefined) {
    const known = [...sections.keys()];
    throw new CkptError('CONNECTION_UNKNOWN', `connection ${name} is not in ${file}`, {
      hint: HINTS.knownConnections(known, name),
    });
  }

  const options = normalize(withAliases(entry));
  for (const [key, value] of Object.entries(envOverrides(name, environment.env))) options[key] = value;
  for (const key of SECRET_FILE_KEYS) {
    const path = options[key];
    if (typeof path === 'string' && permissionProblem(path) !== null) {
      warnings.push(`${path} holds a secret and is readable by other users; run: chmod 600 ${path}`);
    }
  }
  return { name, file, options, warnings };
}

/** Sections of connections.toml: top-level tables, and `[connections.<name>]` tables. */
function entries(parsed: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const isTable = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'connections' && isTable(value)) {
      for (const [inner, table] of Object.entries(value)) if (isTable(table)) out.set(inner, table);
    } else if (isTable(value)) {
      out.set(key, value);
    }
  }
  return out;
}

/** Spellings the sdk's normaliser does not know: key-pair passphrase and key path. */
function withAliases(entry: Record<string, unknown>): Record<string, unknown> {
  const out = { ...entry };
  for (const alias of ['private_key_passphrase', 'private_key_file_pwd', 'private_key_pwd']) {
    if (out[alias] !== undefined && out.private_key_pass === undefined) out.private_key_pass = out[alias];
    delete out[alias];
  }
  if (out.private_key_path !== undefined && out.private_key_file === undefined) out.private_key_file = out.private_key_path;
  delete out.private_key_path;
  return out;
}

/** `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>=value` overrides, as the Snowflake CLI reads them; plus PRIVATE_KEY_PASSPHRASE. */
function envOverrides(name: string, env: Record<string, string | undefined>): ConnectionOptions {
  const prefix = `SNOWFLAKE_CONNECTIONS_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(prefix) && value !== undefined) raw[key.slice(prefix.length).toLowerCase()] = value;
  }
  if (env.PRIVATE_KEY_PASSPHRASE !== undefined && raw.private_key_passphrase === undefined)
    raw.private_key_passphrase = env.PRIVATE_KEY_PASSPHRASE;
  const mapped = withAliases(raw);
  const out: ConnectionOptions = {};
  for (const [key, value] of Object.entries(mapped)) {
    out[
      key === 'user'
        ? 'username'
        : key === 'private_key_file'
          ? 'privateKeyPath'
          : key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
    ] = value;
  }
  return out;
}

/** 'writable' when group/others may write or execute, 'readable' when they may read, else null. */
function permissionProblem(path: string): 'writable' | 'readable' | null {
  try {
    const mode = statSync(path).mode;
    if ((mode & 0o033) !== 0) return 'writable';
    if ((mode & 0o044) !== 0) return 'readable';
    return null;
  } catch {
    return null;
  }
}

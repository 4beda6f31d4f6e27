/**
 * Finds a named connection the way the Snowflake CLI does (snowflake-config-files.ts: which
 * folder, which file, which section) and makes driver options of it, with the CLI's precedence:
 * `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>` variables override the entry's keys, the entry's keys win
 * over the generic `SNOWFLAKE_<KEY>` variables (which only fill in keys the entry lacks), and
 * `PRIVATE_KEY_PASSPHRASE` wins over a passphrase in the file. Keys are mapped with snowflake-sdk's
 * own normaliser. Says clearly what is wrong (no file, no entry, loose permissions) before the
 * driver's generic error would, and records which variables it applied, by name. Never logs a value.
 */
import type { ConnectionPlace } from '../../config/schemas-apart.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import {
  filePermissions,
  processEnvironment,
  readConnections,
  type ConnectionCatalog,
  type ConnectionEntry,
  type ConnectionEnvironment,
} from './snowflake-config-files.js';

export type { ConnectionEnvironment } from './snowflake-config-files.js';

/** Driver options for one connection (may hold secrets: never log or print). */
export type ConnectionOptions = Record<string, unknown>;

/** A resolved connection: driver options, where they came from, and warnings for a person. */
export interface ResolvedConnection {
  name: string;
  /** The file the entry is in, or `$SNOWFLAKE_CONNECTIONS`. */
  file: string;
  /** The entry's section as written there, e.g. `[dev]` or `[connections.dev]`. */
  section: string;
  /** Why the folder is the one it is (`$SNOWFLAKE_HOME`, `~/.snowflake exists`, the platform folder). */
  folderReason: string;
  /** The environment variables that changed or filled in keys, by name (never their values). */
  overrides: string[];
  options: ConnectionOptions;
  warnings: string[];
}

/** Keys whose values are secrets: never shown, logged or stored. */
export const SECRET_KEYS = ['password', 'token', 'privateKey', 'privateKeyPass', 'passcode', 'oauthClientSecret'] as const;

/**
 * The generic `SNOWFLAKE_<KEY>` variables the Snowflake CLI reads for the connection it uses
 * (SUPPORTED_ENV_OVERRIDES in its snow_connector.py) that snowflake-sdk has an option for.
 */
export const GENERIC_ENV_KEYS = [
  'account',
  'user',
  'password',
  'host',
  'port',
  'protocol',
  'authenticator',
  'workload_identity_provider',
  'private_key_file',
  'private_key_path',
  'private_key_raw',
  'database',
  'schema',
  'role',
  'warehouse',
  'token',
  'token_file_path',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_authorization_url',
  'oauth_token_request_url',
  'oauth_redirect_uri',
  'oauth_scope',
  'oauth_enable_single_use_refresh_tokens',
  'client_store_temporary_credential',
] as const;

/** Keys whose text from a variable means a boolean, as the CLI coerces them. */
const BOOLEAN_KEYS = new Set(['oauth_enable_single_use_refresh_tokens', 'client_store_temporary_credential']);

/** The prefix of a connection's own variables, `SNOWFLAKE_CONNECTIONS_<NAME>_` (the name upper-cased, as the CLI builds it). */
export function connectionEnvPrefix(name: string): string {
  return `SNOWFLAKE_CONNECTIONS_${name.toUpperCase()}_`;
}

/** Reads a connection entry, mapped to snowflake-sdk options. */
export function resolveConnection(
  name: string,
  normalize: (options: Record<string, unknown>) => ConnectionOptions,
  environment: ConnectionEnvironment = processEnvironment(),
): ResolvedConnection {
  const catalog = readConnections(environment);
  const entry = catalog.entries.get(name) ?? missing(name, catalog, environment);
  const { raw, overrides } = withEnvironment(name, entry.values, environment.env);
  const options = normalize(coerce(withAliases(raw)));
  const warnings = [...catalog.warnings];
  for (const [key, rule] of [
    ['privateKeyPath', 'key'],
    ['tokenFilePath', 'driver'],
  ] as const) {
    const path = options[key];
    if (typeof path !== 'string') continue;
    const verdict = filePermissions(path, rule, environment);
    if (verdict.refuse !== null)
      throw new CkptError('CONNECTION_UNKNOWN', `connection ${name}: ${verdict.refuse}`, { hint: HINTS.chmod(path) });
    if (verdict.warn !== null) warnings.push(verdict.warn);
  }
  return { name, file: entry.file, section: entry.section, folderReason: catalog.folder.reason, overrides, options, warnings };
}

/**
 * Where a connection leads, from its entry and the environment as the driver would read them
 * (without loading it): the account's host (its `host`, else `<account>.snowflakecomputing.com`),
 * port (443 unless given) and default database. Null when the connection cannot be resolved or
 * names no account: it fails on its own when a command uses it.
 */
export function connectionPlace(name: string, environment: ConnectionEnvironment = processEnvironment()): ConnectionPlace | null {
  let raw: Record<string, unknown>;
  try {
    const entry = readConnections(environment).entries.get(name);
    if (entry === undefined) return null;
    raw = coerce(withEnvironment(name, entry.values, environment.env).raw);
  } catch {
    return null;
  }
  const text = (key: string) => (typeof raw[key] === 'string' && raw[key] !== '' ? raw[key] : null);
  const account = text('account');
  const host = text('host') ?? (account === null ? null : `${account}.snowflakecomputing.com`);
  if (host === null) return null;
  const port = typeof raw.port === 'number' ? raw.port : 443;
  return { host: host.toLowerCase(), port, database: text('database') };
}

/** Throws the error for a name that is not among the connections, saying where ckpt looked. */
function missing(name: string, catalog: ConnectionCatalog, environment: ConnectionEnvironment): never {
  if (catalog.source === null) {
    throw new CkptError(
      'CONNECTION_UNKNOWN',
      `connection ${name}: no connections.toml or config.toml in ${catalog.folder.dir} (${catalog.folder.reason})`,
      { hint: HINTS.connectionsFileMissing(name) },
    );
  }
  let shadowed: ConnectionEntry | undefined;
  try {
    shadowed = readConnections(environment, { withConfigToml: true }).shadowed.get(name);
  } catch {
    shadowed = undefined;
  }
  if (shadowed !== undefined) {
    throw new CkptError('CONNECTION_UNKNOWN', `connection ${name} is not in ${catalog.source}`, {
      hint: HINTS.connectionShadowed(name, shadowed.file, catalog.source),
    });
  }
  throw new CkptError('CONNECTION_UNKNOWN', `connection ${name} is not in ${catalog.source}`, {
    hint: HINTS.knownConnections([...catalog.entries.keys()], name),
  });
}

/**
 * The entry with the environment applied, as the Snowflake CLI applies it: the connection's own
 * variables override, the generic ones fill in what is still missing, PRIVATE_KEY_PASSPHRASE
 * wins. Keys are snake_case here (the file's spelling); `overrides` names the variables used.
 */
function withEnvironment(
  name: string,
  entry: Record<string, unknown>,
  env: Record<string, string | undefined>,
): { raw: Record<string, unknown>; overrides: string[] } {
  const raw = withAliases({ ...entry });
  const overrides: string[] = [];
  const prefixes = [...new Set([connectionEnvPrefix(name), connectionEnvPrefix(name.replace(/[^A-Za-z0-9]/g, '_'))])];
  for (const [variable, value] of Object.entries(env)) {
    const prefix = prefixes.find((p) => variable.startsWith(p));
    if (prefix === undefined || value === undefined) continue;
    Object.assign(raw, withAliases({ [variable.slice(prefix.length).toLowerCase()]: value }));
    overrides.push(variable);
  }
  for (const key of GENERIC_ENV_KEYS) {
    const variable = `SNOWFLAKE_${key.toUpperCase()}`;
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const aliased = withAliases({ [key]: value });
    const [target] = Object.keys(aliased);
    if (target !== undefined && raw[target] === undefined) {
      raw[target] = value;
      overrides.push(variable);
    }
  }
  const passphrase = env.PRIVATE_KEY_PASSPHRASE;
  if (passphrase !== undefined && passphrase !== '') {
    raw.private_key_pass = passphrase;
    overrides.push('PRIVATE_KEY_PASSPHRASE');
  }
  return { raw, overrides: overrides.sort() };
}

/** Spellings the sdk's normaliser does not know: key-pair passphrase, key path, raw key. */
function withAliases(entry: Record<string, unknown>): Record<string, unknown> {
  const out = { ...entry };
  for (const alias of ['private_key_passphrase', 'private_key_file_pwd', 'private_key_pwd']) {
    if (out[alias] !== undefined && out.private_key_pass === undefined) out.private_key_pass = out[alias];
    delete out[alias];
  }
  for (const [alias, key] of [
    ['private_key_path', 'private_key_file'],
    ['private_key_raw', 'private_key'],
  ] as const) {
    if (out[alias] !== undefined && out[key] === undefined) out[key] = out[alias];
    delete out[alias];
  }
  return out;
}

/** Text from variables as the driver wants it: a port as a number, boolean keys as booleans. */
function coerce(raw: Record<string, unknown>): Record<string, unknown> {
  const out = { ...raw };
  if (typeof out.port === 'string' && /^\d+$/.test(out.port)) out.port = Number(out.port);
  for (const key of BOOLEAN_KEYS) {
    const value = out[key];
    if (typeof value === 'string' && /^(true|false|1|0)$/i.test(value)) out[key] = /^(true|1)$/i.test(value);
  }
  return out;
}

/**
 * Where the Snowflake CLI keeps its files and what is in them, read the way the CLI reads them
 * (snowflake-connector-python's `sf_dirs.py` and `config_manager.py`, which the CLI uses):
 *
 * - the folder: `$SNOWFLAKE_HOME` when it exists; else `~/.snowflake` when it exists (only when
 *   SNOWFLAKE_HOME is unset); else the platform's config folder (platformdirs `user_config_dir`
 *   of `snowflake`: `$XDG_CONFIG_HOME/snowflake` or `~/.config/snowflake` on Linux, the same
 *   `$XDG_CONFIG_HOME` or `~/Library/Application Support/snowflake` on macOS,
 *   `%LOCALAPPDATA%\snowflake` on Windows);
 * - connections: `$SNOWFLAKE_CONNECTIONS` (a whole TOML document) when set; else
 *   `connections.toml` (sections `[name]`) when it exists, which then replaces every connection
 *   of `config.toml`; else `config.toml`'s `[connections.name]` sections;
 * - `default_connection_name` at the top of `config.toml`, under `$SNOWFLAKE_DEFAULT_CONNECTION_NAME`.
 *
 * Files are TOML 1.0 (smol-toml); a parse error names file:line:col and never quotes the file's
 * text (it may hold a secret). Permission rules: snowflake-sdk's for connections.toml and
 * secret files, the Snowflake CLI's for config.toml, none on Windows (filePermissions below).
 * The environment, home folder, platform and user id are injectable so that tests cover every
 * platform's folder and rule without running on it. Never logs a value.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';

/** The environment, home folder, platform and user used to find and check the files (injectable for tests). */
export interface ConnectionEnvironment {
  env: Record<string, string | undefined>;
  home: string;
  /** Default `process.platform`: decides the platform folder and whether mode bits are checked (not on win32). */
  platform?: NodeJS.Platform;
  /** The user the files must belong to (snowflake-sdk's owner check); default `process.getuid()`, null to skip. */
  uid?: number | null;
}

/** The process's own environment. */
export function processEnvironment(): ConnectionEnvironment {
  return { env: process.env, home: homedir(), platform: process.platform, uid: process.getuid?.() ?? null };
}

/** The Snowflake CLI's folder and why it is that one. */
export interface SnowflakeFolder {
  dir: string;
  /** In words: `$SNOWFLAKE_HOME`, `~/.snowflake exists`, or the platform folder and its rule. */
  reason: string;
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

function pathOf(environment: ConnectionEnvironment): typeof posix {
  return (environment.platform ?? process.platform) === 'win32' ? win32 : posix;
}

/** `~` and `~/x` (also `~\x` on Windows) under the home folder, as Python's expanduser. */
function expandHome(path: string, environment: ConnectionEnvironment): string {
  if (path === '~') return environment.home;
  const windows = (environment.platform ?? process.platform) === 'win32';
  if (path.startsWith('~/') || (windows && path.startsWith('~\\'))) return pathOf(environment).join(environment.home, path.slice(2));
  return path;
}

/** The platform's config folder for `snowflake` (platformdirs `user_config_dir`, appauthor off). */
export function platformFolder(environment: ConnectionEnvironment): SnowflakeFolder {
  const platform = environment.platform ?? process.platform;
  const { env, home } = environment;
  if (platform === 'win32') {
    const base = set(env.LOCALAPPDATA) ? env.LOCALAPPDATA : win32.join(home, 'AppData', 'Local');
    return { dir: win32.join(base, 'snowflake'), reason: 'the Windows folder (%LOCALAPPDATA%\\snowflake)' };
  }
  if (set(env.XDG_CONFIG_HOME)) {
    return { dir: posix.join(env.XDG_CONFIG_HOME.trim(), 'snowflake'), reason: 'the platform folder ($XDG_CONFIG_HOME/snowflake)' };
  }
  if (platform === 'darwin') {
    return {
      dir: posix.join(home, 'Library', 'Application Support', 'snowflake'),
      reason: 'the macOS folder (~/Library/Application Support/snowflake)',
    };
  }
  return { dir: posix.join(home, '.config', 'snowflake'), reason: 'the platform folder (~/.config/snowflake)' };
}

/**
 * The folder the Snowflake CLI reads: `$SNOWFLAKE_HOME` if it exists, else `~/.snowflake` if
 * SNOWFLAKE_HOME is unset and it exists, else the platform folder (a SNOWFLAKE_HOME that does
 * not exist falls through to the platform folder, as in sf_dirs.py). An empty SNOWFLAKE_HOME
 * counts as unset, as snowflake-sdk reads it.
 */
export function snowflakeFolder(environment: ConnectionEnvironment): SnowflakeFolder {
  const path = pathOf(environment);
  const home = environment.env.SNOWFLAKE_HOME;
  if (set(home)) {
    const dir = expandHome(home, environment);
    if (existsSync(dir)) return { dir, reason: '$SNOWFLAKE_HOME' };
    const fallback = platformFolder(environment);
    return { dir: fallback.dir, reason: `${fallback.reason}, as $SNOWFLAKE_HOME (${dir}) does not exist` };
  }
  const dotted = path.join(environment.home, '.snowflake');
  if (existsSync(dotted)) return { dir: dotted, reason: '~/.snowflake exists' };
  return platformFolder(environment);
}

/** One connection as written: its TOML table, and where it is. */
export interface ConnectionEntry {
  name: string;
  /** The file, or `$SNOWFLAKE_CONNECTIONS`. */
  file: string;
  /** How the section is written there: `[dev]` or `[connections.dev]`. */
  section: string;
  values: Record<string, unknown>;
}

/** The connections the Snowflake CLI would see, and where they come from. */
export interface ConnectionCatalog {
  folder: SnowflakeFolder;
  connectionsFile: string;
  configFile: string;
  /** Where the connections come from: `$SNOWFLAKE_CONNECTIONS`, connections.toml or config.toml; null when none of them is there. */
  source: string | null;
  entries: Map<string, ConnectionEntry>;
  /** Connections of config.toml that connections.toml (or $SNOWFLAKE_CONNECTIONS) replaces, by name. */
  shadowed: Map<string, ConnectionEntry>;
  /** Permission warnings, for a person (paths and modes only). */
  warnings: string[];
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** Parses TOML 1.0; an error names `label:line:col` and what is wrong, never the text. */
export function parseToml(text: string, label: string): Record<string, unknown> {
  try {
    return parse(text, { unsafeKeyBehaviour: 'drop' }) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // The message's first line says what is wrong; the lines after it quote the file (maybe a secret).
    const what = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
    throw new CkptError('CONNECTION_UNKNOWN', `${label}:${error.line}:${error.column}: not valid TOML: ${what}`, {
      hint: HINTS.tomlSyntax,
    });
  }
}

/** Sections of connections.toml (`[name]`, and ckpt also takes `[connections.name]`). */
function connectionsTomlEntries(parsed: Record<string, unknown>, file: string): Map<string, ConnectionEntry> {
  const out = new Map<string, ConnectionEntry>();
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'connections' && isTable(value) && Object.values(value).some(isTable)) {
      for (const [inner, table] of Object.entries(value))
        if (isTable(table)) out.set(inner, { name: inner, file, section: `[connections.${inner}]`, values: table });
    } else if (isTable(value)) {
      out.set(key, { name: key, file, section: `[${key}]`, values: value });
    }
  }
  return out;
}

/** `[connections.name]` sections of config.toml. */
function configTomlEntries(parsed: Record<string, unknown>, file: string): Map<string, ConnectionEntry> {
  const out = new Map<string, ConnectionEntry>();
  const connections = parsed.connections;
  if (!isTable(connections)) return out;
  for (const [name, table] of Object.entries(connections))
    if (isTable(table)) out.set(name, { name, file, section: `[connections.${name}]`, values: table });
  return out;
}

/** Reads a file holding credentials after checking its permissions under `rule`; null when it does not exist. */
function readChecked(file: string, rule: PermissionRule, environment: ConnectionEnvironment, warnings: string[]): string | null {
  if (!existsSync(file)) return null;
  const verdict = filePermissions(file, rule, environment);
  if (verdict.refuse !== null) throw new CkptError('CONNECTION_UNKNOWN', verdict.refuse, { hint: HINTS.chmod(file) });
  if (verdict.warn !== null) warnings.push(verdict.warn);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CkptError('CONNECTION_UNKNOWN', `cannot read ${file}: ${(error as Error).message}`, { hint: HINTS.chmod(file) });
  }
}

/**
 * The connections the Snowflake CLI would see. config.toml is read only when it matters: when
 * it is where the connections come from, or with `withConfigToml` (to report what it shadows).
 */
export function readConnections(environment: ConnectionEnvironment, options: { withConfigToml?: boolean } = {}): ConnectionCatalog {
  const folder = snowflakeFolder(environment);
  const path = pathOf(environment);
  const connectionsFile = path.join(folder.dir, 'connections.toml');
  const configFile = path.join(folder.dir, 'config.toml');
  const warnings: string[] = [];
  let source: string | null = null;
  let entries = new Map<string, ConnectionEntry>();
  const inline = environment.env.SNOWFLAKE_CONNECTIONS;
  if (set(inline)) {
    source = '$SNOWFLAKE_CONNECTIONS';
    entries = connectionsTomlEntries(parseToml(inline, source), source);
  } else {
    const text = readChecked(connectionsFile, 'driver', environment, warnings);
    if (text !== null) {
      source = connectionsFile;
      entries = connectionsTomlEntries(parseToml(text, connectionsFile), connectionsFile);
    }
  }
  let shadowed = new Map<string, ConnectionEntry>();
  if (source === null || options.withConfigToml === true) {
    const text = readChecked(configFile, 'cli', environment, warnings);
    if (text !== null) {
      const fromConfig = configTomlEntries(parseToml(text, configFile), configFile);
      if (source === null) {
        source = configFile;
        entries = fromConfig;
      } else {
        shadowed = fromConfig;
      }
    }
  }
  return { folder, connectionsFile, configFile, source, entries, shadowed, warnings };
}

/** The Snowflake CLI's default connection: $SNOWFLAKE_DEFAULT_CONNECTION_NAME, else config.toml's `default_connection_name`. */
export interface DefaultConnection {
  name: string;
  /** `$SNOWFLAKE_DEFAULT_CONNECTION_NAME`, or `<config.toml> default_connection_name`. */
  source: string;
}

/** The default connection the Snowflake CLI would use, or null when neither sets one (the CLI then tries `default`). */
export function defaultConnection(environment: ConnectionEnvironment): DefaultConnection | null {
  const fromEnv = environment.env.SNOWFLAKE_DEFAULT_CONNECTION_NAME;
  if (set(fromEnv)) return { name: fromEnv, source: '$SNOWFLAKE_DEFAULT_CONNECTION_NAME' };
  const configFile = pathOf(environment).join(snowflakeFolder(environment).dir, 'config.toml');
  const text = readChecked(configFile, 'cli', environment, []);
  if (text === null) return null;
  const name = parseToml(text, configFile).default_connection_name;
  return typeof name === 'string' && name !== '' ? { name, source: `${configFile} default_connection_name` } : null;
}

/**
 * Whose rules a file's permissions are checked under: snowflake-sdk's (`driver`: its
 * `validateNoExtraPermissionsForOthers`, for connections.toml and token files), the Snowflake
 * CLI's (`cli`: config.toml), or ckpt's own for a private key file (`key`: a warning when others
 * may read it; the driver does not check key files).
 */
export type PermissionRule = 'driver' | 'cli' | 'key';

/** What a file's mode means: a reason to refuse it, and a warning; null when none. */
export interface PermissionVerdict {
  refuse: string | null;
  warn: string | null;
}

/** The Snowflake CLI's reading of a boolean environment variable (true/false/1/0); unparsable is false. */
function cliBoolean(value: string): boolean {
  return value.toLowerCase() === 'true' || value === '1';
}

/** Whether the CLI's skip variables relax a readable config file to a warning (public one first, then the SPCS one). */
function cliSkips(env: Record<string, string | undefined>): boolean {
  const value = env.SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION ?? env.SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION;
  return value !== undefined && cliBoolean(value);
}

/**
 * What a file's mode and owner mean under a rule (pure). None of it applies on Windows, which
 * has no mode bits. `driver`, as snowflake-sdk 3.3's `validateNoExtraPermissionsForOthers`:
 * skipped when $SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION is set; readable by group or others is a
 * warning; any execute bit, write by group or others, an owner without read and write, or
 * another owner are refused. `cli`, as the Snowflake CLI's check of its default config files:
 * write by group or others is refused; read by them is refused too unless
 * $SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION (or the SPCS $SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION)
 * is true, then a warning. `key`: read by group or others is a warning.
 */
export function permissionVerdict(
  file: string,
  stat: { mode: number; uid: number },
  rule: PermissionRule,
  environment: ConnectionEnvironment,
): PermissionVerdict {
  const verdict: PermissionVerdict = { refuse: null, warn: null };
  if ((environment.platform ?? process.platform) === 'win32') return verdict;
  const mode = stat.mode & 0o777;
  const octal = mode.toString(8).padStart(3, '0');
  const readable = (mode & 0o044) !== 0;
  const chmod = `run: chmod 600 ${file}`;
  if (rule === 'key') {
    if (readable) verdict.warn = `${file} holds a secret and is readable by other users (mode ${octal}); ${chmod}`;
    return verdict;
  }
  if (rule === 'cli') {
    if ((mode & 0o022) !== 0) verdict.refuse = `${file} can be changed by other users (mode ${octal}); the Snowflake CLI refuses it`;
    else if (readable && cliSkips(environment.env)) verdict.warn = `${file} is readable by other users (mode ${octal}); ${chmod}`;
    else if (readable)
      verdict.refuse = `${file} is readable by other users (mode ${octal}); the Snowflake CLI refuses it (SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION=true makes it a warning)`;
    return verdict;
  }
  if (set(environment.env.SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION)) return verdict;
  if (readable) verdict.warn = `${file} holds credentials and is readable by other users (mode ${octal}); ${chmod}`;
  const uid = environment.uid === undefined ? (process.getuid?.() ?? null) : environment.uid;
  if ((mode & 0o111) !== 0) verdict.refuse = `${file} is executable (mode ${octal}); snowflake-sdk refuses it`;
  else if ((mode & 0o022) !== 0) verdict.refuse = `${file} can be changed by other users (mode ${octal}); snowflake-sdk refuses it`;
  else if ((mode & 0o600) !== 0o600)
    verdict.refuse = `${file} is not readable and writable by its owner (mode ${octal}); snowflake-sdk refuses it`;
  else if (uid !== null && stat.uid !== uid)
    verdict.refuse = `${file} belongs to another user (uid ${stat.uid}); snowflake-sdk refuses it (run: chown $USER ${file})`;
  return verdict;
}

/** permissionVerdict of a file on disk; nothing to say when it cannot be stat'ed (reading it then fails clearly). */
export function filePermissions(file: string, rule: PermissionRule, environment: ConnectionEnvironment): PermissionVerdict {
  try {
    return permissionVerdict(file, statSync(file), rule, environment);
  } catch {
    return { refuse: null, warn: null };
  }
}

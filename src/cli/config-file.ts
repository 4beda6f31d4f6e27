/**
 * Finds and loads the config for a command: `-f FILE`, else $CKPT_FILE, else the first
 * checkpoints.yaml in the current folder or a folder above it, looking no further up than the
 * git repository's root (the folder holding `.git`) or the filesystem's root. Relative paths the
 * file implies (the embedded warehouse's `.ckpt/` folder) are next to the file, wherever the
 * command runs. Prints diagnostics (file:line:col) and warnings; invalid files stop the command
 * before any connection is opened, and so do two targets whose connections lead to one schema;
 * the connection choices made outside the file (`--connection`,
 * $SNOWFLAKE_DEFAULT_CONNECTION_NAME) apply (engine/command-config.ts, shared with the daemon).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ConnectionChoice } from '../config/connections.js';
import { formatDiagnostic } from '../config/format.js';
import { loadCommandConfig } from '../engine/command-config.js';
import type { Desired } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Output } from './io.js';

/** The name of the config file looked for when none is given. */
const CONFIG_NAME = 'checkpoints.yaml';

/** Where a command's config is: given (`-f`, $CKPT_FILE), found, or not found between two folders. */
type ConfigLocation = { path: string } | { path: string; notFound: { from: string; upTo: string } };

/** The nearest checkpoints.yaml from `start` up to the git repository's root or the filesystem's root. */
function discover(start: string): ConfigLocation {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_NAME);
    if (existsSync(candidate)) return { path: candidate };
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir)
      return { path: join(start, CONFIG_NAME), notFound: { from: start, upTo: dir } };
  }
}

function locate(file: string | undefined): ConfigLocation {
  const given = file ?? (process.env.CKPT_FILE || undefined);
  return given === undefined ? discover(process.cwd()) : { path: resolve(given) };
}

/** The config path a command uses: `file` (-f), else $CKPT_FILE, else the checkpoints.yaml found from the current folder up (./checkpoints.yaml when there is none). */
export function configPath(file: string | undefined): string {
  return locate(file).path;
}

/** The connection choices of a command: its `--connection`, if given, and $SNOWFLAKE_DEFAULT_CONNECTION_NAME. */
export function connectionChoice(override: string | undefined, env: NodeJS.ProcessEnv = process.env): ConnectionChoice {
  return { override, environmentDefault: env.SNOWFLAKE_DEFAULT_CONNECTION_NAME || undefined };
}

/**
 * Loads and validates, printing diagnostics; throws CONFIG_INVALID when the file is not usable.
 * Applies `connections`, with a warning for each target `--connection` moves.
 */
export async function loadDesired(file: string | undefined, out: Output, connections: ConnectionChoice = {}): Promise<Desired> {
  const location = locate(file);
  if ('notFound' in location) {
    const { from, upTo } = location.notFound;
    const where = from === upTo ? from : `${from} or a folder above it up to ${upTo}`;
    throw new CkptError('CONFIG_NOT_FOUND', `no ${CONFIG_NAME} in ${where}`, { hint: HINTS.configMissing });
  }
  const path = location.path;
  const config = await loadCommandConfig(path, connections);
  for (const w of config.warnings) out.message(formatDiagnostic(w));
  for (const w of config.moved) out.message(`${out.paint('yellow', 'warning')}: ${w}`);
  if (config.desired !== null) return config.desired;
  for (const d of config.errors) out.message(formatDiagnostic(d));
  const errors = config.errors.filter((d) => d.severity === 'error').length;
  throw new CkptError('CONFIG_INVALID', `${path} has ${errors} error${errors === 1 ? '' : 's'}; nothing was done`, {
    hint: HINTS.fixConfig,
  });
}

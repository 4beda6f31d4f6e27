/**
 * Finds and loads the config for a command: `-f FILE`, else $CKPT_FILE, else the first
 * checkpoints.yaml in the current folder or a folder above it, looking no further up than the
 * git repository's root (the folder holding `.git`) or the filesystem's root. Relative paths the
 * file implies (the embedded warehouse's `.ckpt/` folder) are next to the file, wherever the
 * command runs. Prints diagnostics (file:line:col) and warnings; invalid files stop the command
 * before any connection is opened, and so do two targets whose connections lead to one schema
 * (config/schemas-apart.ts). Applies the connection choices made outside the file
 * (`--connection`, $SNOWFLAKE_DEFAULT_CONNECTION_NAME; see config/connections.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { chooseConnections, type ConnectionChoice } from '../config/connections.js';
import { formatDiagnostic } from '../config/format.js';
import { loadConfigFile } from '../config/load.js';
import { schemasApart } from '../config/schemas-apart.js';
import type { Desired } from '../model/desired.js';
import { CkptError, type Diagnostic } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import { connectionPlace } from '../warehouse/snowflake/snowflake-connection.js';
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
  const result = await loadConfigFile(path);
  if (!result.ok) invalid(path, result.diagnostics, out);
  for (const w of result.warnings) out.message(formatDiagnostic(w));
  const chosen = chooseConnections(result.desired, connections);
  for (const w of chosen.warnings) out.message(`${out.paint('yellow', 'warning')}: ${w}`);
  const apart = schemasApart(chosen.desired, (name) => connectionPlace(name));
  if (apart.length > 0) invalid(path, apart, out);
  return chosen.desired;
}

/** Prints the diagnostics and stops the command: CONFIG_INVALID, nothing done. */
function invalid(path: string, diagnostics: Diagnostic[], out: Output): never {
  for (const d of diagnostics) out.message(formatDiagnostic(d));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  throw new CkptError('CONFIG_INVALID', `${path} has ${errors} error${errors === 1 ? '' : 's'}; nothing was done`, {
    hint: HINTS.fixConfig,
  });
}

/**
 * Finds and loads the config for a command: `-f FILE`, else $CKPT_FILE, else
 * ./checkpoints.yaml. Prints diagnostics (file:line:col) and warnings; invalid files stop the
 * command before any connection is opened. Applies the connection choices made outside the file
 * (`--connection`, $SNOWFLAKE_DEFAULT_CONNECTION_NAME; see config/connections.ts).
 */
import { resolve } from 'node:path';
import { chooseConnections, type ConnectionChoice } from '../config/connections.js';
import { formatDiagnostic } from '../config/format.js';
import { loadConfigFile } from '../config/load.js';
import type { Desired } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Output } from './io.js';

/** The config path a command uses. */
export function configPath(file: string | undefined): string {
  return resolve(file ?? process.env.CKPT_FILE ?? 'checkpoints.yaml');
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
  const path = configPath(file);
  const result = await loadConfigFile(path);
  if (!result.ok) {
    for (const d of result.diagnostics) out.message(formatDiagnostic(d));
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    throw new CkptError('CONFIG_INVALID', `${path} has ${errors} error${errors === 1 ? '' : 's'}; nothing was done`, {
      hint: HINTS.fixConfig,
    });
  }
  for (const w of result.warnings) out.message(formatDiagnostic(w));
  const chosen = chooseConnections(result.desired, connections);
  for (const w of chosen.warnings) out.message(`${out.paint('yellow', 'warning')}: ${w}`);
  return chosen.desired;
}

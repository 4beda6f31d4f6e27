/**
 * Finds and loads the config for a command: `-f FILE`, else $CKPT_FILE, else
 * ./checkpoints.yaml. Prints diagnostics (file:line:col) and warnings; invalid files stop the
 * command before any connection is opened.
 */
import { resolve } from 'node:path';
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

/**
 * Loads and validates, printing diagnostics; throws CONFIG_INVALID when the file is not usable.
 * `connection` (from --connection or $SNOWFLAKE_DEFAULT_CONNECTION_NAME) replaces every
 * target's connection, with a note when it differs from the file's.
 */
export async function loadDesired(file: string | undefined, out: Output, connection?: string): Promise<Desired> {
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
  if (connection === undefined) return result.desired;
  for (const t of result.desired.targets.filter((x) => x.connection !== connection)) {
    out.message(`note: target ${t.name} uses connection ${connection} (the file says ${t.connection})`);
  }
  return { ...result.desired, targets: result.desired.targets.map((t) => ({ ...t, connection })) };
}

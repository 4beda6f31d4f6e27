/**
 * The config a command or the daemon acts on: the file loaded and validated (config/load.ts), the
 * connection choices made outside it applied (config/connections.ts), and each schema reached by
 * one target only across connection names (config/schemas-apart.ts, reading where each
 * connection leads from the connection files, without the driver). One place for the sequence,
 * so that `ckpt` and `ckpt daemon` refuse the same files.
 */
import { chooseConnections, type ConnectionChoice } from '../config/connections.js';
import { loadConfigFile } from '../config/load.js';
import { schemasApart } from '../config/schemas-apart.js';
import type { Desired } from '../model/desired.js';
import type { Diagnostic } from '../model/errors.js';
import { connectionPlace } from '../warehouse/snowflake/snowflake-connection.js';

/** What loading gave: the config (null when an error stops it), its errors, and what to warn about. */
export interface CommandConfig {
  desired: Desired | null;
  /** Why there is no config (file:line:col): parse, schema and rule errors, or two targets on one schema. */
  errors: Diagnostic[];
  /** The file's warnings. */
  warnings: Diagnostic[];
  /** One per target `--connection` moves away from the connection it would use otherwise. */
  moved: string[];
}

/** Loads `file` for a command with the connection choices made outside it. */
export async function loadCommandConfig(file: string, choice: ConnectionChoice): Promise<CommandConfig> {
  const loaded = await loadConfigFile(file);
  if (!loaded.ok) return { desired: null, errors: loaded.diagnostics, warnings: [], moved: [] };
  const chosen = chooseConnections(loaded.desired, choice);
  const apart = schemasApart(chosen.desired, (name) => connectionPlace(name));
  return { desired: apart.length > 0 ? null : chosen.desired, errors: apart, warnings: loaded.warnings, moved: chosen.warnings };
}

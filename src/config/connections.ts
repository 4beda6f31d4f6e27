/**
 * Which connection each target uses when something outside the file has a say. The file wins
 * over the environment: $SNOWFLAKE_DEFAULT_CONNECTION_NAME only fills in for a target whose file
 * names no connection (neither its own `connection:` nor the top-level one), which otherwise is
 * the embedded warehouse. Moving a target the file places elsewhere takes an explicit
 * `--connection NAME`, and is loud: a warning per target it moves. Pure.
 *
 * The Snowflake CLI's other default, `default_connection_name` in its config.toml, is not
 * followed: it is a lasting setting of the machine made for `snow` (`snow connection
 * set-default`), often naming a real account, while a file that names no connection is how a
 * demo on the embedded warehouse is written. Following it would send such a file's drops to that
 * account. The variable is set on purpose, for a shell or a CI job, so it alone fills in;
 * `ckpt connection test` warns when config.toml names a default that a file's unnamed targets
 * do not follow.
 */
import { LOCAL_CONNECTION, type Desired, type Target } from '../model/desired.js';

/** Connection choices made outside the file. */
export interface ConnectionChoice {
  /** `--connection NAME`: every target on this connection, each move warned about. */
  override?: string;
  /** $SNOWFLAKE_DEFAULT_CONNECTION_NAME: the connection of the targets whose file names none. */
  environmentDefault?: string;
}

/** A config with the outside choices applied, and the warnings to show for it. */
export interface ChosenConnections {
  desired: Desired;
  /** One per target that `--connection` moves away from the connection it would use otherwise. */
  warnings: string[];
}

/** The connection a target uses without `--connection`, and where that comes from, in words. */
function withoutOverride(target: Target, environmentDefault: string | undefined): { connection: string; source: string } {
  if (target.connectionDeclared) return { connection: target.connection, source: `the file says ${target.connection}` };
  if (environmentDefault !== undefined)
    return { connection: environmentDefault, source: `$SNOWFLAKE_DEFAULT_CONNECTION_NAME says ${environmentDefault}` };
  return { connection: LOCAL_CONNECTION, source: `the file names none: ${LOCAL_CONNECTION}` };
}

/** Applies `--connection` and $SNOWFLAKE_DEFAULT_CONNECTION_NAME to every target of a config. */
export function chooseConnections(desired: Desired, choice: ConnectionChoice): ChosenConnections {
  const warnings: string[] = [];
  const targets = desired.targets.map((target) => {
    const usual = withoutOverride(target, choice.environmentDefault);
    const connection = choice.override ?? usual.connection;
    if (connection !== usual.connection) {
      warnings.push(
        `--connection ${connection} overrides the connection of target ${target.name} (${usual.source}): it reads and writes on ${connection}`,
      );
    }
    return connection === target.connection ? target : { ...target, connection };
  });
  return { desired: { ...desired, targets }, warnings };
}

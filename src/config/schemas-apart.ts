/**
 * Each schema once, across connection names: two Snowflake connections that lead to the same
 * account (the same host and port) and default database, or name it, reach the same schema, and
 * two targets on them would each drop what the other protects and keeps (its audit table
 * included). The file's own rules (rules.ts) compare connection names as written; this compares
 * where the connections lead once `--connection` has applied, read from the connection files and
 * the environment (injected: pure here).
 * A connection that cannot be resolved, or a target whose database is known to neither the file
 * nor its connection, is not compared: it fails, or is checked, when a command uses it.
 */
import { LOCAL_CONNECTION, type Desired, type Target } from '../model/desired.js';
import type { Diagnostic } from '../model/errors.js';
import { parseIdentifier } from '../model/refs.js';

/** Where a connection leads: its account's host and port, and its default database as written. */
export interface ConnectionPlace {
  host: string;
  port: number;
  database: string | null;
}

/** The schema a target reaches, as a comparable key and in words; null when it cannot be known. */
function reach(target: Target, place: (connection: string) => ConnectionPlace | null): { key: string; words: string } | null {
  if (target.connection === LOCAL_CONNECTION) return null;
  const at = place(target.connection);
  if (at === null) return null;
  const parsed = at.database === null ? null : parseIdentifier(at.database);
  const database = target.database ?? (parsed === null ? null : parsed.ok ? parsed.name : at.database);
  if (database === null) return null;
  return {
    key: JSON.stringify([at.host, at.port, database, target.schema]),
    words: `${database}.${target.schema} on ${at.host}${at.port === 443 ? '' : `:${at.port}`}`,
  };
}

/** An error for each target that reaches a schema an earlier target on another connection name reaches. */
export function schemasApart(desired: Desired, place: (connection: string) => ConnectionPlace | null): Diagnostic[] {
  const places = new Map<string, ConnectionPlace | null>();
  const placeOnce = (connection: string) => {
    if (!places.has(connection)) places.set(connection, place(connection));
    return places.get(connection) ?? null;
  };
  const seen = new Map<string, Target>();
  const errors: Diagnostic[] = [];
  desired.targets.forEach((target, i) => {
    const reached = reach(target, placeOnce);
    if (reached === null) return;
    const first = seen.get(reached.key);
    if (first === undefined) {
      seen.set(reached.key, target);
      return;
    }
    // The same name is the file's own rule (rules.ts), unless --connection moved both targets there.
    const how =
      first.connection === target.connection
        ? `both on connection ${target.connection}`
        : `connections ${first.connection} and ${target.connection} lead to the same account`;
    errors.push({
      severity: 'error',
      file: desired.file,
      line: target.position.line,
      col: target.position.col,
      pointer: `/targets/${i}`,
      message:
        `target \`${target.name}\` reaches ${reached.words}, as target \`${first.name}\` at line ${first.position.line} does: ` +
        `${how}, so each target would drop what the other keeps; ` +
        'declare each schema once and merge the two targets',
    });
  });
  return errors;
}

/**
 * What observe makes of INFORMATION_SCHEMA.TABLES rows of every kind, and who owns what: tables
 * (hybrid and transient ones too) and views are ckpt's to manage; dynamic and Iceberg tables (BASE
 * TABLEs marked IS_DYNAMIC / IS_ICEBERG), materialized views, external and event tables, and any kind
 * Snowflake adds later, are listed as not managed (docs/snowflake-behaviour.md, "Table kinds"), never
 * silently left out. Ownership is decided against the session's roles: owners other than its
 * CURRENT_ROLE() are asked with IS_ROLE_IN_SESSION in one statement (snowflake-roles.ts).
 */
import type { Ownership, UnmanagedObject } from '../../model/observed.js';
import type { SnowflakeRow } from './snowflake-driver.js';
import { rolesHeld } from './snowflake-roles.js';

/** The kinds INFORMATION_SCHEMA.TABLES names by TABLE_TYPE that ckpt does not manage, as said in a plan. */
const UNMANAGED_TYPES: Record<string, string> = {
  'MATERIALIZED VIEW': 'materialized view',
  'EXTERNAL TABLE': 'external table',
  'EVENT TABLE': 'event table',
};

/** `TABLE`, `VIEW`, or what kind of object ckpt does not manage a row is (e.g. `dynamic table`). */
export function kindOfRow(row: SnowflakeRow): 'TABLE' | 'VIEW' | { unmanaged: string } {
  const type = String(row.TABLE_TYPE ?? '');
  if (type === 'VIEW') return 'VIEW';
  if (type === 'BASE TABLE') {
    if (row.IS_DYNAMIC === 'YES') return { unmanaged: 'dynamic table' };
    if (row.IS_ICEBERG === 'YES') return { unmanaged: 'Iceberg table' };
    return 'TABLE';
  }
  return { unmanaged: UNMANAGED_TYPES[type] ?? type.toLowerCase() };
}

/** The rows of kinds ckpt does not manage, as the plan names them. */
export function unmanagedObjects(rows: SnowflakeRow[]): UnmanagedObject[] {
  return rows.flatMap((row) => {
    const kind = kindOfRow(row);
    return typeof kind === 'string' ? [] : [{ name: String(row.NAME), kind: kind.unmanaged }];
  });
}

/** Whether a SHOW TABLES HISTORY row is of a kind ckpt manages (not dynamic, Iceberg, external or event). */
export function managedVersion(row: SnowflakeRow): boolean {
  return ['is_dynamic', 'is_iceberg', 'is_external', 'is_event'].every((flag) => String(row[flag] ?? 'N').toUpperCase() !== 'Y');
}

/**
 * Who owns each object, and whether the session's role does: `role` (CURRENT_ROLE()) owns what it
 * is the owner of; other owners are asked in one round trip; an owner ckpt cannot see owns nothing
 * of ckpt's. `owners` are TABLE_OWNER values of live objects and `owner` values of SHOW rows.
 */
export async function ownershipOf(
  run: (sql: string) => Promise<SnowflakeRow[]>,
  role: string | null,
  owners: Array<string | null>,
): Promise<(owner: string | null) => Ownership> {
  const others = owners.filter((o): o is string => o !== null && o !== '' && o !== role);
  const held = await rolesHeld(run, others);
  return (owner) => {
    const known = owner === null || owner === '' ? null : owner;
    return { owner: known, owned: known !== null && (known === role || held.has(known)) };
  };
}

/** A text cell, or null when empty. */
export function ownerCell(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

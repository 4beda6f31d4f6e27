/**
 * The table versions of a schema as observe read them (SHOW TABLES HISTORY rows: the live table
 * and each dropped version of every name), kept so that a restore needs no look-up round trip.
 * The writer applying a plan holds the target's lease and observed under it, so only its own
 * steps change these versions, and they say so: a dropped table becomes its newest dropped
 * version, a restored version becomes live. A name whose restore failed midway, or that a step
 * changed otherwise, is forgotten: the next restore of it reads its versions exactly.
 */
import type { SnowflakeRow } from './snowflake-driver.js';
import { toIso } from './snowflake-sql.js';

/** What a restore puts between a name and a newer version it sets aside (tableRestoreSql). */
export const ASIDE_MARK = '__CKPT_ASIDE_';
/** How much of a name an aside name keeps (Snowflake's identifiers have at most 255 characters). */
export const ASIDE_PREFIX = 200;

/**
 * The table name a SHOW TABLES HISTORY row stands for: a version a restore set aside
 * (`<name>__CKPT_ASIDE_…`) stands for its original name, so that it stays findable for a later
 * restore; a name cut to ASIDE_PREFIX characters cannot be told back and stays as it is.
 */
export function versionName(row: SnowflakeRow): string {
  const name = String(row.name);
  const at = name.indexOf(ASIDE_MARK);
  return at > 0 && at < ASIDE_PREFIX ? name.slice(0, at) : name;
}

/** The SHOW TABLES HISTORY rows of one schema, by the table name they stand for (versionName). */
export class TableVersionLedger {
  private readonly byName = new Map<string, SnowflakeRow[]>();
  /** Names whose versions are no longer known (read them again). */
  private readonly forgotten = new Set<string>();
  /** Whether every name's versions were read (a name without rows has none). */
  private readonly complete: boolean;

  /** `rows`: every version of the schema, as observe read them; null when none were read (nothing known yet). */
  constructor(rows: SnowflakeRow[] | null) {
    this.complete = rows !== null;
    for (const row of rows ?? []) {
      const name = versionName(row);
      const versions = this.byName.get(name);
      if (versions === undefined) this.byName.set(name, [row]);
      else versions.push(row);
    }
  }

  /** A copy to change without changing this one (a plan's SQL preview plays its steps on it). */
  copy(): TableVersionLedger {
    const copy = new TableVersionLedger(this.complete ? [] : null);
    for (const [name, rows] of this.byName) copy.byName.set(name, [...rows]);
    for (const name of this.forgotten) copy.forgotten.add(name);
    return copy;
  }

  /** The versions of `name` (none when observe saw none), or undefined when they are not known any more. */
  versionsOf(name: string): SnowflakeRow[] | undefined {
    const known = !this.forgotten.has(name) && (this.complete || this.byName.has(name));
    return known ? [...(this.byName.get(name) ?? [])] : undefined;
  }

  /** After `DROP TABLE name`: its live version becomes the newest dropped one, unless its retention is 0 (purged at once). */
  dropped(name: string): void {
    const versions = this.byName.get(name) ?? [];
    const live = versions.find((r) => (r.dropped_on === null || r.dropped_on === undefined) && String(r.name) === name);
    if (live === undefined) return;
    const rest = versions.filter((r) => r !== live);
    const newest = Math.max(Date.now(), ...rest.map((r) => Date.parse(toIso(r.dropped_on) ?? '')).filter(Number.isFinite)) + 1;
    const keep = Number(live.retention_time ?? 1) !== 0;
    this.byName.set(name, keep ? [{ ...live, dropped_on: new Date(newest).toISOString() }, ...rest] : rest);
  }

  /** After a restore: `versions` are the name's versions now (the restored one live). */
  replace(name: string, versions: SnowflakeRow[]): void {
    this.forgotten.delete(name);
    this.byName.set(name, versions);
  }

  /** The versions of `name` are not known any more. */
  forget(name: string): void {
    this.forgotten.add(name);
  }
}

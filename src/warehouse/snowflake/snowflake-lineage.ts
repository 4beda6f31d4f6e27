/**
 * The content-restore lineage of a Snowflake audit table: a table whose content ckpt reverted
 * keeps standing for the incarnation and content version of the checkpoint it was reverted to,
 * as recorded in CONTENT_RESTORE audit rows, so that the next plan sees it unchanged.
 */
import type { InventoryEntry } from '../../model/observed.js';
import { sameInstant } from '../../model/time.js';
import type { SnowflakeRow } from './snowflake-driver.js';
import { CONTENT_RESTORE_TYPE, toIso } from './snowflake-sql.js';

/** Identity and content-version mapping read from CONTENT_RESTORE audit rows (see contentRestoreInsert). */
export interface Lineage {
  /** The incarnation a table version (name, raw CREATED) stands for. */
  incarnation(name: string, created: string): string;
  /** An object with its incarnation and content version mapped (and, live, where its history starts). */
  map<T extends InventoryEntry>(entry: T, live: boolean): T;
}

export function readLineage(rows: SnowflakeRow[]): Lineage {
  const created = new Map<string, string>();
  const content = new Map<string, string>();
  const ms = (iso: unknown) => String(Date.parse(String(toIso(iso))));
  for (const row of rows) {
    if (row.CHECKPOINT_TYPE !== CONTENT_RESTORE_TYPE) continue;
    const value: unknown = typeof row.OBJECTS_SNAPSHOT === 'string' ? JSON.parse(row.OBJECTS_SNAPSHOT) : row.OBJECTS_SNAPSHOT;
    for (const raw of Array.isArray(value) ? value : []) {
      const e = raw as Record<string, unknown>;
      if (typeof e.name !== 'string' || typeof e.incarnation !== 'string') continue;
      const key = `${e.name}\u0000${ms(e.created)}`;
      created.set(key, e.incarnation);
      if (typeof e.content_as === 'string') content.set(`${key}\u0000${ms(e.last_altered)}`, e.content_as);
      else content.delete(`${key}\u0000${ms(e.last_altered)}`);
    }
  }
  return {
    incarnation: (name, at) => created.get(`${name}\u0000${ms(at)}`) ?? at,
    map(entry, live) {
      if (entry.kind !== 'TABLE') return entry;
      const key = `${entry.name}\u0000${ms(entry.created)}`;
      const incarnation = created.get(key);
      if (incarnation === undefined) return entry;
      const contentAs = entry.lastAltered === null ? undefined : content.get(`${key}\u0000${ms(entry.lastAltered)}`);
      return {
        ...entry,
        created: incarnation,
        ...(contentAs === undefined ? {} : { lastAltered: contentAs }),
        ...(live && !sameInstant(incarnation, entry.created) ? { timeTravelFrom: entry.created } : {}),
      };
    },
  };
}

/**
 * Timestamps as ckpt stores them: ISO-8601 UTC strings, compared by instant (millisecond
 * resolution), and the generated ids that embed them (`CP_YYYY_MM_DD_HH_MI_SS`).
 */

/**
 * The time of a record that holds none (an inventory entry of the old pipelines without CREATED,
 * say): the epoch. An incarnation recorded at this time is unknown, and matches by name alone.
 */
export const UNKNOWN_TIME = '1970-01-01T00:00:00.000Z';

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Timestamp text as the warehouses and the old pipelines write it (ISO, or `YYYY-MM-DD
 * HH:MI:SS[.fraction]` followed by `Z`, `-08:00`, `-0800`, `-08` or nothing; another format as
 * Date.parse reads it) → ISO-8601 UTC, or null; fractions beyond milliseconds are cut. Text without a zone (a TIMESTAMP_NTZ value, or a
 * zone-less time in an old pipeline's snapshot) is read in UTC, the zone ckpt pins its sessions
 * to, never in this machine's zone.
 */
export function isoFromText(text: string): string | null {
  // ckpt's own form, as its inventories hold it (100,000 of them per checkpoint): already ISO UTC.
  if (CANONICAL.test(text)) return text;
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (m === null) {
    // Another format (a driver's Date text, say) names its zone, or is not a time at all.
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  const [, date, time, fraction = '', zone = 'Z'] = m;
  const offset = /^z$/i.test(zone) ? 'Z' : zone.length === 3 ? `${zone}:00` : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${date}T${time}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Whether two ISO timestamps denote the same millisecond. */
export function sameInstant(a: string, b: string): boolean {
  // Equal texts need no parsing (the planner compares about 200,000 pairs on 100,000 objects).
  return a === b || Date.parse(a) === Date.parse(b);
}

/** Whether `a` is strictly later than `b`. */
export function isAfter(a: string, b: string): boolean {
  return Date.parse(a) > Date.parse(b);
}

const displayed = new Map<string, string>();

/** `2026-11-27T02:30:00.000Z` → `2026-11-27 02:30:00 UTC`, for messages (memoised: plans repeat times). */
export function displayTime(iso: string): string {
  let text = displayed.get(iso);
  if (text === undefined) {
    const d = new Date(iso);
    text = Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    if (displayed.size > 10_000) displayed.clear();
    displayed.set(iso, text);
  }
  return text;
}

/** A generated id such as `CP_2026_11_27_02_30_00` for the given instant and prefix. */
export function timestampId(prefix: string, iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix}_${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}`;
}

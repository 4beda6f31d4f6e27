/**
 * Timestamps as ckpt stores them: ISO-8601 UTC strings, compared by instant (millisecond
 * resolution), and the generated ids that embed them (`CP_YYYY_MM_DD_HH_MI_SS`).
 */

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

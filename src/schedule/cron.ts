/**
 * Cron expressions of checkpoint schedules (5 fields, or 6 with seconds first) in an IANA time
 * zone, read by one library (cron-parser) for every use: validation for the config, the last
 * firing at or before an instant (the planner's clock), and the next firing after one (the
 * daemon's timers, `ckpt status`). What validates is what fires, and the daemon fires exactly
 * when the planner says a schedule fired.
 *
 * Standard (Vixie) cron only: numbers, ranges, steps, lists, `*`, and month and day names. When
 * day-of-month and day-of-week are both restricted, a day matches if either does. Around a
 * daylight-saving change each wall-clock time fires once: a time the spring-forward gap skips
 * fires when the clock lands after the gap, a time the fall-back hour repeats fires at its first
 * occurrence (cron-parser's next(); its prev() disagrees there, so the last firing is found by
 * walking next() forward). Pure.
 */
import { CronExpressionParser, type CronExpression } from 'cron-parser';

const FIELDS_5 = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'] as const;
const FIELDS_6 = ['second', ...FIELDS_5] as const;

/** A name of a cron field. */
type FieldName = (typeof FIELDS_6)[number];

/** One list element of a standard field: `*` or a value or range, then an optional step. */
const NUMERIC_ELEMENT = /^(?:\*|\d+(?:-\d+)?)(?:\/\d+)?$/;
/** The same where month or day names may stand for numbers (JAN, MON-FRI). */
const NAMED_ELEMENT = /^(?:\*|(?:\d+|[A-Za-z]{3})(?:-(?:\d+|[A-Za-z]{3}))?)(?:\/\d+)?$/;

/** The full range a leading `*` stands for in each day field, to write an ambiguous step out. */
const DAY_RANGES: Partial<Record<FieldName, string>> = { 'day-of-month': '1-31', 'day-of-week': '0-6' };

/** A firing more than this far from the last one found by prev() is looked for by walking next(). */
const WALK_BACK_MS = 3 * 60 * 60 * 1000;

/** A window longer than this may hold two daylight-saving changes whose offsets cancel out. */
const ONE_WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** An instant that validation asks for a first firing from (any instant would do: cron repeats). */
const VALIDATION_START = new Date('2000-01-01T00:00:00Z');

/** Why a cron expression or time zone is unusable, or null when it is fine. */
export function cronProblem(expression: string, timezone: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `cron needs 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); "${expression}" has ${fields.length}`;
  }
  if (!validTimezone(timezone)) return `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Paris)`;
  const named = new Map((fields.length === 6 ? FIELDS_6 : FIELDS_5).map((name, i) => [name, fields[i] ?? ''] as const));
  const problem = syntaxProblem(expression, named) ?? dayFieldsProblem(named);
  if (problem !== null) return problem;
  try {
    CronExpressionParser.parse(expression, { tz: timezone, currentDate: VALIDATION_START }).next();
    return null;
  } catch (error) {
    return `"${expression}" is not a valid cron expression: ${(error as Error).message}`;
  }
}

/** A list element outside standard cron (Jenkins' `H`, Quartz's `L`, `W`, `#`, `?`), or null. */
function syntaxProblem(expression: string, fields: ReadonlyMap<FieldName, string>): string | null {
  for (const [name, text] of fields) {
    const element = name === 'month' || name === 'day-of-week' ? NAMED_ELEMENT : NUMERIC_ELEMENT;
    const bad = text.split(',').find((part) => !element.test(part));
    if (bad !== undefined) {
      const layout = fields.size === 6 ? `second ${FIELDS_5.join(' ')}` : FIELDS_5.join(' ');
      return (
        `"${expression}": \`${bad}\` in ${name} is not standard cron: each field (${layout}) takes numbers, ` +
        'ranges (1-5), steps (*/15, 1-31/2), lists (1,15) and * (month and day-of-week also names: JAN, MON-FRI); ' +
        'H, L, W, # and ? are not supported'
      );
    }
  }
  return null;
}

/**
 * Both day fields restricted, one by a `*` step (`*\/2`): cron implementations read it two ways
 * (Vixie cron: both must match; cron-parser: either), so ckpt asks for the range written out.
 */
function dayFieldsProblem(fields: ReadonlyMap<FieldName, string>): string | null {
  const dom = fields.get('day-of-month') ?? '*';
  const dow = fields.get('day-of-week') ?? '*';
  if (dom === '*' || dow === '*') return null;
  for (const [name, text] of [
    ['day-of-month', dom],
    ['day-of-week', dow],
  ] as const) {
    if (text.startsWith('*')) {
      const written = `${DAY_RANGES[name]}${text.slice(1)}`;
      return `${name} \`${text}\` next to a restricted ${name === 'day-of-month' ? 'day-of-week' : 'day-of-month'} is read two ways by cron implementations (a day must match both, or either); write it as \`${written}\` to fire on the days that match either`;
    }
  }
  return null;
}

/** Whether the runtime knows a time zone name. */
export function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The latest firing at or before `at` (ISO), or null if it never fired. */
export function lastFiring(expression: string, timezone: string, at: string): string | null {
  try {
    return isoOrNull(lastFiringAt(expression, timezone, Date.parse(at)));
  } catch {
    return null;
  }
}

/** The next firing strictly after `at` (ISO), or null: the one that follows the last firing at or before it. */
export function nextFiring(expression: string, timezone: string, at: string): string | null {
  try {
    const instant = Date.parse(at);
    return new Date(
      parsed(expression, timezone, lastFiringAt(expression, timezone, instant) ?? instant)
        .next()
        .getTime(),
    ).toISOString();
  } catch {
    return null;
  }
}

/** The firing after `firing` (ISO, one this module returned), or null: the daemon's next timer. */
export function followingFiring(expression: string, timezone: string, firing: string): string | null {
  try {
    return new Date(parsed(expression, timezone, Date.parse(firing)).next().getTime()).toISOString();
  } catch {
    return null;
  }
}

function parsed(expression: string, timezone: string, from: number): CronExpression {
  return CronExpressionParser.parse(expression, { tz: timezone, currentDate: new Date(from) });
}

function isoOrNull(instant: number | null): string | null {
  return instant === null ? null : new Date(instant).toISOString();
}

/**
 * The last firing at or before `at` as next() fires: prev()'s answer (prev() is strict, so from
 * `at` + 1 ms), unless a daylight-saving change is near, where prev() misses a time moved past a
 * spring-forward gap or returns the second occurrence of a repeated hour; next() is then walked
 * forward from before the change. Throws when cron-parser finds no firing.
 */
function lastFiringAt(expression: string, timezone: string, at: number): number | null {
  const candidate = parsed(expression, timezone, at + 1)
    .prev()
    .getTime();
  const from = candidate - WALK_BACK_MS;
  if (at - from <= ONE_WEEK_MS && utcOffset(timezone, from) === utcOffset(timezone, at)) return candidate;
  const walk = parsed(expression, timezone, from);
  let last: number | null = null;
  for (let next = walk.next().getTime(); next <= at; next = walk.next().getTime()) last = next;
  // Nothing fired by next() in the window: the candidate is a time next() skips; look before it.
  return last ?? lastFiringAt(expression, timezone, candidate - 1);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, e.g. `GMT+01:00`. */
function utcOffset(timezone: string, at: number): string {
  let format = offsetFormats.get(timezone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' });
    offsetFormats.set(timezone, format);
  }
  return format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/**
 * Cron expressions of checkpoint schedules (5 fields, or 6 with seconds first) in an IANA time
 * zone: validation for the config, and the last firing at or before an instant for the planner's
 * clock. Pure (cron-parser); the daemon's triggers use node-cron separately.
 */
import { CronExpressionParser } from 'cron-parser';

/** Why a cron expression or time zone is unusable, or null when it is fine. */
export function cronProblem(expression: string, timezone: string): string | null {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    return `cron needs 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); "${expression}" has ${fields}`;
  }
  if (!validTimezone(timezone)) return `"${timezone}" is not an IANA time zone (e.g. UTC, Europe/Paris)`;
  try {
    CronExpressionParser.parse(expression, { tz: timezone });
    return null;
  } catch (error) {
    return `"${expression}" is not a valid cron expression: ${(error as Error).message}`;
  }
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
  const instant = new Date(Date.parse(at) + 1); // prev() is strict; include a firing exactly at `at`
  try {
    return CronExpressionParser.parse(expression, { tz: timezone, currentDate: instant }).prev().toISOString();
  } catch {
    return null;
  }
}

/** The next firing strictly after `at` (ISO), or null. */
export function nextFiring(expression: string, timezone: string, at: string): string | null {
  try {
    return CronExpressionParser.parse(expression, { tz: timezone, currentDate: new Date(at) }).next().toISOString();
  } catch {
    return null;
  }
}

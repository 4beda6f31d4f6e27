/**
 * The weight guard, next to max_drop: a cleanup, reset or full cleanup may not drop or overwrite
 * more rows than the target's `max_drop_rows`, nor more bytes than its `max_drop_bytes`, unless
 * the action sets `allow_large: true`. What counts is every table the action drops and every
 * table whose content it reverts (a revert replaces the rows the table holds now), as observed.
 * Where the warehouse reports no measure for such a table (bytes on the embedded warehouse), the
 * action cannot be shown to stay within the limit, so it is held back too: the stricter reading.
 * Each exceeded or unprovable limit is one `TOO_MUCH_DATA` blocker stating the measured weight.
 */
import type { ActionSpec } from '../model/desired.js';
import { displayIdent } from '../model/refs.js';
import { formatBytes, formatCount } from '../model/weight.js';
import type { ActionPlan, AtStake } from './action-plan.js';

/** What a limit counts. */
type Measure = 'rows' | 'bytes';

/** The key of each limit, its measure's words, and the other limit a message can point to. */
const MEASURES: Record<Measure, { key: string; unknown: string; other: string }> = {
  rows: { key: 'max_drop_rows', unknown: 'no row count', other: 'max_drop_bytes' },
  bytes: { key: 'max_drop_bytes', unknown: 'no size in bytes', other: 'max_drop_rows' },
};

/** How many tables a message names before it says "and N more". */
const NAMED = 3;

/** What the tables at stake hold by one measure: the known total, and the tables it does not know. */
interface Tally {
  total: number;
  /** Whether any counted figure is an estimate. */
  estimated: boolean;
  counted: AtStake[];
  unknown: AtStake[];
}

/** Blockers for each limit of the target the action exceeds, or cannot be shown to keep (see the header). */
export function limitWeight(plan: ActionPlan): void {
  const { action, context } = plan;
  if (action.allowLarge) return;
  const limits: Record<Measure, number | null> = { rows: context.target.maxDropRows, bytes: context.target.maxDropBytes };
  for (const measure of ['rows', 'bytes'] as const) {
    const limit = limits[measure];
    if (limit === null) continue;
    const tally = tallyOf(plan.atStake, measure);
    const message = tally.total > limit ? overMessage(plan, measure, limit, tally) : unknownMessage(plan, measure, limit, tally);
    if (message !== null) plan.report('blocker', 'TOO_MUCH_DATA', message);
  }
}

/** Adds up one measure of the tables at stake, setting apart those the warehouse reports no figure for. */
function tallyOf(stakes: AtStake[], measure: Measure): Tally {
  const tally: Tally = { total: 0, estimated: false, counted: [], unknown: [] };
  for (const stake of stakes) {
    const value = stake.weight[measure];
    if (value === null) {
      tally.unknown.push(stake);
      continue;
    }
    tally.total += value;
    tally.estimated ||= measure === 'rows' && stake.weight.estimated;
    tally.counted.push(stake);
  }
  return tally;
}

/**
 * `reset r1 would drop or overwrite about 1,200 rows in 3 tables (2 dropped, 1 reverted), more
 * than the 1,000 rows max_drop_rows allows; …`
 */
function overMessage(plan: ActionPlan, measure: Measure, limit: number, tally: Tally): string {
  const { key, unknown } = MEASURES[measure];
  const dropped = tally.counted.filter((s) => s.dropped).length;
  const reverted = tally.counted.length - dropped;
  const which = reverted === 0 ? '' : dropped === 0 ? ' it reverts' : ` (${dropped} dropped, ${reverted} reverted)`;
  const uncounted =
    tally.unknown.length === 0 ? '' : ` (not counting ${tables(tally.unknown.length)} the warehouse reports ${unknown} for)`;
  const amount = `${tally.estimated ? 'about ' : ''}${quantity(measure, tally.total)}`;
  return `${actionName(plan)} would ${verb(tally.counted)} ${amount} in ${tables(tally.counted.length)}${which}, more than the ${quantity(measure, limit)} ${key} allows${uncounted}; set allow_large: true on the action to allow it`;
}

/** The blocker for tables the warehouse reports no measure for, within a known total; null when there are none. */
function unknownMessage(plan: ActionPlan, measure: Measure, limit: number, tally: Tally): string | null {
  if (tally.unknown.length === 0) return null;
  const { key, unknown, other } = MEASURES[measure];
  const names = tally.unknown.slice(0, NAMED).map((s) => displayIdent(s.name));
  const more = tally.unknown.length > NAMED ? ` and ${tally.unknown.length - NAMED} more` : '';
  const known = tally.counted.length > 0 ? `; the others hold ${tally.estimated ? 'about ' : ''}${quantity(measure, tally.total)}` : '';
  return `${actionName(plan)} would ${verb(tally.unknown)} ${tables(tally.unknown.length)} the warehouse reports ${unknown} for (${names.join(', ')}${more})${known}, so it cannot be shown to stay within the ${quantity(measure, limit)} ${key} allows; set allow_large: true on the action to allow it, or use ${other} instead of ${key}`;
}

/** `reset r1`, `full cleanup w1`. */
function actionName(plan: ActionPlan): string {
  const kinds: Record<ActionSpec['kind'], string> = {
    cleanup: 'cleanup',
    reset: 'reset',
    restore: 'restore',
    'full-cleanup': 'full cleanup',
  };
  return `${kinds[plan.action.spec.kind]} ${plan.action.id}`;
}

/** What the action does to the tables: drop them, overwrite their rows, or some of each. */
function verb(stakes: AtStake[]): string {
  const drops = stakes.some((s) => s.dropped);
  const reverts = stakes.some((s) => !s.dropped);
  return drops && reverts ? 'drop or overwrite' : reverts ? 'overwrite' : 'drop';
}

/** `1 table`, `3 tables`. */
function tables(count: number): string {
  return `${count} table${count === 1 ? '' : 's'}`;
}

/** `1,000,000 rows`, `512 bytes`, `12,345,678,901 bytes (12.3 GB)`. */
function quantity(measure: Measure, n: number): string {
  const text = `${formatCount(n)} ${measure === 'rows' ? (n === 1 ? 'row' : 'rows') : n === 1 ? 'byte' : 'bytes'}`;
  return measure === 'bytes' && n >= 1000 ? `${text} (${formatBytes(n)})` : text;
}

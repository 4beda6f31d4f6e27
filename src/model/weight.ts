/**
 * What is at stake, in numbers and in words: the totals of the weights a plan's drops and
 * reverts carry, and the one way every renderer writes a weight. Counts are written with
 * thousands separators (`41,203,113 rows`), sizes in decimal units (1 KB = 1,000 bytes, as
 * Snowflake's BYTES counts them: `12.3 GB`); an estimated row count is said to be one (`about 10
 * rows`) and a total that leaves out tables of unknown size is a lower bound (`at least ...`).
 */
import type { Weight } from './plan.js';

/** The weights of several tables added up: sums of what is known, null where nothing is. */
export interface WeightTotal {
  /** Tables weighed (views carry no weight). */
  tables: number;
  /** Their rows, summed over the tables whose count is known; null when none is. */
  rows: number | null;
  /** Their bytes, summed over the tables whose size is known; null when none is. */
  bytes: number | null;
  /** Whether some of the summed row counts are the warehouse's estimates. */
  estimated: boolean;
  /** Tables whose row count is not known (left out of `rows`). */
  rowsUnknown: number;
  /** Tables whose size is not known (left out of `bytes`). */
  bytesUnknown: number;
}

/** A total of no tables. */
export function emptyTotal(): WeightTotal {
  return { tables: 0, rows: null, bytes: null, estimated: false, rowsUnknown: 0, bytesUnknown: 0 };
}

/** `total` with one table's weight added. */
export function addWeight(total: WeightTotal, weight: Weight): WeightTotal {
  return {
    tables: total.tables + 1,
    rows: weight.rows === null ? total.rows : (total.rows ?? 0) + weight.rows,
    bytes: weight.bytes === null ? total.bytes : (total.bytes ?? 0) + weight.bytes,
    estimated: total.estimated || (weight.estimated && weight.rows !== null),
    rowsUnknown: total.rowsUnknown + (weight.rows === null ? 1 : 0),
    bytesUnknown: total.bytesUnknown + (weight.bytes === null ? 1 : 0),
  };
}

/** `41203113` as `41,203,113`. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const UNITS = ['KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** A size in bytes in decimal units with one decimal: `512 B`, `1.5 KB`, `12.3 GB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${formatCount(bytes)} B`;
  let value = bytes / 1000;
  let unit = 0;
  // Rounded first, so that 999,960 bytes is 1.0 MB rather than 1000.0 KB.
  while (unit < UNITS.length - 1 && Math.round(value * 10) >= 10_000) {
    value /= 1000;
    unit += 1;
  }
  return `${(Math.round(value * 10) / 10).toFixed(1)} ${UNITS[unit] ?? ''}`;
}

/** `1 row`, `41,203,113 rows`. */
function rowsText(rows: number): string {
  return `${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'}`;
}

/** One table's weight in words: `41,203,113 rows, 12.3 GB`, `about 10 rows`, or `size unknown`. */
export function weightText(weight: Weight): string {
  const parts = [
    ...(weight.rows === null ? [] : [`${weight.estimated ? 'about ' : ''}${rowsText(weight.rows)}`]),
    ...(weight.bytes === null ? [] : [formatBytes(weight.bytes)]),
  ];
  return parts.length === 0 ? 'size unknown' : parts.join(', ');
}

/**
 * A total in words: `41,203,113 rows, 12.3 GB`; `about` where row counts are estimated, `at
 * least` where some tables' size is unknown; `size unknown` when no table's is known; null for a
 * total of no tables.
 */
export function totalText(total: WeightTotal): string | null {
  if (total.tables === 0) return null;
  const atLeast = (unknown: number) => (unknown > 0 ? 'at least ' : '');
  const parts = [
    ...(total.rows === null ? [] : [`${atLeast(total.rowsUnknown)}${total.estimated ? 'about ' : ''}${rowsText(total.rows)}`]),
    ...(total.bytes === null ? [] : [`${atLeast(total.bytesUnknown)}${formatBytes(total.bytes)}`]),
  ];
  return parts.length === 0 ? 'size unknown' : parts.join(', ');
}

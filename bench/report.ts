/**
 * The shape of benchmark results and how they are shown: one row per measurement, a
 * fixed-width table on stdout, and `bench/results.json`. Formats only; never measures or judges.
 */
import { writeFile } from 'node:fs/promises';
import type { Measurement } from './measure.js';
import type { Group } from './settings.js';

/** The naive sequential baseline of a measurement (one statement per object). */
export interface BaselineFigure {
  wallMs: number;
  /** Statements sent (one request each). */
  roundTrips: number;
  /** Objects the per-object statements actually ran for; the rest is extrapolated linearly. */
  measuredObjects: number;
  objects: number;
}

/** One measured line of the table. */
export interface ResultRow {
  group: Group;
  /** What was measured, e.g. `cleanup 1000`. */
  name: string;
  ckpt: Measurement;
  baseline: BaselineFigure | null;
  /** Other figures of the row (steps, progress overhead, ...). */
  extra: Record<string, number | string>;
}

/** A target of the issue with the figure measured against it. */
export interface TargetCheck {
  target: string;
  measured: string;
  scenario: string;
  met: boolean | null;
}

const fmtMs = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
const fmtN = (n: number | null) => (n === null ? '-' : String(n));

/** The table of rows, as text. */
export function renderRows(rows: ResultRow[]): string {
  const header = ['group', 'measurement', 'ckpt wall', 'round trips', 'statements', 'peak RSS', 'baseline wall', 'baseline RT', 'speed-up'];
  const lines = rows.map((r) => {
    const base = r.baseline;
    const estimated = base !== null && base.measuredObjects < base.objects ? '*' : '';
    return [
      r.group,
      r.name,
      fmtMs(r.ckpt.wallMs),
      fmtN(r.ckpt.roundTrips),
      fmtN(r.ckpt.statements),
      `${r.ckpt.peakRssMb.toFixed(0)} MB`,
      base === null ? '-' : `${fmtMs(base.wallMs)}${estimated}`,
      base === null ? '-' : String(base.roundTrips),
      base === null ? '-' : `${(base.wallMs / r.ckpt.wallMs).toFixed(1)}x`,
    ];
  });
  return table(header, lines);
}

/** The targets with their figures, as text. */
export function renderTargets(checks: TargetCheck[]): string {
  const mark = (met: boolean | null) => (met === null ? 'n/a' : met ? 'met' : 'MISSED');
  return table(
    ['target', 'measured', 'status'],
    checks.map((c) => [c.target, c.measured, mark(c.met)]),
  );
}

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}

/** Writes everything a run measured to `path` (JSON). */
export async function writeResults(
  path: string,
  data: { startedAt: string; durationMs: number; settings: unknown; rows: ResultRow[]; targets: TargetCheck[]; notes: string[] },
): Promise<void> {
  await writeFile(path, `${JSON.stringify(data, null, 2)}\n`);
}

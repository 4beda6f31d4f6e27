/**
 * Plain text tables for listings (checkpoints, history, sql results): padded columns, a header
 * and a rule. No colour, so the output can be piped; a control character in a cell (a name, a
 * description, an error) is shown escaped, so every row stays one line.
 */
import { displayText } from '../model/display.js';

/** Renders rows under a header as aligned columns. */
export function renderTable(rawHeader: string[], rawRows: string[][]): string {
  const header = rawHeader.map(displayText);
  const rows = rawRows.map((r) => r.map(displayText));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A cell's text for any value a warehouse returns. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

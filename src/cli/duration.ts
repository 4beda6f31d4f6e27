/**
 * Durations on the command line: `500ms`, `30s`, `10m`, `1h30m`, or `0`.
 */
import { InvalidArgumentError } from 'commander';

/** Milliseconds of a duration; below `minMs` (other than 0) is refused. */
export function parseDuration(text: string, minMs = 0): number {
  if (text.trim() === '0') return 0;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) {
    throw new InvalidArgumentError('expected a duration such as 30s, 10m, 1h30m or 500ms (0 turns it off)');
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? 'ms'] ?? 1), 0);
  if (ms < minMs) throw new InvalidArgumentError(`must be at least ${minMs / 1000}s (or 0)`);
  return ms;
}

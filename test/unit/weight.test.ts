/**
 * What is at stake, in numbers and words (src/model/weight.ts) and in a plan's summary
 * (summarise in src/model/plan.ts): counts with thousands separators, sizes in decimal units,
 * estimated and partly unknown totals said to be so, views weighing nothing.
 */
import { describe, expect, it } from 'vitest';
import { summaryLine } from '../../src/cli/render-plan.js';
import { summarise, type Step, type Weight } from '../../src/model/plan.js';
import { planOf } from './support/fake-warehouse.js';
import { addWeight, emptyTotal, formatBytes, formatCount, totalText, weightText } from '../../src/model/weight.js';

const w = (rows: number | null, bytes: number | null, estimated = false): Weight => ({ rows, bytes, estimated });

function drop(name: string, weight?: Weight): Step {
  const kind = weight === undefined ? 'VIEW' : 'TABLE';
  return {
    target: 'demo',
    group: 'tidy',
    reason: 'new',
    kind: 'drop-object',
    object: { name, kind },
    created: '',
    cause: 'full-cleanup',
    weight,
  };
}

function revert(name: string, weight: Weight): Step {
  return {
    target: 'demo',
    group: 'reset',
    reason: 'changed',
    kind: 'restore-content',
    object: { name, kind: 'TABLE' },
    created: '',
    lastAltered: null,
    columns: null,
    checkpointId: 'baseline',
    from: { kind: 'time-travel', at: '2026-11-27T09:00:00.000Z' },
    missing: false,
    weight,
    writes: w(3, null),
  };
}

describe('formatting a weight', () => {
  it('writes counts with thousands separators', () => {
    expect([0, 7, 999, 1_000, 41_203_113, 1_234_567_890_123].map(formatCount)).toEqual([
      '0',
      '7',
      '999',
      '1,000',
      '41,203,113',
      '1,234,567,890,123',
    ]);
  });

  it('writes sizes in decimal units with one decimal, rounding into the next unit', () => {
    expect([0, 999, 1_000, 1_540, 48_213_000, 12_312_345_678, 999_960, 2.5e15].map(formatBytes)).toEqual([
      '0 B',
      '999 B',
      '1.0 KB',
      '1.5 KB',
      '48.2 MB',
      '12.3 GB',
      '1.0 MB',
      '2.5 PB',
    ]);
  });

  it('says rows and bytes, an estimate as one, and what is not known', () => {
    expect(weightText(w(41_203_113, 12_312_345_678))).toBe('41,203,113 rows, 12.3 GB');
    expect(weightText(w(1, null))).toBe('1 row');
    expect(weightText(w(1_000, null, true))).toBe('about 1,000 rows');
    expect(weightText(w(null, 2_048))).toBe('2.0 KB');
    expect(weightText(w(null, null))).toBe('size unknown');
  });
});

describe('totals', () => {
  const total = (...weights: Weight[]) => weights.reduce(addWeight, emptyTotal());

  it('add up what is known', () => {
    expect(total(w(10, 1_000), w(5, 500))).toEqual({
      tables: 2,
      rows: 15,
      bytes: 1_500,
      estimated: false,
      rowsUnknown: 0,
      bytesUnknown: 0,
    });
    expect(totalText(total(w(10, 1_000), w(5, 500)))).toBe('15 rows, 1.5 KB');
  });

  it('say "about" where row counts are estimated', () => {
    expect(totalText(total(w(10, null, true), w(20, null, true)))).toBe('about 30 rows');
  });

  it('say "at least" where some tables are of unknown size, and "size unknown" where none is known', () => {
    expect(totalText(total(w(10, 1_000), w(null, null)))).toBe('at least 10 rows, at least 1.0 KB');
    expect(totalText(total(w(null, null), w(null, null)))).toBe('size unknown');
  });

  it('say nothing for no tables', () => {
    expect(totalText(emptyTotal())).toBeNull();
  });
});

describe('the summary of a plan', () => {
  it('totals the drops and the reverts apart; views weigh nothing', () => {
    const steps = [drop('A', w(41_203_000, 12_000_000_000)), drop('B', w(113, 312_345_678)), drop('V'), revert('C', w(7, 70))];
    const s = summarise(planOf(steps));
    expect(s.weights.drops).toEqual({
      tables: 2,
      rows: 41_203_113,
      bytes: 12_312_345_678,
      estimated: false,
      rowsUnknown: 0,
      bytesUnknown: 0,
    });
    expect(s.weights.reverts).toMatchObject({ tables: 1, rows: 7, bytes: 70 });
    expect(summaryLine(planOf(steps))).toBe('Plan: 1 to revert (7 rows, 70 B), 3 to drop (41,203,113 rows, 12.3 GB).');
  });

  it('says a total is estimated or partly unknown', () => {
    expect(summaryLine(planOf([drop('A', w(10, null, true)), drop('B', w(5, null, true))]))).toBe('Plan: 2 to drop (about 15 rows).');
    expect(summaryLine(planOf([drop('A', w(10, 100)), drop('B', w(null, null))]))).toBe(
      'Plan: 2 to drop (at least 10 rows, at least 100 B).',
    );
    expect(summaryLine(planOf([drop('V')]))).toBe('Plan: 1 to drop.');
  });

  it('reads a plan saved before weights: its drops and reverts weigh nothing known', () => {
    const { weight: _none, ...old } = drop('A', w(1, 1)) as Extract<Step, { kind: 'drop-object' }>;
    expect(summarise(planOf([old])).weights.drops).toEqual(emptyTotal());
    expect(summaryLine(planOf([old]))).toBe('Plan: 1 to drop.');
  });
});

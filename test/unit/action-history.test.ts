/**
 * What the audit table says about the file's actions: an applied action is never planned again
 * (an APPLIED record wins over any FAILED one, whatever their order), a failed one is planned
 * again, and each case says what a person needs to know.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedAction } from '../../src/model/observed.js';
import { latestRecords, priorRun } from '../../src/plan/action-history.js';
import { action, target } from '../support/desired.js';
import { recorded } from '../support/observed.js';

const cleanup = action('c1', { kind: 'cleanup', since: 'baseline' });
const at = (timestamp: string, status: 'APPLIED' | 'FAILED', actionId = 'c1'): RecordedAction => ({
  ...recorded(actionId, cleanup.specHash, status),
  timestamp,
});

describe('latestRecords', () => {
  it('keeps the newest FAILED record of an action when it never succeeded', () => {
    const older = at('2026-11-27T10:00:00.000Z', 'FAILED');
    const newer = at('2026-11-27T11:00:00.000Z', 'FAILED');
    expect(latestRecords([older, newer]).get('c1')).toBe(newer);
    expect(latestRecords([newer, older]).get('c1')).toBe(newer);
  });

  it('an APPLIED record wins over FAILED ones before or after it', () => {
    const applied = at('2026-11-27T10:00:00.000Z', 'APPLIED');
    const failedAfter = at('2026-11-27T11:00:00.000Z', 'FAILED');
    const failedBefore = at('2026-11-27T09:00:00.000Z', 'FAILED');
    expect(latestRecords([failedBefore, applied, failedAfter]).get('c1')).toBe(applied);
    expect(latestRecords([failedAfter, applied, failedBefore]).get('c1')).toBe(applied);
  });

  it('keeps each action id apart', () => {
    const records = latestRecords([at('2026-11-27T10:00:00.000Z', 'APPLIED', 'a'), at('2026-11-27T11:00:00.000Z', 'FAILED', 'b')]);
    expect([...records.keys()].sort()).toEqual(['a', 'b']);
    expect(records.get('a')?.status).toBe('APPLIED');
    expect(records.get('b')?.status).toBe('FAILED');
  });

  it('property: an action counts as applied exactly when any of its records is APPLIED, else its newest failure is kept', () => {
    const hours = fc.integer({ min: 0, max: 23 });
    const record = fc.record({ hour: hours, applied: fc.boolean() });
    fc.assert(
      fc.property(fc.uniqueArray(record, { selector: (r) => r.hour, minLength: 1, maxLength: 8 }), (rows) => {
        const iso = (h: number) => `2026-11-27T${String(h).padStart(2, '0')}:00:00.000Z`;
        const records = rows.map((r) => at(iso(r.hour), r.applied ? 'APPLIED' : 'FAILED'));
        const latest = latestRecords(records).get('c1');
        const anyApplied = rows.some((r) => r.applied);
        expect(latest?.status).toBe(anyApplied ? 'APPLIED' : 'FAILED');
        if (!anyApplied) expect(latest?.timestamp).toBe(iso(Math.max(...rows.map((r) => r.hour))));
      }),
    );
  });
});

describe('priorRun', () => {
  const demo = target();

  it('an action never run is planned, with nothing to say', () => {
    expect(priorRun(demo, cleanup, undefined)).toEqual({ applied: false, finding: null });
  });

  it('an action applied with the same spec is not planned again, silently', () => {
    expect(priorRun(demo, cleanup, recorded('c1', cleanup.specHash))).toEqual({ applied: true, finding: null });
  });

  it('an action applied with another spec is not planned again, and the warning says to use a new id', () => {
    expect(priorRun(demo, cleanup, recorded('c1', 'another-hash'))).toEqual({
      applied: true,
      finding: {
        target: 'demo',
        severity: 'warning',
        code: 'ACTION_SPEC_CHANGED',
        message: 'action c1 was applied on 2026-11-27 11:00:00 UTC with a different spec; it is not run again: use a new id',
        actionId: 'c1',
        object: null,
        position: cleanup.position,
      },
    });
  });

  it('a failed action is planned again, and the warning quotes its error', () => {
    expect(priorRun(demo, cleanup, recorded('c1', cleanup.specHash, 'FAILED'))).toEqual({
      applied: false,
      finding: {
        target: 'demo',
        severity: 'warning',
        code: 'ACTION_FAILED_BEFORE',
        message: 'action c1 failed on 2026-11-27 11:00:00 UTC (boom); planning it again',
        actionId: 'c1',
        object: null,
        position: cleanup.position,
      },
    });
    const silent = { ...recorded('c1', cleanup.specHash, 'FAILED'), error: null };
    expect(priorRun(demo, cleanup, silent).finding?.message).toBe(
      'action c1 failed on 2026-11-27 11:00:00 UTC (no error recorded); planning it again',
    );
  });
});

/**
 * `ckpt history` cells: a run killed mid-wave says how many started steps have no recorded
 * outcome (not "0/301" when 227 drops ran), and an action's STEPS cell stays short however
 * many objects it touched.
 */
import { describe, expect, it } from 'vitest';
import { actionStepsCell, runStepsCell } from '../../src/cli/commands/history.js';
import { summariseRuns } from '../../src/engine/runs.js';
import type { JournalEntry } from '../../src/warehouse/lease-sql.js';

const at = '2026-12-01T00:00:00.000Z';
const entry = (seq: number, event: JournalEntry['event'], detail: string | null = null): JournalEntry & { at: string } => ({
  runId: 'r1',
  seq,
  event,
  stepIndex: event.startsWith('step') ? seq : null,
  kind: 'drop-object',
  object: `T${seq}`,
  group: 'a',
  detail,
  at,
});

describe('history cells', () => {
  it('an interrupted run counts the steps it started without a recorded outcome', () => {
    const events = [entry(0, 'run-started', JSON.stringify({ command: 'reconcile', steps: 301 }))];
    for (let i = 1; i <= 300; i += 1) events.push(entry(i, 'step-started'));
    const [run] = summariseRuns(events);
    expect(run?.outcome).toBe('interrupted');
    expect(run === undefined ? '' : runStepsCell(run)).toBe('0/301 (300 started, outcome unknown)');
  });

  it('a completed run shows succeeded of planned, and failures', () => {
    const events = [
      entry(0, 'run-started', JSON.stringify({ steps: 2 })),
      entry(1, 'step-started'),
      entry(1, 'step-succeeded'),
      entry(2, 'step-started'),
      entry(2, 'step-failed'),
      entry(3, 'run-failed'),
    ];
    const [run] = summariseRuns(events);
    expect(run === undefined ? '' : runStepsCell(run)).toBe('1/2 (1 failed)');
  });

  it("an action's steps cell is bounded: counts per kind, a few objects, failures first", () => {
    const steps = Array.from({ length: 1000 }, (_, i) => ({
      kind: 'drop-object',
      object: `SCRATCH_${i}`,
      outcome: 'succeeded' as const,
      error: null,
    }));
    steps.push({ kind: 'drop-object', object: 'BROKEN', outcome: 'failed' as const, error: 'x' } as never);
    steps.push({ kind: 'record-action', object: null, outcome: 'succeeded', error: null } as never);
    const cell = actionStepsCell(steps);
    expect(cell).toBe('drop-object x1001, record-action: BROKEN (failed); SCRATCH_0; SCRATCH_1; SCRATCH_2; SCRATCH_3 and 996 more');
    expect(actionStepsCell([])).toBe('-');
  });
});

/**
 * apply runs a plan exactly as listed: steps in plan order and in their waves (at most the
 * allowed number in flight), each journalled as started then succeeded or failed; a failed step
 * stops the later steps of its target and its action is recorded FAILED with the step's error,
 * while other targets go on; an action whose steps all succeeded is recorded APPLIED. Step
 * durations are measured on a fake clock (performance.now), so they are exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeError, type StepOutcome } from '../../src/apply/apply.js';
import { auditTypeOf, restoredTo } from '../../src/model/action-audit.js';
import { CkptError } from '../../src/model/errors.js';
import { silentLogger } from '../../src/model/logger.js';
import { applyOn as apply, fakeWarehouse, recordingLogger, drop, record, recreateView, planOf } from './support/fake-warehouse.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

const outcomes = (steps: StepOutcome[]) => steps.map((s) => s.outcome);

describe('applying a plan', () => {
  it('runs every step in plan order, journals each, and records the action APPLIED', async () => {
    const fake = fakeWarehouse({ maxConcurrency: 1 });
    const steps = [drop('a', 'T1'), drop('a', 'T2'), recreateView('a', 'V1'), record('a')];
    const [outcome, ...rest] = await apply(planOf(steps), fake);
    expect(rest).toEqual([]);
    expect(fake.executed).toEqual(['T1', 'T2', 'V1']);
    expect(outcome).toMatchObject({ target: 'demo', failed: false });
    expect(outcomes(outcome?.steps ?? [])).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(outcome?.steps.map((s) => s.step)).toEqual(steps);
    expect(outcome?.steps.every((s) => s.error === null && s.code === undefined)).toBe(true);
    expect(fake.recorded).toEqual([
      {
        actionId: 'a',
        type: 'CLEANUP',
        spec: { kind: 'cleanup', since: 'baseline' },
        specHash: 'hash-a',
        checkpointId: 'baseline',
        restoredTo: null,
        status: 'APPLIED',
        steps: [
          { kind: 'drop-object', object: 'T1', outcome: 'succeeded', error: null },
          { kind: 'drop-object', object: 'T2', outcome: 'succeeded', error: null },
          { kind: 'recreate-view', object: 'V1', outcome: 'succeeded', error: null },
        ],
        error: null,
      },
    ]);
  });

  it('journals the run: its start with what it will do, each wave started then finished, its end', async () => {
    const fake = fakeWarehouse();
    await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), recreateView('a', 'V1'), record('a')]), fake);
    const [start, ...events] = fake.journal;
    expect(start).toEqual({
      runId: 'run-1',
      seq: 0,
      event: 'run-started',
      stepIndex: null,
      kind: null,
      object: null,
      group: null,
      detail: expect.any(String) as unknown,
    });
    expect(JSON.parse(start?.detail ?? '')).toMatchObject({
      command: 'reconcile',
      steps: 4,
      commit: 'abc123',
      drops: 2,
      restores: 1,
      actions: 1,
    });
    expect(events.map((e) => [e.seq, e.event, e.stepIndex, e.kind, e.object, e.group, e.detail])).toEqual([
      [1, 'step-started', 0, 'drop-object', 'T1', 'a', null],
      [2, 'step-started', 1, 'drop-object', 'T2', 'a', null],
      [3, 'step-succeeded', 0, 'drop-object', 'T1', 'a', null],
      [4, 'step-succeeded', 1, 'drop-object', 'T2', 'a', null],
      [5, 'step-started', 2, 'recreate-view', 'V1', 'a', null],
      [6, 'step-succeeded', 2, 'recreate-view', 'V1', 'a', null],
      [7, 'step-started', 3, 'record-action', null, 'a', null],
      [8, 'step-succeeded', 3, 'record-action', null, 'a', null],
      [9, 'run-finished', null, null, null, null, null],
    ]);
    expect(fake.journal.every((e) => e.runId === 'run-1')).toBe(true);
  });

  it('a failed step stops the later steps and is reported with its error and code; its action is recorded FAILED', async () => {
    const fake = fakeWarehouse({ failOn: { T2: new CkptError('NOT_AUTHORIZED', 'no privilege on T2', { hint: 'grant it' }) } });
    const steps = [drop('a', 'T1'), drop('a', 'T2'), drop('a', 'T3'), record('a'), drop('b', 'U1'), record('b')];
    const [outcome] = await apply(planOf(steps), fake);
    expect(fake.executed).toEqual(['T1', 'T2']);
    expect(outcome?.failed).toBe(true);
    expect(outcomes(outcome?.steps ?? [])).toEqual(['succeeded', 'failed', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(outcome?.steps[1]).toMatchObject({ outcome: 'failed', error: 'no privilege on T2 (grant it)', code: 'NOT_AUTHORIZED' });
    expect(outcome?.steps[2]).toEqual({ step: steps[2], outcome: 'skipped', error: null, durationMs: null });
    expect(fake.recorded).toEqual([
      expect.objectContaining({
        actionId: 'a',
        status: 'FAILED',
        restoredTo: null,
        error: 'no privilege on T2 (grant it)',
        steps: [
          { kind: 'drop-object', object: 'T1', outcome: 'succeeded', error: null },
          { kind: 'drop-object', object: 'T2', outcome: 'failed', error: 'no privilege on T2 (grant it)' },
        ],
      }),
    ]);
    expect(fake.journal.map((e) => [e.event, e.stepIndex, e.detail])).toEqual([
      ['run-started', null, expect.any(String)],
      ['step-started', 0, null],
      ['step-started', 1, null],
      ['step-started', 2, null],
      ['step-succeeded', 0, null],
      ['step-failed', 1, 'no privilege on T2 (grant it)'],
      ['run-failed', null, null],
    ]);
  });

  it('an action applied before a failed one stays APPLIED; only the failed action is recorded FAILED', async () => {
    const fake = fakeWarehouse({ failOn: { U1: new Error('boom') } });
    const [outcome] = await apply(planOf([drop('a', 'T1'), record('a'), drop('b', 'U1'), record('b')]), fake);
    expect(outcomes(outcome?.steps ?? [])).toEqual(['succeeded', 'succeeded', 'failed', 'skipped']);
    expect(fake.recorded.map((r) => [r.actionId, r.status, r.error, r.steps.map((s) => s.object)])).toEqual([
      ['a', 'APPLIED', null, ['T1']],
      ['b', 'FAILED', 'boom', ['U1']],
    ]);
  });

  it('an error ckpt did not classify is INTERNAL, described by its message', async () => {
    const fake = fakeWarehouse({ failOn: { T1: new Error('socket hang up') } });
    const [outcome] = await apply(planOf([drop('a', 'T1'), record('a')]), fake);
    expect(outcome?.steps[0]).toMatchObject({ outcome: 'failed', error: 'socket hang up', code: 'INTERNAL' });
    expect(fake.recorded).toMatchObject([{ actionId: 'a', status: 'FAILED', error: 'socket hang up' }]);
  });

  it('the action is recorded FAILED with the error of the first failed step of the wave', async () => {
    const fake = fakeWarehouse({ failOn: { T1: new Error('first'), T2: new Error('second') } });
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), record('a')]), fake, { concurrency: 2 });
    expect(outcomes(outcome?.steps ?? [])).toEqual(['failed', 'failed', 'skipped']);
    expect(fake.recorded).toMatchObject([{ actionId: 'a', status: 'FAILED', error: 'first' }]);
    expect(fake.recorded[0]?.steps.map((s) => s.error)).toEqual(['first', 'second']);
  });

  it('a failed step that belongs to no action (a checkpoint) records no action', async () => {
    const take = {
      target: 'demo',
      group: 'checkpoint:nightly',
      reason: 'test',
      kind: 'take-checkpoint' as const,
      checkpointId: 'nightly',
      checkpointType: 'AUTO' as const,
      description: '',
    };
    const fake = fakeWarehouse({ failOn: { nightly: new Error('clone failed') } });
    const logger = recordingLogger();
    const [outcome] = await apply(planOf([take, drop('a', 'T1'), record('a')]), fake, {}, logger);
    expect(outcomes(outcome?.steps ?? [])).toEqual(['failed', 'skipped', 'skipped']);
    expect(fake.recorded).toEqual([]);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['step failed']);
  });

  it('other targets go on after a target fails; a target with nothing to do is not run', async () => {
    const fake = fakeWarehouse({ failOn: { T1: new Error('boom') } });
    const plan = planOf([drop('a', 'T1'), record('a')], [], [drop('c', 'W1'), record('c')]);
    const result = await apply(plan, fake);
    expect(result.map((o) => [o.target, o.failed])).toEqual([
      ['demo', true],
      ['demo3', false],
    ]);
    expect(fake.executed).toEqual(['T1', 'W1']);
    expect(fake.recorded.map((r) => [r.actionId, r.status])).toEqual([
      ['a', 'FAILED'],
      ['c', 'APPLIED'],
    ]);
  });

  it('an audit row that cannot be written fails its step, and the FAILED row that follows is logged, not thrown', async () => {
    const fake = fakeWarehouse({ recordFails: true });
    const logger = recordingLogger();
    const [outcome] = await apply(planOf([drop('a', 'T1'), record('a')]), fake, {}, logger);
    expect(outcomes(outcome?.steps ?? [])).toEqual(['succeeded', 'failed']);
    expect(outcome?.steps[1]?.error).toBe('audit table is read-only');
    expect(logger.lines).toContainEqual({
      level: 'error',
      message: 'could not record the failed action',
      fields: { action: 'a', error: 'audit table is read-only' },
    });
  });
});

describe('waves and concurrency', () => {
  const fiveDrops = () => ['T1', 'T2', 'T3', 'T4', 'T5'].map((n) => drop('a', n));

  it('runs at most the allowed number of steps of a wave at once, capped by the warehouse', async () => {
    const cases: Array<[concurrency: number, maxConcurrency: number, expected: number]> = [
      [3, 8, 3],
      [8, 2, 2],
      [0, 8, 1],
      [8, 8, 5],
    ];
    for (const [concurrency, maxConcurrency, expected] of cases) {
      const fake = fakeWarehouse({ maxConcurrency });
      const [outcome] = await apply(planOf(fiveDrops()), fake, { concurrency });
      expect(outcome?.failed).toBe(false);
      expect(fake.executed).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
      expect(fake.maxInFlight(), `concurrency ${concurrency}, warehouse ${maxConcurrency}`).toBe(expected);
    }
  });

  it('steps that must run alone never overlap, even with room for more', async () => {
    const fake = fakeWarehouse();
    await apply(planOf([recreateView('a', 'V1'), recreateView('a', 'V2'), recreateView('a', 'V3')]), fake, { concurrency: 8 });
    expect(fake.executed).toEqual(['V1', 'V2', 'V3']);
    expect(fake.maxInFlight()).toBe(1);
  });

  it('a failure lets the steps already running finish and starts no more', async () => {
    const fake = fakeWarehouse({ failOn: { T1: new Error('boom') } });
    const [outcome] = await apply(planOf(fiveDrops()), fake, { concurrency: 2 });
    expect(fake.executed).toEqual(['T1', 'T2']);
    expect(outcomes(outcome?.steps ?? [])).toEqual(['failed', 'succeeded', 'skipped', 'skipped', 'skipped']);
  });

  it('reports progress as each step starts and finishes', async () => {
    const fake = fakeWarehouse();
    const events: string[] = [];
    await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), record('a')]), fake, {
      concurrency: 2,
      onProgress: (e) => void events.push(`${e.target} ${e.index}/${e.total} ${e.step.kind} ${e.outcome}`),
    });
    expect(events).toEqual([
      'demo 0/3 drop-object started',
      'demo 0/3 drop-object started',
      'demo 0/3 drop-object succeeded',
      'demo 1/3 drop-object succeeded',
      'demo 2/3 record-action started',
      'demo 2/3 record-action succeeded',
    ]);
  });

  it('measures each step and the whole target', async () => {
    const fake = fakeWarehouse({ onStep: (subject) => vi.advanceTimersByTime(subject === 'T1' ? 30 : 50) });
    const [outcome] = await apply(planOf([drop('a', 'T1'), recreateView('a', 'V1'), drop('b', 'T3'), record('b')]), fake, {}, silentLogger);
    expect(outcome?.steps.map((s) => s.durationMs)).toEqual([30, 50, 50, 0]);
    expect(outcome?.durationMs).toBe(130);
    const failing = fakeWarehouse({ failOn: { T1: new Error('boom') }, onStep: () => vi.advanceTimersByTime(20) });
    const [failed] = await apply(planOf([drop('a', 'T1'), record('a')]), failing);
    expect(failed?.steps.map((s) => s.durationMs)).toEqual([20, null]);
    expect(failed?.durationMs).toBe(20);
  });
});

describe('what apply logs', () => {
  it('says which step started, succeeded and failed, on which target', async () => {
    const fake = fakeWarehouse({ failOn: { T2: new Error('boom') } });
    const logger = recordingLogger();
    await apply(planOf([drop('a', 'T1'), drop('b', 'T2', 'VIEW'), record('b')]), fake, {}, logger);
    expect(logger.lines).toEqual([
      { level: 'info', message: 'step started', fields: { target: 'demo', index: 0, step: 'drop-object', object: 'T1', group: 'a' } },
      { level: 'info', message: 'step succeeded', fields: { target: 'demo', index: 0, step: 'drop-object', object: 'T1', group: 'a' } },
      { level: 'info', message: 'step started', fields: { target: 'demo', index: 1, step: 'drop-object', object: 'T2', group: 'b' } },
      { level: 'error', message: 'step failed', fields: { target: 'demo', index: 1, step: 'drop-object', object: 'T2', error: 'boom' } },
    ]);
  });
});

describe('audit rows and error descriptions', () => {
  it('records each action kind under its audit type, and RESTORED_TO only for an applied reset or restore', () => {
    expect(auditTypeOf({ kind: 'cleanup', since: 'b' })).toBe('CLEANUP');
    expect(auditTypeOf({ kind: 'restore', from: 'b', objects: null })).toBe('RESTORE');
    expect(auditTypeOf({ kind: 'reset', to: 'b' })).toBe('RESET');
    expect(auditTypeOf({ kind: 'full-cleanup' })).toBe('FULL_CLEANUP');
    expect(restoredTo('RESET', 'APPLIED', 'b')).toBe('b');
    expect(restoredTo('RESTORE', 'APPLIED', 'b')).toBe('b');
    expect(restoredTo('RESET', 'FAILED', 'b')).toBeNull();
    expect(restoredTo('RESTORE', 'FAILED', 'b')).toBeNull();
    expect(restoredTo('CLEANUP', 'APPLIED', 'b')).toBeNull();
    expect(restoredTo('FULL_CLEANUP', 'APPLIED', null)).toBeNull();
  });

  it("an applied reset's audit row marks the checkpoint it went back to", async () => {
    const fake = fakeWarehouse();
    await apply(planOf([drop('r', 'T1'), record('r', { kind: 'reset', to: 'baseline' })]), fake);
    expect(fake.recorded).toMatchObject([{ actionId: 'r', type: 'RESET', status: 'APPLIED', restoredTo: 'baseline' }]);
  });

  it('describes an error by its message, with the hint of a ckpt error', () => {
    expect(describeError(new CkptError('SQL_FAILED', 'syntax error', { hint: 'check the definition' }))).toBe(
      'syntax error (check the definition)',
    );
    expect(describeError(new CkptError('SQL_FAILED', 'syntax error'))).toBe('syntax error');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('a string')).toBe('a string');
  });
});

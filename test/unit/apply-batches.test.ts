/**
 * On a warehouse that runs a wave as one unit (`executeWave`, all or nothing): a wave of
 * several independent steps goes in batches of at most 500, a step alone runs by itself; a
 * batch that fails is retried step by step so that what can be applied is and the failure is
 * attributed to its step (later steps skipped); a lost lease stops before the next batch. On a
 * warehouse that reports each step of a wave as it takes effect and says which failed
 * (WaveIncomplete, as Snowflake's multi-statement requests do): exactly those are recorded, with
 * no retry, and the rest of the wave is skipped. A sequence of view re-creations runs in plan
 * order: as one unit on a warehouse that runs sequences (`executeSequence`), retried step by step
 * in order when it fails; one step at a time, never concurrently, on one that does not.
 */
import { describe, expect, it } from 'vitest';
import { applyOn as apply, fakeWarehouse, recordingLogger, drop, record, recreateView, planOf } from './support/fake-warehouse.js';

const names = (count: number) => Array.from({ length: count }, (_, i) => `T${i + 1}`);

describe('a warehouse that runs a wave as one unit', () => {
  it('runs a wave of drops as one batch and a step alone by itself, each reported', async () => {
    const fake = fakeWarehouse({ batches: true });
    const events: string[] = [];
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), drop('a', 'T3'), recreateView('a', 'V1'), record('a')]), fake, {
      onProgress: (e) => void events.push(`${e.index} ${e.outcome}`),
    });
    expect(fake.batches).toEqual([['T1', 'T2', 'T3']]);
    expect(fake.executed).toEqual(['V1']);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(events).toEqual([
      '0 started',
      '0 started',
      '0 started',
      '0 succeeded',
      '1 succeeded',
      '2 succeeded',
      '3 started',
      '3 succeeded',
      '4 started',
      '4 succeeded',
    ]);
    expect(fake.recorded).toMatchObject([
      { actionId: 'a', status: 'APPLIED', steps: [{ object: 'T1' }, { object: 'T2' }, { object: 'T3' }, { object: 'V1' }] },
    ]);
  });

  it('splits a wave into batches of at most 500 steps', async () => {
    const fake = fakeWarehouse({ batches: true });
    const [outcome] = await apply(planOf(names(1001).map((n) => drop('a', n))), fake);
    expect(fake.batches.map((b) => b.length)).toEqual([500, 500, 1]);
    const exact = fakeWarehouse({ batches: true });
    await apply(planOf(names(500).map((n) => drop('a', n))), exact);
    expect(exact.batches.map((b) => b.length)).toEqual([500]);
    expect(fake.batches.flat()).toEqual(names(1001));
    expect(outcome?.steps.every((s) => s.outcome === 'succeeded')).toBe(true);
  });

  it('retries a failed batch step by step: what can be applied is, the failure is its step’s, the rest skipped', async () => {
    const fake = fakeWarehouse({ batches: true, failOn: { T2: new Error('T2 is referenced by a foreign key') } });
    const logger = recordingLogger();
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), drop('a', 'T3'), record('a')]), fake, {}, logger);
    expect(fake.batches).toEqual([['T1', 'T2', 'T3']]);
    expect(fake.executed).toEqual(['T1', 'T2']);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'failed', 'skipped', 'skipped']);
    expect(outcome?.steps[1]?.error).toBe('T2 is referenced by a foreign key');
    expect(fake.recorded).toMatchObject([{ actionId: 'a', status: 'FAILED', error: 'T2 is referenced by a foreign key' }]);
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'batch failed; retrying its steps one by one',
      fields: { target: 'demo', steps: 3, error: 'T2 is referenced by a foreign key' },
    });
  });

  it('a lost lease stops before the next batch', async () => {
    const lease = new AbortController();
    const fake = fakeWarehouse({ batches: true, onStep: (s) => (s === 'T1' ? lease.abort() : undefined) });
    const [outcome] = await apply(planOf([...names(501).map((n) => drop('a', n)), record('a')]), fake, { signal: lease.signal });
    expect(fake.batches.map((b) => b.length)).toEqual([500]);
    expect(outcome?.failed).toBe(true);
    expect(outcome?.steps.filter((s) => s.outcome === 'succeeded')).toHaveLength(500);
    expect(outcome?.steps.slice(500).map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
    expect(fake.recorded).toMatchObject([{ actionId: 'a', status: 'FAILED', error: 'interrupted before it finished' }]);
  });
});

describe('a warehouse that reports the steps of a wave (WaveIncomplete)', () => {
  it('records each step as the warehouse reports it, within the concurrency asked, as it happens', async () => {
    const fake = fakeWarehouse({ batches: 'partial', maxConcurrency: 8 });
    const events: string[] = [];
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), drop('a', 'T3'), record('a')]), fake, {
      concurrency: 4,
      onProgress: (e) => void events.push(`${e.step.kind === 'drop-object' ? e.step.object.name : e.step.kind} ${e.outcome}`),
    });
    expect(fake.batches).toEqual([['T1', 'T2', 'T3']]);
    expect(fake.waveConcurrency).toEqual([4]);
    expect(fake.executed).toEqual([]);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(events.slice(0, 6)).toEqual(['T1 started', 'T2 started', 'T3 started', 'T1 succeeded', 'T2 succeeded', 'T3 succeeded']);
  });

  it('records the failed step failed and the steps the warehouse did not run skipped, without retrying any', async () => {
    const fake = fakeWarehouse({ batches: 'partial', failOn: { T2: new Error('T2 is in use') } });
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), drop('a', 'T3'), record('a')]), fake);
    expect(fake.executed).toEqual([]);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'failed', 'skipped', 'skipped']);
    expect(outcome?.steps[1]?.error).toBe('T2 is in use');
    expect(fake.journal.filter((e) => e.event !== 'step-started').map((e) => `${e.event} ${e.object ?? ''}`)).toEqual([
      'run-started ',
      'step-succeeded T1',
      'step-failed T2',
      'run-failed ',
    ]);
    expect(fake.recorded).toMatchObject([
      {
        actionId: 'a',
        status: 'FAILED',
        error: 'T2 is in use',
        steps: [
          { object: 'T1', outcome: 'succeeded' },
          { object: 'T2', outcome: 'failed' },
        ],
      },
    ]);
  });

  it('a wave interrupted midway (no failure) leaves the rest skipped and the action FAILED as interrupted', async () => {
    const lease = new AbortController();
    const fake = fakeWarehouse({ batches: 'partial', onStep: (s) => (s === 'T2' ? lease.abort() : undefined) });
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), drop('a', 'T3'), record('a')]), fake, {
      signal: lease.signal,
    });
    expect(outcome?.failed).toBe(true);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'succeeded', 'skipped', 'skipped']);
    expect(fake.recorded).toMatchObject([{ actionId: 'a', status: 'FAILED', error: 'interrupted before it finished' }]);
  });
});

describe('a sequence of view re-creations', () => {
  const views = (count: number) => Array.from({ length: count }, (_, i) => `V${i + 1}`);

  it('runs as one unit in plan order, in batches of at most 500, journalled once per batch each way', async () => {
    const fake = fakeWarehouse({ batches: true, sequences: true });
    const [outcome] = await apply(planOf([drop('a', 'T1'), ...views(501).map((v) => recreateView('a', v)), record('a')]), fake);
    expect(fake.sequences).toEqual([views(500), ['V501']]);
    expect(fake.executed).toEqual(['T1']);
    expect(outcome?.steps.every((s) => s.outcome === 'succeeded')).toBe(true);
    const started = fake.journal.filter((e) => e.event === 'step-started' && e.kind === 'recreate-view');
    expect(started.map((e) => e.object)).toEqual(views(501));
    expect(fake.recorded).toMatchObject([{ actionId: 'a', status: 'APPLIED' }]);
    expect(fake.recorded[0]?.steps.map((s) => s.object)).toEqual(['T1', ...views(501)]);
  });

  it('a failed sequence is retried step by step in order: the failure is its step’s, the rest skipped', async () => {
    const fake = fakeWarehouse({ sequences: true, failOn: { V2: new Error('V2 refers to a missing table') } });
    const [outcome] = await apply(planOf([...views(3).map((v) => recreateView('a', v)), record('a')]), fake);
    expect(fake.sequences).toEqual([views(3)]);
    expect(fake.executed).toEqual(['V1', 'V2']);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'failed', 'skipped', 'skipped']);
    expect(fake.recorded).toMatchObject([{ actionId: 'a', status: 'FAILED', error: 'V2 refers to a missing table' }]);
  });

  it('without executeSequence, runs one view at a time in plan order whatever the concurrency', async () => {
    const fake = fakeWarehouse({ maxConcurrency: 8 });
    const [outcome] = await apply(planOf([...views(4).map((v) => recreateView('a', v)), record('a')]), fake, { concurrency: 8 });
    expect(fake.executed).toEqual(views(4));
    expect(fake.maxInFlight()).toBe(1);
    expect(outcome?.steps.every((s) => s.outcome === 'succeeded')).toBe(true);
  });

  it('views of two actions are two sequences', async () => {
    const fake = fakeWarehouse({ sequences: true });
    await apply(planOf([recreateView('a', 'V1'), recreateView('a', 'V2'), recreateView('b', 'W1'), recreateView('b', 'W2')]), fake);
    expect(fake.sequences).toEqual([
      ['V1', 'V2'],
      ['W1', 'W2'],
    ]);
  });
});

/**
 * How apply stops: a lost lease or a shutdown (the abort signal) lets the running step finish
 * and skips the rest, including within the last wave; an abort after the last step changes
 * nothing; a journal that cannot be written stops the run before its next wave (said once); an
 * action that failed and was then interrupted has one FAILED audit row, with its step's error.
 */
import { describe, expect, it } from 'vitest';
import { applyOn as apply, fakeWarehouse, recordingLogger, drop, record, recreateView, planOf } from './support/fake-warehouse.js';

/** A signal that a lost lease (or a shutdown) aborts while the step on `subject` runs. */
function lostDuring(subject: string) {
  const lease = new AbortController();
  return { signal: lease.signal, onStep: (s: string) => (s === subject ? lease.abort() : undefined) };
}

describe('a lost lease or a shutdown', () => {
  it('stops the writer within a wave: the running step finishes, the rest are skipped and said so', async () => {
    const lost = lostDuring('T1');
    const fake = fakeWarehouse({ onStep: lost.onStep });
    const logger = recordingLogger();
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2'), drop('a', 'T3')]), fake, { signal: lost.signal }, logger);
    expect(fake.executed).toEqual(['T1']);
    expect(outcome?.failed).toBe(true);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'skipped', 'skipped']);
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'apply interrupted; the remaining steps are skipped',
      fields: { target: 'demo', skipped: 2 },
    });
    expect(fake.journal.map((e) => e.event).at(-1)).toBe('run-failed');
  });

  it('stops before the next wave: nothing of it is started or journalled', async () => {
    const lost = lostDuring('T1');
    const fake = fakeWarehouse({ onStep: lost.onStep });
    const [outcome] = await apply(planOf([drop('a', 'T1'), recreateView('a', 'V1'), record('a')]), fake, { signal: lost.signal });
    expect(fake.executed).toEqual(['T1']);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'skipped', 'skipped']);
    expect(fake.journal.map((e) => [e.event, e.stepIndex])).toEqual([
      ['run-started', null],
      ['step-started', 0],
      ['step-succeeded', 0],
      ['run-failed', null],
    ]);
  });

  it('an abort after the last step has started changes nothing: the run finished', async () => {
    const lost = lostDuring('T2');
    const fake = fakeWarehouse({ onStep: lost.onStep });
    const logger = recordingLogger();
    const [outcome] = await apply(planOf([drop('a', 'T1'), drop('a', 'T2')]), fake, { signal: lost.signal }, logger);
    expect(outcome?.failed).toBe(false);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
    expect(fake.journal.map((e) => e.event).at(-1)).toBe('run-finished');
  });

  it('an action whose step failed as the lease was lost has one FAILED row, with the step error', async () => {
    const lost = lostDuring('T1');
    const fake = fakeWarehouse({ onStep: lost.onStep, failOn: { T1: new Error('no privilege') } });
    const [outcome] = await apply(planOf([drop('a', 'T1'), recreateView('a', 'V1'), record('a')]), fake, { signal: lost.signal });
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['failed', 'skipped', 'skipped']);
    expect(fake.recorded.map((r) => [r.actionId, r.status, r.error])).toEqual([['a', 'FAILED', 'no privilege']]);
  });
});

describe('a journal that cannot be written', () => {
  it('stops the run before its first step, and says so once', async () => {
    const fake = fakeWarehouse({ journalFailsFrom: 1 });
    const logger = recordingLogger();
    const [outcome] = await apply(planOf([drop('a', 'T1'), record('a')]), fake, {}, logger);
    expect(fake.executed).toEqual([]);
    expect(outcome?.failed).toBe(true);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
    expect(logger.lines).toEqual([
      { level: 'error', message: 'cannot write the journal; stopping', fields: { target: 'demo', error: 'journal is read-only' } },
    ]);
  });

  it('is not blamed for stopping a run that a failed step already stopped', async () => {
    // Writes: run-started, the wave started, its outcome; the run's end fails.
    const fake = fakeWarehouse({ journalFailsFrom: 4, failOn: { T1: new Error('boom') } });
    const logger = recordingLogger();
    const [outcome] = await apply(planOf([drop('a', 'T1'), record('a')]), fake, {}, logger);
    expect(outcome?.failed).toBe(true);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual(['step failed']);
  });

  it('stops the run before the next wave when it fails mid-run', async () => {
    // Writes: run-started, the first wave started, its outcome (fails from here on).
    const fake = fakeWarehouse({ journalFailsFrom: 3 });
    const [outcome] = await apply(planOf([drop('a', 'T1'), recreateView('a', 'V1'), record('a')]), fake);
    expect(fake.executed).toEqual(['T1']);
    expect(outcome?.failed).toBe(true);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'skipped', 'skipped']);
  });
});

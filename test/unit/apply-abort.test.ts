/**
 * apply with an AbortSignal (the daemon's shutdown): the running step finishes, the rest are
 * skipped, an action it interrupted is recorded FAILED ("interrupted before it finished"), an
 * action not started is left unrecorded, and nothing is recorded APPLIED after the abort.
 */
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { silentLogger } from '../../src/model/logger.js';
import type { Step } from '../../src/model/plan.js';
import { planOf } from './support/fake-warehouse.js';
import type { ActionRecord, RunContext, Warehouse } from '../../src/warehouse/warehouse.js';

const base = { target: 'demo' };
const drop = (group: string, name: string): Step => ({
  ...base,
  group,
  kind: 'drop-object',
  object: { name, kind: 'TABLE' },
  created: '2026-01-01T00:00:00.000Z',
  cause: 'created-after-checkpoint',
  reason: 'test',
});
const record = (actionId: string): Step => ({
  ...base,
  group: actionId,
  kind: 'record-action',
  actionId,
  spec: { kind: 'cleanup', since: 'baseline' },
  specHash: 'h',
  checkpointId: 'baseline',
  reason: 'test',
});

const run: RunContext = { runId: 'r', command: 'daemon', origin: { file: '/tmp/checkpoints.yaml', hash: 'x', commit: null, dirty: null } };

/** A warehouse that aborts `controller` while executing the step on `abortOn`. */
function fakeWarehouse(controller: AbortController, abortOn: string) {
  const executed: string[] = [];
  const recorded: ActionRecord[] = [];
  const warehouse = {
    capabilities: { maxConcurrency: 1 },
    leases: () => ({ journal: async () => {} }),
    steps: {
      'drop-object': async (_ref: unknown, step: Extract<Step, { kind: 'drop-object' }>) => {
        if (step.object.name === abortOn) controller.abort();
        executed.push(step.object.name);
      },
    },
    recordAction: async (_ref: unknown, rec: ActionRecord) => {
      recorded.push(rec);
    },
  } as unknown as Warehouse;
  return { warehouse, executed, recorded };
}

const ref = { name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };

describe('applyPlan with an abort signal', () => {
  it('finishes the running step, skips the rest and records the interrupted action FAILED', async () => {
    const controller = new AbortController();
    const { warehouse, executed, recorded } = fakeWarehouse(controller, 'A1');
    const steps = [drop('a', 'A1'), drop('a', 'A2'), record('a'), drop('b', 'B1'), record('b')];
    const [outcome] = await applyPlan(planOf(steps), () => ({ ref, warehouse }), run, silentLogger, {
      concurrency: 1,
      signal: controller.signal,
    });
    expect(executed).toEqual(['A1']);
    expect(outcome?.steps.map((s) => s.outcome)).toEqual(['succeeded', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(recorded).toMatchObject([
      { actionId: 'a', status: 'FAILED', error: 'interrupted before it finished', steps: [{ object: 'A1', outcome: 'succeeded' }] },
    ]);
  });

  it('leaves an action that had not started unrecorded', async () => {
    const controller = new AbortController();
    const { warehouse, recorded } = fakeWarehouse(controller, 'A1');
    const steps = [drop('a', 'A1'), record('a'), drop('b', 'B1'), record('b')];
    await applyPlan(planOf(steps), () => ({ ref, warehouse }), run, silentLogger, { concurrency: 1, signal: controller.signal });
    expect(recorded.map((r) => [r.actionId, r.status, r.error])).toEqual([['a', 'FAILED', 'interrupted before it finished']]);

    const late = new AbortController();
    const second = fakeWarehouse(late, 'none');
    late.abort();
    const [outcome] = await applyPlan(planOf(steps), () => ({ ref, warehouse: second.warehouse }), run, silentLogger, {
      concurrency: 1,
      signal: late.signal,
    });
    expect(second.executed).toEqual([]);
    expect(second.recorded).toEqual([]);
    expect(outcome?.steps.every((s) => s.outcome === 'skipped')).toBe(true);
  });
});

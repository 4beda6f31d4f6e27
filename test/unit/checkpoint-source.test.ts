/**
 * Which checkpoint an action reads: an active one of the audit table first, else one the same
 * plan takes before it; a deleted or unknown id blocks the action with a message saying what to
 * do. Always a source or a blocker, never both or neither.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedCheckpoint } from '../../src/model/observed.js';
import { pendingSource, recordedSource, resolveCheckpoint, type PendingSource } from '../../src/plan/checkpoint-source.js';
import { action } from '../support/desired.js';
import { checkpoint, obj } from '../support/observed.js';

const reset = action('r1', { kind: 'reset', to: 'baseline' });
const ORDERS = obj('ORDERS');
const none = new Map<string, never>();

function resolve(recorded: RecordedCheckpoint[], pending: PendingSource[] = []) {
  return resolveCheckpoint(
    { name: 'demo' },
    reset,
    'baseline',
    new Map(recorded.map((c) => [c.id, c])),
    new Map(pending.map((p) => [p.id, p])),
  );
}

describe('checkpoint sources', () => {
  it('a recorded checkpoint is labelled with its id and time, and holds its inventory', () => {
    const recorded = checkpoint('baseline', [ORDERS]);
    expect(recordedSource(recorded)).toEqual({
      id: 'baseline',
      inventory: [ORDERS],
      label: 'checkpoint baseline (2026-11-27 09:00:00 UTC)',
      timestamp: '2026-11-27T09:00:00.000Z',
      recorded,
    });
  });

  it('a recorded checkpoint without a time is labelled by its id alone', () => {
    expect(recordedSource(checkpoint('baseline', [], { timestamp: '' })).label).toBe('checkpoint baseline');
  });

  it('a checkpoint the plan takes first has no time yet', () => {
    expect(pendingSource('baseline', [ORDERS])).toEqual({
      id: 'baseline',
      inventory: [ORDERS],
      label: 'checkpoint baseline',
      timestamp: null,
      recorded: null,
    });
  });
});

describe('resolveCheckpoint', () => {
  it('reads an active or restored-to checkpoint of the audit table', () => {
    for (const status of ['ACTIVE', 'RESTORED_TO'] as const) {
      const recorded = checkpoint('baseline', [ORDERS], { status });
      expect(resolve([recorded], [pendingSource('baseline', [])])).toEqual({ source: recordedSource(recorded) });
    }
  });

  it('reads a checkpoint the plan takes when the audit table has none by that id', () => {
    const pending = pendingSource('baseline', [ORDERS]);
    expect(resolve([checkpoint('other', [])], [pending])).toEqual({ source: pending });
  });

  it('a deleted checkpoint blocks the action and says to point it at an active one', () => {
    expect(resolve([checkpoint('baseline', [ORDERS], { status: 'DELETED' })])).toEqual({
      finding: {
        target: 'demo',
        severity: 'blocker',
        code: 'CHECKPOINT_DELETED',
        message: 'action r1 needs checkpoint baseline, which was deleted; point it at an active checkpoint',
        actionId: 'r1',
        object: null,
        position: reset.position,
      },
    });
  });

  it('an unknown checkpoint blocks the action and says where to declare it', () => {
    expect(resolveCheckpoint({ name: 'demo' }, reset, 'baseline', none, none)).toEqual({
      finding: {
        target: 'demo',
        severity: 'blocker',
        code: 'CHECKPOINT_UNKNOWN',
        message:
          'action r1 needs checkpoint baseline, which is neither declared in the file nor in the audit table; declare it under checkpoints or fix the id',
        actionId: 'r1',
        object: null,
        position: reset.position,
      },
    });
  });
});

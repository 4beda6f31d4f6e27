/**
 * The daemon's checkpoint clocks (src/daemon/metrics.ts) from an observation: when the oldest
 * active checkpoint stops being restorable is the earliest end of retention among the dropped
 * versions it holds; found by its inventory when observe read it, else (totals only) as the
 * versions live when it was taken. Both give the same answer.
 */
import { describe, expect, it } from 'vitest';
import { checkpointClocks } from '../../src/daemon/observation.js';
import type { RecordedCheckpoint } from '../../src/model/observed.js';
import { checkpoint, dropped, obj, observed } from '../support/observed.js';

const ORDERS = obj('ORDERS', 'TABLE', '2026-11-27T08:00:00.000Z');
const LATER = obj('LATER', 'TABLE', '2026-11-27T09:30:00.000Z');
const versions = [
  { ...dropped(ORDERS, '2026-11-27T10:00:00.000Z'), restorableUntil: '2026-11-28T10:00:00.000Z' },
  // Created after the checkpoint: not one it holds, though it ends sooner.
  { ...dropped(LATER, '2026-11-27T10:00:00.000Z'), restorableUntil: '2026-11-27T20:00:00.000Z' },
];

describe('checkpoint clocks', () => {
  it('the oldest checkpoint stays restorable until its earliest held dropped version ends, read or not', () => {
    const read = checkpoint('baseline', [ORDERS]);
    const unread: RecordedCheckpoint = { ...read, objects: null };
    for (const c of [read, unread]) {
      expect(checkpointClocks(observed({ checkpoints: [c], dropped: versions }))).toEqual({
        newestAt: read.timestamp,
        oldestRestorableUntil: '2026-11-28T10:00:00.000Z',
      });
    }
  });
});

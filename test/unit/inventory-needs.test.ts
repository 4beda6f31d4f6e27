/**
 * Which checkpoints' inventories observe reads (src/plan/inventory-needs.ts), and what the
 * planner does with a checkpoint whose entries it was not given: the inventory of every
 * checkpoint an action names (and every kept copy, for a reset or a restore), none for the
 * records alone; an action on a checkpoint read by its totals only is held back, never planned
 * as if the checkpoint held nothing (a reset to an empty inventory drops everything).
 */
import { describe, expect, it } from 'vitest';
import type { RecordedCheckpoint } from '../../src/model/observed.js';
import { selectsInventory } from '../../src/model/observed.js';
import { inventoriesNeeded } from '../../src/plan/inventory-needs.js';
import { planTarget } from '../../src/plan/plan.js';
import { action, target } from '../support/desired.js';
import { checkpoint, obj, observed } from '../support/observed.js';

const ORDERS = obj('ORDERS');
const LATER = obj('LATER', 'TABLE', '2026-11-27T10:00:00.000Z');

/** `baseline` as observe returns it when it read only its totals. */
const unread: RecordedCheckpoint = {
  ...checkpoint('baseline', []),
  objects: null,
  totals: { objects: 1, tables: 1, rows: 3, bytes: 1024, rowsUnknown: 0, bytesUnknown: 0, retentionUnknown: 0, minRetentionDays: 1 },
};

describe('inventoriesNeeded', () => {
  it("names each checkpoint the target's actions name, once, and kept copies for a reset or a restore", () => {
    const t = target({
      actions: [
        action('a', { kind: 'cleanup', since: 'c2' }),
        action('b', { kind: 'reset', to: 'c1' }),
        action('c', { kind: 'restore', from: 'c2', objects: null }),
        action('d', { kind: 'full-cleanup' }),
      ],
    });
    expect(inventoriesNeeded(t)).toEqual({ ids: ['c1', 'c2'], keptCopies: true });
  });

  it('reads no kept copy for a cleanup (it only compares names), and nothing without actions', () => {
    expect(inventoriesNeeded(target({ actions: [action('a', { kind: 'cleanup', since: 'c1' })] }))).toEqual({
      ids: ['c1'],
      keptCopies: false,
    });
    expect(inventoriesNeeded(target())).toEqual({ ids: [], keptCopies: false });
  });

  it('reads no entries for the records alone (listing, history, an ad-hoc checkpoint)', () => {
    expect(inventoriesNeeded(target({ actions: [action('b', { kind: 'reset', to: 'c1' })] }), 'totals')).toEqual({
      ids: [],
      keptCopies: false,
    });
  });

  it('never selects a deleted checkpoint; selects a kept copy only when asked', () => {
    const selection = { ids: ['c1'], keptCopies: false };
    expect(selectsInventory(selection, { id: 'c1', status: 'ACTIVE', keep: 'inventory' })).toBe(true);
    expect(selectsInventory(selection, { id: 'c1', status: 'DELETED', keep: 'inventory' })).toBe(false);
    expect(selectsInventory(selection, { id: 'c2', status: 'ACTIVE', keep: 'clone' })).toBe(false);
    expect(selectsInventory({ ids: [], keptCopies: true }, { id: 'c2', status: 'RESTORED_TO', keep: 'clone' })).toBe(true);
  });
});

describe('planning on a checkpoint whose entries were not read', () => {
  it('holds a reset back with INVENTORY_NOT_READ instead of dropping what the checkpoint does not list', () => {
    const t = target({ actions: [action('back', { kind: 'reset', to: 'baseline' })] });
    const plan = planTarget(t, observed({ objects: [ORDERS, LATER], checkpoints: [unread] }));
    expect(plan.steps).toEqual([]);
    expect(plan.findings.map((f) => [f.severity, f.code, f.actionId])).toEqual([['blocker', 'INVENTORY_NOT_READ', 'back']]);
  });

  it('holds a cleanup and a restore back the same way', () => {
    for (const spec of [
      { kind: 'cleanup', since: 'baseline' },
      { kind: 'restore', from: 'baseline', objects: null },
    ] as const) {
      const plan = planTarget(target({ actions: [action('x', spec)] }), observed({ objects: [ORDERS, LATER], checkpoints: [unread] }));
      expect(plan.steps).toEqual([]);
      expect(plan.findings.map((f) => f.code)).toEqual(['INVENTORY_NOT_READ']);
    }
  });

  it('plans the same reset once the entries are read', () => {
    const t = target({ actions: [action('back', { kind: 'reset', to: 'baseline' })] });
    const plan = planTarget(t, observed({ objects: [ORDERS, LATER], checkpoints: [checkpoint('baseline', [ORDERS])] }));
    expect(plan.findings).toEqual([]);
    expect(plan.steps.map((s) => s.kind)).toEqual(['drop-object', 'record-action']);
  });
});

/**
 * Shrunk counterexamples the random runs found, replayed on both connections by the regular
 * suite (model.test.ts), so a fixed defect, in ckpt or in the model, stays fixed. Each entry
 * says what it found and which run found it.
 */
import type { Op } from './ops.js';

/** A counterexample: what it found, and its operations as the failure printed them. */
export interface Regression {
  found: string;
  ops: Op[];
}

export const REGRESSIONS: readonly Regression[] = [
  {
    found:
      'model: a dropped version brought back (reset after a full cleanup) stayed restorable, so after a rename the model ' +
      'expected a restore of the old name that ckpt rightly held back (duckdb, seed 1866323813, after 131 runs)',
    ops: [
      { t: 'createTable', name: 0, w: false, rows: [] },
      { t: 'checkpoint', keep: 'inventory' },
      { t: 'fullCleanup' },
      { t: 'reset', cp: 0 },
      { t: 'renameTable', from: 0, to: 0 },
      { t: 'delete', name: 0, id: 1, sp: 0 },
      { t: 'restore', cp: 0, subset: null },
      { t: 'reset', cp: 0 },
      { t: 'createTable', name: 0, w: false, rows: [] },
      { t: 'insert', name: 0, rows: [[1, 0]], sp: 0 },
    ],
  },
  {
    found:
      'model: a missing table of an inventory checkpoint came back in the model from its dropped version, where ckpt ' +
      "rightly used another keep: clone checkpoint's copy of the same content (duckdb, seed 150191742, after 55 runs)",
    ops: [
      { t: 'createTable', name: 0, w: false, rows: [[1, 0]] },
      { t: 'checkpoint', keep: 'clone' },
      { t: 'checkpoint', keep: 'inventory' },
      { t: 'delete', name: 0, id: 1, sp: 0 },
      { t: 'fullCleanup' },
      { t: 'cleanup', cp: 0 },
      { t: 'reset', cp: 1 },
      { t: 'createTable', name: 0, w: false, rows: [] },
      { t: 'update', name: 0, id: 1, sp: 0 },
      { t: 'reset', cp: 0 },
      { t: 'createTable', name: 0, w: false, rows: [] },
    ],
  },
];

/**
 * The daemon reading its file mid-write: a generated edit of a settled config (retentions raised,
 * lowered or dropped, schedules added or removed, actions appended), cut short at
 * every byte, as a writer that has not finished leaves it. Each cut that still loads is planned as
 * the daemon plans it before the file settles (src/daemon/settle.ts: held, then targetWhileHeld)
 * and checked against what the settle period promises:
 * - no destructive step of an action the settled file did not have (same id and spec);
 * - no schedule expires more of its checkpoints than the settled file's retain allowed;
 * - and it holds back no more than it must: what waits is exactly the first new action with a
 *   destructive step and the actions after it (the others are planned as without the guard, the
 *   settled actions not yet applied included), and a schedule whose retain the cut did not lower
 *   expires exactly what its retain says.
 * fast-check shrinks a failure to the smallest edit and cut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { SettleGuard, targetWhileHeld } from '../../src/daemon/settle.js';
import type { Action, Desired, Target } from '../../src/model/desired.js';
import type { Observed } from '../../src/model/observed.js';
import type { Step } from '../../src/model/plan.js';
import { isDestructive } from '../../src/model/step-kinds.js';
import { planAll } from '../../src/plan/plan.js';
import { checkpoint, obj, observed, recorded } from '../support/observed.js';

const SETTLE_MS = 60_000;
const FILE = '/tmp/ckpt-cut/checkpoints.yaml';

/** A schedule as written: its id and retain (null: the key is left out, all are kept). */
interface ScheduleText {
  id: string;
  retain: number | null;
}

/** The actions the generator writes, as YAML flow values: three that drop here, and a restore with nothing to restore. */
const ACTION_KINDS = [
  'full_cleanup: { confirm: DELETE_ALL }',
  'cleanup: { since: baseline }',
  'reset: { to: baseline }',
  'restore: { from: baseline }',
] as const;

/** An action as written: its id and one of ACTION_KINDS. */
interface ActionText {
  id: string;
  body: (typeof ACTION_KINDS)[number];
}

/** The file's text: one target with a declared checkpoint, the schedules and the actions. */
function configText(schedules: ScheduleText[], actions: ActionText[]): string {
  const lines = [
    'version: 1',
    'connection: local',
    'targets:',
    '  - name: demo',
    '    schema: DEMO',
    '    checkpoints:',
    '      - id: baseline',
  ];
  lines.push('    schedules:' + (schedules.length === 0 ? ' []' : ''));
  for (const s of schedules) {
    lines.push(`      - id: ${s.id}`, '        cron: "0 * * * *"');
    if (s.retain !== null) lines.push(`        retain: ${s.retain}`);
  }
  lines.push('    actions:' + (actions.length === 0 ? ' []' : ''));
  for (const a of actions) lines.push(`      - id: ${a.id}`, `        ${a.body}`);
  return `${lines.join('\n')}\n`;
}

function load(text: string): Desired | null {
  const result = loadConfigText(text, FILE);
  return result.ok ? result.desired : null;
}

/** The AUTO checkpoints a schedule has taken: `count` of them, hourly before NOW. */
function autoCheckpoints(scheduleId: string, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const hour = String(10 - i).padStart(2, '0');
    return checkpoint(`AUTO_${scheduleId}_2026_11_27_${hour}_00_00`, [obj('ORDERS')], {
      type: 'AUTO',
      timestamp: `2026-11-27T${hour}:00:00.000Z`,
    });
  });
}

/** A generated case: the settled file (and which of its actions were applied), the edit written over it, and how many checkpoints each schedule has. */
interface Case {
  settled: { schedules: ScheduleText[]; actions: ActionText[]; applied: boolean[] };
  edited: { schedules: ScheduleText[]; actions: ActionText[] };
  taken: Record<string, number>;
}

const retain = fc.option(fc.integer({ min: 1, max: 30 }), { nil: null });
const scheduleIds = ['hourly', 'daily', 'h1', 'h12'];

const cases: fc.Arbitrary<Case> = fc
  .record({
    settledSchedules: fc.subarray(scheduleIds, { minLength: 1 }),
    settledRetains: fc.array(retain, { minLength: 4, maxLength: 4 }),
    kept: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    editedRetains: fc.array(retain, { minLength: 4, maxLength: 4 }),
    added: fc.subarray(scheduleIds),
    settledActions: fc.array(fc.constantFrom(...ACTION_KINDS), { maxLength: 2 }),
    applied: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    newActions: fc.array(fc.constantFrom(...ACTION_KINDS), { maxLength: 3 }),
    taken: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 4 }),
  })
  .map((g) => {
    const settledSchedules = g.settledSchedules.map((id, i) => ({ id, retain: g.settledRetains[i] ?? null }));
    const editedIds = [
      ...g.settledSchedules.filter((_, i) => g.kept[i] === true),
      ...g.added.filter((id) => !g.settledSchedules.includes(id)),
    ];
    const settledActions = g.settledActions.map((body, i) => ({ id: `old-${i}`, body }));
    return {
      settled: { schedules: settledSchedules, actions: settledActions, applied: g.applied },
      edited: {
        schedules: editedIds.map((id) => ({ id, retain: g.editedRetains[scheduleIds.indexOf(id)] ?? null })),
        actions: [...settledActions, ...g.newActions.map((body, i) => ({ id: `new-${i}`, body }))],
      },
      taken: Object.fromEntries(scheduleIds.map((id, i) => [id, g.taken[i] ?? 0])),
    };
  });

/** What the warehouse holds: the baseline, each schedule's checkpoints, a table made since, the settled actions `applied` says ran. */
function liveState(settled: Desired, applied: boolean[], taken: Record<string, number>): Observed {
  return observed({
    objects: [obj('ORDERS'), obj('SCRATCH', 'TABLE', '2026-11-27T10:30:00.000Z')],
    checkpoints: [checkpoint('baseline', [obj('ORDERS')]), ...scheduleIds.flatMap((id) => autoCheckpoints(id, taken[id] ?? 0))],
    actions: (settled.targets[0]?.actions ?? []).flatMap((a, i) => (applied[i] === true ? [recorded(a.id, a.specHash)] : [])),
  });
}

/** The plan the daemon applies for `current` before the file settles (`settled` having been in use long enough), and the plan without the guard. */
function plans(settled: Desired, current: Desired, state: Observed): { daemon: Step[]; plain: Step[] } {
  const guard = new SettleGuard(SETTLE_MS, { desired: settled, since: Date.now() - 2 * SETTLE_MS, committed: null });
  guard.loaded({ desired: current, since: Date.now(), committed: null });
  const target = current.targets[0] as Target;
  const states = new Map([[target.name, state]]);
  const plain = planAll(current, states);
  const held = guard.held(target, plain);
  const daemon = planAll({ ...current, targets: [targetWhileHeld(target, held)] }, states);
  return { daemon: daemon.targets.flatMap((t) => t.steps), plain: plain.targets.flatMap((t) => t.steps) };
}

/** Every cut of `text` that loads as a config (the whole text included). */
function loadableCuts(text: string): Array<{ at: number; desired: Desired }> {
  const cuts: Array<{ at: number; desired: Desired }> = [];
  for (let at = 0; at <= text.length; at += 1) {
    const desired = load(text.slice(0, at));
    if (desired !== null && desired.targets.length === 1) cuts.push({ at, desired });
  }
  return cuts;
}

describe('a file cut short anywhere, before it settles', () => {
  it('applies nothing destructive the settled file did not have, and expires no more than its retain allowed', () => {
    let checked = 0;
    fc.assert(
      fc.property(cases, (c) => {
        const settled = load(configText(c.settled.schedules, c.settled.actions));
        if (settled === null) throw new Error('the settled config does not load');
        const state = liveState(settled, c.settled.applied, c.taken);
        const key = (a: Action) => `${a.id}\0${a.specHash}`;
        const settledActions = new Set((settled.targets[0]?.actions ?? []).map((a) => `${a.id}\0${a.specHash}`));
        const settledRetain = new Map(c.settled.schedules.map((s) => [s.id, s.retain]));
        for (const { at, desired } of loadableCuts(configText(c.edited.schedules, c.edited.actions))) {
          checked += 1;
          const target = desired.targets[0] as Target;
          const { daemon: steps, plain } = plans(settled, desired, state);
          const where = `cut at byte ${at}`;
          for (const step of steps.filter(isDestructive)) {
            const action = target.actions.find((a) => a.id === step.group);
            expect(action !== undefined && settledActions.has(`${action.id}\0${action.specHash}`), `${where}: ${step.reason}`).toBe(true);
          }
          // What waits is exactly the first new action with a destructive step and those after it;
          // the actions before it are planned as without the guard.
          const firstHeld = target.actions.findIndex(
            (a) => !settledActions.has(key(a)) && plain.some((s) => s.group === a.id && isDestructive(s)),
          );
          target.actions.forEach((a, i) => {
            const mine = (list: Step[]) => list.filter((s) => s.group === a.id);
            const expected = firstHeld === -1 || i < firstHeld ? mine(plain) : [];
            expect(mine(steps), `${where}: action ${a.id} (${firstHeld === -1 ? 'nothing waits' : `waits from #${firstHeld}`})`).toEqual(
              expected,
            );
          });
          for (const schedule of target.schedules) {
            const count = c.taken[schedule.id] ?? 0;
            const expiries = steps.filter((s) => s.kind === 'expire-checkpoint' && s.scheduleId === schedule.id).length;
            const before = settledRetain.get(schedule.id);
            const allowed = before === undefined || before === null ? 0 : Math.max(0, count - before);
            expect(expiries, `${where}: schedule ${schedule.id} (retain ${schedule.retain ?? 'all'})`).toBeLessThanOrEqual(allowed);
            const notLowered = before !== undefined && (schedule.retain === null || (before !== null && schedule.retain >= before));
            if (notLowered) {
              const due = schedule.retain === null ? 0 : Math.max(0, count - schedule.retain);
              expect(expiries, `${where}: schedule ${schedule.id} was not lowered, so it expires as its retain says`).toBe(due);
            }
          }
        }
      }),
      { numRuns: 20 },
    );
    // The cuts that load are many: the property is not checked on a few whole files only.
    expect(checked).toBeGreaterThan(200);
  });
});

/**
 * What ckpt's role cannot manage, as the planner says it (src/plan/kinds-and-owners.ts and
 * ActionPlan.notOwned): a content revert of a table another role owns is held back, a protected
 * table another role owns is not listed, and the kinds not managed are grouped by kind.
 */
import { describe, expect, it } from 'vitest';
import { planOf } from '../support/plan-scenarios.js';
import { checkpoint, dropped, obj } from '../support/observed.js';

const RESET = '    actions:\n      - id: reset-friday\n        reset: { to: baseline }\n';
const AT = { ...obj('ORDERS'), lastAltered: '2026-11-27T08:30:00.000Z', columns: ['ID'] };
const foreign = { owner: 'LOADER', owned: false };

describe('objects ckpt cannot manage', () => {
  it('holds a content revert of a table its role does not own back, naming the owner and the GRANT', () => {
    const changed = { ...AT, lastAltered: '2026-11-27T10:12:03.000Z', ownership: foreign };
    const plan = planOf({ target: RESET, observed: { role: 'CKPT', objects: [changed], checkpoints: [checkpoint('baseline', [AT])] } });
    const findings = plan.targets[0]?.findings ?? [];
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(findings.map((f) => [f.code, f.severity, f.object])).toEqual([
      ['NOT_OWNED', 'warning', null],
      ['NOT_OWNED', 'blocker', 'ORDERS'],
    ]);
    expect(findings[1]?.message).toContain('ckpt cannot revert the content of it without OWNERSHIP');
    expect(findings[1]?.message).toContain('GRANT OWNERSHIP ON TABLE (or VIEW) ORDERS TO ROLE CKPT COPY CURRENT GRANTS');
  });

  it('holds an undrop back when a newer dropped version of the name is another role’s', () => {
    const newer = { ...dropped({ ...AT, created: '2026-11-27T09:00:00.000Z' }, '2026-11-27T11:00:00.000Z'), ownership: foreign };
    const plan = planOf({
      target: RESET,
      observed: { objects: [], dropped: [newer, dropped(AT)], checkpoints: [checkpoint('baseline', [AT])] },
    });
    expect(plan.targets[0]?.findings).toMatchObject([{ code: 'NOT_OWNED', severity: 'blocker', object: 'ORDERS' }]);
    expect(plan.targets[0]?.findings[0]?.message).toContain("not by ckpt's role: ckpt cannot undrop it");
  });

  it('leaves protected tables another role owns out of the warning; groups the kinds not managed', () => {
    const plan = planOf({
      target: `    protect: ["REF_*"]\n${RESET}`,
      observed: {
        objects: [AT, { ...obj('REF_X'), ownership: { owner: null, owned: false } }],
        unmanaged: [
          { name: 'D1', kind: 'dynamic table' },
          { name: 'E', kind: 'event table' },
          { name: 'D2', kind: 'dynamic table' },
        ],
        checkpoints: [checkpoint('baseline', [AT, obj('REF_X')])],
      },
    });
    expect(plan.targets[0]?.findings.map((f) => [f.code, f.message])).toEqual([
      [
        'OBJECT_NOT_MANAGED',
        'ckpt does not manage dynamic tables D1, D2; event table E: no checkpoint records them and no action drops, restores or reverts them',
      ],
    ]);
  });
});

/**
 * Consent before destructive steps (src/cli/consent.ts): `--yes`, or typed answers at a terminal —
 * the target's location for a full cleanup, then `yes`; no terminal and no `--yes` is
 * CONSENT_REQUIRED; a plan with nothing destructive asks nothing. The terminal is a scripted fake.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confirm, consentCounts, type Terminal } from '../../src/cli/consent.js';
import { CkptError } from '../../src/model/errors.js';
import { HINTS } from '../../src/model/hints.js';
import type { DropCause, Plan, Step, TargetPlan } from '../../src/model/plan.js';

const base = { group: 'act', reason: 'test' };
const CREATED = '2026-01-01T00:00:00.000Z';

function drop(target: string, name: string, cause: DropCause = 'created-after-checkpoint'): Step {
  return { ...base, target, kind: 'drop-object', object: { name, kind: 'TABLE' }, created: CREATED, cause };
}

function revert(target: string, name: string, missing = false): Step {
  return {
    ...base,
    target,
    kind: 'restore-content',
    object: { name, kind: 'TABLE' },
    created: CREATED,
    lastAltered: null,
    columns: null,
    checkpointId: 'baseline',
    from: { kind: 'time-travel', at: CREATED },
    missing,
  };
}

function checkpointStep(target: string): Step {
  return { ...base, target, kind: 'take-checkpoint', checkpointId: 'b', checkpointType: 'MANUAL', description: '' };
}

function targetPlan(target: string, location: string, steps: Step[]): TargetPlan {
  return { target, connection: 'local', location, steps, findings: [] };
}

function plan(...targets: TargetPlan[]): Plan {
  return { formatVersion: 1, generatedAt: CREATED, configFile: 'checkpoints.yaml', configHash: 'h', targets };
}

/** A terminal that answers from a script and records the questions it was asked. */
function scripted(answers: string[], canPrompt = true): Terminal & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    canPrompt: () => canPrompt,
    ask: (question) => {
      asked.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected question: ${question}`);
      return Promise.resolve(answer);
    },
  };
}

/** The error `confirm` rejects with. */
async function refusal(p: Plan, terminal: Terminal): Promise<CkptError> {
  const error = await confirm(p, false, terminal).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof CkptError)) throw new Error(`expected a CkptError, got ${String(error)}`);
  return error;
}

const CLEANUP = plan(targetPlan('demo', 'DEMO_DB.RETAIL', [drop('demo', 'A', 'full-cleanup'), drop('demo', 'B', 'full-cleanup')]));

describe('confirm', () => {
  it('asks nothing for a plan with nothing destructive, even with no terminal', async () => {
    const terminal = scripted([], false);
    const safe = plan(targetPlan('demo', 'DEMO', [checkpointStep('demo'), revert('demo', 'GONE', true)]));
    await expect(confirm(safe, false, terminal)).resolves.toBeUndefined();
    expect(terminal.asked).toEqual([]);
  });

  it('asks nothing with --yes, even for a full cleanup and with no terminal', async () => {
    const terminal = scripted([], false);
    await expect(confirm(CLEANUP, true, terminal)).resolves.toBeUndefined();
    expect(terminal.asked).toEqual([]);
  });

  it('refuses with CONSENT_REQUIRED when no one is at a terminal, saying what the plan destroys', async () => {
    const terminal = scripted([], false);
    const error = await refusal(plan(targetPlan('demo', 'DEMO', [drop('demo', 'A'), revert('demo', 'B')])), terminal);
    expect(error.code).toBe('CONSENT_REQUIRED');
    expect(error.message).toBe(
      'the plan has 1 object to drop and 1 table whose content is overwritten and no one is at a terminal to confirm',
    );
    expect(error.hint).toBe(HINTS.consent);
    expect(terminal.asked).toEqual([]);
  });

  it('applies a destructive plan after `yes`, asking once with the counts', async () => {
    const terminal = scripted(['yes']);
    await expect(
      confirm(plan(targetPlan('demo', 'DEMO', [drop('demo', 'A'), drop('demo', 'B')])), false, terminal),
    ).resolves.toBeUndefined();
    expect(terminal.asked).toEqual(["\nThe plan has 2 objects to drop. Apply it? Only 'yes' will be accepted: "]);
  });

  it('shows the statements on `sql`, then asks again: `yes` applies, anything else cancels', async () => {
    const p = plan(targetPlan('demo', 'DEMO', [drop('demo', 'A')]));
    let shown = 0;
    const showSql = async () => {
      shown += 1;
    };
    const terminal = scripted(['sql', 'sql', 'yes']);
    await expect(confirm(p, false, terminal, showSql)).resolves.toBeUndefined();
    expect(shown).toBe(2);
    expect(terminal.asked).toEqual([
      "\nThe plan has 1 object to drop. Apply it (type 'sql' to see its statements first)? Only 'yes' will be accepted: ",
      "\nApply it? Only 'yes' will be accepted: ",
      "\nApply it? Only 'yes' will be accepted: ",
    ]);
    await expect(confirm(p, false, scripted(['sql', 'no']), showSql)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(shown).toBe(3);
  });

  it('cancels on `sql` when there are no statements to show (no offer made)', async () => {
    const terminal = scripted(['sql']);
    const error = await refusal(plan(targetPlan('demo', 'DEMO', [drop('demo', 'A')])), terminal);
    expect(error.code).toBe('CANCELLED');
  });

  it.each(['y', 'YES', 'Yes', '', 'no', 'yes please'])('cancels on the answer %j', async (answer) => {
    const terminal = scripted([answer]);
    const error = await refusal(plan(targetPlan('demo', 'DEMO', [revert('demo', 'A')])), terminal);
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toBe('apply cancelled; nothing was changed');
  });

  it('a full cleanup needs the location typed exactly, then `yes`', async () => {
    const terminal = scripted(['DEMO_DB.RETAIL', 'yes']);
    await expect(confirm(CLEANUP, false, terminal)).resolves.toBeUndefined();
    expect(terminal.asked).toEqual([
      '\nThe plan empties DEMO_DB.RETAIL (full cleanup). Type DEMO_DB.RETAIL to confirm: ',
      "\nThe plan has 2 objects to drop. Apply it? Only 'yes' will be accepted: ",
    ]);
  });

  it.each(['yes', 'demo_db.retail', 'RETAIL', 'DEMO_DB.RETAIL.'])(
    'a full cleanup answered %j instead of its location is cancelled before the `yes` question',
    async (typed) => {
      const terminal = scripted([typed, 'yes']);
      const error = await refusal(CLEANUP, terminal);
      expect(error.code).toBe('CANCELLED');
      expect(error.message).toBe('apply cancelled; nothing was changed');
      expect(terminal.asked).toHaveLength(1);
    },
  );

  it('the location typed right is still cancelled by anything but `yes`', async () => {
    const error = await refusal(CLEANUP, scripted(['DEMO_DB.RETAIL', 'DEMO_DB.RETAIL']));
    expect(error.code).toBe('CANCELLED');
  });

  it('asks for the location of every target with a full cleanup, in plan order, and of no other', async () => {
    const terminal = scripted(['ONE', 'THREE', 'yes']);
    const p = plan(
      targetPlan('one', 'ONE', [drop('one', 'A', 'full-cleanup')]),
      targetPlan('two', 'TWO', [drop('two', 'B', 'created-after-checkpoint'), drop('two', 'C', 'recreated-after-checkpoint')]),
      targetPlan('three', 'THREE', [checkpointStep('three'), drop('three', 'D', 'full-cleanup')]),
    );
    await expect(confirm(p, false, terminal)).resolves.toBeUndefined();
    expect(terminal.asked.map((q) => q.trim())).toEqual([
      'The plan empties ONE (full cleanup). Type ONE to confirm:',
      'The plan empties THREE (full cleanup). Type THREE to confirm:',
      "The plan has 4 objects to drop. Apply it? Only 'yes' will be accepted:",
    ]);
  });

  it('a second full cleanup typed wrong is cancelled even after the first was typed right', async () => {
    const terminal = scripted(['ONE', 'one-typo', 'yes']);
    const p = plan(
      targetPlan('one', 'ONE', [drop('one', 'A', 'full-cleanup')]),
      targetPlan('two', 'TWO', [drop('two', 'B', 'full-cleanup')]),
    );
    expect((await refusal(p, terminal)).code).toBe('CANCELLED');
    expect(terminal.asked).toHaveLength(2);
  });
});

describe('consentCounts', () => {
  it('is null for a plan with nothing destructive (a re-created missing table overwrites nothing)', () => {
    expect(consentCounts(plan())).toBeNull();
    expect(consentCounts(plan(targetPlan('demo', 'DEMO', [checkpointStep('demo'), revert('demo', 'A', true)])))).toBeNull();
  });

  it('counts across targets, singular and plural, kinds in order of first appearance', () => {
    const p = plan(
      targetPlan('one', 'ONE', [revert('one', 'A'), drop('one', 'B')]),
      targetPlan('two', 'TWO', [drop('two', 'C'), revert('two', 'D', true)]),
    );
    expect(consentCounts(p)).toBe('1 table whose content is overwritten and 2 objects to drop');
  });

  it('says the total weight of each kind’s tables, where its steps carry one', () => {
    const weighed = (step: Step, rows: number | null, bytes: number | null, estimated = false): Step =>
      ({ ...step, weight: { rows, bytes, estimated } }) as Step;
    const p = plan(
      targetPlan('one', 'ONE', [
        weighed(drop('one', 'A'), 41_203_000, 12_300_000_000),
        weighed(drop('one', 'B'), 113, null),
        weighed(revert('one', 'C'), 10, null, true),
        {
          ...base,
          target: 'one',
          kind: 'drop-object',
          object: { name: 'V', kind: 'VIEW' },
          created: CREATED,
          cause: 'created-after-checkpoint',
        },
      ]),
    );
    expect(consentCounts(p)).toBe(
      '3 objects to drop (41,203,113 rows, at least 12.3 GB) and 1 table whose content is overwritten (about 10 rows)',
    );
  });

  it('says, for any plan, how many objects it drops and how many tables it overwrites', () => {
    const step = fc.oneof(
      fc.constant<'drop' | 'revert' | 'recreate' | 'checkpoint'>('drop'),
      fc.constant('revert' as const),
      fc.constant('recreate' as const),
      fc.constant('checkpoint' as const),
    );
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 8 }), { maxLength: 4 }), (targets) => {
        const build = {
          drop: drop,
          revert: (t: string, n: string) => revert(t, n),
          recreate: (t: string, n: string) => revert(t, n, true),
        };
        const p = plan(
          ...targets.map((kinds, i) =>
            targetPlan(
              `t${i}`,
              `T${i}`,
              kinds.map((k, j) => (k === 'checkpoint' ? checkpointStep(`t${i}`) : build[k](`t${i}`, `O${j}`))),
            ),
          ),
        );
        const all = targets.flat();
        const drops = all.filter((k) => k === 'drop').length;
        const reverts = all.filter((k) => k === 'revert').length;
        const parts: [number, string][] = [];
        if (drops > 0) parts.push([all.indexOf('drop'), `${drops} ${drops === 1 ? 'object' : 'objects'} to drop`]);
        if (reverts > 0) {
          parts.push([
            all.indexOf('revert'),
            `${reverts} ${reverts === 1 ? 'table whose content is' : 'tables whose content is'} overwritten`,
          ]);
        }
        const expected =
          parts.length === 0
            ? null
            : parts
                .sort(([a], [b]) => a - b)
                .map(([, text]) => text)
                .join(' and ');
        expect(consentCounts(p)).toBe(expected);
      }),
    );
  });
});

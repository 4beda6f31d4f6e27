/**
 * Consent never skips a destructive step for want of words: a destructive kind defined without
 * consent wording (a mistake step-kinds.test.ts also catches) is still counted, by its kind's
 * name, so `confirm` still asks. The step-kind registry is replaced here by one with such a kind.
 */
import { describe, expect, it, vi } from 'vitest';
import { confirm, consentCounts } from '../../src/cli/consent.js';
import { planOf } from './support/fake-warehouse.js';
import type { Step } from '../../src/model/plan.js';

vi.mock('../../src/model/step-kinds.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/model/step-kinds.js')>();
  const unworded = { ...real.STEP_KINDS['drop-object'], consent: null };
  return {
    ...real,
    kindOf: (step: Step) => (step.kind === ('purge' as Step['kind']) ? unworded : real.kindOf(step)),
    isDestructive: (step: Step) => step.kind === ('purge' as Step['kind']) || real.isDestructive(step),
  };
});

const purge = { target: 'demo', group: 'act', reason: 'test', kind: 'purge' } as unknown as Step;

describe('a destructive kind without consent wording', () => {
  it('is counted by its kind, singular and plural', () => {
    expect(consentCounts(planOf([purge]))).toBe('1 purge step');
    expect(consentCounts(planOf([purge, purge]))).toBe('2 purge steps');
  });

  it('still needs consent', async () => {
    const terminal = { canPrompt: () => false, ask: () => Promise.reject(new Error('not asked')) };
    await expect(confirm(planOf([purge]), false, terminal)).rejects.toMatchObject({
      code: 'CONSENT_REQUIRED',
      message: 'the plan has 1 purge step and no one is at a terminal to confirm',
    });
  });
});

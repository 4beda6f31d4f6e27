/**
 * Golden files of the human and Markdown plans: one per step kind, one per finding code, and a
 * mixed plan (also in colour), compared byte for byte with test/fixtures/golden/. Every plan
 * rendered here is the real planner's, from a config text and an observed state
 * (test/support/plan-scenarios.ts), so the goldens show what ckpt prints. After an
 * intended change of the rendering, regenerate them and review the diff:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/render-plan.test.ts
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/io.js';
import { progressReporter } from '../../src/cli/progress.js';
import { renderPlanMarkdown } from '../../src/cli/render-markdown.js';
import { renderPlan, summaryLine } from '../../src/cli/render-plan.js';
import type { Plan, Step } from '../../src/model/plan.js';
import {
  FINDING_SCENARIOS,
  FIVE_DROPS_TWO_RESTORES,
  MIXED,
  NO_CHANGES,
  planOf,
  STEP_SCENARIOS,
  WEIGHT_SCENARIOS,
} from '../support/plan-scenarios.js';
import { Sink } from '../support/sink.js';

const GOLDEN = join(process.cwd(), 'test/fixtures/golden');
const update = process.env.UPDATE_GOLDEN === '1';

/** An Output as on a terminal (colour) or a pipe (none), whatever NO_COLOR and FORCE_COLOR say in this process. */
function output(colour: boolean): Output {
  const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
  delete process.env.NO_COLOR;
  delete process.env.FORCE_COLOR;
  try {
    return new Output(new Sink(colour), new Sink(colour), { colour });
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (update) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, `${actual}\n`);
  }
  expect(existsSync(path), `${path} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/unit/render-plan.test.ts`).toBe(true);
  expect(
    `${actual}\n`,
    `${name} differs; if the change is intended, run UPDATE_GOLDEN=1 npx vitest run test/unit/render-plan.test.ts`,
  ).toBe(readFileSync(path, 'utf8'));
}

/** The kinds of a plan's steps and the codes of its findings. */
function contents(plan: Plan): { kinds: string[]; codes: string[] } {
  return {
    kinds: plan.targets.flatMap((t) => t.steps.map((s) => s.kind)),
    codes: plan.targets.flatMap((t) => t.findings.map((f) => f.code)),
  };
}

const mixed = planOf(MIXED);

describe('the human plan (golden files)', () => {
  it.each(Object.entries(STEP_SCENARIOS))('step kind %s', (kind, scenario) => {
    const plan = planOf(scenario);
    expect(contents(plan).kinds).toContain(kind);
    golden(`step-${kind}.txt`, renderPlan(plan, output(false)));
    golden(`step-${kind}.md`, renderPlanMarkdown(plan));
  });

  it.each(Object.entries(WEIGHT_SCENARIOS))('weights: %s', (name, scenario) => {
    const plan = planOf(scenario);
    golden(`weight-${name}.txt`, renderPlan(plan, output(false)));
    golden(`weight-${name}.md`, renderPlanMarkdown(plan));
  });

  it.each(Object.entries(FINDING_SCENARIOS))('finding %s', (code, scenario) => {
    const plan = planOf(scenario);
    expect(contents(plan).codes).toContain(code);
    golden(`finding-${code}.txt`, renderPlan(plan, output(false)));
    golden(`finding-${code}.md`, renderPlanMarkdown(plan));
  });

  it('a mixed plan, without and with colour, and as Markdown', () => {
    expect(new Set(contents(mixed).kinds)).toEqual(
      new Set(['take-checkpoint', 'drop-object', 'restore-table', 'recreate-view', 'restore-content', 'record-action']),
    );
    expect(new Set(contents(mixed).codes)).toEqual(new Set(['PROTECTED_KEPT', 'CHECKPOINT_UNKNOWN', 'RECREATED_NOT_REPLACED']));
    golden('mixed.txt', renderPlan(mixed, output(false)));
    golden('mixed.color.txt', renderPlan(mixed, output(true)));
    golden('mixed.md', renderPlanMarkdown(mixed));
  });

  it('no changes', () => {
    const plan = planOf(NO_CHANGES);
    expect(contents(plan)).toEqual({ kinds: [], codes: [] });
    golden('no-changes.txt', renderPlan(plan, output(false)));
    golden('no-changes.md', renderPlanMarkdown(plan));
  });

  it('groups findings: blockers before warnings, each under its heading', () => {
    const text = renderPlan(mixed, output(false));
    const blockers = text.indexOf('Blockers');
    const warnings = text.indexOf('Warnings');
    expect(blockers).toBeGreaterThan(0);
    expect(warnings).toBeGreaterThan(blockers);
    expect(text.indexOf('[CHECKPOINT_UNKNOWN]')).toBeGreaterThan(blockers);
    expect(text.indexOf('[CHECKPOINT_UNKNOWN]')).toBeLessThan(warnings);
    expect(text.indexOf('[PROTECTED_KEPT]')).toBeGreaterThan(warnings);
  });

  it('summary: restores, drops, then checkpoints, as the issue words it', () => {
    expect(summaryLine(planOf(FIVE_DROPS_TWO_RESTORES))).toBe(
      'Plan: 2 to restore, 5 to drop (50 rows), 1 checkpoint to take, 1 action to record.',
    );
    expect(summaryLine(planOf(NO_CHANGES))).toBe('No changes.');
  });

  it('no colour on a terminal with --no-color or NO_COLOR; colour codes only on a terminal', () => {
    expect(renderPlan(mixed, output(true))).toContain('\u001b[');
    expect(renderPlan(mixed, output(false))).not.toContain('\u001b[');
    const saved = process.env.NO_COLOR;
    process.env.NO_COLOR = '1';
    try {
      expect(renderPlan(mixed, new Output(new Sink(true), new Sink(true)))).not.toContain('\u001b[');
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  it('shows a step kind it does not know (a newer saved plan) with ?, without failing', () => {
    // A saved plan from a newer ckpt: this planner cannot make such a step, so it is added by hand.
    const plan = planOf(STEP_SCENARIOS['record-action']);
    const unknown = { target: 'demo', group: 'after-demo', kind: 'rename-object', reason: 'from a newer ckpt' } as unknown as Step;
    const newer = { ...plan, targets: plan.targets.map((t) => ({ ...t, steps: [unknown] })) };
    golden('unknown-kind.txt', renderPlan(newer, output(false)));
    expect(renderPlanMarkdown(newer)).toContain('rename-object');
  });
});

describe('progress of an apply on a terminal', () => {
  const drops = planOf(FIVE_DROPS_TWO_RESTORES).targets.flatMap((t) => t.steps.filter((s) => s.kind === 'drop-object'));

  it('shows step k of N and the object at hand for applies of more than a few steps, then clears', () => {
    const err = new Sink(true);
    const listener = progressReporter(new Output(new Sink(true), err));
    expect(drops).toHaveLength(5);
    drops.forEach((step, i) => {
      listener({ target: 'demo', index: i, total: drops.length, step, outcome: 'started' });
      listener({ target: 'demo', index: i, total: drops.length, step, outcome: 'succeeded' });
    });
    expect(err.text).toContain('[demo] step 1/5: drop-object table X1');
    expect(err.text).toContain('[demo] step 5/5: drop-object table X5');
    expect(err.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('stays quiet for a few steps, and off a terminal', () => {
    const [step] = drops;
    if (step === undefined) throw new Error('the scenario plans no drop');
    const short = new Sink(true);
    const listener = progressReporter(new Output(new Sink(true), short));
    listener({ target: 'demo', index: 0, total: 2, step, outcome: 'started' });
    expect(short.text).toBe('');
    const piped = new Sink(false);
    const quiet = progressReporter(new Output(new Sink(false), piped));
    for (let i = 0; i < 6; i++) quiet({ target: 'demo', index: i, total: 6, step, outcome: 'started' });
    expect(piped.text).toBe('');
  });
});

/**
 * Golden files of the human and Markdown plans: one per step kind, one per finding code, and a
 * mixed plan (also in colour), compared byte for byte with test/fixtures/golden/. After an
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
import type { Finding, FindingCode, Plan, Step, StepKind } from '../../src/model/plan.js';
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

const base = { target: 'demo', group: 'after-demo', reason: '' };

/** One example of every step kind (the record is exhaustive: a new kind fails to compile here). */
const STEPS: Record<StepKind, Step> = {
  'init-audit': {
    ...base,
    group: 'audit',
    kind: 'init-audit',
    auditTable: 'CHECKPOINT_AUDIT',
    reason: 'audit table CHECKPOINT_AUDIT does not exist yet',
  },
  'migrate-audit': {
    ...base,
    group: 'audit',
    kind: 'migrate-audit',
    auditTable: 'CHECKPOINT_AUDIT',
    fromLayout: 0,
    toLayout: 1,
    columns: ['ACTION_ID', 'SPEC_HASH', 'SPEC', 'STEPS', 'ERROR', 'RUN_ID', 'ORIGIN'],
    reason: "CHECKPOINT_AUDIT has the old pipelines' columns only (layout 0); ckpt's layout is 1",
  },
  'take-checkpoint': {
    ...base,
    group: 'checkpoint:baseline',
    kind: 'take-checkpoint',
    checkpointId: 'baseline',
    checkpointType: 'MANUAL',
    description: 'before the demo',
    reason: 'declared in the file and not in the audit table',
  },
  'expire-checkpoint': {
    ...base,
    group: 'checkpoint:AUTO_hourly_2026_11_26_03_00_00',
    kind: 'expire-checkpoint',
    checkpointId: 'AUTO_hourly_2026_11_26_03_00_00',
    scheduleId: 'hourly',
    reason: 'schedule hourly keeps its newest 24',
  },
  'drop-object': {
    ...base,
    kind: 'drop-object',
    object: { name: 'SCRATCH', kind: 'TABLE' },
    created: '2026-11-27T10:00:00.000Z',
    cause: 'created-after-checkpoint',
    reason: 'created at 2026-11-27 10:00:00 UTC, after checkpoint baseline',
  },
  'restore-table': {
    ...base,
    group: 'bring-back-orders',
    kind: 'restore-table',
    object: { name: 'ORDERS', kind: 'TABLE' },
    created: '2026-11-20T09:00:00.000Z',
    checkpointId: 'baseline',
    reason: 'held by checkpoint baseline and missing now; UNDROP brings it back',
  },
  'recreate-view': {
    ...base,
    group: 'bring-back-orders',
    kind: 'recreate-view',
    object: { name: 'Open Orders', kind: 'VIEW' },
    definition: 'CREATE VIEW "Open Orders" AS SELECT * FROM ORDERS WHERE open',
    checkpointId: 'baseline',
    reason: 'held by checkpoint baseline and missing now; re-created from its captured definition',
  },
  'restore-content': {
    ...base,
    group: 'reset-friday',
    kind: 'restore-content',
    object: { name: 'ORDERS', kind: 'TABLE' },
    created: '2026-11-20T09:00:00.000Z',
    lastAltered: '2026-11-27T09:00:00.000Z',
    columns: ['ID', 'AMOUNT'],
    checkpointId: 'baseline',
    from: { kind: 'time-travel', at: '2026-11-27T09:00:00.000Z' },
    missing: false,
    reason: 'it was altered at 2026-11-27 10:12:03 UTC after checkpoint baseline; its rows and columns are reverted from Time Travel',
  },
  'record-action': {
    ...base,
    kind: 'record-action',
    actionId: 'after-demo',
    spec: { kind: 'cleanup', since: 'baseline' },
    specHash: 'f00d',
    checkpointId: 'baseline',
    reason: 'records the action as applied once its steps succeed',
  },
};

/** One example of every finding code (blockers and warnings as the planner reports them). */
const FINDINGS: Record<FindingCode, Pick<Finding, 'severity' | 'message'>> = {
  CHECKPOINT_UNKNOWN: {
    severity: 'blocker',
    message: 'action after-demo needs checkpoint nope, which is neither declared in the file nor in the audit table',
  },
  CHECKPOINT_DELETED: { severity: 'blocker', message: 'checkpoint AUTO_hourly_2026_11_20_03_00_00 was expired (DELETED)' },
  CHECKPOINT_SPEC_CHANGED: {
    severity: 'warning',
    message:
      'checkpoint baseline was taken on 2026-11-20 09:00:00 UTC with keep: inventory, the file now says keep: clone; a taken checkpoint is never retaken, so the change has no effect: declare a new id',
  },
  AUDIT_LAYOUT_NEWER: {
    severity: 'blocker',
    message: 'the audit table CHECKPOINT_AUDIT has layout 2, newer than this ckpt knows (1): it was used by a newer ckpt; upgrade ckpt',
  },
  VIEW_NOT_RECORDED: {
    severity: 'warning',
    message:
      'view V_ORDERS is in checkpoint CP_2024_01_15_14_30, taken by the old pipelines, which recorded no view definitions: ckpt cannot bring it back; action after-demo goes ahead without it',
  },
  CONTENT_NOT_RECORDED: {
    severity: 'warning',
    message:
      'checkpoint CP_2024_01_15_14_30 was taken by the old pipelines, which recorded no content versions: action after-demo drops and brings back objects but leaves the content of tables as it is (row count of ORDERS changed: 3 → 4)',
  },
  AUDIT_TABLE_LOST: {
    severity: 'blocker',
    message: "the audit table CHECKPOINT_AUDIT is missing, but ckpt's journal CHECKPOINT_AUDIT_JOURNAL records earlier runs",
  },
  NOT_RESTORABLE: {
    severity: 'blocker',
    message: 'ORDERS changed after checkpoint baseline, which stopped being restorable on 2026-11-25 09:00:00 UTC',
  },
  OBJECT_NOT_IN_CHECKPOINT: { severity: 'blocker', message: 'NOPE is not held by checkpoint baseline' },
  RECREATED_NOT_REPLACED: {
    severity: 'warning',
    message: 'ORDERS was dropped and re-created after checkpoint baseline; restore keeps the new one',
  },
  KIND_CHANGED_NOT_REPLACED: {
    severity: 'warning',
    message:
      'ORDERS was a table in checkpoint baseline and is a view now; restore leaves the existing view in place and does not bring the table back (a reset replaces it)',
  },
  PROTECTED_KEPT: { severity: 'warning', message: 'REF_COUNTRIES is protected (REF_*) and is kept' },
  TOO_MANY_DROPS: {
    severity: 'blocker',
    message: 'the cleanup would drop 812 objects, more than max_drop (500); set allow_large: true to allow it',
  },
  ACTION_SPEC_CHANGED: { severity: 'warning', message: 'action after-demo was applied on 2026-11-20 with a different spec; use a new id' },
  ACTION_FAILED_BEFORE: {
    severity: 'warning',
    message: 'action after-demo failed before (drop-object SCRATCH: insufficient privileges); planned again',
  },
};

function plan(steps: Step[], findings: Finding[] = []): Plan {
  return {
    formatVersion: 1,
    generatedAt: '2026-11-27T10:30:00.000Z',
    configFile: '/work/demo/checkpoints.yaml',
    configHash: '7244f8ce0123456789abcdef',
    targets: [{ target: 'demo', connection: 'local', location: 'DEMO', steps, findings }],
  };
}

function finding(code: FindingCode, line = 12): Finding {
  const { severity, message } = FINDINGS[code];
  return { target: 'demo', severity, code, message, actionId: 'after-demo', object: null, position: { line, col: 9 } };
}

describe('the human plan (golden files)', () => {
  it.each(Object.entries(STEPS))('step kind %s', (kind, step) => {
    golden(`step-${kind}.txt`, renderPlan(plan([step]), output(false)));
    golden(`step-${kind}.md`, renderPlanMarkdown(plan([step])));
  });

  it.each(Object.keys(FINDINGS) as FindingCode[])('finding %s', (code) => {
    golden(`finding-${code}.txt`, renderPlan(plan([], [finding(code)]), output(false)));
    golden(`finding-${code}.md`, renderPlanMarkdown(plan([], [finding(code)])));
  });

  const mixed = plan(
    [
      STEPS['take-checkpoint'],
      STEPS['drop-object'],
      STEPS['restore-table'],
      STEPS['recreate-view'],
      STEPS['restore-content'],
      STEPS['record-action'],
    ],
    [finding('PROTECTED_KEPT', 14), finding('CHECKPOINT_UNKNOWN', 20), finding('RECREATED_NOT_REPLACED', 16)],
  );

  it('a mixed plan, without and with colour, and as Markdown', () => {
    golden('mixed.txt', renderPlan(mixed, output(false)));
    golden('mixed.color.txt', renderPlan(mixed, output(true)));
    golden('mixed.md', renderPlanMarkdown(mixed));
  });

  it('no changes', () => {
    golden('no-changes.txt', renderPlan(plan([]), output(false)));
    golden('no-changes.md', renderPlanMarkdown(plan([])));
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
    const restores = [1, 2].map((i) => ({ ...STEPS['restore-table'], object: { name: `T${i}`, kind: 'TABLE' as const } }));
    const drops = [1, 2, 3, 4, 5].map((i) => ({ ...STEPS['drop-object'], object: { name: `X${i}`, kind: 'TABLE' as const } }));
    expect(summaryLine(plan([STEPS['take-checkpoint'], ...drops, ...restores]))).toBe(
      'Plan: 2 to restore, 5 to drop, 1 checkpoint to take.',
    );
    expect(summaryLine(plan([]))).toBe('No changes.');
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
    const unknown = { ...base, kind: 'rename-object', reason: 'from a newer ckpt' } as unknown as Step;
    golden('unknown-kind.txt', renderPlan(plan([unknown]), output(false)));
    expect(renderPlanMarkdown(plan([unknown]))).toContain('rename-object');
  });
});

describe('progress of an apply on a terminal', () => {
  it('shows step k of N and the object at hand for applies of more than a few steps, then clears', () => {
    const err = new Sink(true);
    const listener = progressReporter(new Output(new Sink(true), err));
    const steps = [1, 2, 3, 4, 5].map((i) => ({ ...STEPS['drop-object'], object: { name: `X${i}`, kind: 'TABLE' as const } }));
    steps.forEach((step, i) => {
      listener({ target: 'demo', index: i, total: steps.length, step, outcome: 'started' });
      listener({ target: 'demo', index: i, total: steps.length, step, outcome: 'succeeded' });
    });
    expect(err.text).toContain('[demo] step 1/5: drop-object table X1');
    expect(err.text).toContain('[demo] step 5/5: drop-object table X5');
    expect(err.text.endsWith('\r\u001b[2K')).toBe(true);
  });

  it('stays quiet for a few steps, and off a terminal', () => {
    const short = new Sink(true);
    const listener = progressReporter(new Output(new Sink(true), short));
    listener({ target: 'demo', index: 0, total: 2, step: STEPS['drop-object'], outcome: 'started' });
    expect(short.text).toBe('');
    const piped = new Sink(false);
    const quiet = progressReporter(new Output(new Sink(false), piped));
    for (let i = 0; i < 6; i++) quiet({ target: 'demo', index: i, total: 6, step: STEPS['drop-object'], outcome: 'started' });
    expect(piped.text).toBe('');
  });
});

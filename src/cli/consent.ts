/**
 * Consent before destructive steps: `--yes`, or a typed answer at a terminal — `yes` for any
 * destructive plan, and the schema's own name first for a full cleanup (Argo CD-style). The
 * terminal is passed in, so the rule is tested without one. The question says what is at stake:
 * each kind's count and its tables' total weight.
 */
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Plan } from '../model/plan.js';
import { isDestructive, kindOf } from '../model/step-kinds.js';
import { addWeight, emptyTotal, totalText, type WeightTotal } from '../model/weight.js';

/** Where answers come from: the real terminal (src/cli/prompt.ts) or a test's script. */
export interface Terminal {
  /** Whether a person can answer (stdin and stderr are terminals). */
  canPrompt(): boolean;
  /** Asks a question and returns the trimmed answer. */
  ask(question: string): Promise<string>;
}

/**
 * Returns when the plan may be applied; throws CONSENT_REQUIRED (no terminal, no `--yes`) or
 * CANCELLED (a wrong answer). A plan with nothing destructive needs no consent. With `showSql`,
 * the answer `sql` shows each step's statements and asks again.
 */
export async function confirm(plan: Plan, yes: boolean, terminal: Terminal, showSql?: () => Promise<void>): Promise<void> {
  const what = consentCounts(plan);
  if (what === null || yes) return;
  if (!terminal.canPrompt()) {
    throw new CkptError('CONSENT_REQUIRED', `the plan has ${what} and no one is at a terminal to confirm`, {
      hint: HINTS.consent,
    });
  }
  for (const target of plan.targets.filter((t) => t.steps.some((s) => s.kind === 'drop-object' && s.cause === 'full-cleanup'))) {
    const typed = await terminal.ask(`\nThe plan empties ${target.location} (full cleanup). Type ${target.location} to confirm: `);
    if (typed !== target.location) throw new CkptError('CANCELLED', 'apply cancelled; nothing was changed');
  }
  const offer = showSql === undefined ? '' : " (type 'sql' to see its statements first)";
  let answer = await terminal.ask(`\nThe plan has ${what}. Apply it${offer}? Only 'yes' will be accepted: `);
  while (answer === 'sql' && showSql !== undefined) {
    await showSql();
    answer = await terminal.ask(`\nApply it? Only 'yes' will be accepted: `);
  }
  if (answer !== 'yes') throw new CkptError('CANCELLED', 'apply cancelled; nothing was changed');
}

/**
 * The destructive steps of a plan counted per kind in the kinds' own consent wording, each with
 * the total weight of its tables where they carry one (`2 objects to drop (41,203,113 rows, 12.3
 * GB)`), or null when there are none.
 */
export function consentCounts(plan: Plan): string | null {
  const counts = new Map<string, { n: number; one: string; many: string; weight: WeightTotal }>();
  for (const step of plan.targets.flatMap((t) => t.steps).filter(isDestructive)) {
    const wording = kindOf(step)?.consent ?? { one: `${step.kind} step`, many: `${step.kind} steps` };
    const entry = counts.get(wording.one) ?? { n: 0, ...wording, weight: emptyTotal() };
    entry.n += 1;
    const weight = 'weight' in step ? step.weight : undefined;
    if (weight !== undefined) entry.weight = addWeight(entry.weight, weight);
    counts.set(wording.one, entry);
  }
  if (counts.size === 0) return null;
  return [...counts.values()]
    .map((c) => {
      const total = totalText(c.weight);
      return `${c.n} ${c.n === 1 ? c.one : c.many}${total === null ? '' : ` (${total})`}`;
    })
    .join(' and ');
}

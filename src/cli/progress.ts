/**
 * Progress of a long apply: a rewritten status line on a TTY (stderr) with step k of N and the
 * object at hand, e.g. `[demo] step 3/12: drop table DEMO.SCRATCH_3`; nothing otherwise (the
 * logger has a line per step). Applies of a few steps finish too fast to need one.
 */
import type { ProgressListener } from '../apply/apply.js';
import type { Output } from './io.js';
import { stepSubject } from '../model/step-kinds.js';

/** Applies with fewer steps than this show no progress line. */
export const PROGRESS_MIN_STEPS = 4;

/** What a step acts on, in a few words. */
function subject(step: Parameters<ProgressListener>[0]['step']): string {
  if (step.kind === 'record-action') return `action ${step.actionId}`;
  const what = stepSubject(step);
  if (what === null) return '';
  return 'object' in step ? `${step.object.kind.toLowerCase()} ${what}` : `checkpoint ${what}`;
}

/** A progress listener writing to the output's status line. */
export function progressReporter(out: Output): ProgressListener {
  return ({ target, index, total, step, outcome }) => {
    if (total < PROGRESS_MIN_STEPS) return;
    if (outcome === 'started') {
      const what = subject(step);
      out.status(`[${target}] step ${Math.min(index + 1, total)}/${total}: ${step.kind}${what === '' ? '' : ` ${what}`}`);
    } else if (index + 1 >= total) {
      out.endStatus();
    }
  };
}

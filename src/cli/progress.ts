/**
 * Progress of a long apply: a rewritten status line (step k of N and the object at hand) on a
 * TTY, nothing extra otherwise (the logger has a line per step).
 */
import type { ProgressListener } from '../apply/apply.js';
import type { Output } from './io.js';

/** A progress listener writing to the output's status line. */
export function progressReporter(out: Output): ProgressListener {
  return ({ target, index, total, step }) => {
    const object = 'object' in step ? ` ${step.object.name}` : '';
    if (index + 1 >= total) out.endStatus();
    else out.status(`[${target}] step ${index + 1}/${total}: ${step.kind}${object}`);
  };
}

/**
 * The crash-safety tests' fault point: `CKPT_FAULT_KILL_AT=<step>:<phase>` makes an apply run by
 * the CLI kill its own process with SIGKILL at an exact place — when step `<step>` (its 0-based
 * index in the target's plan) starts (`started`: journaled as started, nothing sent), or right
 * after it ran and before its outcome is journaled (`ran`). A test killing the process from
 * outside, on seeing a log line, lands wherever the busy machine lets it; this lands where asked.
 */
import type { ProgressListener } from '../apply/apply.js';
import { CkptError } from '../model/errors.js';
import type { Environment } from '../model/env.js';
import type { Plan } from '../model/plan.js';

/** Where CKPT_FAULT_KILL_AT asks to die. */
interface FaultPoint {
  step: number;
  phase: 'started' | 'ran';
}

/** Parses CKPT_FAULT_KILL_AT; undefined when unset. */
export function faultPoint(value: string | undefined): FaultPoint | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(\d+):(started|ran)$/.exec(value);
  if (match === null)
    throw new CkptError('CONFIG_INVALID', `CKPT_FAULT_KILL_AT is ${JSON.stringify(value)}; it takes <step>:started or <step>:ran`, {
      hint: 'unset it: it is for crash-safety tests only',
    });
  return { step: Number(match[1]), phase: match[2] as FaultPoint['phase'] };
}

/** `listener`, and SIGKILL of this process at the fault point of `env.CKPT_FAULT_KILL_AT`, if set. */
export function withFaultPoint(listener: ProgressListener, plan: Plan, env: Environment = process.env): ProgressListener {
  const point = faultPoint(env.CKPT_FAULT_KILL_AT);
  if (point === undefined) return listener;
  return (event) => {
    listener(event);
    const index = plan.targets.find((t) => t.target === event.target)?.steps.indexOf(event.step);
    const phase = event.outcome === 'started' ? 'started' : 'ran';
    if (index === point.step && phase === point.phase) process.kill(process.pid, 'SIGKILL');
  };
}

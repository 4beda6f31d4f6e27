/**
 * The loop both adapters' SQL previews share (`ckpt reconcile --sql`): each step's statements in
 * plan order, and a step that cannot run as planned (a CkptError from building its statements)
 * said in a `--` line under it instead of failing the whole preview.
 */
import { CkptError } from '../model/errors.js';
import type { Step } from '../model/plan.js';

/** The statements of each step, in order; `statementsOf` sees the steps in plan order (a preview may carry state between them). */
export async function previewEach(steps: readonly Step[], statementsOf: (step: Step) => Promise<string[]>): Promise<string[][]> {
  const out: string[][] = [];
  for (const step of steps) {
    try {
      out.push(await statementsOf(step));
    } catch (error) {
      if (!(error instanceof CkptError)) throw error;
      out.push([`-- cannot run as planned: ${error.message}`]);
    }
  }
  return out;
}

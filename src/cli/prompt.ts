/**
 * Consent at a terminal: asks a question on stderr and reads one line from stdin. Ctrl+C or
 * Ctrl+D at the question cancels (CANCELLED, exit 130), as a wrong answer does.
 */
import { createInterface } from 'node:readline/promises';
import { CkptError } from '../model/errors.js';
import { displayLines } from '../model/display.js';

/** Whether both stdin and stderr are terminals (a person can answer). */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/**
 * Asks (control characters in the question shown escaped) and returns the trimmed answer;
 * CANCELLED when the question is left with Ctrl+C or Ctrl+D (readline's AbortError).
 */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(displayLines(question))).trim();
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ABORT_ERR') throw error;
    const key = /Ctrl\+\w/.exec((error as Error).message)?.[0] ?? 'an interrupt';
    throw new CkptError('CANCELLED', `cancelled at the prompt (${key})`);
  } finally {
    rl.close();
  }
}

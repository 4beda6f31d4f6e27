/**
 * Consent at a terminal: asks a question on stderr and reads one line from stdin.
 */
import { createInterface } from 'node:readline/promises';
import { displayLines } from '../model/display.js';

/** Whether both stdin and stderr are terminals (a person can answer). */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** Asks (control characters in the question shown escaped) and returns the trimmed answer. */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(displayLines(question))).trim();
  } finally {
    rl.close();
  }
}

/**
 * Temp folders for tests. Importing this module from a test file (directly or through a helper)
 * registers an afterAll on that file which removes every folder made here, so a run leaves none
 * behind, whatever its tests did with them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

afterAll(async () => {
  // maxRetries: a child process that just exited may still be releasing a file inside.
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })));
});

/** A new empty folder under the system temp folder named `<prefix>XXXXXX`, removed after the test file. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

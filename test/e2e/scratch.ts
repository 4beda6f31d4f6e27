/**
 * The temp folders of a test file (workspaces made here or by a fixture), removed after each
 * test: `const folders = scratchFolders(); afterEach(() => folders.remove());`.
 */
import { rm } from 'node:fs/promises';
import { workspace } from './cli-runner.js';

/** Temp folders to remove once the test is over. */
export interface ScratchFolders {
  /** A fresh workspace (cli-runner's), optionally with a checkpoints.yaml, removed after the test. */
  workspace(config?: string): Promise<string>;
  /** Removes `dir` after the test too; returns it. */
  keep(dir: string): string;
  /** Removes every folder made or kept since the last call. */
  remove(): Promise<void>;
}

/** A new set of temp folders. */
export function scratchFolders(): ScratchFolders {
  const dirs: string[] = [];
  return {
    workspace: async (config) => {
      const dir = await workspace(config);
      dirs.push(dir);
      return dir;
    },
    keep: (dir) => {
      dirs.push(dir);
      return dir;
    },
    remove: async () => {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Where a config came from, for every audit entry: the file, its content hash and, when the
 * file is in a git repository, the commit and whether the file had uncommitted changes.
 */
import { execFile } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';
import type { Desired } from '../model/desired.js';
import type { Origin } from '../warehouse/warehouse.js';

const run = promisify(execFile);

/** Reads the origin of a loaded config; git is optional (no repository → nulls). */
export async function configOrigin(desired: Pick<Desired, 'file' | 'sourceHash'>): Promise<Origin> {
  const cwd = dirname(desired.file);
  const git = async (...args: string[]) => (await run('git', args, { cwd, timeout: 5000 })).stdout.trim();
  try {
    const commit = await git('rev-parse', 'HEAD');
    const status = await git('status', '--porcelain', '--', basename(desired.file));
    return { file: desired.file, hash: desired.sourceHash, commit, dirty: status.length > 0 };
  } catch {
    return { file: desired.file, hash: desired.sourceHash, commit: null, dirty: null };
  }
}

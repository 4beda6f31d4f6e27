/**
 * The embedded warehouse's folder (`.ckpt` next to the config), checked before DuckDB opens its
 * file there: a `.ckpt` that is a file, or a folder this user cannot create or write to, is an
 * error saying what to do, not a failure deep in the driver. Even a plan needs to write there:
 * DuckDB's write-ahead log, and ckpt's registry of the objects it saw.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CkptError } from '../model/errors.js';

/** Makes sure the folder of the embedded warehouse file `path` exists and both are writable. */
export async function prepareLocalFolder(path: string): Promise<void> {
  const folder = dirname(path);
  const info = await stat(folder).catch(() => null);
  if (info !== null && !info.isDirectory()) {
    throw new CkptError('WAREHOUSE_UNREACHABLE', `${folder} is a file, not a folder: ckpt keeps the embedded warehouse in ${path}`, {
      hint: `move or remove that file (ckpt creates the folder), or point the targets at a Snowflake connection`,
    });
  }
  if (info === null) {
    await mkdir(folder, { recursive: true }).catch((error: unknown) => {
      throw cannotCreate(folder, error);
    });
  }
  await ensureWritable(folder);
  if ((await stat(path).catch(() => null)) !== null) await ensureWritable(path);
}

async function ensureWritable(path: string): Promise<void> {
  await access(path, constants.R_OK | constants.W_OK).catch(() => {
    throw notWritable(path);
  });
}

function cannotCreate(folder: string, error: unknown): CkptError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new CkptError(
    'WAREHOUSE_UNREACHABLE',
    `cannot create ${folder} for the embedded warehouse (${code}): ${dirname(folder)} is not writable by this user`,
    {
      hint: `make ${dirname(folder)} writable (even \`--plan\` keeps the embedded warehouse there), or run ckpt on a copy of the config in a writable folder`,
      cause: error,
    },
  );
}

function notWritable(path: string): CkptError {
  return new CkptError(
    'WAREHOUSE_UNREACHABLE',
    `${path} is not writable by this user: the embedded warehouse writes there even to plan (DuckDB's log, ckpt's registry of objects)`,
    {
      hint: `make it writable (chmod u+w ${path}) or run ckpt as its owner`,
    },
  );
}

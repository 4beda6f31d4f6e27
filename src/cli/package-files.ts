/**
 * Files shipped with ckpt (schemas, examples), found relative to the installed package whether
 * it runs from dist/ or from the sources.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    if (dirname(dir) === dir) throw new Error('ckpt package files not found');
  }
}

/** Absolute path of a file shipped with ckpt, e.g. `schemas/checkpoints.schema.json`. */
export function packageFile(relative: string): string {
  return join(packageRoot(), relative);
}

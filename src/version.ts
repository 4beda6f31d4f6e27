/**
 * ckpt's version, read once from package.json (for --version and query tags).
 */
import { readFileSync } from 'node:fs';

/** The package version. */
export const version: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The files `ckpt init` writes next to a new checkpoints.yaml: the file itself (the shipped
 * starter with the chosen connection, database and schema), the `$schema` reference editors
 * follow, and `.ckpt/` in `.gitignore`.
 *
 * The `$schema` reference must resolve on every teammate's machine and in CI, so it never points
 * into the folders of the person who ran init. In order:
 * 1. ckpt installed in the repository (`node_modules/ckpt` in the config's folder or a folder
 *    above it, within the repository): `../node_modules/ckpt/schemas/checkpoints.schema.json`,
 *    relative to the file; every `npm install` (`npm ci`) of the repository brings it.
 * 2. the config inside ckpt's own repository: the path to its `schemas/`, relative to the file.
 * 3. otherwise (a global install, npx): a copy, `checkpoints.schema.json` next to the file, to
 *    commit with it (`ckpt schema > checkpoints.schema.json` refreshes it).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { LOCAL_CONNECTION } from '../model/desired.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import { formatDiagnostic } from '../config/format.js';
import { loadConfigText } from '../config/load.js';
import { packageFile } from './package-files.js';

/** What a new checkpoints.yaml declares: one target on one connection. */
export interface InitAnswers {
  /** `local` (the embedded warehouse) or a connections.toml entry. */
  connection: string;
  /** The database (Snowflake only); null: the connection's default. */
  database: string | null;
  /** The schema to manage, as written in the file (unquoted names are upper-cased). */
  schema: string;
}

/** The answers `ckpt init` uses when no flag and no person gives them: the starter's. */
export const INIT_DEFAULTS: InitAnswers = { connection: LOCAL_CONNECTION, database: null, schema: 'DEMO' };

/** Where the `$schema` line of a new file points, and whether that is a copy to write next to it. */
export interface SchemaReference {
  /** Relative to the config's folder, starting with `./` or `../`. */
  ref: string;
  /** The copy to write (absolute path), or null when the reference is into an installed ckpt. */
  copy: string | null;
}

/** The file name of the schema copy written next to a config when ckpt is not installed in its repository. */
export const SCHEMA_COPY = 'checkpoints.schema.json';

const SCHEMA_IN_PACKAGE = 'schemas/checkpoints.schema.json';

/** The folder of the repository holding `dir` (the nearest with `.git`), or null outside one. */
function repositoryRoot(dir: string): string | null {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) return null;
  }
}

/** `path` relative to `dir`, with forward slashes and a leading `./` when it has no `../`. */
function relativeRef(dir: string, path: string): string {
  const ref = relative(dir, path).split('\\').join('/');
  return ref.startsWith('../') ? ref : `./${ref}`;
}

/** Whether `path` is `dir` or inside it. */
function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Where the `$schema` line of a new config in `configDir` points (see the module comment). */
export function schemaReference(configDir: string): SchemaReference {
  const root = repositoryRoot(configDir);
  for (let at = configDir; ; at = dirname(at)) {
    const installed = join(at, 'node_modules', 'ckpt', SCHEMA_IN_PACKAGE);
    if (existsSync(installed)) return { ref: relativeRef(configDir, installed), copy: null };
    if (at === root || dirname(at) === at) break;
  }
  const own = packageFile(SCHEMA_IN_PACKAGE);
  if (root !== null && inside(root, own)) return { ref: relativeRef(configDir, own), copy: null };
  return { ref: `./${SCHEMA_COPY}`, copy: join(configDir, SCHEMA_COPY) };
}

/** A value as a YAML scalar: plain when it reads back as itself, quoted otherwise (`'"MixedCase"'`). */
function scalar(value: string): string {
  return stringify(value).trimEnd();
}

/** Replaces the one match of `pattern` in `text`; a starter without it is a packaging bug. */
function replaceOnce(text: string, pattern: RegExp, replacement: (match: RegExpExecArray) => string): string {
  const match = pattern.exec(text);
  if (match === null) throw new CkptError('INTERNAL', `the shipped examples/starter.yaml has no line matching ${String(pattern)}`);
  return text.slice(0, match.index) + replacement(match) + text.slice(match.index + match[0].length);
}

/** `key: value` followed by the original comment, kept in its column when the value fits. */
function withComment(prefix: string, value: string, width: number, comment: string | undefined): string {
  if (comment === undefined) return `${prefix}${value}`;
  return `${prefix}${value}${' '.repeat(Math.max(1, width - value.length))}${comment}`;
}

/**
 * The starter file with the answers and the `$schema` reference filled in, checked by loading it:
 * an answer that is not a valid name (`--schema "my schema"`) is refused before anything is written.
 */
export async function starterText(answers: InitAnswers, schemaRef: string, file: string): Promise<string> {
  let text = await readFile(packageFile('examples/starter.yaml'), 'utf8');
  text = replaceOnce(text, /\$schema=\S+/, () => `$schema=${schemaRef}`);
  text = replaceOnce(text, /^connection: \S+$/m, () => `connection: ${scalar(answers.connection)}`);
  text = replaceOnce(text, /^(\s*- schema: )(\S+)(\s*)(#.*)?$/m, (m) =>
    withComment(m[1] ?? '', scalar(answers.schema), (m[2] ?? '').length + (m[3] ?? '').length, m[4]),
  );
  if (answers.database !== null) {
    text = replaceOnce(text, /^(\s*)# database: (\S+)(\s*)(#.*)?$/m, (m) =>
      withComment(`${m[1] ?? ''}database: `, scalar(answers.database ?? ''), (m[2] ?? '').length + (m[3] ?? '').length + 2, m[4]),
    );
  }
  const loaded = loadConfigText(text, file);
  if (!loaded.ok) {
    const problems = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d));
    throw new CkptError('CONFIG_INVALID', `the answers do not make a valid file: ${problems.join('; ')}`, { hint: HINTS.initAnswers });
  }
  return text;
}

/** How `.gitignore` was left: created, `.ckpt/` appended, or already ignoring it. */
export type IgnoreChange = 'created' | 'appended' | 'present';

/** A `.gitignore` line that ignores the `.ckpt` folder next to it. */
const IGNORES_CKPT = /^\/?\.ckpt(\/|\/\*\*?)?$/;

/**
 * Makes `.gitignore` in `dir` ignore `.ckpt/` (the embedded warehouse and the daemon's files):
 * creates the file, or appends the line once; a file that already ignores it is left as it is.
 */
export async function ignoreLocalFolder(dir: string): Promise<IgnoreChange> {
  const path = join(dir, '.gitignore');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await writeFile(path, '.ckpt/\n', { flag: 'wx' });
    return 'created';
  }
  if (text.split(/\r?\n/).some((line) => IGNORES_CKPT.test(line.trim()))) return 'present';
  await writeFile(path, `${text === '' || text.endsWith('\n') ? '' : '\n'}.ckpt/\n`, { flag: 'a' });
  return 'appended';
}

/**
 * `ckpt init`: writes a commented starter checkpoints.yaml when none exists, with the
 * connection, database and schema given as flags (`--connection`, `--database`, `--schema`),
 * asked at a terminal, or else the starter's (the embedded warehouse, schema DEMO); points its
 * `$schema` line at a schema every teammate has (init-files.ts); adds `.ckpt/` to `.gitignore`;
 * on Snowflake creates a missing schema (asked first at a terminal; off one only when `--schema`
 * names it); then creates the audit table of each target.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { targetRef, type Session } from '../../engine/session.js';
import { LOCAL_CONNECTION, type Target } from '../../model/desired.js';
import { CkptError } from '../../model/errors.js';
import { HINTS } from '../../model/hints.js';
import type { Plan } from '../../model/plan.js';
import { planInit } from '../../plan/ad-hoc.js';
import { targetLocation } from '../../plan/plan.js';
import { configPath, loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { ignoreLocalFolder, INIT_DEFAULTS, schemaReference, starterText, type InitAnswers } from '../init-files.js';
import { packageFile } from '../package-files.js';
import { ask, canPrompt } from '../prompt.js';

/** Options of `ckpt init` (the connection is the global `--connection`). */
export interface InitOptions {
  file?: string;
  database?: string;
  schema?: string;
}

/** Runs the command and returns its exit code. */
export async function initCommand(ctx: CliContext, options: InitOptions): Promise<number> {
  const path = configPath(options.file);
  const wrote = await writeConfig(ctx, path, options);
  const ignore = await ignoreLocalFolder(dirname(path));
  if (ignore !== 'present') ctx.out.message(`${ignore === 'created' ? 'Wrote' : 'Added .ckpt/ to'} ${dirname(path)}/.gitignore.`);
  const desired = await loadDesired(path, ctx.out, ctx.connections);
  return withSession(ctx, desired, 'init', async (session) => {
    await ensureSchemas(ctx, session, desired.targets, wrote && options.schema !== undefined);
    await session.lock(desired.targets);
    const observed = await session.observe(desired.targets, 'totals');
    const targets = desired.targets.flatMap((t) => {
      const obs = observed.get(t.name);
      return obs === undefined ? [] : [planInit(t, obs)];
    });
    const plan: Plan = { formatVersion: 1, generatedAt: '', configFile: desired.file, configHash: desired.sourceHash, targets };
    const outcomes = await session.apply(plan);
    const failed = outcomes.find((o) => o.failed);
    if (failed !== undefined) {
      throw new CkptError(
        'STEP_FAILED',
        `could not create the audit table of ${failed.target}: ${failed.steps.find((s) => s.error)?.error ?? ''}`,
      );
    }
    for (const t of targets) {
      ctx.out.message(
        t.steps.length > 0
          ? `Created the audit table of ${t.target} (${t.location}).`
          : `The audit table of ${t.target} (${t.location}) exists.`,
      );
    }
    return ExitCode.ok;
  });
}

/** Writes the starter file (and its schema copy) unless the file exists; whether it wrote it. */
async function writeConfig(ctx: CliContext, path: string, options: InitOptions): Promise<boolean> {
  if (existsSync(path)) {
    ctx.out.message(`${path} exists; leaving it as it is.`);
    return false;
  }
  const answers = await answersFor(ctx, options);
  const reference = schemaReference(dirname(path));
  const text = await starterText(answers, reference.ref, path);
  try {
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new CkptError('CONFIG_NOT_FOUND', `cannot write ${path}: ${(error as Error).message}`, { cause: error });
    }
    ctx.out.message(`${path} exists; leaving it as it is.`);
    return false;
  }
  const database = answers.database === null ? '' : `, database ${answers.database}`;
  ctx.out.message(`Wrote ${path} (connection ${answers.connection}${database}, schema ${answers.schema}).`);
  if (reference.copy === null) {
    ctx.out.message(`Its $schema line points at ${reference.ref}, the schema of the ckpt installed in this repository.`);
  } else {
    await writeFile(reference.copy, await readFile(packageFile('schemas/checkpoints.schema.json')));
    ctx.out.message(
      `Wrote ${reference.copy}, the file's JSON Schema for editors (its $schema line points at it): commit it with the file; \`ckpt schema > ${reference.ref}\` refreshes it.`,
    );
  }
  return true;
}

/** The answers: each from its flag, else asked at a terminal, else the starter's default. */
async function answersFor(ctx: CliContext, options: InitOptions): Promise<InitAnswers> {
  const prompt = canPrompt();
  const connection =
    ctx.connections.override ??
    (prompt
      ? await question(
          'Connection ("local" is the embedded warehouse; any other name is a connections.toml entry)',
          INIT_DEFAULTS.connection,
        )
      : INIT_DEFAULTS.connection);
  const database =
    options.database ?? (prompt && connection !== LOCAL_CONNECTION ? await question("Database (empty: the connection's default)", '') : '');
  const schema = options.schema ?? (prompt ? await question('Schema to manage', INIT_DEFAULTS.schema) : INIT_DEFAULTS.schema);
  return { connection, database: database === '' ? INIT_DEFAULTS.database : database, schema };
}

/** Asks at the terminal; an empty answer is the default. */
async function question(text: string, fallback: string): Promise<string> {
  const answer = await ask(`${text}${fallback === '' ? '' : ` [${fallback}]`}: `);
  return answer === '' ? fallback : answer;
}

/**
 * Creates each target's schema that does not exist on a warehouse that does not create it itself
 * (Snowflake), after saying so: at a terminal when the person agrees; off one only when
 * `fromFlags` (this init wrote the file from `--schema`); otherwise it is an error.
 */
async function ensureSchemas(ctx: CliContext, session: Session, targets: Target[], fromFlags: boolean): Promise<void> {
  for (const target of targets) {
    const warehouse = await session.warehouse(target);
    if (warehouse.createSchema === undefined) continue;
    // A warehouse that leaves schema creation to its user (Snowflake) refuses to observe a schema
    // that is not there (OBJECT_MISSING, as it tells every other command): that refusal is the test.
    const missing = await session.observe([target], 'totals').then(
      () => false,
      (error: unknown) => {
        if (error instanceof CkptError && error.code === 'OBJECT_MISSING') return true;
        throw error;
      },
    );
    if (!missing) continue;
    const where = `${targetLocation(target)} on connection ${target.connection}`;
    if (canPrompt()) {
      const answer = await ask(`Schema ${where} does not exist. Create it? [y/N] `);
      if (!/^y(es)?$/i.test(answer)) throw new CkptError('CANCELLED', `schema ${where} was not created; nothing was done`);
    } else if (!fromFlags) {
      throw new CkptError('OBJECT_MISSING', `schema ${where} does not exist`, { hint: HINTS.initCreateSchema });
    } else {
      ctx.out.message(`Schema ${where} does not exist; creating it, as --schema names it.`);
    }
    ctx.out.message(`Created schema ${where}: ${await warehouse.createSchema(targetRef(target))}.`);
  }
}

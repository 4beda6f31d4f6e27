/**
 * `ckpt validate`: checks the file offline (syntax, schema, rules) and opens no connection.
 * With `--json` the diagnostics are data on stdout (schemas/validate.schema.json): file, line,
 * column, message and hint of each; the exit code is the same (1 for an invalid file). Like the
 * file, it names each target's connection as written there (`--connection` is not applied).
 */
import { loadConfigFile } from '../../config/load.js';
import type { Desired } from '../../model/desired.js';
import type { Diagnostic } from '../../model/errors.js';
import { configPath, loadDesired } from '../config-file.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';

/** Options of `ckpt validate`. */
export interface ValidateOptions {
  file?: string;
  json?: boolean;
}

/** Runs the command and returns its exit code. */
export async function validateCommand(ctx: CliContext, options: ValidateOptions): Promise<number> {
  if (options.json === true) return validateJson(ctx, options.file);
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  ctx.out.message(`${desired.file} is valid: ${counted(desired)}.`);
  return ExitCode.ok;
}

/** `N targets, N checkpoints, N actions`. */
function counted(desired: Desired): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const actions = desired.targets.reduce((sum, t) => sum + t.actions.length, 0);
  const checkpoints = desired.targets.reduce((sum, t) => sum + t.checkpoints.length, 0);
  return `${n(desired.targets.length, 'target')}, ${n(checkpoints, 'checkpoint')}, ${n(actions, 'action')}`;
}

/** The result as JSON on stdout; a line for people on stderr. */
async function validateJson(ctx: CliContext, file: string | undefined): Promise<number> {
  const path = configPath(file);
  const result = await loadConfigFile(path);
  const diagnostics = result.ok ? result.warnings : result.diagnostics;
  const desired = result.ok ? result.desired : null;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  ctx.out.data(
    toJsonText({
      formatVersion: 1,
      file: path,
      valid: result.ok,
      errors,
      warnings: diagnostics.length - errors,
      diagnostics: diagnostics.map(diagnosticData),
      targets:
        desired?.targets.map((t) => ({
          name: t.name,
          connection: t.connection,
          checkpoints: t.checkpoints.length,
          actions: t.actions.length,
        })) ?? [],
    }),
  );
  ctx.out.message(desired === null ? `${path} has ${errors} error${errors === 1 ? '' : 's'}.` : `${path} is valid: ${counted(desired)}.`);
  return result.ok ? ExitCode.ok : ExitCode.error;
}

/** A diagnostic as data: its message split into the problem and, when it says one, what to do. */
function diagnosticData(d: Diagnostic) {
  const { message, hint } = splitAdvice(d.message);
  return { severity: d.severity, file: d.file, line: d.line, column: d.col, pointer: d.pointer, message, hint };
}

/**
 * Config messages say the problem, then what to do after `; ` (`unknown key \`conection\` in the
 * file; did you mean \`connection\`?`). Splits at the first `; ` outside quotes and backticks;
 * a message without one has no hint.
 */
function splitAdvice(text: string): { message: string; hint: string | null } {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === '`') {
      quote = c;
    } else if (c === ';' && text[i + 1] === ' ') {
      return { message: text.slice(0, i), hint: text.slice(i + 2) };
    }
  }
  return { message: text, hint: null };
}

/**
 * Settings read from environment variables (CKPT_LOCK_WAIT_MS, CKPT_STATEMENT_TIMEOUT_MS,
 * CKPT_LOG_LEVEL): unset or empty means the default; any other value must be one the setting
 * takes, else a CONFIG_INVALID error names the variable and what it accepts, never a silent NaN
 * (a deadline that never comes, a timeout that fires at once). Pure: the environment is passed in.
 */
import { CkptError } from './errors.js';

/** The environment, as `process.env` or a test's record. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The longest delay a timer takes, in milliseconds (about 24.8 days). */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** What a whole-number setting takes. */
export interface WholeNumberSetting {
  /** The value when the variable is unset or empty. */
  fallback: number;
  min: number;
  max: number;
  /** What the number counts, e.g. `milliseconds`. */
  unit: string;
}

/** A whole number from `env[name]` within the setting's bounds, or its fallback when unset. */
export function wholeNumberFromEnv(name: string, env: Environment, setting: WholeNumberSetting): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return setting.fallback;
  const value = Number(text);
  if (/^\s*\d+\s*$/.test(text) && value >= setting.min && value <= setting.max) return value;
  throw invalid(name, text, `a whole number of ${setting.unit} from ${setting.min} to ${setting.max}`, String(setting.fallback));
}

/** One of `choices` from `env[name]`, or `fallback` when unset. */
export function choiceFromEnv<T extends string>(name: string, env: Environment, choices: readonly T[], fallback: T): T {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = choices.find((c) => c === text.trim());
  if (value !== undefined) return value;
  throw invalid(name, text, `one of ${choices.join(', ')}`, fallback);
}

function invalid(name: string, text: string, accepts: string, fallback: string): CkptError {
  return new CkptError('CONFIG_INVALID', `${name} is ${JSON.stringify(text)}; it takes ${accepts}`, {
    hint: `set it to such a value, or unset it for the default (${fallback})`,
  });
}

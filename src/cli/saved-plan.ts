/**
 * Saved plans (`reconcile --plan --out FILE`, `reconcile --from-plan FILE`): the plan as JSON
 * with the fingerprints of the state it was computed from; reading one back validates it
 * against schemas/plan.schema.json and refuses it when stale.
 */
import { writeFile } from 'node:fs/promises';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import validatePlan from '../generated/plan-validator.js';
import { readRegularFile } from '../config/read-file.js';
import { CkptError } from '../model/errors.js';
import { HINTS } from '../model/hints.js';
import type { Plan, Step } from '../model/plan.js';
import { camelKeys, jsonText, snakeKeys } from './json.js';

/** A plan and the state it was computed from. */
export interface SavedPlan {
  plan: Plan;
  /** Target name → state fingerprint. */
  fingerprints: Record<string, string>;
}

/** Writes a saved plan. */
export async function writeSavedPlan(path: string, saved: SavedPlan): Promise<void> {
  // Target names are data: snake-casing them as keys (`DEMO` → `_d_e_m_o`) made every plan of a
  // target named in capitals stale.
  const document = { ...(snakeKeys(saved.plan) as Record<string, unknown>), state_fingerprints: saved.fingerprints };
  await writeFile(path, `${jsonText(document)}\n`, { mode: 0o600 });
}

/** Largest saved plan read back (a plan of 100,000 steps is about 50 MB). */
const MAX_SAVED_PLAN_BYTES = 256 * 1024 * 1024;

/** Reads (a regular file of at most 256 MiB) and validates a saved plan. */
export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let document: unknown;
  try {
    const read = await readRegularFile(path, MAX_SAVED_PLAN_BYTES, 'saved plans');
    if (!read.ok) throw new Error(read.message);
    document = JSON.parse(read.bytes.toString('utf8'));
  } catch (error) {
    throw new CkptError('CONFIG_NOT_FOUND', `cannot read the saved plan ${path}: ${(error as Error).message}`, {
      hint: HINTS.savedPlanMissing,
    });
  }
  // The schema is compiled when ckpt is built (scripts/generate-validators.mjs); the first error
  // found is the one reported.
  const validate = validatePlan as ValidateFunction;
  const { state_fingerprints: fingerprints, ...rest } = document as { state_fingerprints?: Record<string, string> };
  if (!validate(document) || fingerprints === undefined) {
    const problem = validate.errors?.[0];
    const what = problem === undefined ? 'no state_fingerprints' : [problem.instancePath, problem.message].join(' ').trim();
    throw new CkptError('CONFIG_INVALID', `${path} is not a saved ckpt plan (${what})`, { hint: HINTS.savedPlanMissing });
  }
  return { plan: camelKeys(rest) as Plan, fingerprints };
}

/**
 * Why a saved plan may not be applied now, or null when it may: PLAN_STALE when a target's state
 * fingerprint differs from the saved one, or when the saved steps are not the steps ckpt plans
 * from this state at the plan's own time (`expected`): the file was edited, or made by another ckpt.
 */
export function savedPlanStale(saved: SavedPlan, path: string, fingerprints: Map<string, string>, expected: Plan): CkptError | null {
  for (const [name, fingerprint] of fingerprints) {
    if (saved.fingerprints[name] !== fingerprint) {
      return new CkptError(
        'PLAN_STALE',
        `target ${name} changed since the plan in ${path} was made (its schema or audit table is not what the plan saw)`,
        { hint: HINTS.savedPlanStale },
      );
    }
  }
  const edited = saved.plan.targets.find((tp) => !sameSteps(tp.steps, expected.targets.find((e) => e.target === tp.target)?.steps ?? []));
  if (edited === undefined) return null;
  return new CkptError(
    'PLAN_STALE',
    `the steps of target ${edited.target} in ${path} are not the plan ckpt makes from this state: the file was edited, or made by another ckpt`,
    { hint: HINTS.savedPlanEdited },
  );
}

/** Whether two step lists are the same steps, field by field. */
function sameSteps(a: Step[], b: Step[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted (JSON leaves undefined fields out), so that key order in a file does not matter. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const fields = v as Record<string, unknown>;
    // Sorted by code unit, the same on every machine and locale.
    return Object.fromEntries(
      Object.keys(fields)
        .sort()
        .map((k) => [k, fields[k]]),
    );
  });
}

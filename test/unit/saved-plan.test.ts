/**
 * Saved plans (src/cli/saved-plan.ts): a written plan reads back as the same plan and
 * fingerprints; a file that is missing, not JSON or not a plan is refused with what is wrong; a
 * saved plan is stale (PLAN_STALE) when any target's fingerprint differs from the one it saw or its
 * steps are not the steps ckpt plans now, field by field (key order in the file does not matter).
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSavedPlan, savedPlanStale, writeSavedPlan, type SavedPlan } from '../../src/cli/saved-plan.js';
import { CkptError } from '../../src/model/errors.js';
import { HINTS } from '../../src/model/hints.js';
import type { Plan, Step, TargetPlan } from '../../src/model/plan.js';

const AT = '2026-11-27T12:00:00.000Z';

function steps(target: string): Step[] {
  const base = { target, group: 'tidy', reason: 'created after baseline' };
  return [
    {
      ...base,
      group: 'checkpoint:b',
      kind: 'take-checkpoint',
      checkpointId: 'b',
      checkpointType: 'MANUAL',
      description: 'before',
      keep: 'clone',
    },
    { ...base, kind: 'drop-object', object: { name: 'SCRATCH', kind: 'TABLE' }, created: AT, cause: 'created-after-checkpoint' },
    {
      ...base,
      kind: 'restore-content',
      object: { name: 'ORDERS', kind: 'TABLE' },
      created: AT,
      lastAltered: null,
      columns: ['ID', 'AMOUNT'],
      checkpointId: 'b',
      from: { kind: 'clone', checkpointId: 'b', location: 'DEMO_CKPT_B' },
      missing: false,
    },
    { ...base, kind: 'record-action', actionId: 'tidy', spec: { kind: 'cleanup', since: 'b' }, specHash: 'h1', checkpointId: 'b' },
  ];
}

function targetPlan(target: string, s: Step[] = steps(target)): TargetPlan {
  return { target, connection: 'local', location: target.toUpperCase(), steps: s, findings: [] };
}

function plan(...targets: TargetPlan[]): Plan {
  return { formatVersion: 1, generatedAt: AT, configFile: '/work/checkpoints.yaml', configHash: 'abc', targets };
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<CkptError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof CkptError)) throw new Error(`expected a CkptError, got ${String(error)}`);
  return error;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ckpt-saved-plan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeSavedPlan and readSavedPlan', () => {
  it('read back the plan and the fingerprints as written, target names that are capitals included', async () => {
    const saved: SavedPlan = {
      plan: plan(targetPlan('DEMO'), targetPlan('retail-demo')),
      fingerprints: { DEMO: 'f1', 'retail-demo': 'f2' },
    };
    const file = join(dir, 'round-trip.json');
    await writeSavedPlan(file, saved);
    expect(await readSavedPlan(file)).toEqual(saved);
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ format_version: 1, config_hash: 'abc', state_fingerprints: { DEMO: 'f1' } });
  });

  it('writes a file only its owner can read (it names the schema and its objects)', async () => {
    const file = join(dir, 'private.json');
    await writeSavedPlan(file, { plan: plan(), fingerprints: {} });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a missing file, saying which and how to make one', async () => {
    const file = join(dir, 'nope.json');
    const error = await rejection(readSavedPlan(file));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toBe(`cannot read the saved plan ${file}: ${file} does not exist`);
    expect(error.hint).toBe(HINTS.savedPlanMissing);
  });

  it('refuses a folder, as not a regular file', async () => {
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    const error = await rejection(readSavedPlan(folder));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toContain(
      `cannot read the saved plan ${folder}: ${folder} is a folder, not a regular file; ckpt reads saved plans of at most`,
    );
  });

  it('refuses a file that is not JSON', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"format_version": 1,');
    const error = await rejection(readSavedPlan(file));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toMatch(new RegExp(`^cannot read the saved plan ${file}: .*JSON`));
    expect(error.hint).toBe(HINTS.savedPlanMissing);
  });

  it('refuses JSON that is not a plan, saying where it breaks the plan schema', async () => {
    const file = join(dir, 'not-a-plan.json');
    const document = { ...JSON.parse(JSON.stringify(plan(targetPlan('demo')))), state_fingerprints: { demo: 'f' } } as Record<
      string,
      unknown
    >;
    await writeFile(
      file,
      JSON.stringify({ format_version: 1, generated_at: AT, config_file: 'c', config_hash: 'h', targets: 'all', state_fingerprints: {} }),
    );
    const error = await rejection(readSavedPlan(file));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${file} is not a saved ckpt plan (/targets must be array)`);
    expect(error.hint).toBe(HINTS.savedPlanMissing);
    await writeFile(file, '{}');
    expect((await rejection(readSavedPlan(file))).message).toBe(
      `${file} is not a saved ckpt plan (must have required property 'format_version')`,
    );
    // camelCase keys (a plan not written by ckpt) are not a saved plan either.
    await writeFile(file, JSON.stringify(document));
    expect((await rejection(readSavedPlan(file))).code).toBe('CONFIG_INVALID');
  });

  it('refuses a plan without state fingerprints (`--plan --json` output is not a saved plan)', async () => {
    const file = join(dir, 'no-fingerprints.json');
    await writeSavedPlan(file, { plan: plan(targetPlan('demo')), fingerprints: {} });
    const { state_fingerprints: _, ...document } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify(document));
    const error = await rejection(readSavedPlan(file));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${file} is not a saved ckpt plan (no state_fingerprints)`);
    expect(error.hint).toBe(HINTS.savedPlanMissing);
  });
});

describe('savedPlanStale', () => {
  const PATH = 'plan.json';
  const saved: SavedPlan = { plan: plan(targetPlan('one'), targetPlan('two')), fingerprints: { one: 'f1', two: 'f2' } };
  const now = (one: string, two: string) =>
    new Map([
      ['one', one],
      ['two', two],
    ]);

  it('accepts a plan whose targets are as it saw them and whose steps ckpt would plan again', () => {
    expect(savedPlanStale(saved, PATH, now('f1', 'f2'), plan(targetPlan('one'), targetPlan('two')))).toBeNull();
  });

  it.each([
    ['one', 'g1', 'f2'],
    ['two', 'f1', 'g2'],
  ])('refuses it when target %s changed since', (name, one, two) => {
    const error = savedPlanStale(saved, PATH, now(one, two), saved.plan);
    expect(error).toBeInstanceOf(CkptError);
    expect(error?.code).toBe('PLAN_STALE');
    expect(error?.message).toBe(
      `target ${name} changed since the plan in ${PATH} was made (its schema or audit table is not what the plan saw)`,
    );
    expect(error?.hint).toBe(HINTS.savedPlanStale);
  });

  it('refuses it for a target it has no fingerprint of', () => {
    const error = savedPlanStale({ ...saved, fingerprints: { one: 'f1' } }, PATH, now('f1', 'f2'), saved.plan);
    expect(error?.message).toContain('target two changed since the plan');
  });

  it('refuses edited steps, naming the target whose steps differ', () => {
    const edited = steps('two').map((s) => (s.kind === 'drop-object' ? { ...s, object: { ...s.object, name: 'CUSTOMERS' } } : s));
    const error = savedPlanStale({ ...saved, plan: plan(targetPlan('one'), targetPlan('two', edited)) }, PATH, now('f1', 'f2'), saved.plan);
    expect(error?.code).toBe('PLAN_STALE');
    expect(error?.message).toBe(
      `the steps of target two in ${PATH} are not the plan ckpt makes from this state: the file was edited, or made by another ckpt`,
    );
    expect(error?.hint).toBe(HINTS.savedPlanEdited);
  });

  it('refuses a step added, removed or moved, and steps for a target ckpt plans nothing for', () => {
    const s = steps('one');
    const stale = (saved1: Step[], expected1: Step[] = s) =>
      savedPlanStale(
        { plan: plan(targetPlan('one', saved1)), fingerprints: { one: 'f' } },
        PATH,
        new Map([['one', 'f']]),
        plan(targetPlan('one', expected1)),
      );
    expect(stale(s.slice(1))?.code).toBe('PLAN_STALE');
    expect(stale([...s, s[1]!])?.code).toBe('PLAN_STALE');
    expect(stale([s[1]!, s[0]!, ...s.slice(2)])?.code).toBe('PLAN_STALE');
    expect(stale(s, [])?.code).toBe('PLAN_STALE');
    expect(stale([], [])).toBeNull();
    const elsewhere = savedPlanStale(
      { plan: plan(targetPlan('one')), fingerprints: { one: 'f' } },
      PATH,
      new Map([['one', 'f']]),
      plan(targetPlan('other')),
    );
    expect(elsewhere?.message).toContain('the steps of target one');
    const nothing = savedPlanStale(
      { plan: plan(targetPlan('one', [])), fingerprints: { one: 'f' } },
      PATH,
      new Map([['one', 'f']]),
      plan(targetPlan('other')),
    );
    expect(nothing).toBeNull();
  });

  it('a plan read back from its file is the plan ckpt makes: key order and absent fields do not matter', async () => {
    const file = join(dir, 'reread.json');
    const expected = plan(targetPlan('one'), targetPlan('two'));
    await writeSavedPlan(file, { plan: expected, fingerprints: { one: 'f1', two: 'f2' } });
    const reread = await readSavedPlan(file);
    expect(savedPlanStale(reread, file, now('f1', 'f2'), expected)).toBeNull();
    // The planner leaves an optional field undefined; the file has no key for it.
    const withUndefined = expected.targets.map((tp) => ({ ...tp, steps: tp.steps.map((s) => ({ ...s, keep: undefined }) as Step) }));
    const withoutKeep = {
      ...reread,
      plan: {
        ...reread.plan,
        targets: reread.plan.targets.map((tp) => ({
          ...tp,
          steps: tp.steps.map(({ keep: _, ...s }: Step & { keep?: unknown }) => s as Step),
        })),
      },
    };
    expect(savedPlanStale(withoutKeep, file, now('f1', 'f2'), { ...expected, targets: withUndefined })).toBeNull();
  });

  it('any one field of any step changed in the file is refused, whatever order its keys are in', () => {
    const original = steps('one');
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const fields = original.flatMap((s, i) => leafPaths(s).map((path) => [i, path] as const));
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.boolean(), ([i, path], edit) => {
        const copy = reversed(structuredClone(original)) as Step[];
        if (edit) setLeaf(copy[i]!, path, 'EDITED');
        const error = savedPlanStale(
          { plan: plan(targetPlan('one', copy)), fingerprints: { one: 'f' } },
          PATH,
          new Map([['one', 'f']]),
          plan(targetPlan('one', original)),
        );
        expect(error?.code ?? null).toBe(edit ? 'PLAN_STALE' : null);
      }),
    );
  });
});

/** Paths to every string, number, boolean or null inside a value. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** Sets the leaf at `path` inside `value`. */
function setLeaf(value: object, path: string[], leaf: unknown): void {
  const parent = path
    .slice(0, -1)
    .reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, value as Record<string, unknown>);
  parent[path.at(-1)!] = leaf;
}

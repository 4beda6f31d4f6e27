/**
 * The JSON of a plan (`ckpt reconcile --plan --json`) against schemas/plan.schema.json, for
 * the real planner's plans of every step kind and of every weight scenario: what is at stake
 * (weight, writes) and where a restore comes from (source) are in it, snake_cased.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { toJsonText } from '../../src/cli/json.js';
import { planOf, STEP_SCENARIOS, WEIGHT_SCENARIOS } from '../support/plan-scenarios.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true }).compile(schema);

type Scenario = Parameters<typeof planOf>[0];

/** The plan's JSON, parsed back. */
const document = (scenario: Scenario) =>
  JSON.parse(toJsonText(planOf(scenario))) as { targets: Array<{ steps: Array<Record<string, unknown>> }> };

/** The steps of the plan's JSON. */
const stepsOf = (scenario: Scenario) => document(scenario).targets.flatMap((t) => t.steps);

describe('the JSON of a plan', () => {
  it.each(Object.entries({ ...STEP_SCENARIOS, ...WEIGHT_SCENARIOS }))('of %s matches the plan schema', (_name, scenario) => {
    expect(validate(document(scenario)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries the weight of a dropped table, and none for a view', () => {
    const drops = stepsOf(STEP_SCENARIOS['drop-object']).filter((s) => s.kind === 'drop-object');
    expect(drops.find((s) => (s.object as { name: string }).name === 'SCRATCH')?.weight).toEqual({
      rows: 41_203_113,
      bytes: 12_312_345_678,
      estimated: false,
    });
    expect(drops.find((s) => (s.object as { name: string }).name === 'RECENT')).not.toHaveProperty('weight');
  });

  it("carries a table restore's source, and a revert's weight and what it writes", () => {
    const restores = stepsOf(STEP_SCENARIOS['restore-table']).filter((s) => s.kind === 'restore-table');
    expect(restores.map((s) => s.source)).toEqual([
      { dropped_on: '2026-11-27T10:00:00.000Z', restorable_until: null },
      { dropped_on: '2026-11-27T10:00:00.000Z', restorable_until: '2026-11-28T10:00:00.000Z' },
    ]);
    const [revert] = stepsOf(STEP_SCENARIOS['restore-content']).filter((s) => s.kind === 'restore-content');
    expect(revert).toMatchObject({
      weight: { rows: 1_250_000, bytes: 48_213_000, estimated: false },
      writes: { rows: 1_200_000, bytes: 46_100_000, estimated: false },
    });
  });

  it('says the embedded warehouse estimates its row counts', () => {
    const drops = stepsOf(WEIGHT_SCENARIOS.embedded).filter((s) => s.kind === 'drop-object');
    expect(drops.map((s) => s.weight)).toEqual([
      { rows: 1_024, bytes: null, estimated: true },
      { rows: 10, bytes: null, estimated: true },
    ]);
  });
});

/**
 * `ckpt reconcile --sql` on the Snowflake test server: the statements shown (`--json`: each step's
 * `statements`, the document valid against schemas/plan.schema.json) for each step of a
 * reset (drops, table restores, one of them past a newer dropped version of its name, view
 * re-creations, the audit row) and then of a content revert are the statements the server
 * receives when that plan is applied: per step, in order, whitespace aside. ckpt's own
 * bookkeeping (journal, lease, the observe of the run) carries no step in its QUERY_TAG and is
 * left out by that; reads a step makes (SELECT, SHOW: columns, versions, lineage) are not shown
 * and are left out by pattern.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { STEP_KINDS } from '../../src/model/step-kinds.js';
import type { StatementLogEntry } from '../snowflake-server/server.js';
import { e2eConnection, demoConfig, type E2eConnection } from './connections.js';
import { resetReady, runOn } from './reset-fixture.js';

const open: E2eConnection[] = [];
afterEach(async () => {
  for (const conn of open.splice(0)) await conn.close();
});

/** A step of the JSON plan printed by `reconcile --sql --json`. */
interface ShownStep {
  kind: string;
  group: string;
  statements: string[];
}

const flat = (sql: string) => sql.replace(/\s+/g, ' ').trim();
const READ = /^(SELECT|SHOW)\b/i;

/** The statements a step ran: its QUERY_TAG names a step kind (not the preview), and it is not a read. */
function executedByStep(log: StatementLogEntry[]): Map<string, string[]> {
  const byStep = new Map<string, string[]>();
  for (const entry of log) {
    const tag = JSON.parse(entry.queryTag ?? '{}') as { step?: string; group?: string };
    if (tag.step === undefined || !(tag.step in STEP_KINDS || tag.step === 'record-action') || READ.test(entry.sql.trim())) continue;
    const key = `${tag.step} ${tag.group ?? ''}`;
    byStep.set(key, [...(byStep.get(key) ?? []), flat(entry.sql)]);
  }
  return byStep;
}

/** Whether `part` appears in `whole` in order (other statements may come between). */
function inOrder(part: string[], whole: string[]): boolean {
  let at = 0;
  for (const statement of whole) if (statement === part[at]) at += 1;
  return at === part.length;
}

/** Applies the plan with `--sql --json`; returns its steps as shown and what the server received meanwhile. */
async function applyShown(
  conn: E2eConnection,
  dir: string,
): Promise<{ steps: ShownStep[]; executed: Map<string, string[]>; requests: number[] }> {
  const server = conn.server;
  if (server === null) throw new Error('a Snowflake connection has a server');
  const from = server.statementLog.length;
  // One request in flight: a wave's steps go together in requests of two statements (connections.ts).
  const run = await runOn(conn, dir, ['--concurrency', '1', 'reconcile', '--sql', '--json', '--yes']);
  expect(run.code, run.stderr).toBe(0);
  const doc = JSON.parse(run.stdout) as { targets: Array<{ steps: ShownStep[] }>; outcomes: Array<{ failed: boolean }> };
  const schema = JSON.parse(await readFile(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  validate(doc);
  expect(validate.errors ?? []).toEqual([]);
  expect(doc.outcomes.map((o) => o.failed)).toEqual([false]);
  const log = server.statementLog.slice(from);
  return { steps: doc.targets.flatMap((t) => t.steps), executed: executedByStep(log), requests: stepRequests(log) };
}

/** How many statements of a step each request carried (multi-statement requests hold several). */
function stepRequests(log: StatementLogEntry[]): number[] {
  const byRequest = new Map<string, number>();
  for (const entry of log) {
    const tag = JSON.parse(entry.queryTag ?? '{}') as { step?: string };
    if (tag.step === undefined || READ.test(entry.sql.trim())) continue;
    byRequest.set(entry.requestId, (byRequest.get(entry.requestId) ?? 0) + 1);
  }
  return [...byRequest.values()];
}

/** Every step's statements (comments aside) ran in that order, and nothing else ran for any step. */
function expectShownWasRun(steps: ShownStep[], executed: Map<string, string[]>): void {
  const shownByStep = new Map<string, string[]>();
  for (const step of steps) {
    const shown = step.statements.filter((s) => !s.startsWith('--')).map(flat);
    const ran = executed.get(`${step.kind} ${step.group}`) ?? [];
    expect(
      inOrder(shown, ran),
      `${step.kind} ${step.group}:\nshown ${JSON.stringify(shown, null, 1)}\nran ${JSON.stringify(ran, null, 1)}`,
    ).toBe(true);
    const key = `${step.kind} ${step.group}`;
    shownByStep.set(key, [...(shownByStep.get(key) ?? []), ...shown]);
  }
  // Steps of one kind and action run concurrently: the same statements, in any interleaving.
  const sorted = (m: Map<string, string[]>) => new Map([...m].map(([k, v]) => [k, [...v].sort()]));
  expect(sorted(executed)).toEqual(sorted(shownByStep));
}

describe('reconcile --sql on the Snowflake test server', () => {
  it('shows, for every step, exactly the statements the server then receives', { timeout: 240_000 }, async () => {
    const conn = await e2eConnection('snowflake');
    open.push(conn);
    const dir = await resetReady(conn);
    // A newer C_T than the one in the checkpoint: the reset drops it, then sets it aside to undrop the old one.
    expect((await runOn(conn, dir, ['sql', 'CREATE TABLE c_t (id INTEGER)'])).code).toBe(0);

    const human = await runOn(conn, dir, ['reconcile', '--plan', '--sql']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/\n {6}UNDROP TABLE .*"C_T";\n {6}ALTER TABLE .*"C_T" RENAME TO .*"C_T__CKPT_ASIDE_[0-9a-z]+_0";\n/);

    const reset = await applyShown(conn, dir);
    expect(new Set(reset.steps.map((s) => s.kind))).toEqual(new Set(['drop-object', 'restore-table', 'recreate-view', 'record-action']));
    expect(reset.steps.flatMap((s) => s.statements).filter((s) => s.startsWith('UNDROP TABLE'))).toHaveLength(4);
    expectShownWasRun(reset.steps, reset.executed);
    // The waves of drops and of table restores went in multi-statement requests.
    expect(reset.requests.filter((n) => n > 1).length).toBeGreaterThan(0);

    // The rows of a restored table changed since the checkpoint: a reset reverts its content in place.
    expect((await runOn(conn, dir, ['sql', 'INSERT INTO a_t VALUES (9)'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), demoConfig(conn, '\n      - id: back-again\n        reset: { to: baseline }'));
    const revert = await applyShown(conn, dir);
    expect(new Set(revert.steps.map((s) => s.kind))).toEqual(new Set(['restore-content', 'record-action']));
    const aT = revert.steps.find((s) => s.kind === 'restore-content' && s.statements.some((x) => /INSERT OVERWRITE INTO .*"A_T"/.test(x)));
    expect(aT?.statements.some((x) => x.includes('AT(TIMESTAMP =>'))).toBe(true);
    expectShownWasRun(revert.steps, revert.executed);
  });
});

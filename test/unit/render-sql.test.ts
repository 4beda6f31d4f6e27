/**
 * `--sql` rendering (src/cli/render-sql.ts): golden files of the mixed plan (a step of each kind)
 * with the statements the Snowflake adapter's preview builds for it (snowflake-preview.ts, over a
 * scripted session: the versions and columns observe and the handlers would read), human and
 * Markdown; and the rules of the rendering: `;` after a statement, not after a comment, control
 * characters escaped, a fence no backtick run can close, JSON steps with their statements.
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/unit/render-sql.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/cli/io.js';
import { renderPlanMarkdown } from '../../src/cli/render-markdown.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import { stepSqlLines, withStatements } from '../../src/cli/render-sql.js';
import type { Plan } from '../../src/model/plan.js';
import { readLineage } from '../../src/warehouse/snowflake/snowflake-lineage.js';
import { previewStatements } from '../../src/warehouse/snowflake/snowflake-preview.js';
import type { SnowflakeDriver, SnowflakeRow } from '../../src/warehouse/snowflake/snowflake-driver.js';
import { SnowflakeSteps, type SnowflakeSession } from '../../src/warehouse/snowflake/snowflake-steps.js';
import { TableVersionLedger } from '../../src/warehouse/snowflake/snowflake-versions.js';
import type { RunContext } from '../../src/warehouse/warehouse.js';
import { MIXED, planOf, STEP_SCENARIOS, type Scenario } from '../support/plan-scenarios.js';
import { observed } from '../support/observed.js';
import { Sink } from '../support/sink.js';

const GOLDEN = join(process.cwd(), 'test/fixtures/golden');

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, `${actual}\n`);
  expect(existsSync(path), `${path} is missing; create it with UPDATE_GOLDEN=1`).toBe(true);
  expect(`${actual}\n`, `${name} differs; if intended, run UPDATE_GOLDEN=1 npx vitest run test/unit/render-sql.test.ts`).toBe(
    readFileSync(path, 'utf8'),
  );
}

const plain = () => new Output(new Sink(false), new Sink(false), { colour: false });
const RUN: RunContext = {
  runId: 'run-1',
  origin: { file: '/work/demo/checkpoints.yaml', hash: 'abc', commit: null, dirty: null },
  command: 'reconcile',
};

/** A Snowflake session that answers reads as observe saw a scenario's schema: its table versions, and ORDERS' columns now. */
function sessionOf(scenario: Scenario): SnowflakeSession {
  const state = observed(typeof scenario.observed === 'function' ? {} : scenario.observed);
  const versions: SnowflakeRow[] = [
    ...state.objects.map((o) => ({ name: o.name, created_on: o.created, dropped_on: null, retention_time: 1 })),
    ...state.dropped.map((d) => ({ name: d.name, created_on: d.created, dropped_on: d.droppedOn, retention_time: 1 })),
  ];
  const columns = [
    { COLUMN_NAME: 'ID', DATA_TYPE: 'NUMBER', NUMERIC_PRECISION: 38, NUMERIC_SCALE: 0 },
    { COLUMN_NAME: 'AMOUNT', DATA_TYPE: 'NUMBER', NUMERIC_PRECISION: 10, NUMERIC_SCALE: 2 },
    { COLUMN_NAME: 'NOTE', DATA_TYPE: 'TEXT' },
  ];
  const driver = { rows: async (sql: string) => (sql.includes('COLUMNS') ? columns : []) } as unknown as SnowflakeDriver;
  const ledger = new TableVersionLedger(versions);
  return {
    driver,
    resolve: (t) => ({ database: 'ANALYTICS', schema: t.schema, auditTable: t.auditTable }),
    useSchema: () => Promise.reject(new Error('a preview sets no schema')),
    lineage: async () => readLineage([]),
    forgetLineage: () => {},
    forgetSchema: () => {},
    versions: () => ledger,
    showPageRows: 1000,
    snapshotArrayBytes: 1_048_576,
    statementsPerRequest: 100,
  };
}

async function withSql(scenario: Scenario): Promise<{ plan: Plan; sql: Map<string, string[][]> }> {
  const plan = planOf(scenario);
  const session = sessionOf(scenario);
  const tp = plan.targets[0];
  if (tp === undefined) throw new Error('the scenario plans target demo');
  const ref = { name: tp.target, database: 'ANALYTICS', schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };
  return { plan, sql: new Map([[tp.target, await previewStatements(session, new SnowflakeSteps(session), ref, tp.steps, RUN)]]) };
}

const mixedWithSql = () => withSql(MIXED);

describe('--sql (golden files)', () => {
  it('the mixed plan with the Snowflake statements of each step, human and Markdown', async () => {
    const { plan, sql } = await mixedWithSql();
    const kinds = new Set(plan.targets[0]?.steps.map((s) => s.kind));
    expect(kinds).toEqual(
      new Set(['take-checkpoint', 'drop-object', 'restore-table', 'recreate-view', 'restore-content', 'record-action']),
    );
    golden('sql-mixed.snowflake.txt', renderPlan(plan, plain(), sql));
    golden('sql-mixed.snowflake.md', renderPlanMarkdown(plan, sql));
  });

  it.each(Object.entries(STEP_SCENARIOS))('step kind %s with its Snowflake statements', async (kind, scenario) => {
    const { plan, sql } = await withSql(scenario);
    const steps = plan.targets[0]?.steps ?? [];
    expect(steps.map((s) => s.kind)).toContain(kind);
    // Every step of the kind shows at least one statement that is not a comment.
    const shown = sql.get('demo') ?? [];
    steps.forEach((s, i) => {
      if (s.kind === kind) expect(shown[i]?.some((line) => !line.startsWith('--'))).toBe(true);
    });
    golden(`sql-step-${kind}.snowflake.txt`, renderPlan(plan, plain(), sql));
  });

  it('a keep: clone checkpoint: the clock read, the clone AT that instant, the tables it left out, the rows stamped with it', async () => {
    const scenario = STEP_SCENARIOS['take-checkpoint'];
    const { plan, sql } = await withSql({ ...scenario, target: `${scenario.target}        keep: clone\n` });
    const shown = (sql.get('demo') ?? []).flat().join('\n');
    expect(shown).toContain('AT(TIMESTAMP => :checkpoint_instant) IGNORE TABLES WITH INSUFFICIENT DATA RETENTION');
    expect(shown).not.toContain('CURRENT_TIMESTAMP(), t.TABLE_NAME');
    golden('sql-step-take-checkpoint-clone.snowflake.txt', renderPlan(plan, plain(), sql));
  });

  it('leaves the plan as it was without --sql', async () => {
    const { plan } = await mixedWithSql();
    expect(renderPlan(plan, plain(), undefined)).toBe(renderPlan(plan, plain()));
    expect(renderPlanMarkdown(plan, undefined)).toBe(renderPlanMarkdown(plan));
  });
});

describe('--sql rendering rules', () => {
  it('ends each statement with ; (comments not), indents every line under the step, and shows control characters escaped', () => {
    const lines = stepSqlLines(['-- if not recorded:', 'DROP TABLE "A\u001b[2J"', 'SELECT 1\nFROM x'], plain());
    expect(lines).toEqual(['      -- if not recorded:', '      DROP TABLE "A\\u001b[2J";', '      SELECT 1', '      FROM x;']);
    expect(stepSqlLines([], plain())).toEqual(['      -- no statement']);
    // A statement that ends with ; (DuckDB's stored DDL, several sent together) gets no second one; blank lines around it go.
    expect(stepSqlLines(['\nCREATE TABLE t(a INTEGER);', 'DELETE FROM a;\nDROP TABLE b;\n'], plain())).toEqual([
      '      CREATE TABLE t(a INTEGER);',
      '      DELETE FROM a;',
      '      DROP TABLE b;',
    ]);
    expect(stepSqlLines(undefined, plain())).toEqual([]);
  });

  it('fences Markdown SQL with more backticks than any run inside it', async () => {
    const { plan } = await mixedWithSql();
    const tp = plan.targets[0];
    if (tp === undefined) throw new Error('MIXED plans target demo');
    const sql = new Map([[tp.target, tp.steps.map(() => ['SELECT "````" AS x'])]]);
    const md = renderPlanMarkdown(plan, sql);
    expect(md).toContain('`````sql\nSELECT "````" AS x;\n`````');
    expect(md).toContain('<details><summary>SQL of each step</summary>');
  });

  it('puts each step’s statements in the JSON plan', async () => {
    const { plan, sql } = await mixedWithSql();
    const json = withStatements(plan, sql);
    const steps = json.targets[0]?.steps ?? [];
    expect(steps.map((s) => (s as { statements?: string[] }).statements)).toEqual(sql.get('demo'));
    expect(withStatements(plan, new Map())).toEqual(plan);
  });
});

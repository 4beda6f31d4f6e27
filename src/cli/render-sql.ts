/**
 * `--sql`: the statements each step will send, as the warehouse builds them for this plan
 * (Warehouse.statements), under the step in the human plan, in a details block of fenced `sql`
 * per step in Markdown, and as each step's `statements` in JSON. A statement ends with `;`; a
 * line starting with `--` is the warehouse's comment on what is conditional. Control characters
 * are shown escaped (a line feed only where a statement has one), so a name cannot hide a line.
 */
import { displayText } from '../model/display.js';
import type { Plan, TargetPlan } from '../model/plan.js';
import type { Output } from './io.js';
import { stepTitle } from './render-plan.js';

/** Each step's statements per target name, in step order (Session.statements). */
export type PlanStatements = ReadonlyMap<string, ReadonlyArray<readonly string[]>>;

/**
 * A statement as printed: its lines without blank lines around it, with `;` after the last one
 * unless it is a comment or already ends with one (DuckDB's stored DDL, several statements sent
 * together).
 */
function statementLines(statement: string): string[] {
  const text = statement.replace(/^\s*\n/, '').trimEnd();
  const lines = text.split('\n').map((line) => displayText(line.replace(/\s+$/, '')));
  if (!text.startsWith('--') && !text.endsWith(';')) lines[lines.length - 1] += ';';
  return lines;
}

/** The lines under a step in the human plan: its statements, indented (nothing when there are none). */
export function stepSqlLines(statements: readonly string[] | undefined, out: Output): string[] {
  if (statements === undefined) return [];
  const lines = statements.length === 0 ? ['-- no statement'] : statements.flatMap(statementLines);
  return lines.map((line) => `      ${out.paint('dim', line)}`);
}

/** A fence longer than any run of backticks in the text, so the block cannot be closed from inside. */
function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A target's statements in Markdown: one collapsed details block, a fenced `sql` block per step (nothing without `--sql`). */
export function markdownSql(tp: TargetPlan, statements: readonly (readonly string[])[] | undefined): string[] {
  if (statements === undefined || tp.steps.length === 0) return [];
  const lines = ['<details><summary>SQL of each step</summary>', ''];
  tp.steps.forEach((step, i) => {
    const text = (statements[i] ?? []).flatMap(statementLines).join('\n') || '-- no statement';
    const f = fence(text);
    lines.push(`${i + 1}. ${displayText(stepTitle(step, tp.location)).replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)}`, '');
    lines.push(`${f}sql`, text, f, '');
  });
  lines.push('</details>', '');
  return lines;
}

/** The plan with each step's `statements`, for `--sql --json` (schemas/plan.schema.json). */
export function withStatements<P extends Plan>(plan: P, sql: PlanStatements): P {
  return {
    ...plan,
    targets: plan.targets.map((tp) => {
      const statements = sql.get(tp.target);
      return statements === undefined ? tp : { ...tp, steps: tp.steps.map((s, i) => ({ ...s, statements: [...(statements[i] ?? [])] })) };
    }),
  };
}

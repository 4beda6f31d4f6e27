/**
 * The plan as Markdown, for a pull request comment (`ckpt reconcile --plan --format markdown`):
 * a heading with the summary line (with the totals at stake), destructive steps called out with
 * their weight, then per target a table of its steps (symbol, what, action, weight, reason; a
 * restore's source or a revert's rows written under its title) and its findings grouped as
 * blockers and warnings.
 * Rendered from the Plan value only; no colour, no terminal codes: a control character in a
 * name or message (a lone CR would end a table row) is shown escaped.
 */
import { basename } from 'node:path';
import { displayText } from '../model/display.js';
import type { Finding, Plan, TargetPlan } from '../model/plan.js';
import { isDestructive, stepSource, stepStake } from '../model/step-kinds.js';
import { weightText } from '../model/weight.js';
import { stakeSuffix, stepSymbol, stepTitle, summaryLine } from './render-plan.js';
import { markdownSql, type PlanStatements } from './render-sql.js';

/**
 * Plain text safe in Markdown (and in a table cell): one line (line breaks become spaces, other
 * control characters are shown escaped), no emphasis, links, HTML or pipes.
 */
function cell(text: string): string {
  return displayText(text.replace(/\r\n|\r|\n/g, ' ')).replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

/** A code span that survives backticks in the text, on one line (control characters shown escaped). */
function code(raw: string): string {
  const text = displayText(raw);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function findingItem(f: Finding, file: string): string {
  const where = f.position ? ` ${code(`${file}:${f.position.line}:${f.position.col}`)}` : '';
  return `- **${f.code}**${where}: ${cell(f.message)}`;
}

function renderTarget(tp: TargetPlan, file: string, sql?: readonly (readonly string[])[]): string[] {
  const lines = [`#### Target ${code(tp.target)} (${cell(tp.connection)}: ${code(tp.location)})`, ''];
  if (tp.steps.length === 0) lines.push('No changes.', '');
  else {
    lines.push('| | step | action | weight | reason |', '|---|---|---|---|---|');
    for (const step of tp.steps) {
      const group = step.group.startsWith('checkpoint:') || step.group === 'audit' ? '' : code(step.group);
      const title = cell(stepTitle(step, tp.location));
      const source = stepSource(step);
      const what = `${isDestructive(step) ? `**${title}** :warning: destructive` : title}${source === null ? '' : `<br>${cell(source)}`}`;
      const stake = stepStake(step);
      const weight = stake === null ? '' : cell(weightText(stake));
      lines.push(`| ${code(stepSymbol(step).symbol)} | ${what} | ${group} | ${weight} | ${cell(step.reason)} |`);
    }
    lines.push('', ...markdownSql(tp, sql));
  }
  const blockers = tp.findings.filter((f) => f.severity === 'blocker');
  const warnings = tp.findings.filter((f) => f.severity !== 'blocker');
  if (blockers.length > 0) lines.push('**Blockers** (each holds its action back):', '', ...blockers.map((f) => findingItem(f, file)), '');
  if (warnings.length > 0) lines.push('**Warnings**:', '', ...warnings.map((f) => findingItem(f, file)), '');
  return lines;
}

/** The whole plan as Markdown; with `sql` (`--sql`), each target's statements after its steps. */
export function renderPlanMarkdown(plan: Plan, sql?: PlanStatements): string {
  const file = basename(plan.configFile);
  const destructive = plan.targets.flatMap((t) => t.steps.filter(isDestructive).map((s) => ({ target: t, step: s })));
  const lines = ['### ckpt plan', '', `**${summaryLine(plan)}**`, ''];
  if (destructive.length > 0) {
    lines.push(
      '> [!WARNING]',
      `> **${destructive.length} destructive step${destructive.length === 1 ? '' : 's'}**: applying this plan drops objects or overwrites table content.`,
      ...destructive.map(({ target, step }) => `> - ${code(stepTitle(step, target.location))}${cell(stakeSuffix(step))}`),
      '',
    );
  }
  for (const tp of plan.targets) lines.push(...renderTarget(tp, file, sql?.get(tp.target)));
  const hash = plan.configHash === '' ? '' : ` (sha256 ${plan.configHash.slice(0, 12)})`;
  const at = plan.generatedAt === '' ? '' : `, planned at ${plan.generatedAt}`;
  lines.push(`<sub>${cell(file)}${hash}${at}. Symbols: + take or create, - drop, < restore, ~ revert content, = record.</sub>`);
  return lines.join('\n');
}

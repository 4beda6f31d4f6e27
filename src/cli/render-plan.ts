/**
 * The human plan: per target, one line per step (symbol, full object name, the weight of a table
 * it drops or overwrites, `# reason`; `~` reverts a table's content), under a restore or revert
 * the version it undrops or the rows it writes, then findings with file:line:col grouped as
 * Blockers and Warnings, then a one-line summary in Terraform's manner with the totals of what
 * is at stake (`Plan: 2 to restore, 5 to drop (1,204 rows, 3.1 MB), 1 checkpoint to take.` /
 * `No changes.`). Weights are written by model/weight.ts.
 * Rendered from the Plan value only; a step kind this ckpt does not know is shown with `?`.
 * Every name, id, reason and message is shown with its control characters escaped, so that no
 * line can be rewritten or hidden by what a name holds.
 */
import { displayText } from '../model/display.js';
import type { Finding, Plan, Step, TargetPlan } from '../model/plan.js';
import { summarise, type PlanSummary } from '../model/plan.js';
import { isDestructive, kindOf, stepSource, stepStake } from '../model/step-kinds.js';
import { totalText, weightText } from '../model/weight.js';
import type { Colour, Output } from './io.js';
import { stepSqlLines, type PlanStatements } from './render-sql.js';

/** What a step does, in words (one line), with the object's full name; a kind this ckpt does not know says so. */
export function stepTitle(step: Step, location: string): string {
  return displayText(kindOf(step)?.title(step, location) ?? `${step.kind} step`);
}

/** ` (41,203,113 rows, 12.3 GB)`: the weight of the table a step drops or overwrites, or nothing. */
export function stakeSuffix(step: Step): string {
  const stake = stepStake(step);
  return stake === null ? '' : ` (${weightText(stake)})`;
}

/** The symbol and colour of a step's kind; `?` for a kind this ckpt does not know. */
export function stepSymbol(step: Step): { symbol: string; colour: Colour } {
  const kind = kindOf(step);
  return kind === undefined ? { symbol: '?', colour: 'dim' } : { symbol: kind.symbol, colour: kind.colour };
}

function findingLine(f: Finding, file: string, out: Output): string {
  const where = f.position ? `${file}:${f.position.line}:${f.position.col}: ` : '';
  const mark = f.severity === 'blocker' ? out.paint('red', 'x') : out.paint('yellow', '!');
  return `    ${mark} ${displayText(`${where}${f.message} [${f.code}]`)}`;
}

function renderTarget(tp: TargetPlan, file: string, out: Output, sql?: readonly (readonly string[])[]): string[] {
  const lines = [out.paint('bold', displayText(`Target ${tp.target} (${tp.connection}: ${tp.location})`))];
  if (tp.steps.length === 0) lines.push('  no changes');
  for (const [i, step] of tp.steps.entries()) {
    const { symbol, colour } = stepSymbol(step);
    const group =
      step.kind !== 'record-action' && !step.group.startsWith('checkpoint:') && step.group !== 'audit'
        ? ` [${displayText(step.group)}]`
        : '';
    const mark = isDestructive(step) ? out.paint('red', ' (destructive)') : '';
    const title = `${stepTitle(step, tp.location)}${stakeSuffix(step)}`;
    lines.push(`  ${out.paint(colour, symbol)} ${title}${group}${mark}  ${out.paint('dim', `# ${displayText(step.reason)}`)}`);
    const source = stepSource(step);
    if (source !== null) lines.push(`      ${displayText(source)}`);
    lines.push(...stepSqlLines(sql?.[i], out));
  }
  // Findings grouped: blockers (their action is held back) first, then warnings.
  const blockers = tp.findings.filter((f) => f.severity === 'blocker');
  const warnings = tp.findings.filter((f) => f.severity !== 'blocker');
  if (blockers.length > 0) lines.push(`  ${out.paint('red', 'Blockers')} (each holds its action back):`);
  for (const f of blockers) lines.push(findingLine(f, file, out));
  if (warnings.length > 0) lines.push(`  ${out.paint('yellow', 'Warnings')}:`);
  for (const f of warnings) lines.push(findingLine(f, file, out));
  return lines;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** ` (41,203,113 rows, 12.3 GB)`: what a bucket's steps drop or overwrite, or nothing when they weigh no table. */
function totalSuffix(c: PlanSummary, bucket: 'drops' | 'reverts'): string {
  // A daemon of an older ckpt reports its summary without weights.
  const total = (c.weights as PlanSummary['weights'] | undefined)?.[bucket];
  const text = total === undefined ? null : totalText(total);
  return text === null ? '' : ` (${text})`;
}

/**
 * The changes of a plan summary in words, Terraform's order: restores, reverts, drops (each with
 * the total weight at stake), then checkpoints and bookkeeping.
 */
export function summaryParts(c: PlanSummary): string[] {
  const parts: string[] = [];
  if (c.restores > 0) parts.push(`${c.restores} to restore`);
  if (c.reverts > 0) parts.push(`${c.reverts} to revert${totalSuffix(c, 'reverts')}`);
  if (c.drops > 0) parts.push(`${c.drops} to drop${totalSuffix(c, 'drops')}`);
  if (c.checkpoints > 0) parts.push(plural(c.checkpoints, 'checkpoint to take', 'checkpoints to take'));
  if (c.expiries > 0) parts.push(plural(c.expiries, 'checkpoint to expire', 'checkpoints to expire'));
  if (c.audits > 0) parts.push(plural(c.audits, 'audit table to create', 'audit tables to create'));
  if (c.migrations > 0) parts.push(plural(c.migrations, 'audit table to migrate', 'audit tables to migrate'));
  if (c.actions > 0) parts.push(plural(c.actions, 'action to record', 'actions to record'));
  if (c.other > 0) parts.push(plural(c.other, 'other step', 'other steps'));
  return parts;
}

/**
 * The summary line, e.g. `Plan: 2 to restore, 5 to drop (1,204 rows, 3.1 MB), 1 checkpoint to
 * take.`, or `No changes.`; blockers and warnings are counted after it.
 */
export function summaryLine(plan: Pick<Plan, 'targets'>): string {
  return summaryText(summarise(plan));
}

/** The summary line of a plan summary. */
function summaryText(c: PlanSummary): string {
  const parts = summaryParts(c);
  const findings = [
    ...(c.blockers > 0
      ? [`${plural(c.blockers, 'blocker holds', 'blockers hold')} ${c.blockers === 1 ? 'its action' : 'their actions'} back`]
      : []),
    ...(c.warnings > 0 ? [plural(c.warnings, 'warning', 'warnings')] : []),
  ];
  const tail = findings.length > 0 ? ` ${findings.join('; ')}.` : '';
  if (parts.length === 0) return `No changes.${tail}`;
  return `Plan: ${parts.join(', ')}.${tail}`;
}

/** The whole human plan; with `sql` (`--sql`), each step's statements under it. */
export function renderPlan(plan: Plan, out: Output, sql?: PlanStatements): string {
  const lines: string[] = [];
  for (const tp of plan.targets) lines.push(...renderTarget(tp, plan.configFile, out, sql?.get(tp.target)), '');
  lines.push(out.paint('bold', summaryLine(plan)));
  return lines.join('\n');
}

/**
 * The human plan: per target, one line per step (symbol, full object name, `# reason`; `~` reverts a table's content), then
 * findings with file:line:col grouped as Blockers and Warnings, then a one-line summary in
 * Terraform's manner (`Plan: 2 to restore, 5 to drop, 1 checkpoint to take.` / `No changes.`).
 * Rendered from the Plan value only; a step kind this ckpt does not know is shown with `?`.
 */
import type { Finding, Plan, Step, TargetPlan } from '../model/plan.js';
import { isDestructive } from '../model/plan.js';
import { displayIdent } from '../model/refs.js';
import { displayTime } from '../model/time.js';
import type { Colour, Output } from './io.js';

const SYMBOL: Record<Step['kind'], { symbol: string; colour: Colour }> = {
  'init-audit': { symbol: '+', colour: 'green' },
  'take-checkpoint': { symbol: '+', colour: 'green' },
  'expire-checkpoint': { symbol: '-', colour: 'yellow' },
  'drop-object': { symbol: '-', colour: 'red' },
  'restore-table': { symbol: '<', colour: 'cyan' },
  'recreate-view': { symbol: '<', colour: 'cyan' },
  'restore-content': { symbol: '~', colour: 'yellow' },
  'record-action': { symbol: '=', colour: 'dim' },
};

/** What a step does, in words, with the object's full name. */
export function stepTitle(step: Step, location: string): string {
  const full = (name: string) => `${location}.${displayIdent(name)}`;
  switch (step.kind) {
    case 'init-audit':
      return `create audit table ${full(step.auditTable)}`;
    case 'take-checkpoint':
      return `take checkpoint ${step.checkpointId}${step.description ? ` ("${step.description}")` : ''}`;
    case 'expire-checkpoint':
      return `expire checkpoint ${step.checkpointId}`;
    case 'drop-object':
      return `drop ${step.object.kind.toLowerCase()} ${full(step.object.name)}`;
    case 'restore-table':
      return `restore table ${full(step.object.name)} from ${step.checkpointId}`;
    case 'recreate-view':
      return `re-create view ${full(step.object.name)} from ${step.checkpointId}`;
    case 'restore-content': {
      const via = step.from.kind === 'time-travel'
        ? `Time Travel AT ${displayTime(step.from.at)}`
        : `clone ${step.from.location}${step.from.checkpointId === step.checkpointId ? '' : ` of ${step.from.checkpointId}`}`;
      return `${step.missing ? 're-create table' : 'revert content of table'} ${full(step.object.name)} to ${step.checkpointId} (${via})`;
    }
    case 'record-action':
      return `record action ${step.actionId} as applied`;
    default: {
      // A kind this ckpt does not know (a saved plan from a newer one): say so, do not crash.
      const unknown: never = step;
      return `${(unknown as { kind: string }).kind} step`;
    }
  }
}

/** The symbol and colour of a step's kind; `?` for a kind this ckpt does not know. */
export function stepSymbol(step: Step): { symbol: string; colour: Colour } {
  const known: Partial<Record<string, { symbol: string; colour: Colour }>> = SYMBOL;
  return known[step.kind] ?? { symbol: '?', colour: 'dim' };
}

function findingLine(f: Finding, file: string, out: Output): string {
  const where = f.position ? `${file}:${f.position.line}:${f.position.col}: ` : '';
  const mark = f.severity === 'blocker' ? out.paint('red', 'x') : out.paint('yellow', '!');
  return `    ${mark} ${where}${f.message} [${f.code}]`;
}

function renderTarget(tp: TargetPlan, file: string, out: Output): string[] {
  const lines = [out.paint('bold', `Target ${tp.target} (${tp.connection}: ${tp.location})`)];
  if (tp.steps.length === 0) lines.push('  no changes');
  for (const step of tp.steps) {
    const { symbol, colour } = stepSymbol(step);
    const group = step.kind !== 'record-action' && !step.group.startsWith('checkpoint:') && step.group !== 'audit' ? ` [${step.group}]` : '';
    const mark = isDestructive(step) ? out.paint('red', ' (destructive)') : '';
    lines.push(`  ${out.paint(colour, symbol)} ${stepTitle(step, tp.location)}${group}${mark}  ${out.paint('dim', `# ${step.reason}`)}`);
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

/** How many steps of each sort a plan has, for the summary line (counted from the steps). */
export interface PlanCounts {
  restores: number;
  reverts: number;
  drops: number;
  checkpoints: number;
  expiries: number;
  audits: number;
  actions: number;
  other: number;
  blockers: number;
  warnings: number;
}

/** Counts a plan's steps and findings. */
export function planCounts(plan: Plan): PlanCounts {
  const c: PlanCounts = { restores: 0, reverts: 0, drops: 0, checkpoints: 0, expiries: 0, audits: 0, actions: 0, other: 0, blockers: 0, warnings: 0 };
  for (const step of plan.targets.flatMap((t) => t.steps)) {
    switch (step.kind) {
      case 'restore-table':
      case 'recreate-view':
        c.restores += 1;
        break;
      case 'restore-content':
        if (step.missing) c.restores += 1;
        else c.reverts += 1;
        break;
      case 'drop-object':
        c.drops += 1;
        break;
      case 'take-checkpoint':
        c.checkpoints += 1;
        break;
      case 'expire-checkpoint':
        c.expiries += 1;
        break;
      case 'init-audit':
        c.audits += 1;
        break;
      case 'record-action':
        c.actions += 1;
        break;
      default: {
        const unknown: never = step;
        void unknown;
        c.other += 1;
      }
    }
  }
  for (const f of plan.targets.flatMap((t) => t.findings)) {
    if (f.severity === 'blocker') c.blockers += 1;
    else c.warnings += 1;
  }
  return c;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The changes of a plan in words, Terraform's order: restores, reverts, drops, then checkpoints and bookkeeping. */
export function summaryParts(plan: Plan): string[] {
  const c = planCounts(plan);
  const parts: string[] = [];
  if (c.restores > 0) parts.push(`${c.restores} to restore`);
  if (c.reverts > 0) parts.push(`${c.reverts} to revert`);
  if (c.drops > 0) parts.push(`${c.drops} to drop`);
  if (c.checkpoints > 0) parts.push(plural(c.checkpoints, 'checkpoint to take', 'checkpoints to take'));
  if (c.expiries > 0) parts.push(plural(c.expiries, 'checkpoint to expire', 'checkpoints to expire'));
  if (c.audits > 0) parts.push(plural(c.audits, 'audit table to create', 'audit tables to create'));
  if (c.actions > 0) parts.push(plural(c.actions, 'action to record', 'actions to record'));
  if (c.other > 0) parts.push(plural(c.other, 'other step', 'other steps'));
  return parts;
}

/**
 * The summary line, e.g. `Plan: 2 to restore, 5 to drop, 1 checkpoint to take.`, or
 * `No changes.`; blockers and warnings are counted after it.
 */
export function summaryLine(plan: Plan): string {
  const c = planCounts(plan);
  const parts = summaryParts(plan);
  const findings = [
    ...(c.blockers > 0 ? [`${plural(c.blockers, 'blocker holds', 'blockers hold')} ${c.blockers === 1 ? 'its action' : 'their actions'} back`] : []),
    ...(c.warnings > 0 ? [plural(c.warnings, 'warning', 'warnings')] : []),
  ];
  const tail = findings.length > 0 ? ` ${findings.join('; ')}.` : '';
  if (parts.length === 0) return `No changes.${tail}`;
  return `Plan: ${parts.join(', ')}.${tail}`;
}

/** The whole human plan. */
export function renderPlan(plan: Plan, out: Output): string {
  const lines: string[] = [];
  for (const tp of plan.targets) lines.push(...renderTarget(tp, plan.configFile, out), '');
  lines.push(out.paint('bold', summaryLine(plan)));
  return lines.join('\n');
}

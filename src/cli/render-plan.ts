/**
 * The human plan: per target, one line per step (symbol, full object name, `# reason`; `~` reverts a table's content), then
 * findings with file:line:col, then a one-line summary. Rendered from the Plan value only.
 */
import type { Finding, Plan, Step, TargetPlan } from '../model/plan.js';
import { isDestructive, summarise } from '../model/plan.js';
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
  }
}

function findingLine(f: Finding, file: string, out: Output): string {
  const where = f.position ? `${file}:${f.position.line}:${f.position.col}: ` : '';
  const label = f.severity === 'blocker' ? out.paint('red', 'blocker') : out.paint('yellow', 'warning');
  return `  ${label} ${where}${f.message} [${f.code}]`;
}

function renderTarget(tp: TargetPlan, file: string, out: Output): string[] {
  const lines = [out.paint('bold', `Target ${tp.target} (${tp.connection}: ${tp.location})`)];
  if (tp.steps.length === 0) lines.push('  no changes');
  for (const step of tp.steps) {
    const { symbol, colour } = SYMBOL[step.kind];
    const group = step.kind !== 'record-action' && !step.group.startsWith('checkpoint:') && step.group !== 'audit' ? ` [${step.group}]` : '';
    const mark = isDestructive(step) ? out.paint('red', ' (destructive)') : '';
    lines.push(`  ${out.paint(colour, symbol)} ${stepTitle(step, tp.location)}${group}${mark}  ${out.paint('dim', `# ${step.reason}`)}`);
  }
  if (tp.findings.length > 0) {
    lines.push('  Findings:');
    const ordered = [...tp.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'blocker' ? -1 : 1));
    for (const f of ordered) lines.push(findingLine(f, file, out));
  }
  return lines;
}

/** The summary line, e.g. `Plan: 1 checkpoint to take, 2 to drop, 1 to restore, 1 action to record.` */
export function summaryLine(plan: Plan): string {
  const s = summarise(plan);
  if (s.checkpoints + s.expiries + s.drops + s.restores + s.actions === 0 && !plan.targets.some((t) => t.steps.length > 0)) {
    const held = s.blockers > 0 ? ` ${s.blockers} blocker${s.blockers === 1 ? '' : 's'} hold${s.blockers === 1 ? 's' : ''} actions back.` : '';
    return `No changes.${held}`;
  }
  const parts: string[] = [];
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (s.checkpoints > 0) parts.push(plural(s.checkpoints, 'checkpoint to take', 'checkpoints to take'));
  if (s.expiries > 0) parts.push(plural(s.expiries, 'checkpoint to expire', 'checkpoints to expire'));
  if (s.drops > 0) parts.push(`${s.drops} to drop`);
  if (s.restores > 0) parts.push(`${s.restores} to restore`);
  if (s.actions > 0) parts.push(plural(s.actions, 'action to record', 'actions to record'));
  if (parts.length === 0) parts.push('audit table to create');
  const held = s.blockers > 0 ? ` ${plural(s.blockers, 'blocker', 'blockers')}.` : '';
  return `Plan: ${parts.join(', ')}.${held}`;
}

/** The whole human plan. */
export function renderPlan(plan: Plan, out: Output): string {
  const lines: string[] = [];
  for (const tp of plan.targets) lines.push(...renderTarget(tp, plan.configFile, out), '');
  lines.push(out.paint('bold', summaryLine(plan)));
  return lines.join('\n');
}

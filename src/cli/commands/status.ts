/**
 * `ckpt status`: per target, the last reconcile, the actions still pending and the next
 * scheduled checkpoint. When a daemon runs for the same config (`.ckpt/daemon.json` next to it,
 * its process alive), its `/status` is the source, and the output says so; otherwise ckpt reads
 * the warehouse: the journal's last reconcile run, and a plan made now (read-only, no lease).
 */
import { summariseRuns, type RunSummary } from '../../engine/runs.js';
import { selectTargets, targetRef } from '../../engine/session.js';
import type { Desired, Target } from '../../model/desired.js';
import { displayText } from '../../model/display.js';
import type { Plan, PlanSummary, TargetPlan } from '../../model/plan.js';
import { displayTime } from '../../model/time.js';
import { findDaemon, type DaemonInfo } from '../../daemon/daemon-info.js';
import type { DaemonStatus, TargetStatus } from '../../daemon/status.js';
import { nextFiring } from '../../schedule/cron.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { summaryLine, summaryParts } from '../render-plan.js';

/** One target in `ckpt status --json` (schemas/status.schema.json, snake_cased). */
export interface TargetStatusView {
  target: string;
  connection: string;
  /** The daemon's condition of the target (Ready, Reconciling, Stalled); null without a daemon. */
  condition: string | null;
  message: string | null;
  lastReconcile: {
    at: string;
    outcome: string;
    durationMs: number | null;
    command: string | null;
    commit: string | null;
    runId: string | null;
    trigger: string | null;
  } | null;
  pending: { steps: number; actions: string[]; blockers: number; summary: string };
  nextCheckpoint: { schedule: string; at: string } | null;
}

/** The whole `ckpt status --json` document. */
export interface StatusView {
  formatVersion: 1;
  source: 'daemon' | 'warehouse';
  configFile: string;
  daemon: { pid: number; url: string | null; mode: 'apply' | 'plan'; startedAt: string; configState: string | null } | null;
  targets: TargetStatusView[];
}

/** How long `ckpt status` waits for a daemon's /status. */
const DAEMON_TIMEOUT_MS = 3000;

/** Runs the command and returns its exit code. */
export async function statusCommand(ctx: CliContext, options: { file?: string; target?: string[]; json?: boolean }): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const targets = selectTargets(desired, options.target);
  const daemon = await findDaemon(desired.file);
  let view: StatusView | null = null;
  if (daemon !== null && daemon.url !== null) {
    try {
      view = fromDaemon(desired.file, daemon, await fetchStatus(daemon.url), targets);
    } catch (error) {
      ctx.out.message(
        `note: the daemon (pid ${daemon.pid}) did not answer at ${daemon.url}/status (${(error as Error).message}); reading the warehouse instead`,
      );
    }
  } else if (daemon !== null) {
    ctx.out.message(`note: a daemon (pid ${daemon.pid}) runs for this file without HTTP (--listen off); reading the warehouse instead`);
  }
  const trash = new Map<string, TrashUsage>();
  view ??= await fromWarehouse(ctx, desired.file, desired, targets, trash);
  if (options.json === true) ctx.out.data(toJsonText(view));
  else ctx.out.data(renderStatus(view, trash));
  return ExitCode.ok;
}

async function fetchStatus(url: string): Promise<DaemonStatus> {
  const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(DAEMON_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as DaemonStatus;
}

/** The daemon's view of the selected targets. */
function fromDaemon(file: string, daemon: DaemonInfo, status: DaemonStatus, targets: Target[]): StatusView {
  const byName = new Map(status.targets.map((t) => [t.target, t]));
  return {
    formatVersion: 1,
    source: 'daemon',
    configFile: file,
    daemon: { pid: daemon.pid, url: daemon.url, mode: status.mode, startedAt: status.startedAt, configState: status.config.state },
    targets: targets.map((t) => {
      const s = byName.get(t.name);
      return s === undefined ? unknownToDaemon(t) : daemonTarget(s, status.mode);
    }),
  };
}

function unknownToDaemon(t: Target): TargetStatusView {
  return {
    target: t.name,
    connection: t.connection,
    condition: null,
    message: 'the daemon does not know this target yet (its config is older than the file)',
    lastReconcile: null,
    pending: { steps: 0, actions: [], blockers: 0, summary: 'unknown' },
    nextCheckpoint: null,
  };
}

function daemonTarget(s: TargetStatus, mode: DaemonStatus['mode']): TargetStatusView {
  const plan = s.lastPlan;
  // After an apply the last plan is what was applied: nothing of it is pending but its blockers
  // (an applying daemon reports `blocked` after applying what the blockers did not hold back).
  const applied = s.lastResult === 'applied' || s.lastResult === 'no-changes' || (mode === 'apply' && s.lastResult === 'blocked');
  const steps = plan === null || applied ? [] : plan.steps;
  const blockedActions = (plan?.findings ?? [])
    .filter((f) => f.severity === 'blocker' && f.actionId !== null)
    .map((f) => f.actionId as string);
  const actions = [...new Set([...steps.filter((st) => st.kind === 'record-action').map((st) => st.group), ...blockedActions])];
  const blockers = (plan?.findings ?? []).filter((f) => f.severity === 'blocker').length;
  return {
    target: s.target,
    connection: s.connection,
    condition: s.condition,
    message: s.message,
    lastReconcile:
      s.lastAttemptAt === null || s.lastResult === null
        ? null
        : {
            at: s.lastAttemptAt,
            outcome: s.lastResult,
            durationMs: s.lastDurationSeconds === null ? null : Math.round(s.lastDurationSeconds * 1000),
            command: 'daemon',
            commit: null,
            runId: null,
            trigger: s.lastTrigger,
          },
    pending: {
      steps: steps.length,
      actions,
      blockers,
      summary: plan === null ? 'not planned yet' : applied ? pendingWords(null, blockers) : pendingWords(plan.summary, blockers),
    },
    nextCheckpoint: s.nextCheckpoint,
  };
}

/** A daemon plan summary in words, as the summary line says it (with the totals at stake). */
function pendingWords(summary: PlanSummary | null, blockers: number): string {
  const parts = summary === null ? [] : summaryParts(summary);
  const held = blockers > 0 ? ` ${blockers} blocker${blockers === 1 ? ' holds its action' : 's hold their actions'} back.` : '';
  return parts.length === 0 ? `No changes.${held}` : `Plan: ${parts.join(', ')}.${held}`;
}

/** The size of an embedded target's trash (the copies of dropped tables ckpt keeps) and its retention. */
export interface TrashUsage {
  tables: number;
  rows: number;
  bytes: number;
  retentionDays: number;
}

/** A warehouse that keeps a trash of its own (the embedded one). */
interface WithTrash {
  trashUsage(target: ReturnType<typeof targetRef>): Promise<TrashUsage>;
}

function hasTrash(warehouse: object): warehouse is WithTrash {
  return typeof (warehouse as Partial<WithTrash>).trashUsage === 'function';
}

/**
 * Reads the warehouse: the journal's last reconcile and a plan made now; and, into `trash`, the
 * size of each embedded target's trash (shown to people, not part of the JSON document).
 */
async function fromWarehouse(
  ctx: CliContext,
  file: string,
  desired: Desired,
  targets: Target[],
  trash: Map<string, TrashUsage>,
): Promise<StatusView> {
  return withSession(ctx, desired, 'status', async (session) => {
    const { plan } = await session.plan(targets);
    const now = plan.generatedAt === '' ? new Date().toISOString() : plan.generatedAt;
    const views: TargetStatusView[] = [];
    for (const t of targets) {
      const warehouse = await session.warehouse(t);
      const runs = summariseRuns(await warehouse.leases(targetRef(t)).readJournal());
      if (hasTrash(warehouse)) trash.set(t.name, await warehouse.trashUsage(targetRef(t)));
      const tp = plan.targets.find((x) => x.target === t.name);
      views.push({
        target: t.name,
        connection: t.connection,
        condition: null,
        message: null,
        lastReconcile: lastReconcile(runs),
        pending: tp === undefined ? { steps: 0, actions: [], blockers: 0, summary: 'No changes.' } : pendingOf(plan, tp),
        nextCheckpoint: nextCheckpoint(t, now),
      });
    }
    return { formatVersion: 1, source: 'warehouse', configFile: file, daemon: null, targets: views } satisfies StatusView;
  });
}

function lastReconcile(runs: RunSummary[]): TargetStatusView['lastReconcile'] {
  const last = runs.filter((r) => r.command === 'reconcile' || r.command === 'daemon').at(-1);
  if (last === undefined) return null;
  return {
    at: last.startedAt,
    outcome: last.outcome,
    durationMs: last.durationMs,
    command: last.command,
    commit: last.commit,
    runId: last.runId,
    trigger: null,
  };
}

function pendingOf(plan: Plan, tp: TargetPlan): TargetStatusView['pending'] {
  const actions = new Set<string>();
  for (const step of tp.steps) if (step.kind === 'record-action') actions.add(step.actionId);
  for (const f of tp.findings) if (f.severity === 'blocker' && f.actionId !== null) actions.add(f.actionId);
  return {
    steps: tp.steps.length,
    actions: [...actions],
    blockers: tp.findings.filter((f) => f.severity === 'blocker').length,
    summary: summaryLine({ ...plan, targets: [tp] }),
  };
}

function nextCheckpoint(t: Target, now: string): { schedule: string; at: string } | null {
  let soonest: { schedule: string; at: string } | null = null;
  for (const s of t.schedules) {
    const at = nextFiring(s.cron, s.timezone, now);
    if (at !== null && (soonest === null || at < soonest.at)) soonest = { schedule: s.id, at };
  }
  return soonest;
}

/** `3 tables, 1,200 rows, about 96 KiB; each kept 7 days after its drop`. */
function trashText(t: TrashUsage): string {
  const size = t.bytes < 1024 * 1024 ? `${Math.ceil(t.bytes / 1024)} KiB` : `${(t.bytes / (1024 * 1024)).toFixed(1)} MiB`;
  const tables = `${t.tables} table${t.tables === 1 ? '' : 's'}`;
  return `${tables}, ${t.rows.toLocaleString('en-US')} rows, about ${size}; each kept ${t.retentionDays} day${t.retentionDays === 1 ? '' : 's'} after its drop`;
}

/** The status for people: where it comes from, then a few lines per target (control characters shown escaped). */
export function renderStatus(view: StatusView, trash: ReadonlyMap<string, TrashUsage> = new Map()): string {
  const lines: string[] = [];
  if (view.daemon !== null) {
    const state =
      view.daemon.configState !== null && view.daemon.configState !== 'valid'
        ? `; the file is ${view.daemon.configState}, the last good config is in use`
        : '';
    lines.push(
      `From the daemon (pid ${view.daemon.pid}, ${view.daemon.url ?? 'no HTTP'}, mode ${view.daemon.mode}, running since ${displayTime(view.daemon.startedAt)}${state}).`,
    );
  } else {
    lines.push('From the warehouse (no daemon runs for this file): the last reconcile in the journal and a plan made now.');
  }
  for (const t of view.targets) {
    lines.push(
      '',
      `Target ${t.target} (${t.connection})${t.condition === null ? '' : `: ${t.condition}${t.message ? ` (${t.message})` : ''}`}`,
    );
    const r = t.lastReconcile;
    const last =
      r === null
        ? 'none recorded'
        : `${displayTime(r.at)}, ${r.outcome}${r.durationMs === null ? '' : ` in ${(r.durationMs / 1000).toFixed(1)}s`}` +
          `${r.trigger ? ` (trigger ${r.trigger})` : ''}${r.commit ? ` (commit ${r.commit.slice(0, 12)})` : ''}`;
    lines.push(`  last reconcile:   ${last}`);
    const acts =
      t.pending.actions.length === 0 ? '' : ` (action${t.pending.actions.length === 1 ? '' : 's'} ${t.pending.actions.join(', ')})`;
    lines.push(`  pending:          ${t.pending.summary}${acts}`);
    lines.push(
      `  next checkpoint:  ${t.nextCheckpoint === null ? 'none scheduled' : `${displayTime(t.nextCheckpoint.at)} (schedule ${t.nextCheckpoint.schedule})`}`,
    );
    const kept = trash.get(t.target);
    if (kept !== undefined) lines.push(`  trash:            ${trashText(kept)}`);
  }
  // Each line holds names and messages from the daemon or the warehouse: shown escaped, one line each.
  return lines.map(displayText).join('\n');
}

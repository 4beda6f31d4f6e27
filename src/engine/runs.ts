/**
 * Runs as `ckpt history` shows them, read from the journal: when each started, what command,
 * from which config commit, how many steps succeeded, and its outcome: completed, failed, or interrupted (started, never
 * finished: a crash or a kill). Pure.
 */
import { compareText } from '../model/refs.js';
import { GUARD_EVENTS, type JournalEntry } from '../warehouse/lease-sql.js';

/** One run of apply on a target. */
export interface RunSummary {
  runId: string;
  command: string | null;
  /** Git commit of the config the run acted on (null outside git, or for runs recorded before it was kept). */
  commit: string | null;
  startedAt: string;
  endedAt: string | null;
  outcome: 'completed' | 'failed' | 'interrupted';
  stepsPlanned: number | null;
  /** Steps the run started (a step started and never finished has no recorded outcome). */
  stepsStarted: number;
  stepsSucceeded: number;
  stepsFailed: number;
  durationMs: number | null;
}

/** Groups journal entries into runs, oldest first (a guard's own events are not a run: engine/guards.ts). */
export function summariseRuns(entries: Array<JournalEntry & { at: string }>): RunSummary[] {
  const runs = new Map<string, Array<JournalEntry & { at: string }>>();
  const guardEvents: readonly string[] = GUARD_EVENTS;
  for (const e of entries) if (!guardEvents.includes(e.event)) runs.set(e.runId, [...(runs.get(e.runId) ?? []), e]);
  return [...runs.entries()]
    .map(([runId, events]) => {
      const start = events.find((e) => e.event === 'run-started');
      const end = events.find((e) => e.event === 'run-finished' || e.event === 'run-failed');
      let detail: { command?: string; steps?: number; commit?: string | null } = {};
      try {
        detail = JSON.parse(start?.detail ?? '{}') as typeof detail;
      } catch {
        detail = {};
      }
      const startedAt = start?.at ?? events[0]?.at ?? '';
      return {
        runId,
        command: detail.command ?? null,
        commit: typeof detail.commit === 'string' ? detail.commit : null,
        startedAt,
        endedAt: end?.at ?? null,
        outcome: end === undefined ? 'interrupted' : end.event === 'run-finished' ? 'completed' : 'failed',
        stepsPlanned: detail.steps ?? null,
        stepsStarted: events.filter((e) => e.event === 'step-started').length,
        stepsSucceeded: events.filter((e) => e.event === 'step-succeeded').length,
        stepsFailed: events.filter((e) => e.event === 'step-failed').length,
        durationMs: end === undefined ? null : Date.parse(end.at) - Date.parse(startedAt),
      } satisfies RunSummary;
    })
    .sort((a, b) => compareText(a.startedAt, b.startedAt));
}

/**
 * Schedules in the plan: a schedule's AUTO checkpoint when one is due, and the expiry of its
 * checkpoints beyond `retain`. When a schedule fired comes from the injected clock. Pure.
 */
import type { Schedule, Target } from '../model/desired.js';
import { autoCheckpointPrefix } from '../model/desired.js';
import type { Observed, RecordedCheckpoint } from '../model/observed.js';
import type { Step } from '../model/plan.js';
import { compareText } from '../model/refs.js';
import { displayTime, isAfter, timestampId } from '../model/time.js';

/** When schedules fired: injected so that the planner stays pure (the engine reads cron). */
export interface PlanClock {
  /** The latest firing of a schedule at or before `now` (ISO), or null if it never fired. */
  lastFiring(schedule: Schedule, now: string): string | null;
}

/**
 * A schedule's AUTO checkpoint when one is due (none taken since its last firing; a firing
 * missed while nothing ran is caught up once), then expiry of those beyond `retain`.
 */
export function planSchedule(
  target: Target,
  schedule: Schedule,
  observed: Observed,
  clock: PlanClock,
  recorded: ReadonlyMap<string, RecordedCheckpoint>,
): Step[] {
  const steps: Step[] = [];
  const prefix = autoCheckpointPrefix(schedule.id);
  const taken = observed.checkpoints
    .filter((c) => c.type === 'AUTO' && c.id.startsWith(prefix) && c.status !== 'DELETED')
    .sort((a, b) => compareText(b.timestamp, a.timestamp))
    .map((c) => c.id);
  const due = clock.lastFiring(schedule, observed.now);
  const newest = taken[0] === undefined ? undefined : recorded.get(taken[0]);
  const id = timestampId(`AUTO_${schedule.id}`, observed.now);
  if (due !== null && (newest === undefined || isAfter(due, newest.timestamp)) && !recorded.has(id)) {
    steps.push({
      target: target.name,
      group: `checkpoint:${id}`,
      kind: 'take-checkpoint',
      checkpointId: id,
      checkpointType: 'AUTO',
      description: schedule.description || `schedule ${schedule.id} (${schedule.cron} ${schedule.timezone})`,
      reason:
        newest === undefined
          ? `schedule ${schedule.id} fired at ${displayTime(due)} and has no checkpoint yet`
          : `schedule ${schedule.id} fired at ${displayTime(due)}, after its newest checkpoint ${newest.id}`,
    });
    taken.unshift(id);
  }
  if (schedule.retain !== null) {
    for (const expired of taken.slice(schedule.retain)) steps.push(expiry(target, schedule, expired, recorded));
  }
  return steps;
}

/** The step expiring one of a schedule's checkpoints (and its clone, if it kept one). */
function expiry(target: Target, schedule: Schedule, expired: string, recorded: ReadonlyMap<string, RecordedCheckpoint>): Step {
  return {
    target: target.name,
    group: `checkpoint:${expired}`,
    kind: 'expire-checkpoint',
    checkpointId: expired,
    scheduleId: schedule.id,
    keep: recorded.get(expired)?.keep ?? 'inventory',
    reason: `schedule ${schedule.id} keeps its newest ${schedule.retain}${recorded.get(expired)?.keep === 'clone' ? '; its clone is dropped' : ''}`,
  };
}

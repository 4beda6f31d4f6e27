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
  const isMine = scheduleCheckpointId(schedule.id);
  const taken = observed.checkpoints
    .filter((c) => c.type === 'AUTO' && isMine(c.id) && c.status !== 'DELETED')
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

/** What timestampId appends after a prefix and its `_`. */
const TIMESTAMP_SUFFIX = /^\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}$/;

/**
 * Whether an id is one of schedule `scheduleId`'s AUTO checkpoints: its prefix followed by exactly
 * a timestamp (`_YYYY_MM_DD_HH_MI_SS`, as timestampId writes it), never a longer id, so that
 * schedule `daily` does not take `daily_eu`'s checkpoints (`AUTO_daily_eu_...`) for its own.
 */
export function scheduleCheckpointId(scheduleId: string): (id: string) => boolean {
  const prefix = autoCheckpointPrefix(scheduleId);
  return (id) => id.startsWith(prefix) && TIMESTAMP_SUFFIX.test(id.slice(prefix.length));
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

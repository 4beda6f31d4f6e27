/**
 * When the daemon trusts what the file says. A file is read only once it is stable (the same
 * size, mtime and bytes across a quiet period: `FileSnapshot`); and an action that is new in the
 * file (its id and spec not in the last settled config) and would drop or overwrite something
 * is held back until the file has stayed the same for the settle period, or at once when the
 * file's content is what git has committed at HEAD (`SettleGuard`). So are the expiries of a
 * schedule whose `retain` the file lowered (or which is new in it): a file cut short mid-write
 * (`retain: 1` of `retain: 14`) must not expire checkpoints. Checkpoints never wait.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { readRegularFile } from '../config/read-file.js';
import type { Desired, Target } from '../model/desired.js';
import type { Plan, Step } from '../model/plan.js';
import { isDestructive } from '../model/step-kinds.js';

/** The file as read once: absent, or its size, mtime and (when it is a readable regular file of at most 1 MiB) bytes. */
export type FileSnapshot =
  { present: false } | { present: true; size: number; mtimeMs: number; bytes: Buffer | null; sha256: string | null };

/** Largest file whose bytes are compared (the config's own limit). */
const MAX_BYTES = 1024 * 1024;

/** Reads the file's size, mtime and bytes. */
export async function readSnapshot(path: string): Promise<FileSnapshot> {
  const info = await stat(path).catch(() => null);
  if (info === null) return { present: false };
  const read = info.isFile() ? await readRegularFile(path, MAX_BYTES, 'config files') : null;
  const bytes = read?.ok === true ? read.bytes : null;
  const sha256 = bytes === null ? null : createHash('sha256').update(bytes).digest('hex');
  return { present: true, size: info.size, mtimeMs: info.mtimeMs, bytes, sha256 };
}

/** Whether two reads saw the same file: both absent, or the same size, mtime and bytes. */
export function sameSnapshot(a: FileSnapshot, b: FileSnapshot): boolean {
  if (!a.present || !b.present) return a.present === b.present;
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.sha256 === b.sha256 && (a.bytes === null) === (b.bytes === null);
}

/**
 * Whether these bytes are the file's content at git HEAD (`git hash-object --path` of the bytes,
 * with the repository's filters, against the blob `HEAD:./file`); null when the folder is not a
 * git repository, HEAD does not have the file, or git is not installed.
 */
export async function committedAtHead(file: string, bytes: Buffer): Promise<boolean | null> {
  const cwd = dirname(file);
  const name = basename(file);
  const git = (args: string[], input?: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile('git', args, { cwd, timeout: 5000, encoding: 'utf8' }, (error, stdout) =>
        error ? reject(error) : resolve(stdout.trim()),
      );
      child.stdin?.end(input);
    });
  try {
    const head = await git(['rev-parse', '--verify', '--quiet', `HEAD:./${name}`]);
    const content = await git(['hash-object', '--stdin', `--path=${name}`], bytes);
    return head === content;
  } catch {
    return null;
  }
}

/**
 * What the daemon holds back until the file settles, as logged and on `/status`: a new
 * destructive action (`action`), or the expiries of a schedule whose retention the file lowered
 * (`schedule`; until then the schedule keeps `keeps` of its checkpoints, null: all).
 */
export type HeldAction =
  { action: string; until: string; reason: string } | { schedule: string; keeps: number | null; until: string; reason: string };

/** What a held entry holds back, in words. */
export function heldName(h: HeldAction): string {
  return 'action' in h ? h.action : `schedule ${h.schedule}'s expiries`;
}

/** The daemon's log message for a held entry. */
export function heldMessage(h: HeldAction): string {
  return 'action' in h ? 'destructive action waits for the file to settle' : 'lowered retention waits for the file to settle';
}

/** `target` as it is planned while `held` waits: without the held actions, each held schedule keeping what it kept. */
export function targetWhileHeld(target: Target, held: readonly HeldAction[]): Target {
  const ids = new Set(held.flatMap((h) => ('action' in h ? [h.action] : [])));
  const keeps = new Map(held.flatMap((h) => ('schedule' in h ? [[h.schedule, h.keeps] as const] : [])));
  return {
    ...target,
    actions: target.actions.filter((a) => !ids.has(a.id)),
    schedules: target.schedules.map((s) => (keeps.has(s.id) ? { ...s, retain: keeps.get(s.id) ?? null } : s)),
  };
}

/** The config in use and what the guard knows about it. */
interface Loaded {
  desired: Desired;
  /** When its content was last written (ms since the epoch): the settle period counts from there. */
  since: number;
  /** Whether it is the content git has at HEAD (null: no git repository). */
  committed: boolean | null;
}

/** `target`, `id` and spec hash of an action: an edited spec counts as new. */
function actionKeys(desired: Desired): Set<string> {
  return new Set(desired.targets.flatMap((t) => t.actions.map((a) => `${t.name}\0${a.id}\0${a.specHash}`)));
}

/** `target` and schedule id → the schedule's `retain` (null: keeps all). */
function retentions(desired: Desired): Map<string, number | null> {
  return new Map(desired.targets.flatMap((t) => t.schedules.map((s) => [`${t.name}\0${s.id}`, s.retain] as const)));
}

/** Whether `now` keeps fewer checkpoints than `before` (undefined: the schedule is new). */
function lowered(before: number | null | undefined, now: number | null): boolean {
  return before === undefined || (now !== null && (before === null || now < before));
}

/** Decides what of a file not yet settled waits: new destructive actions, and lowered retentions' expiries. */
export class SettleGuard {
  private settled: Set<string> = new Set();
  private settledRetain: Map<string, number | null> = new Map();
  private current: Loaded;

  constructor(
    private readonly settleMs: number,
    first: Loaded,
  ) {
    this.current = first;
  }

  /** A new config is in use; the previous one counts as settled if its period had passed. */
  loaded(next: Loaded): void {
    this.promote(Date.now());
    this.current = next;
  }

  /** When the config in use settles (ms since the epoch). */
  get deadline(): number {
    return this.current.since + this.settleMs;
  }

  /**
   * What of `target` is held back on `plan` (made from the config in use): each action new since
   * the last settled config with a destructive step, and every action after the first of them
   * (they were written to run after it); and the expiries of each schedule whose retention is
   * lower than (or absent from) the last settled config's, which keeps that one's until then.
   */
  held(target: Target, plan: Plan): HeldAction[] {
    const now = Date.now();
    this.promote(now);
    if (this.isSettled(now)) return [];
    const steps = plan.targets.filter((t) => t.target === target.name).flatMap((t) => t.steps);
    return [...this.heldActions(target, steps, now), ...this.heldExpiries(target, steps, now)];
  }

  private heldActions(target: Target, steps: Step[], now: number): HeldAction[] {
    const destructive = new Set(steps.filter(isDestructive).map((s) => s.group));
    const first = target.actions.findIndex((a) => destructive.has(a.id) && !this.settled.has(`${target.name}\0${a.id}\0${a.specHash}`));
    if (first === -1) return [];
    const until = new Date(this.deadline).toISOString();
    const reason = this.reason(now, 'new destructive action');
    return target.actions.slice(first).map((a, i) => ({
      action: a.id,
      until,
      reason: i === 0 ? reason : `it comes after ${target.actions[first]?.id ?? ''}, which waits`,
    }));
  }

  private heldExpiries(target: Target, steps: Step[], now: number): HeldAction[] {
    const expiring = new Set(steps.flatMap((s) => (s.kind === 'expire-checkpoint' && s.scheduleId !== undefined ? [s.scheduleId] : [])));
    const until = new Date(this.deadline).toISOString();
    return target.schedules.flatMap((schedule) => {
      const before = this.settledRetain.get(`${target.name}\0${schedule.id}`);
      if (!expiring.has(schedule.id) || !lowered(before, schedule.retain)) return [];
      const was = before === undefined ? 'new schedule' : `retain lowered to ${schedule.retain} from ${before ?? 'all'}`;
      return [{ schedule: schedule.id, keeps: before ?? null, until, reason: this.reason(now, was) }];
    });
  }

  private isSettled(now: number): boolean {
    return this.current.committed === true || now >= this.deadline;
  }

  private promote(now: number): void {
    if (!this.isSettled(now)) return;
    this.settled = actionKeys(this.current.desired);
    this.settledRetain = retentions(this.current.desired);
  }

  private reason(now: number, what: string): string {
    const age = Math.max(0, (now - this.current.since) / 1000).toFixed(1);
    const git =
      this.current.committed === null ? 'the folder is not a git repository' : 'the file differs from what git has committed at HEAD';
    return `${what}; the file changed ${age} s ago and ${git}, so it is applied once the file has not changed for ${this.settleMs / 1000} s (or at once when committed)`;
  }
}

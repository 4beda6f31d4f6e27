/**
 * When the daemon trusts what the file says. A file is read only once it is stable (the same
 * size, mtime and bytes across a quiet period: `FileSnapshot`); and an action that is new in the
 * file (its id and spec not in the last settled config) and would drop or overwrite something
 * is held back until the file has stayed the same for the settle period, or at once when the
 * file's content is what git has committed at HEAD (`SettleGuard`). Checkpoints never wait.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { readRegularFile } from '../config/read-file.js';
import type { Desired, Target } from '../model/desired.js';
import type { Plan } from '../model/plan.js';
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

/** A new destructive action the daemon holds back, as logged and on `/status`. */
export interface HeldAction {
  action: string;
  /** When it is applied if the file does not change again (ISO time). */
  until: string;
  reason: string;
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

/** Decides which new destructive actions wait for the file to settle. */
export class SettleGuard {
  private settled: Set<string> = new Set();
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
   * The actions of `target` held back on `plan` (made from the config in use): each action new
   * since the last settled config with a destructive step, and every action after the first of
   * them (they were written to run after it).
   */
  held(target: Target, plan: Plan): HeldAction[] {
    const now = Date.now();
    this.promote(now);
    if (this.isSettled(now)) return [];
    const destructive = new Set(
      plan.targets
        .filter((t) => t.target === target.name)
        .flatMap((t) => t.steps)
        .filter(isDestructive)
        .map((s) => s.group),
    );
    const first = target.actions.findIndex((a) => destructive.has(a.id) && !this.settled.has(`${target.name}\0${a.id}\0${a.specHash}`));
    if (first === -1) return [];
    const until = new Date(this.deadline).toISOString();
    const reason = this.reason(now);
    return target.actions.slice(first).map((a, i) => ({
      action: a.id,
      until,
      reason: i === 0 ? reason : `it comes after ${target.actions[first]?.id ?? ''}, which waits`,
    }));
  }

  private isSettled(now: number): boolean {
    return this.current.committed === true || now >= this.deadline;
  }

  private promote(now: number): void {
    if (this.isSettled(now)) this.settled = actionKeys(this.current.desired);
  }

  private reason(now: number): string {
    const age = Math.max(0, (now - this.current.since) / 1000).toFixed(1);
    const git =
      this.current.committed === null ? 'the folder is not a git repository' : 'the file differs from what git has committed at HEAD';
    return `new destructive action; the file changed ${age} s ago and ${git}, so it is applied once the file has not changed for ${this.settleMs / 1000} s (or at once when committed)`;
  }
}

/**
 * Where a table's checkpoint content can be read back from: a copy ckpt kept (`keep: clone`),
 * else Time Travel AT the checkpoint while retention, the table's history and its columns allow.
 * Pure; says in one sentence why not when neither is possible.
 */
import type { InventoryEntry, RecordedCheckpoint } from '../model/observed.js';
import type { ContentSource } from '../model/plan.js';
import { compareText } from '../model/refs.js';
import { restorability, timeTravelEnd } from '../model/restorable.js';
import { displayTime, isAfter } from '../model/time.js';
import type { CheckpointSource, RecordedSource } from './checkpoint-source.js';
import { sameIncarnation } from './diff.js';

/** A content source that is a kept copy. */
export type KeptCopy = Extract<ContentSource, { kind: 'clone' }>;

/**
 * A kept copy holding a table exactly as the checkpoint recorded it: the checkpoint's own clone,
 * else the clone of any other checkpoint that recorded the same incarnation with the same content
 * version (what ckpt itself kept). Null when there is none.
 */
export function keptCopy(entry: InventoryEntry, src: CheckpointSource, recorded: ReadonlyMap<string, RecordedCheckpoint>): KeptCopy | null {
  if (src.recorded?.clone != null) return { kind: 'clone', checkpointId: src.id, location: src.recorded.clone };
  const altered = entry.lastAltered;
  if (altered === null) return null;
  // Nothing allocated when no other checkpoint kept copies (called for every table a plan restores).
  // A kept copy whose checkpoint's entries were not read cannot be matched: it is not used.
  let candidates: Array<{ objects: InventoryEntry[]; checkpoint: RecordedCheckpoint; location: string }> | undefined;
  for (const c of recorded.values()) {
    if (c.id !== src.id && c.clone !== null && c.status !== 'DELETED' && c.objects !== null)
      (candidates ??= []).push({ objects: c.objects, checkpoint: c, location: c.clone });
  }
  if (candidates === undefined) return null;
  candidates.sort((a, b) => compareText(a.checkpoint.timestamp, b.checkpoint.timestamp));
  const columns = (entry.columns ?? null)?.join('\u0000');
  for (const { objects, checkpoint, location } of candidates) {
    const same = objects.find(
      (o) =>
        o.kind === 'TABLE' &&
        o.name === entry.name &&
        sameIncarnation(entry, o) &&
        o.lastAltered !== null &&
        Date.parse(o.lastAltered) === Date.parse(altered) &&
        (o.columns ?? null)?.join('\u0000') === columns,
    );
    if (same !== undefined) return { kind: 'clone', checkpointId: checkpoint.id, location };
  }
  return null;
}

/**
 * Where to read a changed table's checkpoint content from: a kept copy, else Time Travel AT the
 * checkpoint while the shortest of its recorded and current retention lasts (docs/snowflake-behaviour.md#pitfall-3), the
 * table's history reaches back that far, and no column was dropped since (historical reads use
 * the current columns: pitfall 13). Otherwise a sentence saying why not, with the date, and what
 * would have helped: `keep: clone`, unless the file already declares it for this checkpoint
 * (`declaredClone`), which then says the checkpoint was taken without it.
 */
export function contentSource(
  entry: InventoryEntry,
  live: InventoryEntry,
  src: RecordedSource,
  recorded: ReadonlyMap<string, RecordedCheckpoint>,
  now: string,
  declaredClone: boolean,
): ContentSource | string {
  const kept = keptCopy(entry, src, recorded);
  if (kept !== null) return kept;
  const at = src.timestamp;
  const mine = timeTravelEnd(at, entry);
  const theirs = timeTravelEnd(at, live);
  if (mine === null || theirs === null) {
    return `checkpoint ${src.id} keeps an inventory only and this warehouse has no Time Travel; ${cloneAdvice(src, declaredClone, 'to restore content')}`;
  }
  const end = mine < theirs ? mine : theirs;
  const horizon = restorability({ timestamp: at, objects: src.inventory, clone: null });
  const since = horizon.kind === 'until' && horizon.until < end ? horizon.until : end;
  if (!isAfter(end, now)) {
    return `checkpoint ${src.id} stopped being restorable on ${displayTime(since)} (Time Travel retention of ${Math.min(entry.retentionDays ?? 0, live.retentionDays ?? 0)} day(s) has passed: docs/snowflake-behaviour.md, pitfall 3); ${cloneAdvice(src, declaredClone, 'to restore at any age')}`;
  }
  if (live.timeTravelFrom != null && isAfter(live.timeTravelFrom, at)) {
    return `its Time Travel history starts at ${displayTime(live.timeTravelFrom)}, after checkpoint ${src.id}`;
  }
  const dropped = (entry.columns ?? []).filter((c) => live.columns != null && !live.columns.includes(c));
  if (dropped.length > 0) {
    const only = 'only a keep: clone checkpoint can bring them back';
    return `column(s) ${dropped.join(', ')} were dropped since, and Time Travel reads a table with its current columns; ${declaredClone ? `${only}, and ${cloneAdvice(src, true, '')}` : only}`;
  }
  return { kind: 'time-travel', at };
}

/**
 * What would have kept a checkpoint's content: `keep: clone` (declare checkpoints with it `purpose`);
 * when the file declares it for this checkpoint already, why it did not help: the checkpoint was
 * taken without it (a taken checkpoint is never retaken), or its kept copy is gone.
 */
function cloneAdvice(src: RecordedSource, declaredClone: boolean, purpose: string): string {
  if (!declaredClone) return `declare checkpoints with keep: clone ${purpose}`;
  if (src.recorded.keep === 'clone') return `the copy checkpoint ${src.id} kept (keep: clone) no longer exists`;
  return `checkpoint ${src.id} was taken without keep: clone (the file's keep: clone came later, and a taken checkpoint is never retaken: declare a new id)`;
}

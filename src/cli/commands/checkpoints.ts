/**
 * `ckpt checkpoints`: the checkpoints recorded in each target's audit table (id, taken, type,
 * origin: `ckpt`, or `pipeline` for one the old pipelines took, description, objects, their
 * weight when it was taken (rows and bytes its inventory recorded, estimated on the embedded
 * warehouse), status, and until when its table content stays restorable: the end of
 * the shortest Time Travel retention among its tables, or "kept" for a keep: clone checkpoint),
 * and what a keep: clone checkpoint's copy costs to keep where the warehouse reports it (the
 * embedded warehouse: its copies' rows and bytes; Snowflake: the bytes the clone owns, for the
 * ACCOUNTADMIN role only), as a table or --json. `--active` lists only the active ones (see
 * `isActive`).
 */
import { selectTargets } from '../../engine/session.js';
import type { RecordedCheckpoint } from '../../model/observed.js';
import { restorability, type Restorability } from '../../model/restorable.js';
import { displayTime } from '../../model/time.js';
import type { Weight } from '../../model/plan.js';
import { addWeight, emptyTotal, totalText, weightText, type WeightTotal } from '../../model/weight.js';
import { loadDesired } from '../config-file.js';
import { withSession, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { toJsonText } from '../json.js';
import { renderTable } from '../render-table.js';

/** Options of `ckpt checkpoints`. */
export interface CheckpointsOptions {
  file?: string;
  target?: string[];
  json?: boolean;
  /** Only the active checkpoints. */
  active?: boolean;
}

/**
 * Whether a checkpoint is active: an action can still name it, as its status is ACTIVE or
 * RESTORED_TO (a reset or restore went back to it). Not DELETED, the status of a checkpoint a
 * schedule's `retain` expired (its clone dropped). How long its content stays restorable is
 * another matter: the RESTORABLE UNTIL column.
 */
export function isActive(checkpoint: RecordedCheckpoint): boolean {
  return checkpoint.status !== 'DELETED';
}

/** Runs the command and returns its exit code. */
export async function checkpointsCommand(ctx: CliContext, options: CheckpointsOptions): Promise<number> {
  const desired = await loadDesired(options.file, ctx.out, ctx.connections);
  const targets = selectTargets(desired, options.target);
  return withSession(ctx, desired, 'checkpoints', async (session) => {
    const observed = await session.observe(targets, 'totals');
    const costs = new Map<string, ReadonlyMap<string, Weight>>();
    for (const t of targets) costs.set(t.name, await session.keptCosts(t, observed.get(t.name)?.checkpoints ?? []));
    const listing = targets.map((t) => ({
      target: t.name,
      checkpoints: (observed.get(t.name)?.checkpoints ?? [])
        .filter((c) => options.active !== true || isActive(c))
        .map((c) => ({
          id: c.id,
          timestamp: c.timestamp,
          type: c.type,
          description: c.description,
          objectsCount: c.objects?.length ?? c.totals?.objects ?? 0,
          weight: inventoryWeight(c, observed.get(t.name)?.rowCountsEstimated ?? false),
          status: c.status,
          keep: c.keep,
          // schemas/checkpoints-list.schema.json: null when it keeps no copy, or the warehouse does not report its cost.
          keptCost: costs.get(t.name)?.get(c.id) ?? null,
          origin: c.origin,
          // schemas/checkpoints-list.schema.json: ISO, or null when kept until expired.
          restorableUntil: until(contentRestorability(c)),
          restorable: restorableText(contentRestorability(c)),
        })),
    }));
    if (options.json === true) {
      const data = listing.map((t) => ({ ...t, checkpoints: t.checkpoints.map(({ restorable: _shown, ...c }) => c) }));
      ctx.out.data(toJsonText({ formatVersion: 1, targets: data }));
      return ExitCode.ok;
    }
    for (const t of listing) {
      ctx.out.data(`Target ${t.target}`);
      ctx.out.data(
        t.checkpoints.length === 0
          ? `  ${options.active === true ? 'no active checkpoints' : 'no checkpoints yet'}`
          : renderTable(
              ['ID', 'TAKEN', 'TYPE', 'ORIGIN', 'DESCRIPTION', 'OBJECTS', 'WEIGHT', 'KEPT COPY', 'STATUS', 'RESTORABLE UNTIL'],
              t.checkpoints.map((c) => [
                c.id,
                displayTime(c.timestamp),
                c.type,
                c.origin,
                c.description,
                String(c.objectsCount),
                totalText(c.weight) ?? '-',
                keptText(c.keep, c.keptCost),
                c.status,
                c.restorable,
              ]),
            ),
      );
    }
    return ExitCode.ok;
  });
}

/**
 * What a checkpoint's tables held when it was taken, as its inventory recorded it, or as its
 * totals say when the inventory was not read (`estimated`: the warehouse's row counts are).
 */
function inventoryWeight(c: RecordedCheckpoint, estimated: boolean): WeightTotal {
  if (c.objects === null) {
    if (c.totals === undefined) return emptyTotal();
    const { tables, rows, bytes, rowsUnknown, bytesUnknown } = c.totals;
    return { tables, rows, bytes, rowsUnknown, bytesUnknown, estimated: estimated && rows !== null };
  }
  return c.objects
    .filter((o) => o.kind === 'TABLE')
    .reduce((total, o) => addWeight(total, { rows: o.rowCount, bytes: o.bytes, estimated }), emptyTotal());
}

/** A kept copy's cost (`not reported` where the warehouse does not say), or `-` for a checkpoint that keeps none. */
function keptText(keep: RecordedCheckpoint['keep'], cost: Weight | null): string {
  if (keep !== 'clone') return '-';
  return cost === null ? 'not reported' : weightText(cost);
}

/** How long a checkpoint's content stays restorable: never for the old pipelines' (no content version was recorded). */
function contentRestorability(c: RecordedCheckpoint): Restorability {
  return c.origin === 'pipeline' ? { kind: 'inventory-only' } : restorability(c);
}

/** `kept` (a clone, or nothing to restore but definitions), `inventory only`, or when it ends. */
function restorableText(r: Restorability): string {
  if (r.kind === 'kept') return 'kept';
  if (r.kind === 'inventory-only') return 'inventory only';
  return displayTime(r.until);
}

function until(r: Restorability): string | null {
  return r.kind === 'until' ? r.until : null;
}

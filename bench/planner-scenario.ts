/**
 * Scenario 3: the planner alone (planTarget, pure) on synthetic observations of up to 100,000
 * objects: a checkpoint holding every object (90 % tables, 10 % views reading a table and another
 * view), of which 60 % are still live and the 40 % missing tables are restorable, plus 20 % new
 * objects; one reset. Time (cold and warm) and memory at a quarter, half and all of the size, to
 * show that memory grows linearly. Builds inputs and plans; never opens a warehouse.
 */
import { benchDesired } from './bench-config.js';
import { planTarget } from '../src/plan/plan.js';
import { AUDIT_LAYOUT } from '../src/model/audit-layout.js';
import type { InventoryEntry, Observed } from '../src/model/observed.js';
import { collectGarbage, measure } from './measure.js';
import type { ResultRow } from './report.js';
import { stepCounts } from './session-phases.js';
import { scaled, type BenchSettings } from './settings.js';

const NOW = '2026-11-27T12:00:00.000Z';
const TAKEN = '2026-11-27T09:00:00.000Z';

function entry(name: string, kind: 'TABLE' | 'VIEW', definition: string | null): InventoryEntry {
  return {
    name,
    kind,
    created: '2026-11-27T08:00:00.000Z',
    lastAltered: '2026-11-27T08:00:00.000Z',
    rowCount: kind === 'TABLE' ? 10 : null,
    bytes: kind === 'TABLE' ? 1024 : null,
    retentionDays: kind === 'TABLE' ? 1 : null,
    transient: false,
    hybrid: false,
    definition,
    columns: kind === 'TABLE' ? ['ID', 'NAME'] : null,
  };
}

/** A synthetic observation of `objects` checkpointed objects (see the header). */
export function syntheticObserved(objects: number): Observed {
  const views = Math.floor(objects / 10);
  const tables = objects - views;
  const pad = (i: number) => String(i).padStart(6, '0');
  const inventory: InventoryEntry[] = [];
  for (let i = 0; i < tables; i += 1) inventory.push(entry(`T${pad(i)}`, 'TABLE', null));
  for (let i = 0; i < views; i += 1) {
    const reads = i > 0 ? `JOIN V${pad(i - 1)} USING (ID)` : '';
    inventory.push(entry(`V${pad(i)}`, 'VIEW', `CREATE VIEW V${pad(i)} AS SELECT ID, NAME FROM T${pad(i % tables)} ${reads}`));
  }
  const live = inventory.filter((_, i) => i % 5 < 3);
  const missingTables = inventory.filter((e, i) => i % 5 >= 3 && e.kind === 'TABLE');
  const created = Array.from({ length: Math.floor(objects / 5) }, (_, i) =>
    entry(`NEW${pad(i)}`, i % 5 === 0 ? 'VIEW' : 'TABLE', i % 5 === 0 ? `CREATE VIEW NEW${pad(i)} AS SELECT 1 AS ID` : null),
  );
  return {
    now: NOW,
    nameMatching: 'exact',
    schemaExists: true,
    rowCountsEstimated: false,
    journalHasRuns: true,
    auditTableExists: true,
    auditLayout: AUDIT_LAYOUT,
    objects: [...live, ...created],
    dropped: missingTables.map((e) => ({
      name: e.name,
      kind: 'TABLE',
      created: e.created,
      droppedOn: '2026-11-27T10:00:00.000Z',
      restorableUntil: '2026-11-28T10:00:00.000Z',
    })),
    checkpoints: [
      {
        id: 'baseline',
        timestamp: TAKEN,
        type: 'MANUAL',
        description: '',
        status: 'ACTIVE',
        objects: inventory,
        keep: 'inventory',
        clone: null,
        origin: 'ckpt',
      },
    ],
    actions: [],
  };
}

/** Runs scenario 3 and returns its rows. */
export async function plannerScenario(settings: BenchSettings, note: (text: string) => void): Promise<ResultRow[]> {
  const target = benchDesired('/tmp/ckpt-bench/checkpoints.yaml', 'local', [
    { name: 'big', schema: 'BIG', checkpoints: ['baseline'], actions: ['{ id: back, reset: { to: baseline }, allow_large: true }'] },
  ]).targets[0];
  if (target === undefined) throw new Error('no target');
  const full = scaled(settings, 100_000);
  const rows: ResultRow[] = [];
  planTarget(target, syntheticObserved(1000)); // compiles the planner once, so the first size's heap is the plan's only
  for (const objects of [Math.ceil(full / 4), Math.ceil(full / 2), full]) {
    let observed: Observed | null = syntheticObserved(objects);
    const cold = await measure(async () => planTarget(target, observed as Observed));
    const warm: number[] = [];
    for (let i = 0; i < 3; i += 1) warm.push((await measure(async () => planTarget(target, observed as Observed))).cost.wallMs);
    warm.sort((a, b) => a - b);
    // The plan's own memory: heap with one more plan held minus heap without, both after a full GC.
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    const plan = planTarget(target, observed);
    collectGarbage();
    const retainedBytes = process.memoryUsage().heapUsed - heapBefore;
    rows.push({
      group: 'planner',
      name: `plan ${objects} objects`,
      ckpt: cold.cost,
      baseline: null,
      extra: {
        steps: stepCounts(plan.steps),
        warm_median_ms: Number((warm[1] ?? 0).toFixed(1)),
        plan_heap_bytes_per_object: Math.round(retainedBytes / objects),
        findings: plan.findings.length,
      },
    });
    observed = null;
  }
  if ((globalThis as { gc?: unknown }).gc === undefined) note('planner: run without --expose-gc; heap figures include garbage');
  return rows;
}

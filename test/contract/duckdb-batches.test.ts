/**
 * The embedded warehouse's batches (executeWave): a wave's drops, or its restores, run as one
 * string of statements in one transaction; a statement failing midway leaves nothing of the batch
 * behind (no table dropped, no copy or trash row kept), and a batch that succeeds keeps every
 * table it drops restorable from the trash. A sequence of view re-creations (executeSequence) runs
 * in order in one transaction: a view on a view re-created before it works, and a view failing
 * midway leaves none of the sequence behind.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Observed } from '../../src/model/observed.js';
import type { ExecutableStep, RunContext, TargetRef } from '../../src/warehouse/warehouse.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { duckdbHarness } from './duckdb-harness.js';
import type { Fixture } from './harness.js';

const run: RunContext = { runId: 'r', command: 'test', origin: { file: '/tmp/checkpoints.yaml', hash: 'x', commit: null, dirty: null } };

/** The restore steps of `target` bringing back dropped versions as observe reported them. */
const restoresOf = (target: string, dropped: Observed['dropped']): ExecutableStep[] =>
  dropped.map((d) => ({
    target,
    group: 'back',
    kind: 'restore-table',
    object: { name: d.name, kind: 'TABLE' },
    created: d.created,
    checkpointId: 'baseline',
    reason: 'test',
    source: { droppedOn: d.droppedOn, restorableUntil: d.restorableUntil },
  }));

describe('embedded batches', () => {
  let fx: Fixture;
  let ref: TargetRef;
  let warehouse: DuckDbWarehouse;

  beforeEach(async () => {
    fx = await duckdbHarness.fresh();
    warehouse = fx.warehouse as DuckDbWarehouse;
    ref = { name: fx.base.name, database: null, schema: fx.base.schema, auditTable: fx.base.auditTable };
    await fx.sql('CREATE TABLE a AS SELECT 1 AS id');
    await fx.sql('CREATE TABLE parent (id INTEGER PRIMARY KEY)');
    await fx.sql('CREATE TABLE child (id INTEGER, p INTEGER REFERENCES parent (id))');
    await fx.sql('CREATE TABLE z AS SELECT 2 AS id');
  });
  afterEach(async () => {
    await fx.close();
  });

  /** The drop steps of the named tables, at the incarnation observe reports. */
  async function drops(names: string[]): Promise<ExecutableStep[]> {
    const observed = await warehouse.observe(ref);
    return names.map((name) => {
      const live = observed.objects.find((o) => o.name === name);
      if (live === undefined) throw new Error(`no ${name}`);
      return {
        target: ref.name,
        group: 'wipe',
        kind: 'drop-object',
        object: { name, kind: 'TABLE' },
        created: live.created,
        cause: 'created-after-checkpoint',
        reason: 'test',
      };
    });
  }

  const tables = async () => (await fx.sql(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'DEMO' ORDER BY 1`)).flat();

  it('a drop failing midway (a table another references) leaves every table of the batch and no trash', async () => {
    const before = await tables();
    // parent cannot be dropped while child references it: the second statement pair fails.
    await expect(warehouse.executeWave(ref, await drops(['a', 'parent', 'z']), run)).rejects.toThrow();
    expect(await tables()).toEqual(before);
    expect((await warehouse.observe(ref)).dropped).toEqual([]);
    expect(await fx.sql(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE schema_name = '_ckpt' AND table_name LIKE 'trash_%'`)).toEqual(
      [[0]],
    );
  });

  it('a batch of drops keeps each table in the trash, and a batch of restores brings each back with its rows', async () => {
    await warehouse.executeWave(ref, await drops(['a', 'z']), run);
    expect(await tables()).not.toContain('a');
    const dropped = (await warehouse.observe(ref)).dropped;
    expect(dropped.map((d) => d.name).sort()).toEqual(['a', 'z']);
    await warehouse.executeWave(ref, restoresOf(ref.name, dropped), run);
    expect(await fx.sql('SELECT id FROM a UNION ALL SELECT id FROM z ORDER BY 1')).toEqual([[1], [2]]);
    expect((await warehouse.observe(ref)).dropped).toEqual([]);
  });

  it('a trash row keeps the signature the table had when dropped, and the restore registers it: the rows are not hashed again', async () => {
    const registered = () =>
      fx.sql(`SELECT name, content_hash FROM _ckpt.objects WHERE schema_name = 'DEMO' AND name IN ('a', 'z') ORDER BY name`);
    await warehouse.observe(ref); // the registry's signatures, as a plan reads them
    const before = await registered();
    for (const [, signature] of before) expect(String(signature)).toMatch(/^1:\d+$/); // one row: count, then the hashes' sum
    await warehouse.executeWave(ref, await drops(['a', 'z']), run);
    expect(await fx.sql(`SELECT name, content_hash FROM _ckpt.trash ORDER BY name`)).toEqual(before);
    const dropped = (await warehouse.observe(ref)).dropped;
    await warehouse.executeWave(ref, restoresOf(ref.name, dropped), run);
    expect(await registered()).toEqual(before);
    // The signature registered is what the restored rows hash to: the next look sees no change.
    const versions = async () =>
      (await warehouse.observe(ref)).objects.filter((o) => o.kind === 'TABLE').map((o) => [o.name, o.lastAltered]);
    const restored = await versions();
    expect(await versions()).toEqual(restored);
    expect(await registered()).toEqual(before);
  });

  /** The re-creation steps of views with these definitions, in order. */
  const recreations = (views: Array<[string, string]>): ExecutableStep[] =>
    views.map(([name, definition]) => ({
      target: ref.name,
      group: 'back',
      kind: 'recreate-view',
      object: { name, kind: 'VIEW' },
      definition,
      checkpointId: 'baseline',
      reason: 'test',
    }));
  const views = async () => (await fx.sql(`SELECT view_name FROM duckdb_views() WHERE schema_name = 'DEMO' ORDER BY 1`)).flat();

  it('a sequence re-creates views in order in one transaction, a view on one re-created before it included', async () => {
    await warehouse.executeSequence(
      ref,
      recreations([
        ['v1', 'CREATE VIEW v1 AS SELECT id FROM a'],
        ['v2', 'CREATE VIEW v2 AS SELECT id + 1 AS id FROM v1'],
      ]),
      run,
    );
    expect(await fx.sql('SELECT id FROM v2')).toEqual([[2]]);
    const observed = await warehouse.observe(ref);
    expect(observed.objects.filter((o) => o.kind === 'VIEW').map((o) => o.name)).toEqual(['v1', 'v2']);
  });

  it('a view failing midway in a sequence leaves none of its views', async () => {
    const steps = recreations([
      ['v1', 'CREATE VIEW v1 AS SELECT id FROM a'],
      ['v2', 'CREATE VIEW v2 AS SELECT id FROM no_such_table'],
      ['v3', 'CREATE VIEW v3 AS SELECT id FROM z'],
    ]);
    await expect(warehouse.executeSequence(ref, steps, run)).rejects.toThrow(/no_such_table/);
    expect(await views()).toEqual([]);
    // The cached catalog was dropped with the transaction: re-running the first view re-creates it.
    await warehouse.executeSequence(ref, steps.slice(0, 1), run);
    expect(await views()).toEqual(['v1']);
  });
});

/**
 * SHOW as strict as Snowflake, through the Snowflake adapter, the real snowflake-sdk and the
 * local test server: a schema with more table versions than one SHOW page (the server's limit
 * lowered to 4, with CKPT_SHOW_PAGE_ROWS to match) is observed, checkpointed and reset; restores
 * use the versions observe read (no look-up), or else read exactly one name's versions with
 * STARTS WITH (never SHOW's LIKE, which has wildcards and no documented escape), so names with
 * `_`, `%`, `\` and quotes come back exactly, beside names a LIKE pattern would confuse.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import type { StepOf } from '../../src/model/step-kinds.js';
import { quoteIdent } from '../../src/model/refs.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, observe, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

const baseline = (fx: SnowflakeFixture, actions: Target['actions'] = []): Target => ({
  ...fx.base,
  checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
  actions,
});
const shows = (fx: SnowflakeFixture) => fx.server.statementLog.map((e) => e.sql).filter((sql) => /^SHOW TABLES/i.test(sql));
const contentOf = async (fx: SnowflakeFixture, name: string) => (await fx.sql(`SELECT note FROM ${quoteIdent(name)}`)).map(String);

describe('Snowflake SHOW limits and look-ups', () => {
  let fx: SnowflakeFixture;
  afterEach(async () => fx.close());

  it('observes, checkpoints and resets a schema with more table versions than one SHOW page', async () => {
    fx = await snowflakeHarness.fresh({ showRowLimit: 4 });
    // Name order A, AA, B, B, B, ...: the first page ends inside B's versions.
    for (const name of ['A', 'AA', 'B', 'C', 'D', 'E']) await fx.sql(`CREATE TABLE ${name} (note VARCHAR)`);
    for (const note of ['b1', 'b2']) {
      await fx.sql(`INSERT INTO B VALUES ('${note}')`);
      await fx.sql('DROP TABLE B');
      await fx.sql('CREATE TABLE B (note VARCHAR)');
    }
    for (const name of ['B', 'C', 'D', 'E']) await fx.sql(`INSERT INTO ${name} VALUES ('${name.toLowerCase()} at baseline')`);
    expectAllSucceeded((await reconcile(fx, baseline(fx))).outcomes);

    await fx.sql('DROP TABLE C');
    await fx.sql('DROP TABLE D');
    await fx.sql('CREATE TABLE D (note VARCHAR)');
    await fx.sql("INSERT INTO D VALUES ('newcomer')");
    await fx.sql('DROP TABLE E');
    await fx.sql('CREATE TABLE F (note VARCHAR)');
    await expect(fx.sql(`SHOW TABLES HISTORY IN SCHEMA ${fx.database}.DEMO`)).rejects.toThrow(/max number of rows\(4\)/);

    const observed = await observe(fx, fx.base);
    expect(observed.dropped.map((d) => d.name).sort()).toEqual(['B', 'B', 'C', 'D', 'E']);
    fx.server.statementLog.length = 0;
    const reset = baseline(fx, [action('reset', { kind: 'reset', to: 'baseline' })]);
    const { outcomes } = await reconcile(fx, reset);
    expectAllSucceeded(outcomes);
    const sent = shows(fx);
    expect(sent.length).toBeGreaterThan(1);
    for (const sql of sent) expect(sql).toMatch(/ LIMIT 4( FROM '[^']*')?$/);
    for (const name of ['B', 'C', 'D', 'E']) expect(await contentOf(fx, name)).toEqual([`${name.toLowerCase()} at baseline`]);
    await expect(fx.sql('SELECT * FROM F')).rejects.toThrow(/does not exist/);
    await expectConverged(fx, reset);
  });

  const HOSTILE = ['a_b', 'a%b', 'a\\b', `it's "q"`];
  /** Names a LIKE pattern of a hostile name matches, or that an escaped pattern would read as one. */
  const DECOYS = ['aXb', 'a\\\\b', 'A_B'];

  /** Each hostile name and decoy with a row naming it; a checkpoint; then each hostile name dropped, re-created and dropped again. */
  async function hostileSchema(): Promise<void> {
    for (const [i, name] of [...HOSTILE, ...DECOYS].entries()) {
      await fx.sql(`CREATE TABLE ${quoteIdent(name)} (note VARCHAR)`);
      await fx.sql(`INSERT INTO ${quoteIdent(name)} VALUES ('original ${i}')`);
    }
    expectAllSucceeded((await reconcile(fx, baseline(fx))).outcomes);
    for (const name of HOSTILE) {
      await fx.sql(`DROP TABLE ${quoteIdent(name)}`);
      await fx.sql(`CREATE TABLE ${quoteIdent(name)} (note VARCHAR)`);
      await fx.sql(`INSERT INTO ${quoteIdent(name)} VALUES ('newcomer')`);
      await fx.sql(`DROP TABLE ${quoteIdent(name)}`);
    }
    for (const name of DECOYS) await fx.sql(`DROP TABLE ${quoteIdent(name)}`);
  }

  it('restores names with _, %, \\ and quotes exactly from what observe read, with no look-up', async () => {
    fx = await snowflakeHarness.fresh();
    await hostileSchema();
    fx.server.statementLog.length = 0;
    const restore = baseline(fx, [action('back', { kind: 'restore', from: 'baseline', objects: HOSTILE })]);
    expectAllSucceeded((await reconcile(fx, restore)).outcomes);
    expect(shows(fx)).toHaveLength(1); // observe's one page; the restores looked nothing up
    for (const [i, name] of HOSTILE.entries()) expect(await contentOf(fx, name)).toEqual([`original ${i}`]);
    for (const name of DECOYS) await expect(fx.sql(`SELECT * FROM ${quoteIdent(name)}`)).rejects.toThrow(/does not exist/);
    await expectConverged(fx, restore);
  });

  it('without observed versions, a restore reads its name exactly with STARTS WITH, never LIKE', async () => {
    fx = await snowflakeHarness.fresh();
    await hostileSchema();
    const observed = await observe(fx, fx.base);
    const created = new Map(HOSTILE.map((name) => [name, observed.checkpoints[0]?.objects?.find((o) => o.name === name)?.created ?? '']));
    await fx.sql('SELECT 1'); // user SQL: the adapter forgets what it observed
    fx.server.statementLog.length = 0;
    const ref = { name: fx.base.name, database: fx.database, schema: 'DEMO', auditTable: fx.base.auditTable };
    const run = { runId: 'r1', origin: { file: 'checkpoints.yaml', hash: 'h', commit: null, dirty: null }, command: 'test' };
    for (const name of HOSTILE) {
      const step: StepOf<'restore-table'> = {
        target: ref.name,
        group: 'back',
        kind: 'restore-table',
        object: { name, kind: 'TABLE' },
        created: created.get(name) ?? '',
        checkpointId: 'baseline',
        reason: 'test',
      };
      await fx.warehouse.steps['restore-table'](ref, step, run);
    }
    expect(shows(fx)).toEqual(
      HOSTILE.map(
        (name) =>
          `SHOW TABLES HISTORY IN SCHEMA "${fx.database}"."DEMO" STARTS WITH '${name.replaceAll('\\', '\\\\').replaceAll("'", "''")}' LIMIT 10000`,
      ),
    );
    for (const [i, name] of HOSTILE.entries()) expect(await contentOf(fx, name)).toEqual([`original ${i}`]);
  });
});

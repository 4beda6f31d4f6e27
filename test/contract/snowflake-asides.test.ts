/**
 * Versions a restore sets aside stay findable (docs/snowflake-behaviour.md#pitfall-2), through the
 * Snowflake adapter, the real snowflake-sdk and the local test server: after restoring an older
 * version past a newer dropped one, the newer one can be restored in turn, and the older one again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, observe, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

describe('Snowflake: versions set aside by a restore', () => {
  let fx: SnowflakeFixture;
  const declared = (ids: string[], actions: Target['actions'] = []): Target => ({
    ...fx.base,
    checkpoints: ids.map((id) => ({ id, description: '', keep: 'inventory' as const, position: { line: 1, col: 1 } })),
    actions,
  });
  const notes = async () => (await fx.sql('SELECT note FROM orders ORDER BY id')).map((r) => String(r[0]));

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh();
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await fx.sql("INSERT INTO orders VALUES (1, 'original')");
  });
  afterEach(async () => fx.close());

  it('the newer version comes back after the older one was restored past it, and the older one again after that', async () => {
    await reconcile(fx, declared(['baseline']));
    await fx.sql('DROP TABLE orders');
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await fx.sql("INSERT INTO orders VALUES (9, 'newcomer')");
    await reconcile(fx, declared(['baseline', 'second']));
    await fx.sql('DROP TABLE orders');

    const toBaseline = declared(['baseline', 'second'], [action('to-baseline', { kind: 'reset', to: 'baseline' })]);
    expectAllSucceeded((await reconcile(fx, toBaseline)).outcomes);
    expect(await notes()).toEqual(['original']);
    // The newcomer was set aside and dropped again: observe still offers it under its own name.
    const created = (await observe(fx, fx.base)).checkpoints.find((c) => c.id === 'second')?.objects?.[0]?.created;
    expect((await observe(fx, fx.base)).dropped.map((d) => [d.name, d.created])).toContainEqual(['ORDERS', created]);

    const toSecond = declared(['baseline', 'second'], [action('to-second', { kind: 'reset', to: 'second' })]);
    const second = await reconcile(fx, toSecond);
    expect(second.plan.targets[0]?.findings).toEqual([]);
    expect(second.plan.targets[0]?.steps.map((s) => s.kind)).toEqual(['drop-object', 'restore-table', 'record-action']);
    expectAllSucceeded(second.outcomes);
    expect(await notes()).toEqual(['newcomer']);
    await expectConverged(fx, toSecond);

    const again = declared(['baseline', 'second'], [action('to-baseline-again', { kind: 'reset', to: 'baseline' })]);
    expectAllSucceeded((await reconcile(fx, again)).outcomes);
    expect(await notes()).toEqual(['original']);
    await expectConverged(fx, again);
  });
});

/**
 * Waves of drops and table restores on Snowflake go in multi-statement requests (at most
 * CKPT_STATEMENTS_PER_REQUEST statements, several requests in flight: snowflake-wave.ts), and
 * ckpt knows exactly which steps took effect when a request fails midway or its answer is lost:
 * a step is recorded succeeded exactly when its effect is there. Snowflake's documentation does
 * not say whether the statements after a failed one run, so the failure is tested with the test
 * server stopping there and with it going on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import type { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import type { StatementLogEntry } from '../snowflake-server/server.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, expectConverged, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture, type SnowflakeFixtureOptions } from './snowflake-harness.js';

const TABLES = Array.from({ length: 30 }, (_, i) => `N_${String(i).padStart(2, '0')}`);

/** The statements matching `pattern`, grouped by the request that carried them, in the order the server ran them. */
function requests(log: StatementLogEntry[], pattern: RegExp): StatementLogEntry[][] {
  const byRequest = new Map<string, StatementLogEntry[]>();
  for (const entry of log.filter((e) => pattern.test(e.sql))) {
    const key = entry.requestId;
    byRequest.set(key, [...(byRequest.get(key) ?? []), entry]);
  }
  return [...byRequest.values()];
}

/** The table a DROP or UNDROP names. */
const tableOf = (sql: string) => /"([^"]+)"$/.exec(sql)?.[1] ?? '';

describe('Snowflake: waves in multi-statement requests', () => {
  let fx: SnowflakeFixture;
  afterEach(async () => fx.close());

  const withBaseline = (actions: Target['actions'] = []): Target => ({
    ...fx.base,
    checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
    actions,
  });
  const cleanup = () => withBaseline([action('wipe', { kind: 'cleanup', since: 'baseline' }, true)]);
  const reset = () => withBaseline([action('back', { kind: 'reset', to: 'baseline' }, true)]);
  const existing = async () =>
    new Set(
      (
        await fx.server.account.execute(
          `SELECT TABLE_NAME FROM ${fx.database}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DEMO' AND TABLE_NAME LIKE 'N\\_%'`,
        )
      ).rows.map((r) => String(r[0])),
    );
  const setUp = async (options: SnowflakeFixtureOptions, tablesBeforeBaseline: boolean) => {
    fx = await snowflakeHarness.fresh({ statementsPerRequest: 3, ...options });
    if (!tablesBeforeBaseline) await reconcile(fx, withBaseline());
    for (const name of TABLES) await fx.sql(`CREATE TABLE ${name} (id INTEGER)`);
    if (tablesBeforeBaseline) await reconcile(fx, withBaseline());
  };

  it('drops and restores 30 tables in requests of 3 statements, each step reported', async () => {
    await setUp({}, true);
    for (const name of TABLES) await fx.sql(`DROP TABLE ${name}`);
    const from = fx.server.statementLog.length;
    const { outcomes } = await reconcile(fx, reset());
    expectAllSucceeded(outcomes);
    const undrops = requests(fx.server.statementLog.slice(from), /^UNDROP TABLE/);
    // 30 statements over 8 requests in flight, at most 3 each: 10 requests of 3.
    expect(undrops.map((r) => r.length)).toEqual(Array.from({ length: 10 }, () => 3));
    expect(
      undrops
        .flat()
        .map((e) => tableOf(e.sql))
        .sort(),
    ).toEqual(TABLES);
    expect([...(await existing())].sort()).toEqual(TABLES);
    await expectConverged(fx, reset());

    const before = fx.server.statementLog.length;
    expectAllSucceeded((await reconcile(fx, withBaseline([action('wipe', { kind: 'full-cleanup' }, true)]))).outcomes);
    const drops = requests(fx.server.statementLog.slice(before), /^DROP TABLE IF EXISTS .*"N_\d+"$/);
    expect(drops.map((r) => r.length)).toEqual(Array.from({ length: 10 }, () => 3));
    expect(await existing()).toEqual(new Set());
  });

  it.each(['stop', 'continue'] as const)(
    'a drop failing midway in a request (the server does %s after it): each step recorded as what it did, then a re-run finishes',
    async (afterFailedStatement) => {
      await setUp({ afterFailedStatement }, false);
      fx.server.injectFault({ pattern: /^DROP TABLE IF EXISTS .*"N_04"$/, kind: 'sql-error', times: 1, message: 'N_04 is in use' });
      const from = fx.server.statementLog.length;
      const { plan, outcomes } = await reconcile(fx, cleanup());
      const steps = outcomes[0]?.steps ?? [];
      const left = await existing();
      const drops = steps.filter((s) => s.step.kind === 'drop-object');
      expect(drops).toHaveLength(TABLES.length);
      // Succeeded exactly when the table is gone; the one that failed is N_04; every other one did not run.
      for (const s of drops) {
        const name = s.step.kind === 'drop-object' ? s.step.object.name : '';
        expect({ name, succeeded: s.outcome === 'succeeded' }).toEqual({ name, succeeded: !left.has(name) });
        if (s.outcome !== 'succeeded')
          expect({ name, outcome: s.outcome }).toEqual({ name, outcome: name === 'N_04' ? 'failed' : 'skipped' });
      }
      expect(steps.find((s) => s.outcome === 'failed')?.error).toMatch(/N_04 is in use/);
      // The statement after N_04 in its request: not run when the server stops, run (and so succeeded) when it goes on.
      const request = requests(fx.server.statementLog.slice(from), /^DROP TABLE IF EXISTS/).find((r) => r.some((e) => !e.ok)) ?? [];
      const failedAt = request.findIndex((e) => !e.ok);
      expect(tableOf(request[failedAt]?.sql ?? '')).toBe('N_04');
      const next = steps.find((s) => s.step.kind === 'drop-object' && s.step.object.name === 'N_05');
      expect(next?.outcome).toBe(afterFailedStatement === 'stop' ? 'skipped' : 'succeeded');
      expect(plan.targets[0]?.steps.at(-1)?.kind).toBe('record-action');

      const again = await reconcile(fx, cleanup());
      expectAllSucceeded(again.outcomes);
      expect(await existing()).toEqual(new Set());
      await expectConverged(fx, cleanup());
    },
  );

  it('a request past its deadline may still be running: its steps not done all fail as such, the done ones succeeded', async () => {
    await setUp({}, false);
    // Three statements a request: the request holding N_04 waits 3 deadlines of 5 s, one per statement.
    fx.server.injectLatency({ pattern: /^DROP TABLE IF EXISTS .*"N_04"$/, perStatementMs: 3_600_000 });
    const warehouse = await fx.connect({ statementTimeoutMs: 5000 });
    try {
      const { outcomes } = await reconcile({ ...fx, warehouse }, cleanup());
      const steps = (outcomes[0]?.steps ?? []).filter((s) => s.step.kind === 'drop-object');
      const left = await existing();
      const failed = steps.filter((s) => s.outcome === 'failed');
      expect(failed.map((s) => s.code)).toEqual(failed.map(() => 'STATEMENT_RUNNING'));
      for (const s of steps) {
        const name = s.step.kind === 'drop-object' ? s.step.object.name : '';
        expect({ name, succeeded: s.outcome === 'succeeded' }).toEqual({ name, succeeded: !left.has(name) });
      }
      // N_05 follows N_04 in its request (N_03, N_04, N_05): it had not run either when the deadline passed.
      expect(failed.map((s) => (s.step.kind === 'drop-object' ? s.step.object.name : '')).sort()).toEqual(['N_04', 'N_05']);
      expect(left.has('N_03')).toBe(false);
    } finally {
      await warehouse.close();
    }
  });

  it('the lost answer of a request of UNDROPs is settled by reading: its steps succeeded, nothing is sent twice', async () => {
    await setUp({}, true);
    for (const name of TABLES) await fx.sql(`DROP TABLE ${name}`);
    const connection = (fx.warehouse as SnowflakeWarehouse).driver as unknown as {
      connection: { execute(options: { sqlText: string; complete: (err: unknown, stmt: unknown, rows: unknown) => void }): unknown };
    };
    const sdk = connection.connection;
    const execute = sdk.execute.bind(sdk);
    let lost = '';
    sdk.execute = (options) => {
      if (lost !== '' || !/^UNDROP TABLE/.test(options.sqlText)) return execute(options);
      lost = options.sqlText;
      const reset = Object.assign(new Error('socket hang up'), { name: 'NetworkError', code: 'ECONNRESET', cause: { code: 'ECONNRESET' } });
      // The request runs (every statement, before the server answers); its answer is lost.
      return execute({ ...options, complete: (_err, stmt) => options.complete(reset, stmt, undefined) });
    };
    const from = fx.server.statementLog.length;
    const { outcomes } = await reconcile(fx, reset());
    expectAllSucceeded(outcomes);
    expect(lost.split(';\n')).toHaveLength(3);
    const undrops = fx.server.statementLog.slice(from).filter((e) => e.sql.startsWith('UNDROP'));
    expect(undrops.map((e) => tableOf(e.sql)).sort()).toEqual(TABLES);
    expect(undrops.every((e) => e.ok)).toBe(true);
    expect([...(await existing())].sort()).toEqual(TABLES);
    await expectConverged(fx, reset());
  });
});

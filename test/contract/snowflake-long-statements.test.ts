/**
 * Deadlines by kind of statement (docs/snowflake-behaviour.md, "Long statements and retries"),
 * through the real snowflake-sdk against the test server, which answers a statement that runs
 * longer than a request waits with 333333 and its query id, as Snowflake does: a content copy
 * (INSERT OVERWRITE) has no client deadline; a metadata statement past its deadline is reported as
 * possibly still running, with its query id, not as an unreachable account; Snowflake's own
 * STATEMENT_TIMEOUT_IN_SECONDS, which bounds copies, is named when it cancels one. The injected
 * delays are longer than the deadlines by construction, whatever the machine's speed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Target } from '../../src/model/desired.js';
import type { SnowflakeWarehouse } from '../../src/warehouse/snowflake/snowflake-warehouse.js';
import { action } from '../support/desired.js';
import { expectAllSucceeded, reconcile } from './run.js';
import { snowflakeHarness, type SnowflakeFixture } from './snowflake-harness.js';

const DEADLINE_MS = 1500;

describe('Snowflake: long statements', () => {
  let fx: SnowflakeFixture;
  let opened: SnowflakeWarehouse[];
  const withBaseline = (actions: Target['actions'] = []): Target => ({
    ...fx.base,
    checkpoints: [{ id: 'baseline', description: '', keep: 'inventory', position: { line: 1, col: 1 } }],
    actions,
  });
  const reset = [action('rewind', { kind: 'reset', to: 'baseline' })];
  const rows = async (sql: string) =>
    (await fx.server.account.execute(sql, { database: fx.database, schema: 'DEMO' })).rows.map((r) => r.map(String));
  /** The fixture on a connection whose short deadline is DEADLINE_MS. */
  const shortDeadline = async (): Promise<SnowflakeFixture> => {
    const warehouse = await fx.connect({ statementTimeoutMs: DEADLINE_MS });
    opened.push(warehouse);
    return { ...fx, warehouse };
  };
  const failures = (outcomes: Awaited<ReturnType<typeof reconcile>>['outcomes']) =>
    outcomes.flatMap((o) => o.steps).filter((s) => s.outcome === 'failed');

  beforeEach(async () => {
    fx = await snowflakeHarness.fresh({ inProgressAfterMs: 100 });
    opened = [];
    await fx.sql('CREATE TABLE orders (id INTEGER, note VARCHAR)');
    await fx.sql("INSERT INTO orders VALUES (1, 'original'), (2, 'original')");
    await reconcile(fx, withBaseline());
    await fx.sql("UPDATE orders SET note = 'changed'");
  });
  afterEach(async () => {
    for (const warehouse of opened) await warehouse.close();
    await fx.close();
  });

  it('a content revert (INSERT OVERWRITE) longer than the short deadline completes: copies have none', async () => {
    fx.server.injectLatency({ pattern: /^INSERT OVERWRITE/, perStatementMs: 2 * DEADLINE_MS });
    const session = await shortDeadline();
    expectAllSucceeded((await reconcile(session, withBaseline(reset))).outcomes);
    expect(await rows('SELECT id, note FROM orders ORDER BY id')).toEqual([
      ['1', 'original'],
      ['2', 'original'],
    ]);
  });

  it('a metadata statement past its deadline may still be running: its query id and what to do, not "unreachable"', async () => {
    await fx.sql('CREATE TABLE scratch (id INTEGER)');
    fx.server.injectLatency({ pattern: /^DROP TABLE IF EXISTS/, perStatementMs: 3_600_000 });
    const session = await shortDeadline();
    const [failed] = failures((await reconcile(session, withBaseline(reset))).outcomes);
    expect(failed).toMatchObject({ code: 'STATEMENT_RUNNING' });
    expect(failed?.error).toMatch(
      new RegExp(
        `no answer within ${DEADLINE_MS} ms to DROP TABLE IF EXISTS .*"SCRATCH"; it may still be running on Snowflake \\(query (01[0-9a-f-]+)\\), and ckpt does not send it again`,
      ),
    );
    const queryId = /\(query (01[0-9a-f-]+)\)/.exec(String(failed?.error))?.[1];
    expect(failed?.error).toContain(`SELECT SYSTEM$CANCEL_QUERY('${queryId}')`);
    expect(failed?.error).not.toMatch(/unreachable/i);
  });

  it("Snowflake's STATEMENT_TIMEOUT_IN_SECONDS bounds a copy; the error names it", async () => {
    await fx.server.account.execute('ALTER USER tester SET STATEMENT_TIMEOUT_IN_SECONDS = 1');
    fx.server.injectLatency({ pattern: /^INSERT OVERWRITE/, perStatementMs: 3_600_000 });
    const session = await shortDeadline();
    const [failed] = failures((await reconcile(session, withBaseline(reset))).outcomes);
    expect(failed).toMatchObject({ step: { kind: 'restore-content' }, code: 'SQL_FAILED' });
    expect(failed?.error).toContain('Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.');
    expect(failed?.error).toContain('raise it for the user ckpt connects as');
    expect(await rows('SELECT id, note FROM orders ORDER BY id')).toEqual([
      ['1', 'changed'],
      ['2', 'changed'],
    ]);
  });
});

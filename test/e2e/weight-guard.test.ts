/**
 * The weight guard through the built CLI on both connections: a cleanup dropping more rows than
 * `max_drop_rows` (or more bytes than `max_drop_bytes`, or bytes the warehouse does not report) is
 * a TOO_MUCH_DATA blocker in `reconcile --plan` (exit 1) and is not applied; with
 * `allow_large: true` on the action, the same cleanup applies.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspace } from './cli-runner.js';
import { demoConfig, e2eConnection, runSetupSql, type E2eConnection } from './connections.js';
import { runOn } from './reset-fixture.js';

const CLEANUP = '\n      - id: tidy\n        cleanup: { since: baseline }';

describe.each(['local', 'snowflake'] as const)('the weight guard on %s', (kind) => {
  let conn: E2eConnection;
  beforeEach(async () => {
    conn = await e2eConnection(kind);
  });
  afterEach(async () => conn.close());

  /** The demo config with `limits` (target lines) and the cleanup, allowed large or not. */
  const config = (limits: string, allowLarge: boolean) =>
    demoConfig(conn, `${CLEANUP}${allowLarge ? '\n        allow_large: true' : ''}`).replace(
      '    checkpoints:\n',
      `${limits}    checkpoints:\n`,
    );

  /** A workspace with checkpoint baseline taken, then table BIG (5 rows) created after it. */
  async function bigAfterBaseline(): Promise<string> {
    const dir = await workspace(demoConfig(conn, ' []'));
    expect((await runOn(conn, dir, ['reconcile'])).code).toBe(0);
    await runSetupSql(conn, dir, ['CREATE TABLE big (id INTEGER)', 'INSERT INTO big VALUES (1), (2), (3), (4), (5)']);
    return dir;
  }

  /** Plans with `limits`: the blocker's message and the exit code; then applies with allow_large. */
  async function refusedThenAllowed(limits: string): Promise<string> {
    const dir = await bigAfterBaseline();
    await writeFile(join(dir, 'checkpoints.yaml'), config(limits, false));
    const planned = await runOn(conn, dir, ['reconcile', '--plan']);
    expect(planned.code, planned.stderr).toBe(1);
    expect(planned.stdout).toContain('[TOO_MUCH_DATA]');
    expect(planned.stdout).toMatch(/checkpoints\.yaml:\d+:\d+: cleanup tidy would drop/);
    const json = await runOn(conn, dir, ['reconcile', '--plan', '--json']);
    const plan = JSON.parse(json.stdout) as { targets: Array<{ steps: unknown[]; findings: Array<{ code: string; message: string }> }> };
    expect(plan.targets[0]?.steps).toEqual([]);
    expect(plan.targets[0]?.findings.map((f) => f.code)).toEqual(['TOO_MUCH_DATA']);
    const refused = await runOn(conn, dir, ['reconcile', '--yes']);
    expect(refused.code).toBe(1);
    expect((await runOn(conn, dir, ['sql', 'SELECT count(*) AS n FROM big'])).code).toBe(0);

    await writeFile(join(dir, 'checkpoints.yaml'), config(limits, true));
    const applied = await runOn(conn, dir, ['reconcile', '--yes']);
    expect(applied.code, applied.stderr).toBe(0);
    expect((await runOn(conn, dir, ['sql', 'SELECT count(*) AS n FROM big'])).code).not.toBe(0);
    return plan.targets[0]?.findings[0]?.message ?? '';
  }

  it('max_drop_rows: refused in the plan, stating the rows; applied with allow_large: true', async () => {
    const message = await refusedThenAllowed('    max_drop_rows: 2\n');
    const about = kind === 'local' ? 'about ' : '';
    expect(message).toBe(
      `cleanup tidy would drop ${about}5 rows in 1 table, more than the 2 rows max_drop_rows allows; set allow_large: true on the action to allow it`,
    );
  });

  it('max_drop_bytes: refused in the plan (the embedded warehouse reports no bytes); applied with allow_large: true', async () => {
    const message = await refusedThenAllowed('    max_drop_bytes: 1\n');
    expect(message).toMatch(
      kind === 'local'
        ? /^cleanup tidy would drop 1 table the warehouse reports no size in bytes for \("big"\), so it cannot be shown to stay within the 1 byte max_drop_bytes allows; set allow_large: true on the action to allow it, or use max_drop_rows instead of max_drop_bytes$/
        : /^cleanup tidy would drop [\d,]+ bytes( \(\d+\.\d [KMGTP]B\))? in 1 table, more than the 1 byte max_drop_bytes allows; set allow_large: true/,
    );
  });
});

/**
 * Issue 11 item 21: ckpt's trash on the embedded warehouse keeps what `ckpt sql` drops, expires
 * after CKPT_TRASH_RETENTION_DAYS (purged when ckpt writes), and `ckpt status` shows its size.
 */
import { describe, expect, it } from 'vitest';
import { ckpt, workspace, DEMO_CONFIG } from './cli-runner.js';

const config = DEMO_CONFIG;

describe('embedded warehouse: the trash', () => {
  it('keeps a table ckpt sql drops, shows its size in status, and purges it past retention', async () => {
    const dir = await workspace(config);
    expect((await ckpt(dir, ['sql', 'CREATE TABLE scratch AS SELECT range AS id FROM range(5000)'])).code).toBe(0);
    expect((await ckpt(dir, ['reconcile', '--yes'])).code).toBe(0);
    expect((await ckpt(dir, ['sql', 'DROP TABLE scratch'])).code).toBe(0);
    const status = await ckpt(dir, ['status']);
    expect(status.stdout).toMatch(/trash: +1 table, 5,000 rows, about \d+ KiB; each kept 7 days after its drop/);
    expect((await ckpt(dir, ['sql', '--force', 'UPDATE _ckpt.trash SET dropped_on = dropped_on - INTERVAL 3 DAY'])).code).toBe(0);
    const kept = await ckpt(dir, ['sql', 'SELECT count(*) AS n FROM _ckpt.trash'], { env: { CKPT_TRASH_RETENTION_DAYS: '4' } });
    expect(kept.stdout).toMatch(/\b1\b/);
    const purged = await ckpt(
      dir,
      ['sql', "SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = '_ckpt' AND table_name LIKE 'trash_%'"],
      {
        env: { CKPT_TRASH_RETENTION_DAYS: '2' },
      },
    );
    expect(purged.code).toBe(0);
    const after = await ckpt(dir, ['sql', 'SELECT count(*) AS n FROM _ckpt.trash']);
    expect(after.stdout).toMatch(/\b0\b/);
    expect((await ckpt(dir, ['status'])).stdout).toMatch(/trash: +0 tables, 0 rows/);
  });

  it('refuses a CKPT_TRASH_RETENTION_DAYS that is not a whole number of days', async () => {
    const dir = await workspace(config);
    const result = await ckpt(dir, ['reconcile', '--plan'], { env: { CKPT_TRASH_RETENTION_DAYS: 'abc' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CKPT_TRASH_RETENTION_DAYS is "abc"; it takes a whole number of days from 1 to 36500');
  });
});

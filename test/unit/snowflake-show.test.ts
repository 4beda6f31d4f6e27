/**
 * Paging SHOW TABLES HISTORY (snowflake-show.ts) against a fake SHOW that reads `LIMIT n [FROM
 * '<name>']` either way the docs allow: rows strictly after the cursor's name, or from it on. Every
 * version comes back exactly once under both readings, whatever the order of one name's versions,
 * and one name's versions are read with STARTS WITH and an exact filter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CkptError } from '../../src/model/errors.js';
import type { SnowflakeRow } from '../../src/warehouse/snowflake/snowflake-driver.js';
import { historyPage, historyRows, tableVersions } from '../../src/warehouse/snowflake/snowflake-show.js';

const T = { database: 'DB', schema: 'S', auditTable: 'CHECKPOINT_AUDIT' };
type Reading = 'after' | 'at';

/** A Snowflake string literal's value (quotes doubled, backslashes escaped), written here independently of the adapter. */
const unquote = (literal: string) => literal.slice(1, -1).replace(/''|\\(.)/g, (m: string, c?: string) => (m === "''" ? "'" : (c ?? '')));

/** A fake SHOW over `rows` (in name order; versions of one name in the given order), reading FROM as `reading`. */
function fakeShow(rows: SnowflakeRow[], reading: Reading) {
  const sent: string[] = [];
  const run = async (sql: string): Promise<SnowflakeRow[]> => {
    sent.push(sql);
    const m = /^SHOW TABLES HISTORY IN SCHEMA "DB"\."S"(?: STARTS WITH ('(?:[^']|'')*'))? LIMIT (\d+)(?: FROM ('(?:[^']|'')*'))?$/.exec(
      sql,
    );
    if (m === null) throw new Error(`unexpected statement ${sql}`);
    const prefix = m[1] === undefined ? null : unquote(m[1]);
    const from = m[3] === undefined ? null : unquote(m[3]);
    const name = (r: SnowflakeRow) => String(r.name);
    return rows
      .filter((r) => prefix === null || name(r).startsWith(prefix))
      .filter((r) => from === null || (reading === 'after' ? name(r) > from : name(r) >= from))
      .slice(0, Number(m[2]));
  };
  return { run, sent };
}

/** Names with the characters that break patterns and literals, and their versions (ids unique). */
const schemaArb = fc
  .uniqueArray(fc.stringOf(fc.constantFrom('a', 'b', '_', '%', '\\', "'"), { minLength: 1, maxLength: 3 }), { minLength: 0, maxLength: 12 })
  .chain((names) =>
    fc.tuple(fc.constant(names), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: names.length, maxLength: names.length })),
  )
  .map(([names, counts]) => {
    const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let id = 0;
    return sorted.flatMap((name, i) => Array.from({ length: counts[i] ?? 1 }, () => ({ name, created_on: `v${(id += 1)}` })));
  });

const ids = (rows: SnowflakeRow[]) => rows.map((r) => String(r.created_on)).sort();

describe('paging SHOW TABLES HISTORY', () => {
  it('writes LIMIT, STARTS WITH and FROM as Snowflake literals', () => {
    expect(historyPage(T, 10_000, null, null)).toBe('SHOW TABLES HISTORY IN SCHEMA "DB"."S" LIMIT 10000');
    expect(historyPage(T, 5, "it's a\\b", 'x_%')).toBe(
      `SHOW TABLES HISTORY IN SCHEMA "DB"."S" STARTS WITH 'it''s a\\\\b' LIMIT 5 FROM 'x_%'`,
    );
  });

  it('returns every version exactly once under either reading of FROM, in pages bounded by the row count', async () => {
    await fc.assert(
      fc.asyncProperty(
        schemaArb,
        fc.integer({ min: 5, max: 8 }),
        fc.constantFrom<Reading>('after', 'at'),
        async (rows, pageRows, reading) => {
          const show = fakeShow(rows, reading);
          expect(ids(await historyRows(show.run, T, pageRows))).toEqual(ids(rows));
          // Each full page adds one exact read of its last name; strictly-after pages never repeat a row.
          if (reading === 'after') expect(show.sent.length).toBeLessThanOrEqual(2 * Math.floor(rows.length / pageRows) + 1);
        },
      ),
    );
  });

  it('finds one name exactly with STARTS WITH, never the names a pattern would also match', async () => {
    await fc.assert(
      fc.asyncProperty(schemaArb, fc.nat(), async (rows, pick) => {
        fc.pre(rows.length > 0);
        const name = String(rows[pick % rows.length]?.name);
        const show = fakeShow(rows, 'after');
        const found = await tableVersions(show.run, T, 5, name);
        expect(ids(found)).toEqual(ids(rows.filter((r) => r.name === name)));
        expect(show.sent).toHaveLength(1);
      }),
    );
  });

  it('says so when one name alone fills a page', async () => {
    const rows = Array.from({ length: 4 }, (_, i) => ({ name: 'A', created_on: `v${i}` }));
    const show = fakeShow([...rows, { name: 'B', created_on: 'b' }], 'at');
    await expect(historyRows(show.run, T, 4)).rejects.toThrow(CkptError);
    await expect(historyRows(show.run, T, 4)).rejects.toThrow(/"?A"? has 4 or more versions/);
  });
});

/**
 * SHOW TABLES HISTORY in pages. SHOW returns at most 10,000 rows (fewer on an account that lowered
 * it) and fails beyond that without LIMIT (error 090153), so every SHOW ckpt sends has `LIMIT n`
 * and pages with `FROM '<last name>'` (docs/snowflake-behaviour.md#show-tables-history). Rows come in name
 * order, one per version of a name; the docs leave open whether `FROM` repeats the rows of the
 * cursor's own name, so a page that ends on a name is completed by reading that name's versions
 * exactly (`STARTS WITH` plus an exact filter): right under either reading, and at most two round
 * trips per full page, whatever the number of objects. `STARTS WITH` is literal and case-sensitive;
 * SHOW's `LIKE` has wildcards and no documented escape, so ckpt never sends it.
 */
import { CkptError } from '../../model/errors.js';
import { displayIdent } from '../../model/refs.js';
import type { SnowflakeRow } from './snowflake-driver.js';
import { schemaName, snowflakeLiteral, type SnowflakeTarget } from './snowflake-sql.js';
import { versionName } from './snowflake-versions.js';

/** The most rows one SHOW may return (Snowflake's limit; CKPT_SHOW_PAGE_ROWS lowers the page for accounts with a lower one). */
export const MAX_SHOW_ROWS = 10_000;

/** Runs one SHOW statement. */
export type RunShow = (sql: string) => Promise<SnowflakeRow[]>;

/** One page of `SHOW TABLES HISTORY IN SCHEMA`, from names starting with `prefix` (any when null), after `from`. */
export function historyPage(t: SnowflakeTarget, pageRows: number, prefix: string | null, from: string | null): string {
  const startsWith = prefix === null ? '' : ` STARTS WITH ${snowflakeLiteral(prefix)}`;
  const cursor = from === null ? '' : ` FROM ${snowflakeLiteral(from)}`;
  return `SHOW TABLES HISTORY IN SCHEMA ${schemaName(t)}${startsWith} LIMIT ${pageRows}${cursor}`;
}

const nameOf = (row: SnowflakeRow): string => String(row.name);

/** Every row of SHOW TABLES HISTORY in the schema, each version once, page by page. */
export async function historyRows(run: RunShow, t: SnowflakeTarget, pageRows: number): Promise<SnowflakeRow[]> {
  const rows: SnowflakeRow[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await run(historyPage(t, pageRows, null, cursor));
    // The cursor's own versions were read whole already: drop them if FROM returned them again.
    const fresh = cursor === null ? page : page.filter((r) => nameOf(r) !== cursor);
    const last = page[page.length - 1];
    if (page.length < pageRows || last === undefined) return [...rows, ...fresh];
    const lastName = nameOf(last);
    rows.push(...fresh.filter((r) => nameOf(r) !== lastName), ...(await tableVersions(run, t, pageRows, lastName)));
    cursor = lastName;
  }
}

/**
 * Every version of exactly table `name` in one round trip: `STARTS WITH` the name (literal,
 * case-sensitive), filtered to the name (with `asides`, and the versions a restore set aside: versionName); its rows sort before any longer name, so one page holds
 * them all unless the name alone has a page of versions (then an error says so).
 */
export async function tableVersions(
  run: RunShow,
  t: SnowflakeTarget,
  pageRows: number,
  name: string,
  asides = false,
): Promise<SnowflakeRow[]> {
  const versions = (await run(historyPage(t, pageRows, name, null))).filter((r) => (asides ? versionName(r) : nameOf(r)) === name);
  if (versions.length >= pageRows) {
    throw new CkptError(
      'SQL_FAILED',
      `table ${displayIdent(name)} has ${pageRows} or more versions in SHOW TABLES HISTORY, more than one page of SHOW can list`,
      { hint: 'raise CKPT_SHOW_PAGE_ROWS (up to 10000), or let older dropped versions leave Time Travel' },
    );
  }
  return versions;
}

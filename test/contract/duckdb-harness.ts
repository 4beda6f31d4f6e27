/**
 * The contract harness for the embedded warehouse: a DuckDB file in a temp folder per test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { DuckDbDriver } from '../../src/warehouse/duckdb/duckdb-driver.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { target } from '../support/desired.js';
import type { Harness, StatementRead } from './harness.js';

/** Harness over a temp DuckDB file. */
export const duckdbHarness: Harness = {
  name: 'duckdb',
  nativeUndrop: false,
  timeTravel: false,
  pipeline: { timestamp: 'TIMESTAMP', json: 'VARCHAR', jsonValue: (text) => `'${text.replaceAll("'", "''")}'` },
  async fresh() {
    const dir = await mkdtemp(join(tmpdir(), 'ckpt-contract-'));
    const warehouse = await DuckDbWarehouse.open({ path: join(dir, 'local.duckdb') });
    const base = target({ schema: 'DEMO' });
    const ref = { name: base.name, database: null, schema: base.schema, auditTable: base.auditTable };
    return {
      warehouse,
      base,
      sql: async (statement) => (await warehouse.query(ref, statement)).rows,
      // A spy on the driver's reads: every query's statement and the rows it returned.
      reads: async (work) => {
        const seen: StatementRead[] = [];
        const query = DuckDbDriver.prototype.query;
        const spy = vi.spyOn(DuckDbDriver.prototype, 'query').mockImplementation(async function (this: DuckDbDriver, sql: string) {
          const rows = await query.call(this, sql);
          seen.push({ sql, rows: rows.length });
          return rows;
        });
        try {
          await work();
        } finally {
          spy.mockRestore();
        }
        return seen;
      },
      close: async () => {
        await warehouse.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

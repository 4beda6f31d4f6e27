/**
 * Which tables observe asks POLICY_REFERENCES about (only those a plan could revert), and the one
 * statement it sends per batch (issue 12: row access and masking policies).
 */
import { describe, expect, it } from 'vitest';
import type { InventoryEntry, RecordedCheckpoint } from '../../src/model/observed.js';
import { POLICY_BATCH, policiesOn, policyReferencesQuery, revertCandidates } from '../../src/warehouse/snowflake/snowflake-policies.js';

const T = { database: 'APP', schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };
const table = (name: string, lastAltered: string | null, kind: 'TABLE' | 'VIEW' = 'TABLE'): InventoryEntry => ({
  name,
  kind,
  created: '2026-11-01T00:00:00.000Z',
  lastAltered,
  rowCount: 1,
  bytes: 1,
  retentionDays: 1,
  transient: false,
  hybrid: false,
  definition: null,
});
const checkpoint = (objects: InventoryEntry[]) => ({ objects }) as unknown as RecordedCheckpoint;

describe('policy look-ups', () => {
  it('ask only about live tables a checkpoint holds with another (or no) content version', () => {
    const live = [
      table('SAME', '2026-11-02T00:00:00.000Z'),
      table('CHANGED', '2026-11-03T00:00:00.000Z'),
      table('UNRECORDED', '2026-11-03T00:00:00.000Z'),
      table('NEW', '2026-11-03T00:00:00.000Z'),
      table('V', null, 'VIEW'),
    ];
    const checkpoints = [
      checkpoint([table('SAME', '2026-11-02T00:00:00.000Z'), table('CHANGED', '2026-11-02T00:00:00.000Z'), table('V', null, 'VIEW')]),
      checkpoint([table('SAME', '2026-11-02T00:00:00+00:00'), table('UNRECORDED', null)]),
    ];
    expect(revertCandidates(live, checkpoints)).toEqual(['CHANGED', 'UNRECORDED']);
    expect(revertCandidates(live, [])).toEqual([]);
  });

  it('one statement per batch, each table named quoted inside its literal', async () => {
    const sql = policyReferencesQuery(T, ['ORDERS', 'it\'s "odd"']);
    expect(sql).toContain(
      `TABLE("APP".INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => '"APP"."DEMO"."ORDERS"', REF_ENTITY_DOMAIN => 'table'))`,
    );
    expect(sql).toContain(`REF_ENTITY_NAME => '"APP"."DEMO"."it''s ""odd"""'`);
    expect(sql.split('UNION ALL')).toHaveLength(2);
    const sent: string[] = [];
    const found = await policiesOn(
      async (statement) => {
        sent.push(statement);
        return sent.length === 1
          ? [
              {
                POLICY_DB: 'GOV',
                POLICY_SCHEMA: 'P',
                POLICY_NAME: 'MASK',
                POLICY_KIND: 'MASKING_POLICY',
                REF_ENTITY_NAME: 'T0',
                REF_COLUMN_NAME: 'EMAIL',
              },
            ]
          : [];
      },
      T,
      Array.from({ length: POLICY_BATCH + 1 }, (_, i) => `T${i}`),
    );
    expect(sent).toHaveLength(2);
    expect([...found]).toEqual([['T0', [{ kind: 'MASKING_POLICY', name: ['GOV', 'P', 'MASK'], column: 'EMAIL' }]]]);
    expect(await policiesOn(async () => [], T, [])).toEqual(new Map());
  });
});

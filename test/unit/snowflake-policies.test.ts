/**
 * Which tables observe asks POLICY_REFERENCES about (only those a plan could revert), and the one
 * statement it sends per batch (issue 12: row access and masking policies).
 */
import { describe, expect, it } from 'vitest';
import type { InventoryEntry, RecordedCheckpoint } from '../../src/model/observed.js';
import { CkptError } from '../../src/model/errors.js';
import {
  GLOBAL_POLICY_PRIVILEGES,
  POLICY_BATCH,
  policiesOn,
  policyReferencesQuery,
  revertCandidates,
} from '../../src/warehouse/snowflake/snowflake-policies.js';

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

/** The account's grants: one role (CKPT) holds both global APPLY privileges on policies. */
const GRANTS = GLOBAL_POLICY_PRIVILEGES.map((privilege) => ({
  privilege,
  granted_on: 'ACCOUNT',
  granted_to: 'ROLE',
  grantee_name: 'CKPT',
}));
const MASK_ON_T0 = {
  POLICY_DB: 'GOV',
  POLICY_SCHEMA: 'P',
  POLICY_NAME: 'MASK',
  POLICY_KIND: 'MASKING_POLICY',
  REF_ENTITY_NAME: 'T0',
  REF_COLUMN_NAME: 'EMAIL',
};

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
        if (statement === 'SHOW GRANTS ON ACCOUNT') return GRANTS;
        if (statement.includes('IS_ROLE_IN_SESSION')) return [{ R0: true }];
        sent.push(statement);
        return sent.length === 1 ? [MASK_ON_T0] : [];
      },
      T,
      Array.from({ length: POLICY_BATCH + 1 }, (_, i) => `T${i}`),
    );
    expect(sent).toHaveLength(2);
    expect([...found]).toEqual([['T0', [{ kind: 'MASKING_POLICY', name: ['GOV', 'P', 'MASK'], column: 'EMAIL' }]]]);
    expect(await policiesOn(async () => [], T, [])).toEqual(new Map());
  });

  it('without both global APPLY privileges in session, a table with no visible reference is unreadable (null), not "no policy"', async () => {
    const ask = (grants: () => Promise<Record<string, unknown>[]>, inSession: boolean) =>
      policiesOn(
        async (statement) => {
          if (statement === 'SHOW GRANTS ON ACCOUNT') return grants();
          if (statement.includes('IS_ROLE_IN_SESSION')) return [{ R0: inSession }];
          return [MASK_ON_T0];
        },
        T,
        ['T0', 'T1'],
      );
    const seen = [{ kind: 'MASKING_POLICY', name: ['GOV', 'P', 'MASK'], column: 'EMAIL' }];
    expect([...(await ask(async () => GRANTS, true))]).toEqual([['T0', seen]]);
    expect([...(await ask(async () => GRANTS, false))]).toEqual([
      ['T0', seen],
      ['T1', null],
    ]);
    expect([...(await ask(async () => GRANTS.slice(0, 1), true))]).toEqual([
      ['T0', seen],
      ['T1', null],
    ]);
    const refused = async () => {
      throw new CkptError('NOT_AUTHORIZED', 'SHOW GRANTS ON ACCOUNT: insufficient privileges');
    };
    expect([...(await ask(refused, true))]).toEqual([
      ['T0', seen],
      ['T1', null],
    ]);
    const down = async () => {
      throw new CkptError('WAREHOUSE_UNREACHABLE', 'down');
    };
    await expect(ask(down, true)).rejects.toThrow('down');
  });
});

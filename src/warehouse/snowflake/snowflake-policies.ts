/**
 * Which tables carry policies that change what a read of them returns (row access, masking,
 * projection, aggregation): a content revert rewrites every row from such a read, so the planner
 * holds it back (docs/snowflake-behaviour.md#row-access-and-masking-policies). Snowflake lists a
 * table's policies in real time only through the INFORMATION_SCHEMA table function
 * POLICY_REFERENCES, one table per call (the ACCOUNT_USAGE view lags by up to two hours). So
 * observe asks only about the tables a plan could revert (those a checkpoint holds with another
 * content version), many calls in one statement (UNION ALL): one round trip per 100 such tables,
 * none when no table changed.
 *
 * POLICY_REFERENCES shows a role only the references it may see (the global APPLY ROW ACCESS
 * POLICY / APPLY MASKING POLICY privileges show all of a kind, APPLY on a policy that policy's),
 * leaving the others out without an error. So an empty answer proves "no policy" only when
 * ckpt's role holds both global privileges (SHOW GRANTS ON ACCOUNT, then IS_ROLE_IN_SESSION on their
 * grantees: two more round trips, only when some table could be reverted); otherwise a table
 * without a visible reference is reported as unreadable (null).
 */
import type { LiveObject, PolicyRef, RecordedCheckpoint } from '../../model/observed.js';
import { CkptError } from '../../model/errors.js';
import { quoteIdent } from '../../model/refs.js';
import { sameInstant } from '../../model/time.js';
import type { SnowflakeRow } from './snowflake-driver.js';
import { rolesHeld } from './snowflake-roles.js';
import { objectName, snowflakeLiteral, type SnowflakeTarget } from './snowflake-sql.js';

/** The tables one statement asks about. */
export const POLICY_BATCH = 100;

/** The policy kinds that change what a SELECT returns. */
const READ_POLICIES = ['ROW_ACCESS_POLICY', 'MASKING_POLICY', 'PROJECTION_POLICY', 'AGGREGATION_POLICY'];

/**
 * The live tables whose content a plan could revert: those a checkpoint holds under their name
 * with a content version (LAST_ALTERED) other than theirs, or none recorded. A checkpoint whose
 * entries observe did not read names none: no action of this plan can revert to it
 * (INVENTORY_NOT_READ holds such an action back).
 */
export function revertCandidates(objects: LiveObject[], checkpoints: RecordedCheckpoint[]): string[] {
  const recorded = new Map<string, Array<string | null>>();
  for (const c of checkpoints) {
    for (const o of c.objects ?? []) if (o.kind === 'TABLE') recorded.set(o.name, [...(recorded.get(o.name) ?? []), o.lastAltered]);
  }
  return objects
    .filter((o) => o.kind === 'TABLE')
    .filter((o) => (recorded.get(o.name) ?? []).some((at) => at === null || o.lastAltered === null || !sameInstant(at, o.lastAltered)))
    .map((o) => o.name);
}

/** One statement asking POLICY_REFERENCES about each of `names` (tables of the target's schema). */
export function policyReferencesQuery(t: SnowflakeTarget, names: string[]): string {
  const fn = `${quoteIdent(t.database)}.INFORMATION_SCHEMA.POLICY_REFERENCES`;
  const kinds = READ_POLICIES.map(snowflakeLiteral).join(', ');
  return names
    .map(
      (name) =>
        `SELECT POLICY_DB, POLICY_SCHEMA, POLICY_NAME, POLICY_KIND, REF_ENTITY_NAME, REF_COLUMN_NAME
  FROM TABLE(${fn}(REF_ENTITY_NAME => ${snowflakeLiteral(objectName(t, name))}, REF_ENTITY_DOMAIN => 'table'))
  WHERE POLICY_KIND IN (${kinds})`,
    )
    .join('\nUNION ALL\n');
}

/**
 * The account-level privileges that let a role see every policy reference of their kind
 * (https://docs.snowflake.com/en/sql-reference/functions/policy_references, usage notes).
 */
export const GLOBAL_POLICY_PRIVILEGES = ['APPLY ROW ACCESS POLICY', 'APPLY MASKING POLICY'];

/**
 * Whether the session holds every privilege of GLOBAL_POLICY_PRIVILEGES, through its role or one it
 * inherits. A role that may not list the account's grants cannot tell: false.
 */
export async function seesEveryPolicy(rows: (sql: string) => Promise<SnowflakeRow[]>): Promise<boolean> {
  let grants: SnowflakeRow[];
  try {
    grants = await rows('SHOW GRANTS ON ACCOUNT');
  } catch (error) {
    if (error instanceof CkptError && error.code === 'NOT_AUTHORIZED') return false;
    throw error;
  }
  const holders = (privilege: string) =>
    grants.filter((g) => g.privilege === privilege && g.granted_to === 'ROLE').map((g) => String(g.grantee_name));
  const held = await rolesHeld(rows, GLOBAL_POLICY_PRIVILEGES.flatMap(holders));
  return GLOBAL_POLICY_PRIVILEGES.every((privilege) => holders(privilege).some((r) => held.has(r)));
}

/**
 * The read-changing policies on each of `names` that has any, by table name; null for one with
 * none that ckpt's role can see when it cannot see every policy (seesEveryPolicy): it cannot tell.
 */
export async function policiesOn(
  rows: (sql: string) => Promise<SnowflakeRow[]>,
  t: SnowflakeTarget,
  names: string[],
): Promise<Map<string, PolicyRef[] | null>> {
  const found = new Map<string, PolicyRef[] | null>();
  if (names.length === 0) return found;
  const seesAll = await seesEveryPolicy(rows);
  for (let i = 0; i < names.length; i += POLICY_BATCH) {
    for (const row of await rows(policyReferencesQuery(t, names.slice(i, i + POLICY_BATCH)))) {
      const table = String(row.REF_ENTITY_NAME);
      const ref: PolicyRef = {
        kind: String(row.POLICY_KIND),
        name: [String(row.POLICY_DB), String(row.POLICY_SCHEMA), String(row.POLICY_NAME)],
        column: typeof row.REF_COLUMN_NAME === 'string' ? row.REF_COLUMN_NAME : null,
      };
      found.set(table, [...(found.get(table) ?? []), ref]);
    }
  }
  if (!seesAll) for (const name of names) if (!found.has(name)) found.set(name, null);
  return found;
}

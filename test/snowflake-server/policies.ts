// Row access and masking policies, enough to test what they do to ckpt's reads: CREATE [OR
// REPLACE] ROW ACCESS POLICY / MASKING POLICY ... AS (args) RETURNS type -> expression, ALTER TABLE
// ... ADD / DROP ROW ACCESS POLICY ... ON (columns), ALTER TABLE ... MODIFY | ALTER COLUMN ... SET /
// UNSET MASKING POLICY, their effect on every read of the table (AT and clones included: a clone
// keeps its source's policies), and the rows of the INFORMATION_SCHEMA table function
// POLICY_REFERENCES(REF_ENTITY_NAME => '...', REF_ENTITY_DOMAIN => 'table' | POLICY_NAME => '...'),
// which shows a reference only to a role allowed to see it (visibleTo).
// https://docs.snowflake.com/en/sql-reference/sql/create-row-access-policy,
// https://docs.snowflake.com/en/sql-reference/sql/create-masking-policy,
// https://docs.snowflake.com/en/sql-reference/functions/policy_references

import type { Catalog, ResolveContext, TableVersion } from './catalog.js';
import { alreadyExists, objectNotFound, SnowflakeError, unsupported } from './errors.js';
import type { InfoSchemaRows } from './info-schema.js';
import { displayName, parseNameString, type QualifiedName } from './names.js';
import { tokenize } from './tokenizer.js';

/** A policy: its arguments (names as stored) and its body (Snowflake SQL over them). */
export interface Policy {
  kind: 'ROW_ACCESS_POLICY' | 'MASKING_POLICY';
  database: string;
  schema: string;
  name: string;
  args: string[];
  body: string;
  owner: string;
}

/** The policies set on one table: at most one row access policy, at most one masking policy per column. */
export interface TablePolicies {
  rowAccess: { policy: Policy; columns: string[] } | null;
  masking: Map<string, Policy>;
}

/** The parsed CREATE ... POLICY statement. */
export interface CreatePolicy {
  kind: 'create-policy';
  policyKind: Policy['kind'];
  name: QualifiedName;
  orReplace: boolean;
  ifNotExists: boolean;
  args: string[];
  body: string;
}

/** The ALTER TABLE actions on policies. */
export type PolicyAction =
  | { kind: 'add-row-access-policy'; policy: QualifiedName; columns: string[] }
  | { kind: 'drop-row-access-policy'; policy: QualifiedName }
  | { kind: 'set-masking-policy'; column: string; policy: QualifiedName | null };

const key = (database: string, schema: string, name: string) => `${database}\u0000${schema}\u0000${name}`;

/** The account's policies, by database, schema and name. */
export class PolicyModel {
  private readonly policies = new Map<string, Policy>();

  constructor(private readonly catalog: Catalog) {}

  /** CREATE [OR REPLACE] ... POLICY [IF NOT EXISTS]: 002002 when it exists and neither is given. */
  create(cmd: CreatePolicy, ctx: ResolveContext, owner: string): string {
    const { schema, name } = this.catalog.container(cmd.name, ctx, `CREATE ${cmd.policyKind.replaceAll('_', ' ')}`);
    const k = key(schema.database.name, schema.name, name);
    if (this.policies.has(k)) {
      if (cmd.ifNotExists) return `${name} already exists, statement succeeded.`;
      if (!cmd.orReplace) throw alreadyExists(name);
    }
    this.policies.set(k, {
      kind: cmd.policyKind,
      database: schema.database.name,
      schema: schema.name,
      name,
      args: cmd.args,
      body: cmd.body,
      owner,
    });
    return `${cmd.policyKind === 'MASKING_POLICY' ? 'Masking' : 'Row access'} policy ${displayName([name])} successfully created.`;
  }

  /** A policy by (possibly partial) name; 002003 when there is none of that kind. */
  find(name: QualifiedName, kind: Policy['kind'], ctx: ResolveContext): Policy {
    const { schema, name: last } = this.catalog.container(name, ctx, 'ALTER TABLE');
    const policy = this.policies.get(key(schema.database.name, schema.name, last));
    if (policy?.kind !== kind) throw objectNotFound(displayName(name), kind === 'MASKING_POLICY' ? 'Masking policy' : 'Row access policy');
    return policy;
  }

  /** Applies an ALTER TABLE action on policies to `table`. */
  alter(table: TableVersion, action: PolicyAction, ctx: ResolveContext): void {
    const policies = (table.policies ??= { rowAccess: null, masking: new Map() });
    const column = (name: string) => {
      if (!table.columns.some((c) => c.name === name))
        throw new SnowflakeError('000904', '42000', `SQL compilation error: error line 0 at position 0\ninvalid identifier '${name}'`);
      return name;
    };
    if (action.kind === 'add-row-access-policy') {
      const policy = this.find(action.policy, 'ROW_ACCESS_POLICY', ctx);
      if (policies.rowAccess !== null) throw unsupported('a second ROW ACCESS POLICY on one table', 'a table has at most one');
      if (action.columns.length !== policy.args.length)
        throw unsupported('ROW ACCESS POLICY ... ON with another number of columns than the policy has arguments');
      policies.rowAccess = { policy, columns: action.columns.map(column) };
    } else if (action.kind === 'drop-row-access-policy') {
      const policy = this.find(action.policy, 'ROW_ACCESS_POLICY', ctx);
      if (policies.rowAccess?.policy !== policy) throw objectNotFound(displayName(action.policy), 'Row access policy');
      policies.rowAccess = null;
    } else if (action.policy === null) {
      policies.masking.delete(column(action.column));
    } else {
      const policy = this.find(action.policy, 'MASKING_POLICY', ctx);
      if (policies.masking.has(column(action.column))) throw unsupported('SET MASKING POLICY on a column that has one', 'UNSET it first');
      policies.masking.set(action.column, policy);
    }
  }

  /**
   * Which policies' references POLICY_REFERENCES shows a session in `role`: Snowflake returns
   * "based on the privileges granted to the role executing the query" — all masking (row access)
   * policy references to a role with the global APPLY MASKING (ROW ACCESS) POLICY privilege, and
   * those of one policy to a role with APPLY on it
   * (https://docs.snowflake.com/en/sql-reference/functions/policy_references, usage notes). The
   * other rows are left out silently, no error. Stricter reading where the notes leave it open:
   * APPLY on one policy is not modelled, so besides the global privileges only the policy's owner
   * role (or one inheriting it) sees its references. No role: seeded without a session, sees all.
   */
  private visibleTo(role: string | undefined): (policy: Policy) => boolean {
    const global = (policy: Policy) => `APPLY ${policy.kind.replaceAll('_', ' ')}`;
    return (policy) =>
      role === undefined || this.catalog.access.inherits(role, policy.owner) || this.catalog.access.holdsOnAccount(role, global(policy));
  }

  /** The rows of POLICY_REFERENCES for its named arguments (string literals, as Snowflake takes them). */
  references(args: Map<string, string>, ctx: ResolveContext): InfoSchemaRows {
    const entity = args.get('REF_ENTITY_NAME');
    const domain = args.get('REF_ENTITY_DOMAIN');
    const policyName = args.get('POLICY_NAME');
    const rows: InfoSchemaRows['rows'] = [];
    if (entity !== undefined && domain !== undefined && args.size === 2) {
      if (domain.toUpperCase() !== 'TABLE')
        throw unsupported(`POLICY_REFERENCES(REF_ENTITY_DOMAIN => '${domain}')`, "only 'table' is modelled");
      const table = this.catalog.resolve(parseNameString(entity), ctx, 'POLICY_REFERENCES');
      if (table.kind === 'table') rows.push(...referenceRows(table, this.visibleTo(ctx.role)));
    } else if (policyName !== undefined && args.size === 1) {
      const { schema, name } = this.catalog.container(parseNameString(policyName), ctx, 'POLICY_REFERENCES');
      const policy = this.policies.get(key(schema.database.name, schema.name, name));
      if (policy === undefined) throw objectNotFound(policyName, 'Policy');
      for (const db of this.catalog.databases.values())
        for (const s of db.schemas.values())
          for (const o of s.objects.values())
            if (o.kind === 'table')
              rows.push(
                ...referenceRows(o, this.visibleTo(ctx.role)).filter(
                  (r) => r[2] === policy.name && r[0] === policy.database && r[1] === policy.schema,
                ),
              );
    } else {
      throw new SnowflakeError(
        '001044',
        '42P13',
        "SQL compilation error: error line 1 at position 0\nInvalid argument types for function 'POLICY_REFERENCES': give REF_ENTITY_NAME and REF_ENTITY_DOMAIN, or POLICY_NAME",
      );
    }
    return { columns: REFERENCE_COLUMNS.map((name) => ({ name, duck: 'VARCHAR' })), rows };
  }
}

const REFERENCE_COLUMNS = [
  'POLICY_DB',
  'POLICY_SCHEMA',
  'POLICY_NAME',
  'POLICY_KIND',
  'REF_DATABASE_NAME',
  'REF_SCHEMA_NAME',
  'REF_ENTITY_NAME',
  'REF_ENTITY_DOMAIN',
  'REF_COLUMN_NAME',
  'REF_ARG_COLUMN_NAMES',
  'TAG_DATABASE',
  'TAG_SCHEMA',
  'TAG_NAME',
  'POLICY_STATUS',
];

/** POLICY_REFERENCES rows of one table that `visible` lets through: its row access policy, then its masking policies by column. */
function referenceRows(table: TableVersion, visible: (policy: Policy) => boolean): InfoSchemaRows['rows'] {
  const p = table.policies;
  if (p === undefined) return [];
  const row = (policy: Policy, column: string | null, argColumns: string[] | null) => [
    policy.database,
    policy.schema,
    policy.name,
    policy.kind,
    table.schema.database.name,
    table.schema.name,
    table.name,
    'TABLE',
    column,
    argColumns === null ? null : `[ ${argColumns.map((c) => `"${c}"`).join(', ')} ]`,
    null,
    null,
    null,
    'ACTIVE',
  ];
  return [
    ...(p.rowAccess === null || !visible(p.rowAccess.policy) ? [] : [row(p.rowAccess.policy, null, p.rowAccess.columns)]),
    ...[...p.masking].filter(([, policy]) => visible(policy)).map(([column, policy]) => row(policy, column, null)),
  ];
}

/** A copy of a table's policies, for its clone. */
export function clonedPolicies(p: TablePolicies | undefined): TablePolicies | undefined {
  return p === undefined ? undefined : { rowAccess: p.rowAccess === null ? null : { ...p.rowAccess }, masking: new Map(p.masking) };
}

/** A policy's body with each argument replaced by the quoted column it is bound to (token-aware: strings are left alone). */
export function boundBody(policy: Policy, columns: string[]): string {
  let out = '';
  for (const t of tokenize(policy.body)) {
    const arg = t.kind === 'word' ? policy.args.indexOf(t.text.toUpperCase()) : t.kind === 'quoted' ? policy.args.indexOf(t.value) : -1;
    out += arg >= 0 ? `"${(columns[arg] as string).replaceAll('"', '""')}"` : t.text;
  }
  return out;
}

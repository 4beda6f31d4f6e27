/**
 * What `ckpt connection test` checks on a Snowflake connection, as data: the statements it runs
 * (through an injected runner, so the Snowflake adapter's query path runs them) and what their rows
 * mean, each as a line `ok` / `warn` / `fail` with what to do. The session: who is logged in, the
 * role and warehouse, the session parameters ckpt pins at connect (snowflake-session-pins.ts:
 * a value other than the pinned one means the pin did not hold; docs/snowflake-behaviour.md,
 * "Session parameters that change meaning") and the account's
 * retention settings (pitfall 3). Each target: its database and schema exist, its role may create
 * tables there and owns the tables and views ckpt may drop or undrop (pitfall 16: DROP and UNDROP
 * need OWNERSHIP, UNDROP and the audit table CREATE TABLE on the schema; through the role hierarchy,
 * asked with IS_ROLE_IN_SESSION), and each table's Time Travel retention (pitfall 3). Names are
 * quoted, literals escaped; no value of the connection's options is ever part of a line.
 */
import { displayIdent, quoteIdent } from '../../model/refs.js';
import { protectedNames } from '../../model/protect.js';
import { CkptError } from '../../model/errors.js';
import { ownTables } from '../../model/desired.js';
import type { SnowflakeRow } from './snowflake-driver.js';
import { snowflakeLiteral } from './snowflake-sql.js';
import { rolesHeld } from './snowflake-roles.js';

/** How one check came out. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `ckpt connection test`. */
export interface Check {
  /** What was checked, e.g. `found`, `login`, `warehouse`, `schema`, `table-owners`, `retention`. */
  check: string;
  status: CheckStatus;
  /** What was found, for a person. */
  message: string;
  /** What to do about it; null when ok. */
  fix: string | null;
}

/** Runs one statement on the connection and returns its rows; failures are CkptErrors. */
export type RunSql = (sql: string) => Promise<SnowflakeRow[]>;

/** Who and where the session is. */
export interface SessionFacts {
  user: string | null;
  role: string | null;
  warehouse: string | null;
  database: string | null;
  account: string | null;
}

/** What a target's checks need to know about it. */
export interface TargetToCheck {
  name: string;
  /** null: the connection's database. */
  database: string | null;
  schema: string;
  auditTable: string;
  protect: string[];
}

const ok = (check: string, message: string): Check => ({ check, status: 'ok', message, fix: null });
const warn = (check: string, message: string, fix: string): Check => ({ check, status: 'warn', message, fix });
const fail = (check: string, message: string, fix: string): Check => ({ check, status: 'fail', message, fix });

const text = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

/** A list of names for a line: the first few, and how many more. */
function some(names: string[], max = 5): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** A failure as a line, with the error's hint as the fix. */
export function failure(check: string, error: unknown, fallbackFix: string): Check {
  return fail(check, errorText(error), error instanceof CkptError && error.hint !== undefined ? error.hint : fallbackFix);
}

/** The statement that says who and where the session is. */
export const SESSION_SQL =
  'SELECT CURRENT_USER() AS USER_NAME, CURRENT_ROLE() AS ROLE_NAME, CURRENT_WAREHOUSE() AS WAREHOUSE_NAME, CURRENT_DATABASE() AS DATABASE_NAME, CURRENT_ACCOUNT() AS ACCOUNT_NAME';

/** Who and where, from SESSION_SQL's row. */
export function sessionFacts(row: SnowflakeRow | undefined): SessionFacts {
  return {
    user: text(row?.USER_NAME),
    role: text(row?.ROLE_NAME),
    warehouse: text(row?.WAREHOUSE_NAME),
    database: text(row?.DATABASE_NAME),
    account: text(row?.ACCOUNT_NAME),
  };
}

/** The login, role and warehouse lines. */
export function sessionChecks(facts: SessionFacts): Check[] {
  const checks = [ok('login', `logged in as ${facts.user ?? '?'} to account ${facts.account ?? '?'}`)];
  checks.push(
    facts.role === null
      ? fail('role', 'the session has no current role', 'set `role` in the connection to a role granted to the user')
      : ok('role', `role ${facts.role}`),
  );
  checks.push(
    facts.warehouse === null
      ? fail(
          'warehouse',
          'the session has no warehouse: ckpt reads INFORMATION_SCHEMA and writes its audit rows, which need one',
          'set `warehouse` in the connection (or SNOWFLAKE_WAREHOUSE), or give the user a DEFAULT_WAREHOUSE',
        )
      : ok('warehouse', `warehouse ${facts.warehouse}`),
  );
  return checks;
}

/** The session parameters ckpt pins at connect, their pinned value, and what another value would do. */
const PARAMETERS: Array<{ key: string; expected: string; effect: string }> = [
  {
    key: 'AUTOCOMMIT',
    expected: 'true',
    effect: 'ckpt’s audit rows, lease and reverts would stay in an open transaction and be rolled back',
  },
  {
    key: 'QUOTED_IDENTIFIERS_IGNORE_CASE',
    expected: 'false',
    effect: 'ckpt’s quoted names resolve in upper case: mixed- and lower-case objects become unreachable',
  },
  {
    key: 'TIMESTAMP_INPUT_FORMAT',
    expected: 'AUTO',
    effect: 'Time Travel points ckpt writes as ISO text are refused',
  },
  {
    key: 'ROWS_PER_RESULTSET',
    expected: '0',
    effect: 'observing a schema is cut short, and missing objects look dropped',
  },
  { key: 'TIMEZONE', expected: 'UTC', effect: 'timestamps ckpt reads and writes as text would be wall-clock times of another zone' },
];

/** The statement that shows the session's parameters. */
export const PARAMETERS_SQL = 'SHOW PARAMETERS IN SESSION';

/** Where a parameter is set, and how to put it back. */
function parameterFix(key: string, level: string, user: string | null): string {
  if (level === 'USER') return `ALTER USER ${user === null ? '<user>' : quoteIdent(user)} UNSET ${key}`;
  if (level === 'ACCOUNT')
    return `ask an account administrator: ALTER ACCOUNT UNSET ${key} (or set it for this user: ALTER USER … SET ${key})`;
  return `unset ${key} where the session gets it (level ${level === '' ? 'default' : level})`;
}

/** The parameter lines from SHOW PARAMETERS IN SESSION (columns key, value, level). */
export function parameterChecks(rows: SnowflakeRow[], facts: SessionFacts): Check[] {
  const byKey = new Map(rows.map((r) => [String(r.key).toUpperCase(), r]));
  const checks: Check[] = [];
  const fine: string[] = [];
  for (const p of PARAMETERS) {
    const row = byKey.get(p.key);
    const value = text(row?.value) ?? '';
    if (row === undefined || value.toLowerCase() === p.expected.toLowerCase()) {
      fine.push(p.key);
      continue;
    }
    const level = text(row.level) ?? '';
    // ckpt pins these at connect: another value means the pin did not hold.
    const message = `${p.key} is ${value}${level === '' ? '' : ` (set on the ${level})`}, not ${p.expected}, although ckpt sets it when it connects: ${p.effect}`;
    checks.push(fail('parameters', message, parameterFix(p.key, level, facts.user)));
  }
  if (fine.length > 0) checks.unshift(ok('parameters', `${fine.join(', ')} as ckpt expects`));
  return checks;
}

/** The statement that shows the account's retention settings. */
export const ACCOUNT_RETENTION_SQL = "SHOW PARAMETERS LIKE '%DATA_RETENTION_TIME_IN_DAYS' IN ACCOUNT";

/** The account's DATA_RETENTION_TIME_IN_DAYS and MIN_DATA_RETENTION_TIME_IN_DAYS (pitfall 3). */
export function accountRetentionCheck(rows: SnowflakeRow[]): Check {
  const value = (key: string): number | null => {
    const row = rows.find((r) => String(r.key).toUpperCase() === key);
    return row === undefined ? null : Number(row.value);
  };
  const retention = value('DATA_RETENTION_TIME_IN_DAYS');
  const minimum = value('MIN_DATA_RETENTION_TIME_IN_DAYS');
  const said = `account: DATA_RETENTION_TIME_IN_DAYS ${retention ?? '?'}, MIN_DATA_RETENTION_TIME_IN_DAYS ${minimum ?? '?'}`;
  if (retention === 0 && (minimum ?? 0) === 0) {
    return warn(
      'account-retention',
      `${said}: Time Travel is off unless a database, schema or table sets it, so a dropped table cannot be undropped`,
      'set DATA_RETENTION_TIME_IN_DAYS on the target’s schema (ALTER SCHEMA … SET DATA_RETENTION_TIME_IN_DAYS = 1), or on the account',
    );
  }
  if (minimum !== null && minimum > 0) {
    return ok(
      'account-retention',
      `${said}; ckpt counts restore windows from each table’s RETENTION_TIME and may give up before Snowflake would (docs/snowflake-behaviour.md#pitfall-3)`,
    );
  }
  return ok('account-retention', said);
}

/** The statement that finds the target's schema (it fails when the database is missing or hidden). */
export function schemaSql(database: string, schema: string): string {
  return `SELECT SCHEMA_NAME, SCHEMA_OWNER, RETENTION_TIME, IS_TRANSIENT FROM ${quoteIdent(database)}.INFORMATION_SCHEMA.SCHEMATA WHERE SCHEMA_NAME = ${snowflakeLiteral(schema)}`;
}

/** The statement that lists the tables and views of the target's schema, with owners and retention. */
export function tablesSql(database: string, schema: string): string {
  return `SELECT TABLE_NAME, TABLE_TYPE, TABLE_OWNER, RETENTION_TIME, IS_TRANSIENT FROM ${quoteIdent(database)}.INFORMATION_SCHEMA.TABLES
WHERE TABLE_SCHEMA = ${snowflakeLiteral(schema)} AND TABLE_TYPE IN ('BASE TABLE', 'VIEW') ORDER BY TABLE_NAME`;
}

/** The privileges on a schema that matter to ckpt, from SHOW GRANTS ON SCHEMA (columns privilege, granted_to, grantee_name). */
export function schemaGrants(rows: SnowflakeRow[]): { owner: string | null; createTable: string[] } {
  const toRole = rows.filter((r) => String(r.granted_to ?? '').toUpperCase() === 'ROLE');
  const owner = toRole.find((r) => String(r.privilege).toUpperCase() === 'OWNERSHIP');
  return {
    owner: owner === undefined ? null : String(owner.grantee_name),
    createTable: toRole.filter((r) => /^(CREATE TABLE|ALL)$/i.test(String(r.privilege))).map((r) => String(r.grantee_name)),
  };
}

/** One table or view of the schema, as INFORMATION_SCHEMA.TABLES shows it. */
interface SchemaObjectRow {
  name: string;
  view: boolean;
  owner: string | null;
  retention: number | null;
}

function objectRows(rows: SnowflakeRow[]): SchemaObjectRow[] {
  return rows.map((r) => ({
    name: String(r.TABLE_NAME),
    view: r.TABLE_TYPE === 'VIEW',
    owner: text(r.TABLE_OWNER),
    retention: r.RETENTION_TIME === null || r.RETENTION_TIME === undefined ? null : Number(r.RETENTION_TIME),
  }));
}

/** Whether the role may create tables in the schema: it owns it, or CREATE TABLE is granted to a role it has. */
export function schemaPrivilegeCheck(
  place: string,
  grants: { owner: string | null; createTable: string[] },
  inSession: (role: string) => boolean,
  role: string | null,
): Check {
  if (grants.owner !== null && inSession(grants.owner)) {
    return ok('schema-privileges', `role ${role ?? '?'} owns ${place}${grants.owner === role ? '' : ` (through ${grants.owner})`}`);
  }
  const creator = grants.createTable.find(inSession);
  if (creator !== undefined) {
    return ok(
      'schema-privileges',
      `role ${role ?? '?'} may create tables in ${place} (CREATE TABLE granted to ${creator}); its owner is ${grants.owner ?? '?'}`,
    );
  }
  return fail(
    'schema-privileges',
    `role ${role ?? '?'} neither owns ${place} (owner: ${grants.owner ?? '?'}) nor may create tables there: ckpt creates its audit table, lease and journal there, and UNDROP needs CREATE TABLE`,
    `GRANT CREATE TABLE ON SCHEMA ${place} TO ROLE ${role ?? '<role>'}, or GRANT ROLE ${grants.owner ?? '<owner>'} TO ROLE ${role ?? '<role>'}, or use the owner's role in the connection (role = "…")`,
  );
}

/** Whether the role owns every table and view ckpt may drop, undrop or revert (the protected ones and ckpt's own aside). */
export function ownerCheck(
  place: string,
  objects: SchemaObjectRow[],
  isProtected: (name: string) => boolean,
  inSession: (role: string) => boolean,
  role: string | null,
): Check {
  const managed = objects.filter((o) => !isProtected(o.name));
  const foreign = managed.filter((o) => o.owner === null || !inSession(o.owner));
  if (foreign.length === 0) {
    const kept = objects.filter((o) => isProtected(o.name) && (o.owner === null || !inSession(o.owner))).length;
    return ok(
      'table-owners',
      `role ${role ?? '?'} owns all ${managed.length} tables and views ckpt may drop or restore in ${place}${kept > 0 ? ` (${kept} protected one${kept === 1 ? '' : 's'} owned by other roles are never touched)` : ''}`,
    );
  }
  const named = foreign.map((o) => `${displayIdent(o.name)} (${o.owner ?? 'owner not visible'})`);
  return fail(
    'table-owners',
    `${foreign.length} of ${managed.length} tables and views in ${place} are owned by roles ${role ?? '?'} does not have: ${some(named)}; DROP, UNDROP and reverts of them fail`,
    `GRANT OWNERSHIP ON TABLE ${place}.<name> TO ROLE ${role ?? '<role>'} COPY CURRENT GRANTS (or ON VIEW), or protect them in the file (protect: [...])`,
  );
}

/** Each table's Time Travel retention, and the schema's default for new tables (pitfall 3). */
export function retentionCheck(place: string, tables: SchemaObjectRow[], schemaRetention: number | null): Check {
  const zero = tables.filter((t) => t.retention === 0).map((t) => displayIdent(t.name));
  if (zero.length > 0) {
    return warn(
      'retention',
      `Time Travel is off (retention 0) for ${some(zero)} in ${place}: ckpt cannot undrop them or revert their content; only a keep: clone checkpoint brings them back`,
      `ALTER TABLE ${place}.<name> SET DATA_RETENTION_TIME_IN_DAYS = 1 (or more)`,
    );
  }
  if (schemaRetention === 0) {
    return warn(
      'retention',
      `${place} has DATA_RETENTION_TIME_IN_DAYS 0: tables created there get no Time Travel, so ckpt cannot undrop them`,
      `ALTER SCHEMA ${place} SET DATA_RETENTION_TIME_IN_DAYS = 1 (or more)`,
    );
  }
  const known = tables.filter((t): t is SchemaObjectRow & { retention: number } => t.retention !== null);
  if (known.length === 0) return ok('retention', `no tables yet in ${place}; new ones keep Time Travel for ${days(schemaRetention ?? 1)}`);
  const byDays = new Map<number, string[]>();
  for (const t of known) byDays.set(t.retention, [...(byDays.get(t.retention) ?? []), displayIdent(t.name)]);
  const groups = [...byDays].sort(([a], [b]) => a - b);
  const shortest = groups[0]?.[0] ?? 0;
  return ok(
    'retention',
    `Time Travel retention in ${place}: ${groups.map(([d, names]) => `${days(d)}: ${some(names)}`).join('; ')}; a checkpoint's content is restorable for ${days(shortest)} (longer with keep: clone)`,
  );
}

/**
 * The checks of one target: database and schema, privileges, table owners, retention, audit table.
 * Long on purpose: one straight sequence of statements, each result feeding the next check, and
 * a missing database or schema stops the rest.
 */
export async function targetChecks(run: RunSql, target: TargetToCheck, facts: SessionFacts): Promise<Check[]> {
  const database = target.database ?? facts.database;
  if (database === null) {
    return [
      fail(
        'database',
        `target ${target.name} names no database and the connection has none`,
        'add `database:` to the target, or `database` to the connection',
      ),
    ];
  }
  const place = `${displayIdent(database)}.${displayIdent(target.schema)}`;
  let schemaRows: SnowflakeRow[];
  try {
    schemaRows = await run(schemaSql(database, target.schema));
  } catch (error) {
    if (!(error instanceof CkptError) || error.code !== 'OBJECT_MISSING') return [failure('database', error, 'check the database name')];
    return [
      fail(
        'database',
        `database ${displayIdent(database)} does not exist, or role ${facts.role ?? '?'} cannot see it`,
        `check \`database:\` of the target (or the connection's database), or GRANT USAGE ON DATABASE ${displayIdent(database)} TO ROLE ${facts.role ?? '<role>'}`,
      ),
    ];
  }
  const checks: Check[] = [ok('database', `database ${displayIdent(database)}`)];
  const schemaRow = schemaRows[0];
  if (schemaRow === undefined) {
    checks.push(
      fail(
        'schema',
        `schema ${place} does not exist, or role ${facts.role ?? '?'} cannot see it: ckpt plans nothing for this target`,
        `CREATE SCHEMA ${quoteIdent(database)}.${quoteIdent(target.schema)}, or \`ckpt init --connection <name> --schema ${displayIdent(target.schema)}\``,
      ),
    );
    return checks;
  }
  const schemaRetention =
    schemaRow.RETENTION_TIME === null || schemaRow.RETENTION_TIME === undefined ? null : Number(schemaRow.RETENTION_TIME);
  checks.push(
    ok(
      'schema',
      `schema ${place}${schemaRow.IS_TRANSIENT === 'YES' ? ' (transient)' : ''}, retention ${schemaRetention === null ? '?' : days(schemaRetention)}`,
    ),
  );

  let grants: { owner: string | null; createTable: string[] };
  let grantsNote: Check | null = null;
  try {
    grants = schemaGrants(await run(`SHOW GRANTS ON SCHEMA ${quoteIdent(database)}.${quoteIdent(target.schema)}`));
  } catch (error) {
    grants = { owner: text(schemaRow.SCHEMA_OWNER), createTable: [] };
    grantsNote = warn(
      'schema-grants',
      `could not read the grants on ${place}: ${errorText(error)}`,
      'ask an administrator which roles have CREATE TABLE on it',
    );
  }
  const objects = objectRows(await run(tablesSql(database, target.schema)));
  const roles = [...new Set([grants.owner, ...grants.createTable, ...objects.map((o) => o.owner)].filter((r): r is string => r !== null))];
  const held = await rolesHeld(run, roles);
  const inSession = (role: string) => held.has(role);
  const isProtected = protectedNames(target.auditTable, target.protect, 'exact');
  const own = new Set(ownTables(target.auditTable));

  checks.push(schemaPrivilegeCheck(place, grants, inSession, facts.role));
  if (grantsNote !== null) checks.push(grantsNote);
  checks.push(
    ownerCheck(
      place,
      objects.filter((o) => !own.has(o.name)),
      isProtected,
      inSession,
      facts.role,
    ),
  );
  checks.push(
    retentionCheck(
      place,
      objects.filter((o) => !o.view && !own.has(o.name)),
      schemaRetention,
    ),
  );
  checks.push(
    objects.some((o) => o.name === target.auditTable && !o.view)
      ? ok('audit-table', `audit table ${displayIdent(target.auditTable)} exists`)
      : ok('audit-table', `audit table ${displayIdent(target.auditTable)} does not exist yet: the first reconcile creates it`),
  );
  return checks;
}

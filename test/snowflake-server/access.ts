// Roles and grants: account roles (the system ones and CREATE ROLE), the role hierarchy (GRANT ROLE),
// owners of databases, schemas, tables and views, and privileges granted on them (GRANT). Recorded and
// reported (SHOW GRANTS ON, IS_ROLE_IN_SESSION, the owner columns of SHOW and INFORMATION_SCHEMA);
// OWNERSHIP is enforced where Snowflake requires it of tables and views (DROP, UNDROP, ALTER:
// requireOwnership), other privileges are not; a secure view's text is shown to its owner role
// alone (definitionHidden). Account-level privileges (GRANT … ON ACCOUNT, SHOW GRANTS ON ACCOUNT) are
// recorded; of them, only the global APPLY privileges on policies have an effect (which policy
// references POLICY_REFERENCES shows: policies.ts). Secondary roles are not modelled.

import { objectNotFound, SnowflakeError, unsupported } from './errors.js';
import { displayName } from './names.js';
import { column, StatementType, statusResult, wireValue, type ResultSet } from './results.js';
import type { Catalog, Database, ResolveContext, Schema, SchemaObject } from './catalog.js';
import type { Command, GrantableKind } from './ddl-parser.js';
import type { Session } from './session.js';

/** A privilege granted to a role on one object (OWNERSHIP is the object's `owner`). */
export interface Grant {
  privilege: string;
  grantee: string;
  grantedBy: string;
  created: Date;
}

/** The system roles and the ones each inherits (ACCOUNTADMIN > SYSADMIN, SECURITYADMIN > USERADMIN). */
const SYSTEM_ROLES: Record<string, string[]> = {
  ACCOUNTADMIN: ['SYSADMIN', 'SECURITYADMIN'],
  SECURITYADMIN: ['USERADMIN'],
  USERADMIN: [],
  SYSADMIN: [],
  ORGADMIN: [],
  PUBLIC: [],
};

/** Roles, their hierarchy and the grants on objects, for one account. */
export class AccessModel {
  /** Each role and the roles granted to it (whose privileges it inherits). */
  readonly roles = new Map<string, Set<string>>(Object.entries(SYSTEM_ROLES).map(([r, inherits]) => [r, new Set(inherits)]));
  /** Privileges granted on an object, by the object's id. */
  private readonly grants = new Map<number, Grant[]>();
  /**
   * Account-level privileges. The test server's reading: ACCOUNTADMIN, the top system role, holds
   * the global APPLY privileges on policies from the start; any other role only once granted them
   * (GRANT … ON ACCOUNT). Other account-level privileges of the system roles are not listed.
   */
  readonly accountGrants: Grant[] = ['APPLY MASKING POLICY', 'APPLY ROW ACCESS POLICY'].map((privilege) => ({
    privilege,
    grantee: 'ACCOUNTADMIN',
    grantedBy: '',
    created: new Date(0),
  }));

  /** Throws 002003 unless the role exists. */
  requireRole(name: string): void {
    if (!this.roles.has(name)) throw objectNotFound(name, 'Role');
  }

  /** Whether `role` is `active` or below it in the hierarchy; every role inherits PUBLIC. */
  inherits(active: string, role: string): boolean {
    if (role === 'PUBLIC' || role === active) return this.roles.has(role);
    const seen = new Set<string>();
    const queue = [active];
    while (queue.length > 0) {
      const next = queue.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const child of this.roles.get(next) ?? []) {
        if (child === role) return true;
        queue.push(child);
      }
    }
    return false;
  }

  /**
   * Whether a view's text (VIEW_DEFINITION, SHOW VIEWS' text, GET_DDL) is hidden from a session
   * in `role`: a secure view's is shown only to its owner role, or a role that inherits it
   * (https://docs.snowflake.com/en/user-guide/views-secure). No role: seeded without a session.
   */
  definitionHidden(role: string | undefined, view: { secure: boolean; owner: string }): boolean {
    return view.secure && role !== undefined && !this.inherits(role, view.owner);
  }

  /** IS_ROLE_IN_SESSION('<name>'): the session's role is it or inherits it (names as stored, case-sensitive). */
  inSession(session: Session, role: string): boolean {
    return this.inherits(session.role, role);
  }

  /** Whether `role` holds the account-level `privilege` (granted to it or to a role it inherits). */
  holdsOnAccount(role: string, privilege: string): boolean {
    return this.accountGrants.some((g) => g.privilege === privilege && this.inherits(role, g.grantee));
  }

  grantsOn(id: number): Grant[] {
    return this.grants.get(id) ?? [];
  }

  addGrant(id: number, grant: Grant): void {
    const list = this.grants.get(id) ?? [];
    if (!list.some((g) => g.privilege === grant.privilege && g.grantee === grant.grantee)) list.push(grant);
    this.grants.set(id, list);
  }

  /** REVOKE CURRENT GRANTS of GRANT OWNERSHIP. */
  clearGrants(id: number): void {
    this.grants.delete(id);
  }
}

/**
 * Throws Snowflake's access-control error unless the session's role owns `object` (is its owner or
 * inherits it): DROP, UNDROP and ALTER of a table or view need OWNERSHIP
 * (https://docs.snowflake.com/en/sql-reference/sql/drop-table, …/undrop-table, …/alter-table).
 */
export function requireOwnership(access: AccessModel, session: Session, object: { name: string; owner: string }, kind: string): void {
  if (access.inSession(session, object.owner)) return;
  throw new SnowflakeError('003001', '42501', `SQL access control error:\nInsufficient privileges to operate on ${kind} '${object.name}'`);
}

/** What a GRANT or SHOW GRANTS ON names. */
type Grantable =
  { kind: 'DATABASE'; object: Database } | { kind: 'SCHEMA'; object: Schema } | { kind: 'TABLE' | 'VIEW'; object: SchemaObject };

function grantable(catalog: Catalog, on: { kind: GrantableKind; name: string[] }, ctx: ResolveContext, action: string): Grantable {
  if (on.kind === 'DATABASE') {
    if (on.name.length !== 1) throw objectNotFound(displayName(on.name), 'Database');
    return { kind: 'DATABASE', object: catalog.database(on.name[0], ctx, action) };
  }
  if (on.kind === 'SCHEMA') return { kind: 'SCHEMA', object: catalog.schema(on.name, ctx, action) };
  const object = catalog.resolve(on.name, ctx, action);
  if (object.kind !== (on.kind === 'TABLE' ? 'table' : 'view'))
    throw new SnowflakeError(
      '002203',
      '02000',
      `SQL compilation error:\nObject found is of type '${object.kind.toUpperCase()}', not specified type '${on.kind}'.`,
    );
  return { kind: on.kind, object };
}

function qualified(g: Grantable): string {
  if (g.kind === 'DATABASE') return displayName([g.object.name]);
  if (g.kind === 'SCHEMA') return displayName([g.object.database.name, g.object.name]);
  return displayName([g.object.schema.database.name, g.object.schema.name, g.object.name]);
}

/** CREATE ROLE, GRANT ROLE and GRANT on an object. */
export function applyAccessCommand(catalog: Catalog, session: Session, cmd: Command): ResultSet {
  const access = catalog.access;
  switch (cmd.kind) {
    case 'create-role':
      if (access.roles.has(cmd.name)) {
        if (cmd.ifNotExists) return statusResult(`${cmd.name} already exists, statement succeeded.`);
        if (!cmd.orReplace) throw new SnowflakeError('002002', '42710', `SQL compilation error:\nObject '${cmd.name}' already exists.`);
      }
      access.roles.set(cmd.name, new Set());
      return statusResult(`Role ${cmd.name} successfully created.`);
    case 'grant-role':
      access.requireRole(cmd.role);
      access.requireRole(cmd.to);
      // Snowflake refuses a grant that makes a cycle; its exact error is not modelled.
      if (access.inherits(cmd.role, cmd.to)) throw unsupported('GRANT ROLE that makes a cycle in the role hierarchy');
      access.roles.get(cmd.to)?.add(cmd.role);
      return statusResult('Statement executed successfully.');
    case 'grant-on-account':
      access.requireRole(cmd.to);
      for (const privilege of cmd.privileges)
        if (!access.accountGrants.some((g) => g.privilege === privilege && g.grantee === cmd.to))
          access.accountGrants.push({ privilege, grantee: cmd.to, grantedBy: 'ACCOUNTADMIN', created: catalog.now() });
      return statusResult('Statement executed successfully.');
    case 'grant': {
      access.requireRole(cmd.to);
      const target = grantable(catalog, cmd.on, session.resolveContext(), 'GRANT');
      if (cmd.privileges[0] === 'OWNERSHIP') {
        target.object.owner = cmd.to;
        if (cmd.currentGrants === 'REVOKE') access.clearGrants(target.object.id);
        return statusResult('Statement executed successfully.');
      }
      for (const privilege of cmd.privileges)
        access.addGrant(target.object.id, { privilege, grantee: cmd.to, grantedBy: target.object.owner, created: catalog.now() });
      return statusResult('Statement executed successfully.');
    }
    default:
      throw new SnowflakeError('000002', '0A000', `Unsupported feature '${cmd.kind}'.`);
  }
}

/** SHOW GRANTS ON <object>: its OWNERSHIP row and the privileges granted on it. */
export function showGrants(catalog: Catalog, session: Session, cmd: Extract<Command, { kind: 'show-grants' }>): ResultSet {
  const target = grantable(catalog, cmd.on, session.resolveContext(), 'SHOW GRANTS');
  const name = qualified(target);
  return grantRows([
    [target.object.created, 'OWNERSHIP', target.kind, name, 'ROLE', target.object.owner, 'true', target.object.owner],
    ...catalog.access
      .grantsOn(target.object.id)
      .map((g) => [g.created, g.privilege, target.kind, name, 'ROLE', g.grantee, 'false', g.grantedBy]),
  ]);
}

/** SHOW GRANTS ON ACCOUNT: the account-level privileges granted to roles. */
export function showGrantsOnAccount(catalog: Catalog): ResultSet {
  return grantRows(
    catalog.access.accountGrants.map((g) => [g.created, g.privilege, 'ACCOUNT', '', 'ROLE', g.grantee, 'false', g.grantedBy]),
  );
}

/** SHOW GRANTS' result: its columns, and `rows` in their order. */
function grantRows(rows: Array<Array<string | Date>>): ResultSet {
  return {
    columns: [
      column('created_on', 'timestamp_ltz'),
      column('privilege', 'text'),
      column('granted_on', 'text'),
      column('name', 'text'),
      column('granted_to', 'text'),
      column('grantee_name', 'text'),
      column('grant_option', 'text'),
      column('granted_by', 'text'),
    ],
    rows: rows.map((r) => r.map(wireValue)),
    statementTypeId: StatementType.SHOW,
  };
}

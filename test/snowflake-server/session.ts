// One logged-in driver session: tokens, current database/schema/warehouse/role, session
// parameters (QUERY_TAG, MULTI_STATEMENT_COUNT, ...; those of the user and account apply underneath), its temporary tables (pitfall 4), its
// open transaction's row snapshots, and the ids of the queries it ran (LAST_QUERY_ID, RESULT_SCAN).

import { randomBytes } from 'node:crypto';
import type { ResolveContext, TableVersion } from './catalog.js';
import { effectiveParameter, ParameterLevels } from './parameters.js';

/** Session state kept by the account model. */
export class Session {
  token = randomBytes(16).toString('hex');
  masterToken = randomBytes(16).toString('hex');
  database: string | null = null;
  schema: string | null = null;
  warehouse: string | null = null;
  role = 'SYSADMIN';
  readonly parameters = new Map<string, string>();
  /** Temporary tables by schema id and name; they hide permanent tables of the same name (pitfall 4). */
  readonly temps = new Map<number, Map<string, TableVersion>>();
  /** Open explicit transaction: table → internal copy of its rows at first write. */
  transaction: Map<TableVersion, string> | null = null;
  readonly queryIds: string[] = [];

  constructor(
    readonly id: string,
    readonly user: string,
    /** The account's and users' parameters (ALTER ACCOUNT / ALTER USER change them for every session). */
    readonly levels: ParameterLevels = new ParameterLevels(),
    /** Whether account and user values apply to this session (not to the model's internal session). */
    readonly inheritsLevels = true,
  ) {}

  /** A session parameter's value in effect: set on the session, else the user, else the account, else the default. */
  parameter(key: string): string {
    return effectiveParameter(this, key).value;
  }

  /** A boolean session parameter in effect. */
  flag(key: string): boolean {
    return /^(TRUE|1|ON|YES)$/i.test(this.parameter(key));
  }

  /** Name-resolution context for this session's statements. */
  resolveContext(): ResolveContext {
    return { database: this.database, schema: this.schema, sessionId: this.id, temps: this.temps, role: this.role };
  }

  /** The session's QUERY_TAG (ALTER SESSION SET QUERY_TAG), or null. */
  get queryTag(): string | null {
    return this.parameters.get('QUERY_TAG') ?? null;
  }

  /** The last query id, or the n-th from last for LAST_QUERY_ID(-n). */
  lastQueryId(offset = -1): string | null {
    return this.queryIds[this.queryIds.length + offset] ?? null;
  }
}

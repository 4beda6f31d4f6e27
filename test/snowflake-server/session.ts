// One logged-in driver session: tokens, current database/schema/warehouse/role, session
// parameters (QUERY_TAG, MULTI_STATEMENT_COUNT, ...), its temporary tables (pitfall 4), its
// open transaction's row snapshots, and the ids of the queries it ran (LAST_QUERY_ID, RESULT_SCAN).

import { randomBytes } from 'node:crypto';
import type { ResolveContext, TableVersion } from './catalog.js';

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
  ) {}

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

// SHOW PARAMETERS for the parameters the model knows: the session ones a client may set (ALTER SESSION)
// with their Snowflake defaults, and the retention ones it models on objects (DATA_RETENTION_TIME_IN_DAYS
// on the account, databases, schemas and tables; MIN_DATA_RETENTION_TIME_IN_DAYS on the account, never
// set here). `level` is where a value was set ('' for Snowflake's default), as Snowflake reports it.
// Session parameters are set at ACCOUNT level (ALTER ACCOUNT SET), USER level (ALTER USER … SET) or
// SESSION level (ALTER SESSION SET); the most specific wins (ParameterLevels, Session.parameter).
// TIMEZONE shows UTC set on the ACCOUNT unless a level sets it.

import { SnowflakeError } from './errors.js';
import { likeMatches } from './names.js';
import { column, StatementType, wireValue, type ResultSet } from './results.js';
import type { Catalog, TableVersion } from './catalog.js';
import type { Command } from './ddl-parser.js';
import type { Session } from './session.js';

type ShowParameters = Extract<Command, { kind: 'show-parameters' }>;

interface ParameterRow {
  key: string;
  value: string;
  default: string;
  level: string;
  description: string;
  type: string;
}

/** Session parameters: Snowflake's default, type, description; and the account's value where the model differs. */
const SESSION_PARAMETERS: Array<Omit<ParameterRow, 'value' | 'level'> & { account?: string }> = [
  {
    key: 'AUTOCOMMIT',
    default: 'true',
    type: 'BOOLEAN',
    description: 'The autocommit property determines whether is statement should to be implicitly wrapped within a transaction or not.',
  },
  { key: 'MULTI_STATEMENT_COUNT', default: '1', type: 'NUMBER', description: 'Number of statement included in the submitted query text.' },
  {
    key: 'QUERY_TAG',
    default: '',
    type: 'STRING',
    description: 'String (up to 4096 characters) used to tag statements executed by the session',
  },
  {
    key: 'QUOTED_IDENTIFIERS_IGNORE_CASE',
    default: 'false',
    type: 'BOOLEAN',
    description: 'If true, the case of quoted identifiers is ignored',
  },
  { key: 'ROWS_PER_RESULTSET', default: '0', type: 'NUMBER', description: 'maxium number of rows in a result set' },
  {
    key: 'STATEMENT_TIMEOUT_IN_SECONDS',
    default: '172800',
    type: 'NUMBER',
    description:
      'Timeout in seconds for statements: statements are automatically canceled if they run for longer; if set to zero, max value (604800) is enforced.',
  },
  { key: 'TIMESTAMP_INPUT_FORMAT', default: 'AUTO', type: 'STRING', description: 'input format for timestamp' },
  { key: 'TIMEZONE', default: 'America/Los_Angeles', type: 'STRING', description: 'time zone', account: 'UTC' },
];

const RETENTION = {
  default: '1',
  type: 'NUMBER',
  description: 'number of days to retain the old version of deleted/updated data',
};

function matching(rows: ParameterRow[], like: string | null): ParameterRow[] {
  // SHOW ... LIKE is case-insensitive.
  return like === null ? rows : rows.filter((r) => likeMatches(like.toUpperCase(), r.key.toUpperCase()));
}

function result(rows: ParameterRow[]): ResultSet {
  return {
    columns: ['key', 'value', 'default', 'level', 'description', 'type'].map((name) => column(name, 'text')),
    rows: rows.map((r) => [r.key, r.value, r.default, r.level, r.description, r.type].map(wireValue)),
    statementTypeId: StatementType.SHOW,
  };
}

/**
 * Session parameters set at ACCOUNT and USER level (ALTER ACCOUNT SET / ALTER USER … SET), shared by
 * the sessions of one account. Keys are upper case; user names as stored (upper case unless quoted).
 */
export class ParameterLevels {
  readonly account = new Map<string, string>();
  readonly users = new Map<string, Map<string, string>>();

  /** The parameters of one user (created empty on first use). */
  user(name: string): Map<string, string> {
    let own = this.users.get(name);
    if (own === undefined) {
      own = new Map();
      this.users.set(name, own);
    }
    return own;
  }
}

/** Whether `key` is a session parameter the model knows (others are refused, not silently stored). */
export function isSessionParameter(key: string): boolean {
  return SESSION_PARAMETERS.some((p) => p.key === key);
}

/** A session parameter's value and level: SESSION, then USER, then ACCOUNT, then Snowflake's default. */
export function effectiveParameter(session: Session | null, key: string): { value: string; level: string } {
  const own = session?.parameters.get(key);
  if (own !== undefined) return { value: own, level: 'SESSION' };
  const levels = session?.inheritsLevels === true ? session.levels : null;
  const user = levels?.users.get(session?.user ?? '')?.get(key);
  if (user !== undefined) return { value: user, level: 'USER' };
  const account = levels?.account.get(key);
  if (account !== undefined) return { value: account, level: 'ACCOUNT' };
  const known = SESSION_PARAMETERS.find((p) => p.key === key);
  if (known?.account !== undefined) return { value: known.account, level: 'ACCOUNT' };
  return { value: known?.default ?? '', level: '' };
}

function sessionRows(session: Session | null): ParameterRow[] {
  return SESSION_PARAMETERS.map((p) => ({ ...p, ...effectiveParameter(session, p.key) }));
}

/** The account's own rows: what ALTER ACCOUNT set, else the model's account value or the default. */
function accountRows(session: Session): ParameterRow[] {
  return SESSION_PARAMETERS.map((p) => {
    const set = session.levels.account.get(p.key);
    if (set !== undefined) return { ...p, value: set, level: 'ACCOUNT' };
    return p.account !== undefined ? { ...p, value: p.account, level: 'ACCOUNT' } : { ...p, value: p.default, level: '' };
  });
}

/** A retention value and the level it comes from, first set one wins. */
function retention(levels: Array<[string, number | null]>): ParameterRow {
  const [level, days] = levels.find(([, d]) => d !== null) ?? ['', 1];
  return { key: 'DATA_RETENTION_TIME_IN_DAYS', ...RETENTION, value: String(days), level };
}

/** DATA_RETENTION_TIME_IN_DAYS of the account (the model's default is Snowflake's, 1, unless changed by a test). */
function accountRetention(catalog: Catalog): [string, number | null] {
  return ['ACCOUNT', catalog.defaultRetentionDays === 1 ? null : catalog.defaultRetentionDays];
}

/** Runs SHOW PARAMETERS. */
export function showParameters(catalog: Catalog, session: Session, cmd: ShowParameters): ResultSet {
  const ctx = session.resolveContext();
  switch (cmd.in.kind) {
    case 'SESSION':
      return result(matching(sessionRows(session), cmd.like));
    case 'ACCOUNT':
      return result(
        matching(
          [
            ...accountRows(session),
            retention([accountRetention(catalog)]),
            { key: 'MIN_DATA_RETENTION_TIME_IN_DAYS', ...RETENTION, default: '0', value: '0', level: '' },
          ].sort((a, b) => (a.key < b.key ? -1 : 1)),
          cmd.like,
        ),
      );
    case 'DATABASE': {
      const db = catalog.database(cmd.in.name[0], ctx, 'SHOW PARAMETERS');
      return result(matching([retention([['DATABASE', db.retentionDays], accountRetention(catalog)])], cmd.like));
    }
    case 'SCHEMA': {
      const schema = catalog.schema(cmd.in.name, ctx, 'SHOW PARAMETERS');
      return result(
        matching(
          [retention([['SCHEMA', schema.retentionDays], ['DATABASE', schema.database.retentionDays], accountRetention(catalog)])],
          cmd.like,
        ),
      );
    }
    case 'TABLE': {
      const object = catalog.resolve(cmd.in.name, ctx, 'SHOW PARAMETERS');
      if (object.kind !== 'table')
        throw new SnowflakeError('002203', '02000', `SQL compilation error:\nObject found is of type 'VIEW', not specified type 'TABLE'.`);
      const t: TableVersion = object;
      return result(
        matching(
          [
            retention([
              ['TABLE', t.retentionDays],
              ['SCHEMA', t.schema.retentionDays],
              ['DATABASE', t.schema.database.retentionDays],
              accountRetention(catalog),
            ]),
          ],
          cmd.like,
        ),
      );
    }
  }
}

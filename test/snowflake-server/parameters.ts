// SHOW PARAMETERS for the parameters the model knows: the session ones a client may set (ALTER SESSION)
// with their Snowflake defaults, and the retention ones it models on objects (DATA_RETENTION_TIME_IN_DAYS
// on the account, databases, schemas and tables; MIN_DATA_RETENTION_TIME_IN_DAYS on the account, never
// set here). `level` is where a value was set ('' for Snowflake's default), as Snowflake reports it.
// The model always computes in UTC, so TIMEZONE shows UTC set on the ACCOUNT unless the session sets it.

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

function sessionRows(session: Session | null): ParameterRow[] {
  return SESSION_PARAMETERS.map((p) => {
    const own = session?.parameters.get(p.key);
    if (own !== undefined) return { ...p, value: own, level: 'SESSION' };
    if (p.account !== undefined) return { ...p, value: p.account, level: 'ACCOUNT' };
    return { ...p, value: p.default, level: '' };
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
            ...sessionRows(null),
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

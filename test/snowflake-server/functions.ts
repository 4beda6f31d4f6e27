// Snowflake scalar/aggregate functions and casts rewritten into DuckDB SQL (OBJECT_CONSTRUCT,
// ARRAY_AGG, IFF, DATEADD, TO_VARCHAR, PARSE_JSON, ...). Works on already-translated argument SQL;
// a function not listed here is passed through by name (DuckDB shares many with Snowflake).

import { unsupported } from './errors.js';
import { quoteString } from './tokenizer.js';

/** A function call with its arguments translated to DuckDB SQL, plus raw argument text for keyword-like arguments. */
export interface FunctionCall {
  name: string;
  args: string[];
  /** Upper-cased first token of each argument (date parts such as DAY, or 'DISTINCT'). */
  argWords: Array<string | undefined>;
  /** Unescaped value when an argument is a single string literal. */
  argStrings: Array<string | undefined>;
  /** ORDER BY text of WITHIN GROUP (...), already translated. */
  withinGroupOrder?: string;
  distinct: boolean;
}

/** Values of the session context functions, fixed for the statement (CURRENT_TIMESTAMP is its start time). */
export interface FunctionContext {
  nowIso: string;
  /** The session's TIMEZONE: TIMESTAMP_LTZ values become text in it (TO_VARCHAR, ::VARCHAR). */
  timezone: string;
  values: Record<string, string | null>;
  getDdl(kind: string, name: string): string;
  /** IS_ROLE_IN_SESSION('<role>'): the session's role is the role or inherits it. */
  roleInSession(role: string): boolean;
}

const DATE_PARTS: Record<string, string> = {
  YEAR: 'YEAR',
  Y: 'YEAR',
  YY: 'YEAR',
  YYY: 'YEAR',
  YYYY: 'YEAR',
  YR: 'YEAR',
  YEARS: 'YEAR',
  YRS: 'YEAR',
  QUARTER: 'QUARTER',
  Q: 'QUARTER',
  QTR: 'QUARTER',
  QTRS: 'QUARTER',
  QUARTERS: 'QUARTER',
  MONTH: 'MONTH',
  MM: 'MONTH',
  MON: 'MONTH',
  MONS: 'MONTH',
  MONTHS: 'MONTH',
  WEEK: 'WEEK',
  W: 'WEEK',
  WK: 'WEEK',
  WEEKOFYEAR: 'WEEK',
  WOY: 'WEEK',
  WY: 'WEEK',
  WEEKS: 'WEEK',
  DAY: 'DAY',
  D: 'DAY',
  DD: 'DAY',
  DAYS: 'DAY',
  DAYOFMONTH: 'DAY',
  HOUR: 'HOUR',
  H: 'HOUR',
  HH: 'HOUR',
  HR: 'HOUR',
  HOURS: 'HOUR',
  HRS: 'HOUR',
  MINUTE: 'MINUTE',
  M: 'MINUTE',
  MI: 'MINUTE',
  MIN: 'MINUTE',
  MINUTES: 'MINUTE',
  MINS: 'MINUTE',
  SECOND: 'SECOND',
  S: 'SECOND',
  SEC: 'SECOND',
  SECONDS: 'SECOND',
  SECS: 'SECOND',
  MILLISECOND: 'MILLISECOND',
  MS: 'MILLISECOND',
  MSEC: 'MILLISECOND',
  MILLISECONDS: 'MILLISECOND',
  MICROSECOND: 'MICROSECOND',
  US: 'MICROSECOND',
  USEC: 'MICROSECOND',
  MICROSECONDS: 'MICROSECOND',
};

function datePart(call: FunctionCall, index: number): string {
  const word = call.argStrings[index]?.toUpperCase() ?? call.argWords[index];
  const part = word !== undefined ? DATE_PARTS[word] : undefined;
  if (!part) throw unsupported(`${call.name} date part`, word ?? 'expression');
  return part;
}

function arg(call: FunctionCall, index: number): string {
  const a = call.args[index];
  if (a === undefined) throw unsupported(call.name, `argument ${index + 1} is missing`);
  return a;
}

/** Stands for the time zone offset in a strftime format until `inZone` fills it in. */
const OFFSET = '~TZ~';

/**
 * A timestamp as text in a time zone: TIMESTAMP_LTZ values (DuckDB TIMESTAMPTZ) are shown in the
 * session's TIMEZONE, with its offset where the format asks for one (`OFFSET` placeholders);
 * NTZ values and dates as they are (offset +00:00).
 */
function inZone(value: string, format: string, timezone: string): string {
  const zone = quoteString(timezone);
  const local = `CAST(sf_local_text(${value}, ${zone}) AS TIMESTAMP)`;
  const minutes = `sf_offset_minutes(${value}, ${zone})`;
  const hours = `(CASE WHEN ${minutes} < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(${minutes}) // 60 AS VARCHAR), 2, '0'))`;
  const mins = `lpad(CAST(abs(${minutes}) % 60 AS VARCHAR), 2, '0')`;
  let sql = `strftime(${local}, ${quoteString(format)})`;
  for (const [mark, text] of [
    [`${OFFSET}:`, `${hours} || ':' || ${mins}`],
    [`${OFFSET}H`, hours],
    [`${OFFSET}M`, mins],
    [OFFSET, `${hours} || ${mins}`],
  ] as const) {
    if (format.includes(mark)) sql = `replace(${sql}, ${quoteString(mark)}, ${text})`;
  }
  return sql;
}

/** TO_VARCHAR of a value without a format: Snowflake's default output format, LTZ in the session's zone. */
function toText(value: string, timezone: string): string {
  if (timezone.toUpperCase() === 'UTC') return `sf_to_varchar(${value})`;
  return `CASE WHEN typeof(${value}) = 'TIMESTAMP WITH TIME ZONE' THEN ${inZone(value, `%Y-%m-%d %H:%M:%S.%g ${OFFSET}`, timezone)} ELSE sf_to_varchar(${value}) END`;
}

/** Snowflake TO_CHAR/TO_VARCHAR datetime format → strftime format (common elements only). */
function strftimeFormat(format: string): string {
  const elements: Array<[RegExp, string]> = [
    [/^"([^"]*)"/, '$1'],
    [/^YYYY/i, '%Y'],
    [/^YY/i, '%y'],
    [/^MMMM/i, '%B'],
    [/^MON/i, '%b'],
    [/^MM/i, '%m'],
    [/^DD/i, '%d'],
    [/^DY/i, '%a'],
    [/^HH24/i, '%H'],
    [/^HH12/i, '%I'],
    [/^HH/i, '%H'],
    [/^AM|^PM/i, '%p'],
    [/^MI/i, '%M'],
    [/^SS/i, '%S'],
    [/^FF9/i, '%n'],
    [/^FF6/i, '%f'],
    [/^FF3/i, '%g'],
    [/^FF/i, '%n'],
    [/^TZH:TZM/i, `${OFFSET}:`],
    [/^TZHTZM/i, OFFSET],
    [/^TZH/i, `${OFFSET}H`],
    [/^TZM/i, `${OFFSET}M`],
  ];
  let out = '';
  let rest = format;
  while (rest.length > 0) {
    const hit = elements.find(([re]) => re.test(rest));
    if (hit) {
      const m = hit[0].exec(rest) as RegExpExecArray;
      out += hit[1] === '$1' ? (m[1] ?? '').replace(/%/g, '%%') : hit[1];
      rest = rest.slice(m[0].length);
    } else {
      out += rest[0] === '%' ? '%%' : rest[0];
      rest = rest.slice(1);
    }
  }
  return out;
}

/** DuckDB SQL for a Snowflake cast target (`::T`, CAST(x AS T), TO_* functions), in the session's time zone. */
export function castTo(sql: string, snowflakeType: string, duckType: string, timezone = 'UTC'): string {
  const base = snowflakeType.replace(/\(.*$/, '');
  if (base === 'VARCHAR') return toText(sql, timezone);
  if (duckType === 'JSON') return `sf_to_variant(${sql})`;
  if (base === 'TIMESTAMP_LTZ' || base === 'TIMESTAMP_TZ') return `sf_to_timestamp_ltz(${sql})`;
  if (base === 'TIMESTAMP_NTZ') return `sf_to_timestamp_ntz(${sql})`;
  return `CAST(${sql} AS ${duckType})`;
}

/** Translates one call; returns undefined when the function should be passed through unchanged. */
export function translateFunction(call: FunctionCall, ctx: FunctionContext): string | undefined {
  const a = call.args;
  const clock = `CAST(${quoteString(ctx.nowIso)} AS TIMESTAMPTZ)`;
  switch (call.name) {
    case 'OBJECT_CONSTRUCT':
      if (a.length === 0) return `CAST('{}' AS JSON)`;
      if (a[0] === '*') throw unsupported('OBJECT_CONSTRUCT(*)');
      // Pairs whose value is NULL are left out; json_merge_patch into {} drops them.
      return `json_merge_patch('{}', json_object(${pairs(call)}))`;
    case 'OBJECT_CONSTRUCT_KEEP_NULL':
      return a.length === 0 ? `CAST('{}' AS JSON)` : `json_object(${pairs(call)})`;
    case 'OBJECT_INSERT':
      return `json_merge_patch(${arg(call, 0)}, json_object(${arg(call, 1)}, sf_to_variant(${arg(call, 2)})))`;
    case 'ARRAY_AGG':
    case 'ARRAYAGG': {
      const value = arg(call, 0);
      const order = call.withinGroupOrder ? ` ${call.withinGroupOrder}` : '';
      // Snowflake leaves NULLs out and answers [] for no rows.
      return `coalesce(to_json(list(${call.distinct ? 'DISTINCT ' : ''}sf_to_variant(${value})${order}) FILTER (WHERE (${value}) IS NOT NULL)), CAST('[]' AS JSON))`;
    }
    case 'LISTAGG': {
      const sep = a[1] ?? `''`;
      const order = call.withinGroupOrder ? ` ${call.withinGroupOrder}` : '';
      return `coalesce(string_agg(${call.distinct ? 'DISTINCT ' : ''}sf_to_varchar(${arg(call, 0)}), ${sep}${order}), '')`;
    }
    case 'ARRAY_CONSTRUCT':
      return `json_array(${a.map((x) => `sf_to_variant(${x})`).join(', ')})`;
    case 'ARRAY_SIZE':
      return `CAST(json_array_length(${arg(call, 0)}) AS BIGINT)`;
    case 'ARRAY_CONTAINS':
      return `list_contains(CAST(json_extract(${arg(call, 1)}, '$[*]') AS JSON[]), sf_to_variant(${arg(call, 0)}))`;
    case 'OBJECT_KEYS':
      return `to_json(json_keys(${arg(call, 0)}))`;
    case 'PARSE_JSON':
      return `CAST(${arg(call, 0)} AS JSON)`;
    case 'TRY_PARSE_JSON':
      return `TRY_CAST(${arg(call, 0)} AS JSON)`;
    case 'TO_JSON':
      return `CAST(sf_to_variant(${arg(call, 0)}) AS VARCHAR)`;
    case 'TO_VARIANT':
    case 'TO_OBJECT':
    case 'TO_ARRAY':
      return `sf_to_variant(${arg(call, 0)})`;
    case 'GET':
      return `json_extract(${arg(call, 0)}, ${call.argStrings[1] !== undefined ? quoteString(`$.${jsonKey(call.argStrings[1])}`) : `'$[' || CAST(${arg(call, 1)} AS VARCHAR) || ']'`})`;
    case 'GET_PATH':
      return `json_extract(${arg(call, 0)}, ${quoteString(`$.${call.argStrings[1] ?? ''}`)})`;
    case 'TYPEOF':
      return `upper(json_type(${arg(call, 0)}))`;
    case 'CONVERT_TIMEZONE': {
      // CONVERT_TIMEZONE(target, ts) returns a TIMESTAMP_TZ in `target`, whatever the session's
      // TIMEZONE, for an LTZ or TZ source (an instant). Modelled for the target 'UTC' only, as its
      // UTC wall clock: its text is then right in any format (offset +00:00). Stricter than
      // Snowflake: another target, the three-argument form, and an NTZ source (which Snowflake
      // reads in the session's zone) are errors.
      if (a.length !== 2 || call.argStrings[0] !== 'UTC')
        throw unsupported('CONVERT_TIMEZONE', "only CONVERT_TIMEZONE('UTC', <timestamp_ltz>)");
      const value = arg(call, 1);
      return `CASE WHEN typeof(${value}) = 'TIMESTAMP WITH TIME ZONE' THEN CAST(sf_local_text(${value}, 'UTC') AS TIMESTAMP)
        ELSE error('CONVERT_TIMEZONE(''UTC'', x) of a value that is not TIMESTAMP_LTZ is not modelled') END`;
    }
    case 'TO_VARCHAR':
    case 'TO_CHAR':
      if (a.length > 1 && call.argStrings[1] !== undefined) return inZone(arg(call, 0), strftimeFormat(call.argStrings[1]), ctx.timezone);
      return toText(arg(call, 0), ctx.timezone);
    case 'TO_NUMBER':
    case 'TO_DECIMAL':
    case 'TO_NUMERIC': {
      const scale = Number(a[2] ?? 0);
      return scale > 0 ? `CAST(${arg(call, 0)} AS DECIMAL(${a[1] ?? 38},${scale}))` : `CAST(${arg(call, 0)} AS BIGINT)`;
    }
    case 'TRY_TO_NUMBER':
    case 'TRY_TO_DECIMAL':
      return `TRY_CAST(${arg(call, 0)} AS BIGINT)`;
    case 'TO_DOUBLE':
      return `CAST(${arg(call, 0)} AS DOUBLE)`;
    case 'TO_BOOLEAN':
      return `CAST(${arg(call, 0)} AS BOOLEAN)`;
    case 'TO_DATE':
    case 'DATE':
      return `CAST(${arg(call, 0)} AS DATE)`;
    case 'TO_TIMESTAMP_LTZ':
    case 'TO_TIMESTAMP_TZ':
      return `sf_to_timestamp_ltz(${arg(call, 0)})`;
    case 'TO_TIMESTAMP':
    case 'TO_TIMESTAMP_NTZ':
      return `sf_to_timestamp_ntz(${arg(call, 0)})`;
    case 'IFF':
      return `CASE WHEN ${arg(call, 0)} THEN ${arg(call, 1)} ELSE ${arg(call, 2)} END`;
    case 'NVL':
    case 'IFNULL':
      return `coalesce(${a.join(', ')})`;
    case 'NVL2':
      return `CASE WHEN ${arg(call, 0)} IS NOT NULL THEN ${arg(call, 1)} ELSE ${arg(call, 2)} END`;
    case 'ZEROIFNULL':
      return `coalesce(${arg(call, 0)}, 0)`;
    case 'NULLIFZERO':
      return `nullif(${arg(call, 0)}, 0)`;
    case 'EQUAL_NULL':
      return `(${arg(call, 0)} IS NOT DISTINCT FROM ${arg(call, 1)})`;
    case 'DIV0':
      return `CASE WHEN ${arg(call, 1)} = 0 THEN 0 ELSE ${arg(call, 0)} / ${arg(call, 1)} END`;
    case 'DECODE': {
      const cases: string[] = [];
      for (let i = 1; i + 1 < a.length; i += 2) cases.push(`WHEN ${arg(call, 0)} IS NOT DISTINCT FROM ${a[i]} THEN ${a[i + 1]}`);
      return `CASE ${cases.join(' ')}${a.length % 2 === 0 ? ` ELSE ${a[a.length - 1]}` : ''} END`;
    }
    case 'LEN':
    case 'LENGTH':
      return `length(${arg(call, 0)})`;
    case 'STARTSWITH':
      return `starts_with(${arg(call, 0)}, ${arg(call, 1)})`;
    case 'ENDSWITH':
      return `ends_with(${arg(call, 0)}, ${arg(call, 1)})`;
    case 'CONTAINS':
      return `contains(${arg(call, 0)}, ${arg(call, 1)})`;
    case 'SPLIT':
      return `to_json(string_split(${arg(call, 0)}, ${arg(call, 1)}))`;
    case 'REGEXP_LIKE':
    case 'RLIKE':
      return `regexp_full_match(${a.join(', ')})`;
    case 'REGEXP_SUBSTR':
      return `nullif(regexp_extract(${arg(call, 0)}, ${arg(call, 1)}), '')`;
    case 'BOOLAND_AGG':
      return `bool_and(${arg(call, 0)})`;
    case 'BOOLOR_AGG':
      return `bool_or(${arg(call, 0)})`;
    case 'UUID_STRING':
      return `CAST(gen_random_uuid() AS VARCHAR)`;
    case 'DATEADD':
    case 'TIMESTAMPADD':
    case 'DATE_ADD': {
      const part = datePart(call, 0);
      return part === 'QUARTER'
        ? `(${arg(call, 2)} + CAST(${arg(call, 1)} AS BIGINT) * INTERVAL 3 MONTH)`
        : `(${arg(call, 2)} + CAST(${arg(call, 1)} AS BIGINT) * INTERVAL 1 ${part})`;
    }
    case 'DATEDIFF':
    case 'TIMESTAMPDIFF':
      return `date_diff(${quoteString(datePart(call, 0).toLowerCase())}, ${arg(call, 1)}, ${arg(call, 2)})`;
    case 'DATE_TRUNC':
      return `date_trunc(${quoteString(datePart(call, 0).toLowerCase())}, ${arg(call, 1)})`;
    case 'DATE_PART': {
      const word = call.argStrings[0]?.toUpperCase() ?? call.argWords[0];
      if (word === 'EPOCH_MILLISECOND' || word === 'EPOCH_MILLISECONDS') return `epoch_ms(${arg(call, 1)})`;
      if (word === 'EPOCH_SECOND' || word === 'EPOCH' || word === 'EPOCH_SECONDS') return `CAST(floor(epoch(${arg(call, 1)})) AS BIGINT)`;
      return `date_part(${quoteString(datePart(call, 0).toLowerCase())}, ${arg(call, 1)})`;
    }
    case 'CURRENT_TIMESTAMP':
    case 'LOCALTIMESTAMP':
    case 'GETDATE':
    case 'SYSTIMESTAMP':
      return clock;
    case 'SYSDATE':
      return `CAST(${clock} AS TIMESTAMP)`;
    case 'CURRENT_DATE':
      return `CAST(${clock} AS DATE)`;
    case 'CURRENT_TIME':
    case 'LOCALTIME':
      return `CAST(${clock} AS TIME)`;
    case 'CURRENT_DATABASE':
    case 'CURRENT_SCHEMA':
    case 'CURRENT_WAREHOUSE':
    case 'CURRENT_ROLE':
    case 'CURRENT_USER':
    case 'CURRENT_ACCOUNT':
    case 'CURRENT_ACCOUNT_NAME':
    case 'CURRENT_REGION':
    case 'CURRENT_VERSION':
    case 'CURRENT_SESSION':
    case 'CURRENT_CLIENT':
    case 'CURRENT_ORGANIZATION_NAME':
    case 'LAST_QUERY_ID': {
      const value = ctx.values[call.name];
      return value === null || value === undefined ? 'CAST(NULL AS VARCHAR)' : quoteString(value);
    }
    case 'IS_ROLE_IN_SESSION': {
      // The name as stored (case-sensitive); a column or expression argument is not modelled.
      const role = call.argStrings[0];
      if (role === undefined || call.args.length !== 1) throw unsupported('IS_ROLE_IN_SESSION', 'the argument must be one string literal');
      return ctx.roleInSession(role) ? 'TRUE' : 'FALSE';
    }
    case 'GET_DDL': {
      const kind = call.argStrings[0];
      const name = call.argStrings[1];
      if (kind === undefined || name === undefined) throw unsupported('GET_DDL', 'arguments must be string literals');
      return quoteString(ctx.getDdl(kind.toUpperCase(), name));
    }
    default:
      if (call.name.startsWith('SYSTEM$')) throw unsupported(call.name);
      return undefined;
  }
}

function pairs(call: FunctionCall): string {
  const out: string[] = [];
  for (let i = 0; i < call.args.length; i += 2) out.push(`${arg(call, i)}, sf_to_variant(${arg(call, i + 1)})`);
  return out.join(', ');
}

/** A JSON-path key segment for DuckDB (quoted when it is not a plain word). */
export function jsonKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `"${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// Statement results in Snowflake's JSON wire encoding: rowtype entries with lower-case types and
// rowset cells as strings (fixed as decimal text, booleans '1'/'0', dates as epoch days,
// timestamps as epoch seconds with 9 fraction digits, variants as JSON text).

import { DuckDBTypeId, type DuckDBMaterializedResult, type DuckDBType } from '@duckdb/node-api';

/** Snowflake wire type names (always lower case: upper case makes the driver read text). */
export type WireType =
  'fixed' | 'real' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp_ntz' | 'timestamp_ltz' | 'timestamp_tz' | 'variant' | 'binary';

/** One result column. */
export interface ResultColumn {
  name: string;
  type: WireType;
  scale: number | null;
  precision: number | null;
  length: number | null;
}

/** A complete statement result: columns, string cells, and the statement type id. */
export interface ResultSet {
  columns: ResultColumn[];
  rows: Array<Array<string | null>>;
  statementTypeId: number;
}

/** Statement type ids the driver looks at. */
export const StatementType = {
  SELECT: 0x1000,
  INSERT: 0x3100,
  UPDATE: 0x3200,
  DELETE: 0x3300,
  MERGE: 0x3400,
  SHOW: 0x4000,
  SESSION: 0x5000,
  DDL: 0x6000,
} as const;

/** A column of the given wire type with Snowflake's usual precision/scale/length. */
export function column(name: string, type: WireType, scale = 0, precision = 38): ResultColumn {
  switch (type) {
    case 'fixed':
      return { name, type, scale, precision, length: null };
    case 'text':
    case 'variant':
    case 'binary':
      return { name, type, scale: null, precision: null, length: 16777216 };
    case 'timestamp_ltz':
    case 'timestamp_ntz':
    case 'timestamp_tz':
    case 'time':
      return { name, type, scale: 9, precision: 0, length: null };
    default:
      return { name, type, scale: null, precision: null, length: null };
  }
}

/** A one-row `status` result, as DDL and session commands answer. */
export function statusResult(message: string, statementTypeId: number = StatementType.DDL): ResultSet {
  return { columns: [column('status', 'text')], rows: [[message]], statementTypeId };
}

/** The row-count result of INSERT / UPDATE / DELETE. */
export function dmlResult(kind: 'insert' | 'update' | 'delete', count: number): ResultSet {
  if (kind === 'update') {
    return {
      columns: [column('number of rows updated', 'fixed'), column('number of multi-joined rows updated', 'fixed')],
      rows: [[String(count), '0']],
      statementTypeId: StatementType.UPDATE,
    };
  }
  const typeId = kind === 'insert' ? StatementType.INSERT : StatementType.DELETE;
  return {
    columns: [column(`number of rows ${kind === 'insert' ? 'inserted' : 'deleted'}`, 'fixed')],
    rows: [[String(count)]],
    statementTypeId: typeId,
  };
}

/** Encodes epoch microseconds as Snowflake's `seconds.nanoseconds` text. */
export function epochMicrosText(micros: bigint): string {
  let seconds = micros / 1_000_000n;
  let fraction = micros % 1_000_000n;
  if (fraction < 0n) {
    fraction += 1_000_000n;
    seconds -= 1n;
  }
  return `${seconds}.${fraction.toString().padStart(6, '0')}000`;
}

/** A JS value from the model (SHOW output) in wire encoding. */
export function wireValue(value: string | number | boolean | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return epochMicrosText(BigInt(value.getTime()) * 1000n);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

function wireColumn(name: string, type: DuckDBType): ResultColumn {
  if (type.alias === 'JSON') return column(name, 'variant');
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return column(name, 'boolean');
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return column(name, 'fixed');
    case DuckDBTypeId.DECIMAL: {
      const m = /DECIMAL\((\d+),\s*(\d+)\)/.exec(type.toString());
      return column(name, 'fixed', Number(m?.[2] ?? 0), Number(m?.[1] ?? 38));
    }
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return column(name, 'real');
    case DuckDBTypeId.DATE:
      return column(name, 'date');
    case DuckDBTypeId.TIME:
      return column(name, 'time');
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return column(name, 'timestamp_ntz');
    case DuckDBTypeId.TIMESTAMP_TZ:
      return column(name, 'timestamp_ltz');
    case DuckDBTypeId.BLOB:
      return column(name, 'binary');
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.ARRAY:
      return column(name, 'variant');
    default:
      return column(name, 'text');
  }
}

function cellText(value: unknown, col: ResultColumn): string | null {
  if (value === null || value === undefined) return null;
  switch (col.type) {
    case 'boolean':
      return value ? '1' : '0';
    case 'date':
      return String((value as { days: number }).days);
    case 'time':
    case 'timestamp_ntz':
    case 'timestamp_ltz': {
      const v = value as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint };
      const micros =
        v.micros ??
        (v.millis !== undefined ? v.millis * 1000n : v.seconds !== undefined ? v.seconds * 1_000_000n : (v.nanos ?? 0n) / 1000n);
      return epochMicrosText(micros);
    }
    case 'real': {
      const n = Number(value);
      return Number.isNaN(n) ? 'NaN' : n === Infinity ? 'inf' : n === -Infinity ? '-inf' : String(n);
    }
    case 'binary':
      return Buffer.from((value as { bytes: Uint8Array }).bytes)
        .toString('hex')
        .toUpperCase();
    default:
      return String(value);
  }
}

/** Converts a DuckDB query result to a wire result. */
export async function fromDuckResult(result: DuckDBMaterializedResult, statementTypeId: number): Promise<ResultSet> {
  const names = result.columnNames();
  const columns = result.columnTypes().map((type, i) => wireColumn(names[i] ?? `C${i}`, type));
  const rows = (await result.getRows()).map((row) => row.map((value, i) => cellText(value, columns[i] as ResultColumn)));
  return { columns, rows, statementTypeId };
}

/** DuckDB type that stores a wire column (RESULT_SCAN loads stored results back). */
export function duckTypeOfWire(col: ResultColumn): string {
  switch (col.type) {
    case 'fixed':
      return col.scale ? `DECIMAL(${col.precision ?? 38},${col.scale})` : 'HUGEINT';
    case 'real':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp_ntz':
      return 'TIMESTAMP';
    case 'timestamp_ltz':
    case 'timestamp_tz':
      return 'TIMESTAMPTZ';
    case 'variant':
      return 'JSON';
    default:
      return 'VARCHAR';
  }
}

/** A wire cell back as a JSON-loadable value (for RESULT_SCAN scratch tables). */
export function loadableValue(cell: string | null, col: ResultColumn): unknown {
  if (cell === null) return null;
  switch (col.type) {
    case 'boolean':
      return cell === '1' || cell.toLowerCase() === 'true';
    case 'date':
      return new Date(Number(cell) * 86_400_000).toISOString().slice(0, 10);
    case 'timestamp_ntz':
    case 'timestamp_ltz':
    case 'timestamp_tz': {
      const [sec, frac = '0'] = cell.split(' ')[0]?.split('.') ?? ['0'];
      const iso = new Date(Number(sec) * 1000).toISOString().replace('Z', '');
      return `${iso.slice(0, 19)}.${frac.padEnd(6, '0').slice(0, 6)}${col.type === 'timestamp_ntz' ? '' : 'Z'}`;
    }
    case 'variant':
      return JSON.parse(cell) as unknown;
    default:
      return cell;
  }
}

// Snowflake data types and their DuckDB storage types: column definitions, `::`/CAST targets,
// and the reverse mapping for tables created from a query (CTAS). Integers are stored as BIGINT,
// VARIANT/OBJECT/ARRAY as DuckDB JSON, TIMESTAMP_LTZ/TZ as TIMESTAMPTZ (session time zone UTC).

import { unsupported } from './errors.js';
import { isOp, type Token } from './tokenizer.js';

/** A column type: Snowflake's canonical spelling (DESCRIBE, GET_DDL) and the DuckDB storage type. */
export interface DataType {
  snowflake: string;
  duck: string;
}

/**
 * Reads a Snowflake data type at `tokens[i]`: the type name plus an optional `(p[, s])`.
 * Throws an "unsupported feature" error naming the type when it is not modelled.
 */
export function readDataType(tokens: Token[], i: number): { type: DataType; next: number } {
  const first = tokens[i];
  if (!first || first.kind !== 'word') throw unsupported('data type', first?.text ?? 'missing');
  let name = first.text.toUpperCase();
  let j = i + 1;
  const second = tokens[j]?.kind === 'word' ? (tokens[j] as Token).text.toUpperCase() : '';
  if ((name === 'DOUBLE' && second === 'PRECISION') || (['CHARACTER', 'CHAR', 'NCHAR'].includes(name) && second === 'VARYING')) {
    name = name === 'DOUBLE' ? 'DOUBLE' : 'VARCHAR';
    j++;
  }
  const args: number[] = [];
  if (isOp(tokens[j], '(')) {
    j++;
    while (j < tokens.length && !isOp(tokens[j], ')')) {
      const t = tokens[j] as Token;
      if (t.kind === 'number') args.push(Number(t.text));
      else if (!isOp(t, ',')) throw unsupported('data type', `${name}(${t.text}...)`);
      j++;
    }
    j++;
  }
  return { type: mapType(name, args), next: j };
}

function mapType(name: string, args: number[]): DataType {
  switch (name) {
    case 'NUMBER':
    case 'NUMERIC':
    case 'DECIMAL':
    case 'DEC': {
      const precision = args[0] ?? 38;
      const scale = args[1] ?? 0;
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) throw unsupported('data type', `${name}(${args.join(',')})`);
      return scale === 0
        ? { snowflake: `NUMBER(${precision},0)`, duck: 'BIGINT' }
        : { snowflake: `NUMBER(${precision},${scale})`, duck: `DECIMAL(${precision},${scale})` };
    }
    case 'INT':
    case 'INTEGER':
    case 'BIGINT':
    case 'SMALLINT':
    case 'TINYINT':
    case 'BYTEINT':
      return { snowflake: 'NUMBER(38,0)', duck: 'BIGINT' };
    case 'FLOAT':
    case 'FLOAT4':
    case 'FLOAT8':
    case 'DOUBLE':
    case 'REAL':
      return { snowflake: 'FLOAT', duck: 'DOUBLE' };
    case 'VARCHAR':
    case 'STRING':
    case 'TEXT':
    case 'CHAR':
    case 'CHARACTER':
    case 'NCHAR':
    case 'NVARCHAR':
    case 'NVARCHAR2':
      return { snowflake: `VARCHAR(${args[0] ?? 16777216})`, duck: 'VARCHAR' };
    case 'BOOLEAN':
      return { snowflake: 'BOOLEAN', duck: 'BOOLEAN' };
    case 'DATE':
      return { snowflake: 'DATE', duck: 'DATE' };
    case 'TIME':
      return { snowflake: `TIME(${args[0] ?? 9})`, duck: 'TIME' };
    case 'TIMESTAMP_LTZ':
      return { snowflake: `TIMESTAMP_LTZ(${args[0] ?? 9})`, duck: 'TIMESTAMPTZ' };
    case 'TIMESTAMP_TZ':
      return { snowflake: `TIMESTAMP_TZ(${args[0] ?? 9})`, duck: 'TIMESTAMPTZ' };
    case 'TIMESTAMP_NTZ':
    case 'TIMESTAMP':
    case 'DATETIME':
      return { snowflake: `TIMESTAMP_NTZ(${args[0] ?? 9})`, duck: 'TIMESTAMP' };
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return { snowflake: name, duck: 'JSON' };
    case 'BINARY':
    case 'VARBINARY':
      return { snowflake: `BINARY(${args[0] ?? 8388608})`, duck: 'BLOB' };
    default:
      throw unsupported('data type', name);
  }
}

/** Snowflake type for a DuckDB column type (tables created by CTAS or CLONE of a query). */
export function snowflakeTypeOfDuck(duckType: string, alias?: string): string {
  if (alias === 'JSON') return 'VARIANT';
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckType);
  if (decimal) return `NUMBER(${decimal[1]},${decimal[2]})`;
  if (/^(U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT)$/.test(duckType)) return 'NUMBER(38,0)';
  if (duckType === 'DOUBLE' || duckType === 'FLOAT') return 'FLOAT';
  if (duckType === 'BOOLEAN') return 'BOOLEAN';
  if (duckType === 'DATE') return 'DATE';
  if (duckType === 'TIME') return 'TIME(9)';
  if (duckType === 'TIMESTAMP' || duckType.startsWith('TIMESTAMP_')) return 'TIMESTAMP_NTZ(9)';
  if (duckType === 'TIMESTAMP WITH TIME ZONE') return 'TIMESTAMP_LTZ(9)';
  if (duckType === 'BLOB') return 'BINARY(8388608)';
  if (duckType === 'VARCHAR') return 'VARCHAR(16777216)';
  return 'VARIANT';
}

/** DuckDB storage type for a canonical Snowflake type string (as kept in the catalog). */
export function duckTypeOfSnowflake(snowflake: string): string {
  const m = /^([A-Z_]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(snowflake);
  if (!m) return 'VARCHAR';
  const args = [m[2], m[3]].filter((a): a is string => a !== undefined).map(Number);
  return mapType(m[1] as string, args).duck;
}

// Parses the statements the model executes itself (DDL, SHOW/DESCRIBE, USE, ALTER SESSION,
// transactions, EXECUTE IMMEDIATE) into plain command objects. It resolves nothing; a statement
// outside this grammar is a Snowflake syntax error at the offending token.

import { syntaxError, unsupported } from './errors.js';
import { identifierValue, readName, type QualifiedName } from './names.js';
import { readDataType } from './sql-types.js';
import type { CreatePolicy, PolicyAction } from './policies.js';
import { isKeyword, isOp, type Token } from './tokenizer.js';

/** A column definition of CREATE TABLE / ADD COLUMN. */
export interface ColumnDef {
  name: string;
  type: { snowflake: string; duck: string };
  nullable: boolean;
  /** Default expression as Snowflake SQL text (evaluated at INSERT time). */
  defaultSql?: string;
  autoincrement?: { start: number; step: number };
  comment: string | null;
}

/** An AT/BEFORE clause kept as tokens; the executor evaluates it. */
export interface AtClause {
  before: boolean;
  tokens: Token[];
}

/** A query embedded in DDL (CTAS, view body), as exact text plus tokens relative to that text. */
export interface EmbeddedQuery {
  text: string;
  tokens: Token[];
}

/** Object kinds for DROP/UNDROP/COMMENT/DESCRIBE. */
export type ObjectKind = 'TABLE' | 'VIEW' | 'SCHEMA' | 'DATABASE' | 'COLUMN';

/** A parsed command. */
export type Command =
  | {
      kind: 'create-database';
      name: string;
      orReplace: boolean;
      ifNotExists: boolean;
      transient: boolean;
      clone: { source: QualifiedName; at: AtClause | null } | null;
      retention: number | null;
      comment: string | null;
    }
  | {
      kind: 'create-schema';
      name: QualifiedName;
      orReplace: boolean;
      ifNotExists: boolean;
      transient: boolean;
      managedAccess: boolean;
      clone: { source: QualifiedName; at: AtClause | null; ignoreHybrid: boolean; ignoreInsufficientRetention: boolean } | null;
      retention: number | null;
      comment: string | null;
    }
  | {
      kind: 'create-table';
      name: QualifiedName;
      orReplace: boolean;
      ifNotExists: boolean;
      tableType: 'permanent' | 'transient' | 'temporary' | 'hybrid' | 'dynamic';
      columns: ColumnDef[] | null;
      asQuery: EmbeddedQuery | null;
      clone: { source: QualifiedName; at: AtClause | null } | null;
      like: QualifiedName | null;
      retention: number | null;
      comment: string | null;
      clusterBy: string | null;
    }
  | {
      kind: 'create-view';
      name: QualifiedName;
      orReplace: boolean;
      ifNotExists: boolean;
      secure: boolean;
      columnNames: string[] | null;
      body: string;
      text: string;
      comment: string | null;
    }
  | { kind: 'drop'; objectKind: ObjectKind; name: QualifiedName; ifExists: boolean; dynamic: boolean }
  | { kind: 'undrop'; objectKind: ObjectKind; name: QualifiedName | null; id: number | null; dynamic: boolean }
  | { kind: 'alter-table'; name: QualifiedName; ifExists: boolean; action: AlterAction }
  | { kind: 'alter-view'; name: QualifiedName; ifExists: boolean; action: AlterAction }
  | { kind: 'alter-schema'; name: QualifiedName; ifExists: boolean; action: AlterAction }
  | { kind: 'alter-database'; name: QualifiedName; ifExists: boolean; action: AlterAction }
  | { kind: 'alter-session'; level: ParameterLevel; set: Record<string, string>; unset: string[] }
  | { kind: 'comment'; objectKind: ObjectKind; name: QualifiedName; text: string | null }
  | { kind: 'use'; objectKind: 'DATABASE' | 'SCHEMA' | 'WAREHOUSE' | 'ROLE' | 'SECONDARY ROLES'; name: QualifiedName }
  | { kind: 'transaction'; action: 'begin' | 'commit' | 'rollback' }
  | {
      kind: 'show';
      what: string;
      history: boolean;
      terse: boolean;
      like: string | null;
      in: { kind: 'ACCOUNT' | 'DATABASE' | 'SCHEMA'; name: QualifiedName } | null;
      startsWith: string | null;
      limit: number | null;
      /** `LIMIT n FROM '<name>'`: the case-sensitive cursor (rows whose name sorts after it). */
      from: string | null;
    }
  | {
      kind: 'show-parameters';
      like: string | null;
      /** No IN clause means IN SESSION. */
      in: { kind: 'SESSION' | 'ACCOUNT' | 'DATABASE' | 'SCHEMA' | 'TABLE'; name: QualifiedName };
    }
  | { kind: 'show-grants'; on: { kind: GrantableKind; name: QualifiedName } }
  | { kind: 'show-grants-on-account' }
  | { kind: 'grant-on-account'; privileges: string[]; to: string }
  | { kind: 'create-role'; name: string; orReplace: boolean; ifNotExists: boolean }
  | { kind: 'grant-role'; role: string; to: string }
  | {
      kind: 'grant';
      privileges: string[];
      on: { kind: GrantableKind; name: QualifiedName };
      to: string;
      currentGrants: 'COPY' | 'REVOKE' | null;
    }
  | { kind: 'describe'; objectKind: 'TABLE' | 'VIEW'; name: QualifiedName }
  | { kind: 'truncate'; name: QualifiedName; ifExists: boolean }
  | { kind: 'execute-immediate'; body: string }
  | CreatePolicy;

/** Objects GRANT and SHOW GRANTS ON take here. */
export type GrantableKind = 'DATABASE' | 'SCHEMA' | 'TABLE' | 'VIEW';

/** Where ALTER SESSION / ALTER ACCOUNT / ALTER USER sets session parameters. */
export type ParameterLevel = { kind: 'SESSION' } | { kind: 'ACCOUNT' } | { kind: 'USER'; name: string; ifExists: boolean };

/** ALTER actions. */
export type AlterAction =
  | { kind: 'rename'; to: QualifiedName }
  | { kind: 'swap'; with: QualifiedName }
  | { kind: 'set'; retention?: number; comment?: string; secure?: boolean; clusterBy?: string }
  | { kind: 'unset'; properties: string[] }
  | { kind: 'add-column'; column: ColumnDef; ifNotExists: boolean }
  | { kind: 'drop-column'; names: string[] }
  | { kind: 'rename-column'; from: string; to: string }
  | PolicyAction
  | { kind: 'column-nullability'; column: string; nullable: boolean };

/** Token cursor with Snowflake-style syntax errors. */
class Cursor {
  i = 0;
  constructor(
    readonly sql: string,
    readonly tokens: Token[],
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  is(...words: string[]): boolean {
    return isKeyword(this.peek(), ...words);
  }

  accept(...words: string[]): string | undefined {
    if (!this.is(...words)) return undefined;
    return (this.tokens[this.i++] as Token).text.toUpperCase();
  }

  acceptSeq(...words: string[]): boolean {
    if (!words.every((w, k) => isKeyword(this.peek(k), w))) return false;
    this.i += words.length;
    return true;
  }

  expect(...words: string[]): string {
    return this.accept(...words) ?? this.fail();
  }

  acceptOp(op: string): boolean {
    if (!isOp(this.peek(), op)) return false;
    this.i++;
    return true;
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) this.fail();
  }

  fail(): never {
    const t = this.peek();
    throw syntaxError(this.sql, t ? t.pos : this.sql.length, t ? t.text : '<EOF>');
  }

  name(): QualifiedName {
    const r = readName(this.tokens, this.i);
    if (!r) this.fail();
    this.i = r.next;
    return r.name;
  }

  identifier(): string {
    const v = identifierValue(this.peek());
    if (v === undefined) this.fail();
    this.i++;
    return v;
  }

  string(): string {
    const t = this.peek();
    if (t?.kind !== 'string') this.fail();
    this.i++;
    return t.value;
  }

  number(): number {
    const t = this.peek();
    if (t?.kind !== 'number') this.fail();
    this.i++;
    return Number(t.text);
  }

  /** A property value: string, number, TRUE/FALSE or a bare word. */
  value(): string {
    const t = this.peek();
    if (!t || (t.kind !== 'string' && t.kind !== 'number' && t.kind !== 'word')) this.fail();
    this.i++;
    return t.kind === 'word' ? t.text.toUpperCase() : t.value;
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  end(): void {
    if (!this.done()) this.fail();
  }

  /** Tokens of a balanced (...) group, the parentheses excluded. */
  group(): Token[] {
    this.expectOp('(');
    const start = this.i;
    let depth = 1;
    while (depth > 0) {
      const t = this.peek();
      if (!t) this.fail();
      if (isOp(t, '(')) depth++;
      if (isOp(t, ')')) depth--;
      this.i++;
    }
    return this.tokens.slice(start, this.i - 1);
  }

  /** The rest of the statement as an embedded query with re-based token offsets. */
  rest(): EmbeddedQuery {
    const first = this.peek();
    if (!first) this.fail();
    const text = this.sql.slice(first.pos);
    const tokens = this.tokens.slice(this.i).map((t) => ({ ...t, pos: t.pos - first.pos }));
    this.i = this.tokens.length;
    return { text, tokens };
  }

  /** Text between two token indexes (exclusive end). */
  textBetween(from: number, to: number): string {
    const a = this.tokens[from];
    const b = this.tokens[to - 1];
    return a && b ? this.sql.slice(a.pos, b.pos + b.text.length) : '';
  }
}

/** Parses a statement handled by the model; `text` is its exact source, `tokens` its significant tokens. */
export function parseCommand(text: string, tokens: Token[]): Command {
  const c = new Cursor(text, tokens);
  const verb = c.expect(
    'CREATE',
    'DROP',
    'UNDROP',
    'ALTER',
    'COMMENT',
    'USE',
    'BEGIN',
    'START',
    'COMMIT',
    'ROLLBACK',
    'SHOW',
    'DESC',
    'DESCRIBE',
    'TRUNCATE',
    'EXECUTE',
    'GRANT',
  );
  let command: Command;
  switch (verb) {
    case 'CREATE':
      command = parseCreate(c);
      break;
    case 'DROP':
      command = parseDrop(c);
      break;
    case 'UNDROP':
      command = parseUndrop(c);
      break;
    case 'ALTER':
      command = parseAlter(c);
      break;
    case 'COMMENT':
      command = parseComment(c);
      break;
    case 'USE':
      command = parseUse(c);
      break;
    case 'SHOW':
      command = c.accept('PARAMETERS') ? parseShowParameters(c) : c.accept('GRANTS') ? parseShowGrants(c) : parseShow(c);
      break;
    case 'GRANT':
      command = parseGrant(c);
      break;
    case 'DESC':
    case 'DESCRIBE': {
      const kind = (c.accept('TABLE', 'VIEW') ?? 'TABLE') as 'TABLE' | 'VIEW';
      command = { kind: 'describe', objectKind: kind, name: c.name() };
      break;
    }
    case 'TRUNCATE': {
      c.accept('TABLE');
      const ifExists = c.acceptSeq('IF', 'EXISTS');
      command = { kind: 'truncate', name: c.name(), ifExists };
      break;
    }
    case 'EXECUTE': {
      c.expect('IMMEDIATE');
      command = { kind: 'execute-immediate', body: c.string() };
      break;
    }
    case 'BEGIN':
    case 'START':
      if (verb === 'START') c.expect('TRANSACTION');
      else c.accept('TRANSACTION', 'WORK');
      if (c.accept('NAME')) c.identifier();
      command = { kind: 'transaction', action: 'begin' };
      break;
    default:
      c.accept('WORK', 'TRANSACTION');
      command = { kind: 'transaction', action: verb === 'COMMIT' ? 'commit' : 'rollback' };
  }
  c.end();
  return command;
}

/** CREATE [OR REPLACE] {ROW ACCESS | MASKING} POLICY [IF NOT EXISTS] name AS (arg type, ...) RETURNS type -> body. */
function parsePolicy(c: Cursor, policyKind: CreatePolicy['policyKind'], orReplace: boolean): CreatePolicy {
  const ifNotExists = c.acceptSeq('IF', 'NOT', 'EXISTS');
  const name = c.name();
  c.expect('AS');
  const inner = new Cursor(c.sql, c.group());
  const args: string[] = [];
  while (!inner.done()) {
    args.push(inner.identifier());
    while (!inner.done() && !isOp(inner.peek(), ',')) inner.i++;
    inner.acceptOp(',');
  }
  c.expect('RETURNS');
  while (!c.done() && !isOp(c.peek(), '->')) c.i++;
  c.expectOp('->');
  const body = c.rest().text;
  if (/\bCOMMENT\s*=/i.test(body)) throw unsupported('a policy COMMENT', 'set it with COMMENT ON');
  return { kind: 'create-policy', policyKind, name, orReplace, ifNotExists, args, body };
}

function parseCreate(c: Cursor): Command {
  const orReplace = c.acceptSeq('OR', 'REPLACE');
  if (c.acceptSeq('ROW', 'ACCESS', 'POLICY')) return parsePolicy(c, 'ROW_ACCESS_POLICY', orReplace);
  if (c.acceptSeq('MASKING', 'POLICY')) return parsePolicy(c, 'MASKING_POLICY', orReplace);
  c.accept('LOCAL', 'GLOBAL');
  const modifier = c.accept('TRANSIENT', 'TEMPORARY', 'TEMP', 'VOLATILE', 'HYBRID', 'SECURE');
  // CREATE [OR REPLACE] [SECURE] [RECURSIVE] VIEW: RECURSIVE stands before VIEW, never after it.
  const recursive = c.accept('RECURSIVE') !== undefined;
  if (modifier === undefined && !recursive && c.accept('ROLE')) {
    const ifNotExists = c.acceptSeq('IF', 'NOT', 'EXISTS');
    const name = c.identifier();
    if (c.accept('COMMENT')) {
      c.expectOp('=');
      c.string();
    }
    return { kind: 'create-role', name, orReplace, ifNotExists };
  }
  if ((modifier === undefined || modifier === 'TRANSIENT') && c.accept('DYNAMIC')) return parseDynamicTable(c, orReplace);
  const what = c.accept('DATABASE', 'SCHEMA', 'TABLE', 'VIEW');
  if (!what) {
    const t = c.peek();
    if (t?.kind === 'word') throw unsupported(`CREATE ${modifier ? `${modifier} ` : ''}${t.text.toUpperCase()}`);
    c.fail();
  }
  if (recursive && what !== 'VIEW') c.fail();
  const ifNotExists = c.acceptSeq('IF', 'NOT', 'EXISTS');
  if (what === 'DATABASE') {
    const name = c.identifier();
    const clone = c.accept('CLONE') ? { source: c.name(), at: parseAt(c) } : null;
    const props = parseProperties(c);
    return {
      kind: 'create-database',
      name,
      orReplace,
      ifNotExists,
      transient: modifier === 'TRANSIENT',
      clone,
      retention: props.retention,
      comment: props.comment,
    };
  }
  if (what === 'SCHEMA') {
    const name = c.name();
    let clone: Extract<Command, { kind: 'create-schema' }>['clone'] = null;
    if (c.accept('CLONE')) {
      const source = c.name();
      const at = parseAt(c);
      let ignoreHybrid = false;
      let ignoreInsufficientRetention = false;
      while (c.is('IGNORE', 'INCLUDE')) {
        if (c.acceptSeq('IGNORE', 'HYBRID', 'TABLES')) ignoreHybrid = true;
        else if (c.acceptSeq('IGNORE', 'TABLES', 'WITH', 'INSUFFICIENT', 'DATA', 'RETENTION')) ignoreInsufficientRetention = true;
        else if (!c.acceptSeq('INCLUDE', 'INTERNAL', 'STAGES')) c.fail();
      }
      clone = { source, at, ignoreHybrid, ignoreInsufficientRetention };
    }
    const managedAccess = c.acceptSeq('WITH', 'MANAGED', 'ACCESS');
    const props = parseProperties(c);
    return {
      kind: 'create-schema',
      name,
      orReplace,
      ifNotExists,
      transient: modifier === 'TRANSIENT',
      managedAccess,
      clone,
      retention: props.retention,
      comment: props.comment,
    };
  }
  if (what === 'VIEW') {
    if (modifier && modifier !== 'SECURE') c.fail();
    const name = c.name();
    let columnNames: string[] | null = null;
    if (isOp(c.peek(), '(')) {
      const inner = new Cursor(c.sql, c.group());
      columnNames = [];
      while (!inner.done()) {
        columnNames.push(inner.identifier());
        if (inner.accept('COMMENT')) inner.string();
        if (!inner.done()) inner.expectOp(',');
      }
    }
    let comment: string | null = null;
    while (!c.is('AS')) {
      if (c.acceptSeq('COPY', 'GRANTS')) continue;
      if (c.accept('COMMENT')) {
        c.acceptOp('=');
        comment = c.string();
        continue;
      }
      c.fail();
    }
    c.expect('AS');
    const body = c.rest();
    return {
      kind: 'create-view',
      name,
      orReplace,
      ifNotExists,
      secure: modifier === 'SECURE',
      columnNames,
      body: body.text,
      text: c.sql,
      comment,
    };
  }
  // TABLE
  if (modifier === 'SECURE') c.fail();
  const tableType = modifier === 'TRANSIENT' ? 'transient' : modifier === 'HYBRID' ? 'hybrid' : modifier ? 'temporary' : 'permanent';
  const name = c.name();
  if (c.accept('CLONE')) {
    const source = c.name();
    const at = parseAt(c);
    c.acceptSeq('COPY', 'GRANTS');
    const props = parseProperties(c);
    return {
      kind: 'create-table',
      name,
      orReplace,
      ifNotExists,
      tableType,
      columns: null,
      asQuery: null,
      clone: { source, at },
      like: null,
      retention: props.retention,
      comment: props.comment,
      clusterBy: null,
    };
  }
  if (c.accept('LIKE')) {
    const like = c.name();
    const props = parseProperties(c);
    return {
      kind: 'create-table',
      name,
      orReplace,
      ifNotExists,
      tableType,
      columns: null,
      asQuery: null,
      clone: null,
      like,
      retention: props.retention,
      comment: props.comment,
      clusterBy: null,
    };
  }
  const columns = isOp(c.peek(), '(') ? parseColumns(c) : null;
  const props = parseProperties(c, true);
  const asQuery = c.accept('AS') ? c.rest() : null;
  if (!columns && !asQuery) c.fail();
  return {
    kind: 'create-table',
    name,
    orReplace,
    ifNotExists,
    tableType,
    columns,
    asQuery,
    clone: null,
    like: null,
    retention: props.retention,
    comment: props.comment,
    clusterBy: props.clusterBy,
  };
}

/** Optional AT|BEFORE (...) after a CLONE source. */
function parseAt(c: Cursor): AtClause | null {
  const w = c.accept('AT', 'BEFORE');
  return w ? { before: w === 'BEFORE', tokens: c.group() } : null;
}

/** Object properties: DATA_RETENTION_TIME_IN_DAYS, COMMENT, CLUSTER BY and ignored ones; stops at AS or the end. */
function parseProperties(c: Cursor, stopAtAs = false): { retention: number | null; comment: string | null; clusterBy: string | null } {
  const out = { retention: null as number | null, comment: null as string | null, clusterBy: null as string | null };
  while (!c.done() && !(stopAtAs && c.is('AS'))) {
    if (c.accept('DATA_RETENTION_TIME_IN_DAYS')) {
      c.expectOp('=');
      out.retention = c.number();
    } else if (c.accept('COMMENT')) {
      c.expectOp('=');
      out.comment = c.string();
    } else if (c.acceptSeq('CLUSTER', 'BY')) {
      const start = c.i;
      c.group();
      out.clusterBy = c.textBetween(start, c.i);
    } else if (
      c.accept(
        'MAX_DATA_EXTENSION_TIME_IN_DAYS',
        'CHANGE_TRACKING',
        'ENABLE_SCHEMA_EVOLUTION',
        'DEFAULT_DDL_COLLATION',
        'LOG_LEVEL',
        'TRACE_LEVEL',
      )
    ) {
      c.expectOp('=');
      c.value();
    } else if (c.acceptSeq('COPY', 'GRANTS')) {
      continue;
    } else {
      const t = c.peek();
      if (t?.kind === 'word') throw unsupported(`object property ${t.text.toUpperCase()}`);
      c.fail();
    }
  }
  return out;
}

function parseColumns(c: Cursor): ColumnDef[] {
  const inner = new Cursor(c.sql, c.group());
  const columns: ColumnDef[] = [];
  while (!inner.done()) {
    if (inner.is('PRIMARY', 'UNIQUE', 'CONSTRAINT', 'FOREIGN', 'CHECK', 'INDEX')) {
      skipToComma(inner);
    } else {
      columns.push(parseColumn(inner));
    }
    if (!inner.done()) inner.expectOp(',');
  }
  return columns;
}

function skipToComma(c: Cursor): void {
  while (!c.done() && !isOp(c.peek(), ',')) {
    if (isOp(c.peek(), '(')) c.group();
    else c.i++;
  }
}

function parseColumn(c: Cursor): ColumnDef {
  const name = c.identifier();
  const typed = readDataType(c.tokens, c.i);
  c.i = typed.next;
  const column: ColumnDef = { name, type: typed.type, nullable: true, comment: null };
  while (!c.done() && !isOp(c.peek(), ',')) {
    if (c.acceptSeq('NOT', 'NULL')) column.nullable = false;
    else if (c.accept('NULL')) column.nullable = true;
    else if (c.acceptSeq('PRIMARY', 'KEY')) column.nullable = false;
    else if (c.accept('UNIQUE')) continue;
    else if (c.accept('COMMENT')) column.comment = c.string();
    else if (c.accept('COLLATE')) c.string();
    else if (c.accept('CONSTRAINT')) c.identifier();
    else if (c.accept('REFERENCES')) {
      c.name();
      if (isOp(c.peek(), '(')) c.group();
    } else if (c.accept('AUTOINCREMENT', 'IDENTITY')) {
      let start = 1;
      let step = 1;
      if (isOp(c.peek(), '(')) {
        const args = c.group().filter((t) => t.kind === 'number');
        start = Number(args[0]?.text ?? 1);
        step = Number(args[1]?.text ?? 1);
      }
      if (c.accept('START')) start = c.number();
      if (c.accept('INCREMENT')) step = c.number();
      c.accept('ORDER', 'NOORDER');
      column.autoincrement = { start, step };
    } else if (c.accept('DEFAULT')) {
      const from = c.i;
      while (
        !c.done() &&
        !isOp(c.peek(), ',') &&
        !c.is('NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'COMMENT', 'CONSTRAINT', 'REFERENCES', 'COLLATE')
      ) {
        if (isOp(c.peek(), '(')) c.group();
        else c.i++;
      }
      column.defaultSql = c.textBetween(from, c.i);
    } else if (c.is('WITH', 'MASKING', 'PROJECTION', 'TAG')) {
      throw unsupported(`column option ${(c.peek() as Token).text.toUpperCase()}`);
    } else {
      c.fail();
    }
  }
  return column;
}

/**
 * CREATE [OR REPLACE] [TRANSIENT] DYNAMIC TABLE [IF NOT EXISTS] <name> TARGET_LAG = '<lag>' | DOWNSTREAM
 * WAREHOUSE = <wh> [REFRESH_MODE = …] [INITIALIZE = …] [COMMENT = '…'] AS <query>: TARGET_LAG and WAREHOUSE
 * are required (https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table); a column list is not modelled.
 */
function parseDynamicTable(c: Cursor, orReplace: boolean): Command {
  c.expect('TABLE');
  const ifNotExists = c.acceptSeq('IF', 'NOT', 'EXISTS');
  const name = c.name();
  let lag = false;
  let warehouse = false;
  let comment: string | null = null;
  while (!c.is('AS')) {
    const property = c.accept('TARGET_LAG', 'WAREHOUSE', 'REFRESH_MODE', 'INITIALIZE', 'COMMENT');
    if (property === undefined) c.fail();
    c.expectOp('=');
    if (property === 'TARGET_LAG') {
      if (!c.accept('DOWNSTREAM')) c.string();
      lag = true;
    } else if (property === 'COMMENT') comment = c.string();
    else {
      c.identifier();
      if (property === 'WAREHOUSE') warehouse = true;
    }
  }
  if (!lag || !warehouse) c.fail();
  c.expect('AS');
  return {
    kind: 'create-table',
    name,
    orReplace,
    ifNotExists,
    tableType: 'dynamic',
    columns: null,
    asQuery: c.rest(),
    clone: null,
    like: null,
    retention: null,
    comment,
    clusterBy: null,
  };
}

function parseDrop(c: Cursor): Command {
  const dynamic = c.accept('DYNAMIC') !== undefined;
  const kind = dynamic ? c.expect('TABLE') : c.accept('TABLE', 'VIEW', 'SCHEMA', 'DATABASE');
  if (!kind) {
    const t = c.peek();
    if (t?.kind === 'word') throw unsupported(`DROP ${t.text.toUpperCase()}`);
    c.fail();
  }
  const ifExists = c.acceptSeq('IF', 'EXISTS');
  const name = c.name();
  c.accept('CASCADE', 'RESTRICT');
  return { kind: 'drop', objectKind: kind as ObjectKind, name, ifExists, dynamic };
}

function parseUndrop(c: Cursor): Command {
  // Pitfall 1: there is no UNDROP VIEW; VIEW is a syntax error here, as in Snowflake.
  const dynamic = c.accept('DYNAMIC') !== undefined;
  const kind = dynamic ? c.expect('TABLE') : c.accept('TABLE', 'SCHEMA', 'DATABASE');
  if (!kind) c.fail();
  if (c.is('IDENTIFIER') && isOp(c.peek(1), '(') && c.peek(2)?.kind === 'number') {
    c.i += 2;
    const id = c.number();
    c.expectOp(')');
    return { kind: 'undrop', objectKind: kind as ObjectKind, name: null, id, dynamic };
  }
  return { kind: 'undrop', objectKind: kind as ObjectKind, name: c.name(), id: null, dynamic };
}

function parseAlter(c: Cursor): Command {
  const what = c.accept('TABLE', 'VIEW', 'SCHEMA', 'DATABASE', 'SESSION', 'ACCOUNT', 'USER');
  if (!what) {
    const t = c.peek();
    if (t?.kind === 'word') throw unsupported(`ALTER ${t.text.toUpperCase()}`);
    c.fail();
  }
  if (what === 'SESSION' || what === 'ACCOUNT' || what === 'USER') {
    let level: ParameterLevel = { kind: what === 'SESSION' ? 'SESSION' : 'ACCOUNT' };
    if (what === 'USER') {
      const ifExists = c.acceptSeq('IF', 'EXISTS');
      level = { kind: 'USER', name: c.identifier(), ifExists };
    }
    const set: Record<string, string> = {};
    const unset: string[] = [];
    if (c.accept('SET')) {
      while (!c.done()) {
        const key = c.identifier();
        c.expectOp('=');
        set[key] = c.value();
        c.acceptOp(',');
      }
    } else {
      c.expect('UNSET');
      while (!c.done()) {
        unset.push(c.identifier());
        c.acceptOp(',');
      }
    }
    return { kind: 'alter-session', level, set, unset };
  }
  const ifExists = c.acceptSeq('IF', 'EXISTS');
  const name = c.name();
  let action: AlterAction;
  let policy: PolicyAction | null;
  if (c.acceptSeq('RENAME', 'TO')) action = { kind: 'rename', to: c.name() };
  else if (c.acceptSeq('SWAP', 'WITH')) action = { kind: 'swap', with: c.name() };
  else if (c.accept('SET')) {
    action = { kind: 'set' };
    while (!c.done()) {
      if (c.accept('DATA_RETENTION_TIME_IN_DAYS')) {
        c.expectOp('=');
        action.retention = c.number();
      } else if (c.accept('COMMENT')) {
        c.expectOp('=');
        action.comment = c.string();
      } else if (c.accept('SECURE')) {
        action.secure = true;
      } else if (c.accept('MAX_DATA_EXTENSION_TIME_IN_DAYS', 'CHANGE_TRACKING', 'ENABLE_SCHEMA_EVOLUTION', 'DEFAULT_DDL_COLLATION')) {
        c.expectOp('=');
        c.value();
      } else {
        const t = c.peek();
        if (t?.kind === 'word') throw unsupported(`ALTER ${what} SET ${t.text.toUpperCase()}`);
        c.fail();
      }
      c.acceptOp(',');
    }
  } else if (c.accept('UNSET')) {
    const properties: string[] = [];
    while (!c.done()) {
      properties.push(c.identifier());
      c.acceptOp(',');
    }
    action = { kind: 'unset', properties };
  } else if (what === 'TABLE' && (policy = policyAction(c)) !== null) {
    action = policy;
  } else if (what === 'TABLE' && c.accept('ALTER', 'MODIFY')) {
    // ALTER [COLUMN] <c> SET NOT NULL | DROP NOT NULL; other column changes are not modelled.
    c.accept('COLUMN');
    const column = c.identifier();
    const set = c.expect('SET', 'DROP') === 'SET';
    c.expect('NOT');
    c.expect('NULL');
    action = { kind: 'column-nullability', column, nullable: !set };
  } else if (what === 'TABLE' && c.acceptSeq('ADD')) {
    c.accept('COLUMN');
    const ifNotExists = c.acceptSeq('IF', 'NOT', 'EXISTS');
    action = { kind: 'add-column', column: parseColumn(c), ifNotExists };
  } else if (what === 'TABLE' && c.acceptSeq('DROP')) {
    c.accept('COLUMN');
    const names = [c.identifier()];
    while (c.acceptOp(',')) names.push(c.identifier());
    action = { kind: 'drop-column', names };
  } else if (what === 'TABLE' && c.acceptSeq('RENAME', 'COLUMN')) {
    const from = c.identifier();
    c.expect('TO');
    action = { kind: 'rename-column', from, to: c.identifier() };
  } else if (what === 'TABLE' && c.acceptSeq('CLUSTER', 'BY')) {
    const start = c.i;
    c.group();
    action = { kind: 'set', clusterBy: c.textBetween(start, c.i) };
  } else {
    const t = c.peek();
    if (t?.kind === 'word') throw unsupported(`ALTER ${what} ... ${t.text.toUpperCase()}`);
    c.fail();
  }
  const kind = `alter-${what.toLowerCase()}` as 'alter-table' | 'alter-view' | 'alter-schema' | 'alter-database';
  return { kind, name, ifExists, action } as Command;
}

function parseComment(c: Cursor): Command {
  c.expect('ON');
  const kind = c.expect('TABLE', 'VIEW', 'SCHEMA', 'DATABASE', 'COLUMN') as ObjectKind;
  const name = c.name();
  c.expect('IS');
  const t = c.peek();
  const text = c.accept('NULL') ? null : c.string();
  if (t === undefined) c.fail();
  return { kind: 'comment', objectKind: kind, name, text };
}

function parseUse(c: Cursor): Command {
  if (c.acceptSeq('SECONDARY', 'ROLES')) {
    c.value();
    return { kind: 'use', objectKind: 'SECONDARY ROLES', name: [] };
  }
  const kind = c.accept('DATABASE', 'SCHEMA', 'WAREHOUSE', 'ROLE');
  const name = c.name();
  const objectKind = (kind ?? (name.length > 1 ? 'SCHEMA' : 'DATABASE')) as 'DATABASE' | 'SCHEMA' | 'WAREHOUSE' | 'ROLE';
  return { kind: 'use', objectKind, name };
}

function parseShow(c: Cursor): Command {
  const terse = c.accept('TERSE') !== undefined;
  const what = c.accept('TABLES', 'VIEWS', 'SCHEMAS', 'DATABASES', 'OBJECTS', 'WAREHOUSES');
  if (!what) {
    const t = c.peek();
    if (t?.kind === 'word') throw unsupported(`SHOW ${t.text.toUpperCase()}`);
    c.fail();
  }
  const out: Extract<Command, { kind: 'show' }> = {
    kind: 'show',
    what,
    history: false,
    terse,
    like: null,
    in: null,
    startsWith: null,
    limit: null,
    from: null,
  };
  while (!c.done()) {
    // SHOW VIEWS has no HISTORY (pitfall 9): only TABLES, SCHEMAS and DATABASES accept it.
    if (c.is('HISTORY') && what !== 'TABLES' && what !== 'SCHEMAS' && what !== 'DATABASES') c.fail();
    if (c.accept('HISTORY')) out.history = true;
    else if (c.accept('LIKE')) out.like = c.string();
    else if (c.accept('IN')) {
      const kind = c.accept('ACCOUNT', 'DATABASE', 'SCHEMA');
      if (kind === 'ACCOUNT') out.in = { kind, name: [] };
      else if (kind) out.in = { kind: kind as 'DATABASE' | 'SCHEMA', name: c.done() || c.is('STARTS', 'LIMIT') ? [] : c.name() };
      else {
        const name = c.name();
        out.in = { kind: name.length === 1 && what === 'SCHEMAS' ? 'DATABASE' : 'SCHEMA', name };
      }
    } else if (c.acceptSeq('STARTS', 'WITH')) out.startsWith = c.string();
    else if (c.accept('LIMIT')) {
      out.limit = c.number();
      if (c.accept('FROM')) out.from = c.string();
    } else c.fail();
  }
  return out;
}

/** `SHOW PARAMETERS [LIKE '…'] [IN SESSION | ACCOUNT | DATABASE [d] | SCHEMA [s] | TABLE t]` (USER, WAREHOUSE, TASK: not modelled). */
function parseShowParameters(c: Cursor): Command {
  const like = c.accept('LIKE') ? c.string() : null;
  let scope: Extract<Command, { kind: 'show-parameters' }>['in'] = { kind: 'SESSION', name: [] };
  if (c.accept('IN')) {
    const kind = c.accept('SESSION', 'ACCOUNT', 'DATABASE', 'SCHEMA', 'TABLE');
    if (kind === undefined) {
      const t = c.peek();
      if (isKeyword(t, 'USER', 'WAREHOUSE', 'TASK')) throw unsupported(`SHOW PARAMETERS IN ${t?.text.toUpperCase()}`);
      c.fail();
    }
    const named = kind === 'DATABASE' || kind === 'SCHEMA' || kind === 'TABLE';
    scope = { kind: kind as typeof scope.kind, name: named && (kind === 'TABLE' || !c.done()) ? c.name() : [] };
  }
  return { kind: 'show-parameters', like, in: scope };
}

/** `SHOW GRANTS ON {ACCOUNT | DATABASE | SCHEMA | TABLE | VIEW} name` (the TO/OF forms and plain SHOW GRANTS: not modelled). */
function parseShowGrants(c: Cursor): Command {
  if (!c.accept('ON')) {
    const t = c.peek();
    throw unsupported(t ? `SHOW GRANTS ${t.text.toUpperCase()}` : 'SHOW GRANTS');
  }
  if (c.accept('ACCOUNT')) return { kind: 'show-grants-on-account' };
  const kind = c.accept('DATABASE', 'SCHEMA', 'TABLE', 'VIEW');
  if (kind === undefined) {
    const t = c.peek();
    if (t?.kind === 'word') throw unsupported(`SHOW GRANTS ON ${t.text.toUpperCase()}`);
    c.fail();
  }
  return { kind: 'show-grants', on: { kind: kind as GrantableKind, name: c.name() } };
}

/**
 * `GRANT ROLE r TO ROLE s`, `GRANT OWNERSHIP ON <kind> name TO ROLE r [COPY | REVOKE CURRENT GRANTS]`
 * `GRANT priv[, priv] ON {DATABASE | SCHEMA} name TO ROLE r` and `GRANT priv[, priv] ON ACCOUNT TO
 * ROLE r` (other forms: not modelled).
 */
function parseGrant(c: Cursor): Command {
  if (c.accept('ROLE')) {
    const role = c.identifier();
    c.expect('TO');
    if (c.is('USER')) throw unsupported('GRANT ROLE TO USER');
    c.expect('ROLE');
    return { kind: 'grant-role', role, to: c.identifier() };
  }
  const privileges: string[] = [];
  do {
    const words: string[] = [];
    while (!c.done() && !c.is('ON') && !isOp(c.peek(), ',')) words.push(c.value());
    if (words.length === 0) c.fail();
    privileges.push(words.join(' ') === 'ALL PRIVILEGES' ? 'ALL' : words.join(' '));
  } while (c.acceptOp(','));
  c.expect('ON');
  if (c.is('ALL', 'FUTURE')) throw unsupported(`GRANT ON ${c.peek()?.text.toUpperCase()}`);
  if (c.accept('ACCOUNT')) {
    if (privileges.includes('OWNERSHIP')) c.fail();
    c.expect('TO');
    c.expect('ROLE');
    const to = c.identifier();
    if (c.acceptSeq('WITH', 'GRANT', 'OPTION')) throw unsupported('GRANT … WITH GRANT OPTION');
    return { kind: 'grant-on-account', privileges, to };
  }
  const kind = c.accept('DATABASE', 'SCHEMA', 'TABLE', 'VIEW');
  if (kind === undefined) {
    const t = c.peek();
    if (t?.kind === 'word') throw unsupported(`GRANT ON ${t.text.toUpperCase()}`);
    c.fail();
  }
  const name = c.name();
  c.expect('TO');
  if (c.is('SHARE', 'USER', 'DATABASE', 'APPLICATION')) throw unsupported(`GRANT TO ${c.peek()?.text.toUpperCase()}`);
  c.expect('ROLE');
  const to = c.identifier();
  let currentGrants: 'COPY' | 'REVOKE' | null = null;
  if (privileges.includes('OWNERSHIP')) {
    if (privileges.length > 1) c.fail();
    const how = c.accept('COPY', 'REVOKE');
    if (how !== undefined) {
      c.expect('CURRENT');
      c.expect('GRANTS');
      currentGrants = how as 'COPY' | 'REVOKE';
    }
  } else if (c.acceptSeq('WITH', 'GRANT', 'OPTION')) {
    throw unsupported('GRANT … WITH GRANT OPTION');
  }
  return { kind: 'grant', privileges, on: { kind: kind as GrantableKind, name }, to, currentGrants };
}

/** An ALTER TABLE action on a policy at the cursor (consumed), or null (nothing consumed). */
function policyAction(c: Cursor): PolicyAction | null {
  const start = c.i;
  let action: PolicyAction | null = null;
  if (c.acceptSeq('ADD', 'ROW', 'ACCESS', 'POLICY')) {
    const policy = c.name();
    c.expect('ON');
    const inner = new Cursor(c.sql, c.group());
    const columns = [inner.identifier()];
    while (inner.acceptOp(',')) columns.push(inner.identifier());
    inner.end();
    action = { kind: 'add-row-access-policy', policy, columns };
  } else if (c.acceptSeq('DROP', 'ROW', 'ACCESS', 'POLICY')) {
    action = { kind: 'drop-row-access-policy', policy: c.name() };
  } else if (c.accept('MODIFY', 'ALTER')) {
    c.accept('COLUMN');
    const column = c.identifier();
    if (c.acceptSeq('SET', 'MASKING', 'POLICY')) action = { kind: 'set-masking-policy', column, policy: c.name() };
    else if (c.acceptSeq('UNSET', 'MASKING', 'POLICY')) action = { kind: 'set-masking-policy', column, policy: null };
  }
  if (action === null) c.i = start;
  return action;
}

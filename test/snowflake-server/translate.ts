// Rewrites Snowflake SELECT/DML text into DuckDB SQL: object names become internal table names
// (views are expanded late from their stored text, INFORMATION_SCHEMA and RESULT_SCAN come from
// scratch tables), AT/BEFORE picks history snapshots, and functions, casts and variant paths are mapped.

import { objectNotFound, SnowflakeError, syntaxError, unsupported, viewExpansionFailed } from './errors.js';
import { castTo, jsonKey, translateFunction, type FunctionCall, type FunctionContext } from './functions.js';
import { displayName, identifierValue, parseNameString, type QualifiedName } from './names.js';
import { readDataType } from './sql-types.js';
import { isKeyword, isOp, quoteIdent, quoteString, significant, tokenize, type Token } from './tokenizer.js';
import type { Catalog, Database, ResolveContext, TableVersion, TimePoint, ViewVersion } from './catalog.js';
import type { InfoSchemaRows } from './info-schema.js';
import { boundBody } from './policies.js';

/** A parenthesised or bracketed run of nodes. */
export interface Group {
  kind: 'group';
  bracket: '(' | '[';
  open: Token;
  children: Node[];
  end: number;
}

/** A token or a group: the translator's view of a statement. */
export type Node = Token | Group;

/** What the translator needs from the statement executor. */
export interface TranslateEnv {
  catalog: Catalog;
  functions: FunctionContext;
  /** Materialises `<db>.INFORMATION_SCHEMA.<view>` and returns the scratch table name. */
  infoSchema(db: Database, view: string, resolve: ResolveContext): Promise<string>;
  /** Loads rows (a table function's) into a scratch table and returns its name. */
  load(rows: InfoSchemaRows): Promise<string>;
  /** Materialises a stored result (by query id, or a negative index into the session's history). */
  resultScan(spec: string | number): Promise<string>;
  /** Evaluates a constant DuckDB timestamp expression to epoch milliseconds. */
  evalTimestamp(duckSql: string): Promise<number>;
  /** The change sequence at a statement's start (BEFORE) or end (AT). */
  statementPoint(queryId: string, before: boolean): TimePoint;
}

/** A table version the statement reads (or writes), with the internal table used. */
export interface TableRead {
  object: TableVersion;
  internal: string;
}

export function isGroup(node: Node | undefined): node is Group {
  return node !== undefined && 'children' in node;
}

function nodeStart(node: Node): number {
  return isGroup(node) ? node.open.pos : node.pos;
}

function nodeEnd(node: Node): number {
  return isGroup(node) ? node.end : node.pos + node.text.length;
}

/** Nests tokens into groups by (), [] pairs. */
export function buildTree(tokens: Token[], sql: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ group: Group | null; list: Node[] }> = [{ group: null, list: root }];
  for (const t of tokens) {
    const top = stack[stack.length - 1] as { group: Group | null; list: Node[] };
    if (isOp(t, '(') || isOp(t, '[')) {
      const group: Group = { kind: 'group', bracket: t.text as '(' | '[', open: t, children: [], end: t.pos + 1 };
      top.list.push(group);
      stack.push({ group, list: group.children });
    } else if (isOp(t, ')') || isOp(t, ']')) {
      if (!top.group || (top.group.bracket === '(') !== (t.text === ')')) throw syntaxError(sql, t.pos, t.text);
      top.group.end = t.pos + 1;
      stack.pop();
    } else {
      top.list.push(t);
    }
  }
  if (stack.length > 1) throw syntaxError(sql, sql.length, '<EOF>');
  return root;
}

/** Splits nodes on top-level commas. */
export function splitCommas(nodes: Node[]): Node[][] {
  const out: Node[][] = [[]];
  for (const n of nodes) {
    if (!isGroup(n) && isOp(n, ',')) out.push([]);
    else (out[out.length - 1] as Node[]).push(n);
  }
  return nodes.length === 0 ? [] : out;
}

function word(node: Node | undefined): string | undefined {
  return node !== undefined && !isGroup(node) && node.kind === 'word' ? node.text.toUpperCase() : undefined;
}

function startsWithQuery(group: Group): boolean {
  const first = group.children[0];
  return isKeyword(first as Token, 'SELECT', 'WITH') || (isGroup(first) && startsWithQuery(first));
}

const STOP = new Set([
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'QUALIFY',
  'LIMIT',
  'OFFSET',
  'FETCH',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'MINUS',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'NATURAL',
  'ON',
  'USING',
  'SET',
  'WINDOW',
  'SELECT',
  'INTO',
]);
const ALIAS_STOP = new Set([
  ...STOP,
  'AT',
  'BEFORE',
  'CHANGES',
  'SAMPLE',
  'TABLESAMPLE',
  'PIVOT',
  'UNPIVOT',
  'MATCH_RECOGNIZE',
  'WHEN',
  'OUTER',
  'LATERAL',
  'AS',
  'THEN',
  'VALUES',
  'RETURNING',
]);
const NOT_FUNCTION = new Set([
  'IN',
  'EXISTS',
  'ANY',
  'ALL',
  'SOME',
  'NOT',
  'AND',
  'OR',
  'ON',
  'USING',
  'AS',
  'VALUES',
  'INSERT',
  'OVER',
  'FILTER',
  'WITHIN',
  'THEN',
  'ELSE',
  'WHEN',
  'CASE',
  'BY',
  'IS',
  'LIKE',
  'ILIKE',
  'BETWEEN',
  'FROM',
  'WHERE',
  'SELECT',
  'INTO',
  'SET',
  'RETURNING',
]);
const NON_OPERAND = new Set([
  'AND',
  'OR',
  'NOT',
  'IS',
  'IN',
  'LIKE',
  'ILIKE',
  'BETWEEN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'AS',
  'DISTINCT',
  'BY',
  'ASC',
  'DESC',
  'NULLS',
  'ESCAPE',
  'INTERVAL',
  'OVER',
  'PARTITION',
]);
const NILADIC = new Set([
  'CURRENT_TIMESTAMP',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'LOCALTIMESTAMP',
  'LOCALTIME',
  'SYSTIMESTAMP',
  'CURRENT_USER',
  'CURRENT_ROLE',
]);
// Keywords that play their SQL role inside expressions; any other DuckDB-reserved word in a name position is quoted.
const STRUCTURAL = new Set([
  'ALL',
  'AND',
  'ANY',
  'AS',
  'ASC',
  'BOTH',
  'CASE',
  'CAST',
  'COLLATE',
  'DEFAULT',
  'DESC',
  'DISTINCT',
  'DO',
  'ELSE',
  'END',
  'EXCEPT',
  'FALSE',
  'FETCH',
  'FOR',
  'FROM',
  'GROUP',
  'HAVING',
  'IN',
  'INTERSECT',
  'INTO',
  'LATERAL',
  'LEADING',
  'LIMIT',
  'NOT',
  'NULL',
  'OFFSET',
  'ON',
  'ONLY',
  'OR',
  'ORDER',
  'QUALIFY',
  'SELECT',
  'SOME',
  'THEN',
  'TRAILING',
  'TRUE',
  'UNION',
  'USING',
  'WHEN',
  'WHERE',
  'WINDOW',
  'WITH',
  'CROSS',
  'FULL',
  'ILIKE',
  'INNER',
  'IS',
  'ISNULL',
  'JOIN',
  'LEFT',
  'LIKE',
  'NATURAL',
  'NOTNULL',
  'OUTER',
  'OVERLAPS',
  'RIGHT',
  'SIMILAR',
  'TRY_CAST',
  'GLOB',
  'SEMI',
  'ANTI',
  'ASOF',
  'POSITIONAL',
  'TABLESAMPLE',
]);
const EXPRESSION_KEYWORDS = new Set([
  'NULL',
  'TRUE',
  'FALSE',
  'END',
  'AND',
  'OR',
  'NOT',
  'IS',
  'IN',
  'LIKE',
  'ILIKE',
  'BETWEEN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'DISTINCT',
  'ESCAPE',
  'INTERVAL',
]);

/** Translates one statement (and, recursively, the views it reads). */
export class Translator {
  /** Table versions read or written, in order of appearance. */
  readonly reads: TableRead[] = [];
  private readonly ctes = new Set<string>();

  constructor(
    private readonly sql: string,
    private readonly resolveCtx: ResolveContext,
    private readonly env: TranslateEnv,
    private readonly at: TimePoint | null = null,
    private readonly depth = 0,
  ) {}

  /** Translates a whole statement given its significant tokens. */
  statement(tokens: Token[]): Promise<string> {
    return this.query(buildTree(tokens, this.sql));
  }

  /** Evaluates an AT/BEFORE clause given the tokens inside its parentheses (CLONE ... AT). */
  pointOf(before: boolean, tokens: Token[]): Promise<TimePoint> {
    return this.timePoint(before, buildTree(tokens, this.sql));
  }

  /** Translates a query/DML node list, clause by clause. */
  async query(nodes: Node[], startInTable = false): Promise<string> {
    const out: string[] = [];
    let i = 0;
    let inFrom = startInTable;
    let expectTable = startInTable;
    while (i < nodes.length) {
      const node = nodes[i] as Node;
      if (expectTable) {
        const ref = await this.tableRef(nodes, i);
        out.push(ref.sql);
        i = ref.next;
        expectTable = false;
        continue;
      }
      if (isGroup(node)) {
        out.push(await this.groupSql(node));
        i++;
        continue;
      }
      const w = word(node);
      const nextIsGroup = isGroup(nodes[i + 1]) && (nodes[i + 1] as Group).bracket === '(';
      if (w === 'WITH') {
        i = await this.withClause(nodes, i + 1, out);
      } else if (w === 'SELECT') {
        i = await this.selectList(nodes, i + 1, out);
        inFrom = false;
      } else if (
        (w === 'FROM' && !isKeyword(nodes[i - 1] as Token, 'DISTINCT')) ||
        w === 'JOIN' ||
        (w === 'INTO' && i <= 2) ||
        (w === 'UPDATE' && i === 0)
      ) {
        out.push(w);
        inFrom = w === 'FROM' || w === 'JOIN';
        expectTable = true;
        i++;
      } else if (w === 'USING') {
        out.push('USING');
        expectTable = !nextIsGroup;
        i++;
      } else if (w !== undefined && ['INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL', 'OUTER'].includes(w) && !nextIsGroup) {
        out.push(w);
        i++;
      } else if (w !== undefined && ['UNION', 'INTERSECT', 'EXCEPT', 'MINUS'].includes(w)) {
        out.push(w === 'MINUS' ? 'EXCEPT' : w);
        inFrom = false;
        i++;
        if (isKeyword(nodes[i] as Token, 'ALL', 'DISTINCT')) out.push((nodes[i++] as Token).text.toUpperCase());
      } else if (!isGroup(node) && isOp(node, ',') && inFrom) {
        out.push(',');
        expectTable = true;
        i++;
      } else if (w !== undefined && ['GROUP', 'ORDER', 'PARTITION'].includes(w) && isKeyword(nodes[i + 1] as Token, 'BY')) {
        out.push(`${w} BY`);
        inFrom = false;
        const end = this.segmentEnd(nodes, i + 2);
        out.push(await this.expr(nodes.slice(i + 2, end)));
        i = end;
      } else {
        if (w !== undefined && STOP.has(w)) inFrom = false;
        const begin = w !== undefined && STOP.has(w) && !nextIsGroup ? i + 1 : i;
        if (begin > i) out.push(w as string);
        const end = this.segmentEnd(nodes, Math.max(begin, i + 1));
        out.push(await this.expr(nodes.slice(begin, end)));
        i = end;
      }
    }
    return out.join(' ');
  }

  /** Index of the next clause keyword at this level (a keyword followed by `(` is a function call). */
  private segmentEnd(nodes: Node[], from: number): number {
    for (let j = from; j < nodes.length; j++) {
      const w = word(nodes[j]);
      if (w === undefined || !STOP.has(w)) continue;
      if (isGroup(nodes[j + 1]) && (nodes[j + 1] as Group).bracket === '(' && !['USING', 'ON', 'SELECT', 'FROM', 'WHERE'].includes(w))
        continue;
      if (w === 'FROM' && isKeyword(nodes[j - 1] as Token, 'DISTINCT')) continue;
      if (w === 'GROUP' && isKeyword(nodes[j - 1] as Token, 'WITHIN')) continue;
      if (w === 'ORDER' && isKeyword(nodes[j - 1] as Token, 'WITHIN')) continue;
      return j;
    }
    return nodes.length;
  }

  private async groupSql(group: Group): Promise<string> {
    if (group.bracket === '[') return `[${await this.expr(group.children)}]`;
    return `(${startsWithQuery(group) ? await this.query(group.children) : await this.expr(group.children)})`;
  }

  private async withClause(nodes: Node[], i: number, out: string[]): Promise<number> {
    out.push('WITH');
    if (isKeyword(nodes[i] as Token, 'RECURSIVE')) {
      out.push('RECURSIVE');
      i++;
    }
    const ctes: string[] = [];
    for (;;) {
      const name = identifierValue(nodes[i] as Token);
      if (name === undefined)
        throw syntaxError(this.sql, nodeStart(nodes[i] ?? (nodes[i - 1] as Node)), (nodes[i] as Token | undefined)?.text ?? '<EOF>');
      this.ctes.add(name);
      i++;
      let columns = '';
      if (isGroup(nodes[i])) {
        columns = `(${splitCommas((nodes[i] as Group).children)
          .map((c) => quoteIdent(identifierValue(c[0] as Token) ?? ''))
          .join(', ')})`;
        i++;
      }
      if (!isKeyword(nodes[i] as Token, 'AS') || !isGroup(nodes[i + 1]))
        throw syntaxError(this.sql, nodeStart(nodes[i] ?? (nodes[i - 1] as Node)), 'WITH');
      ctes.push(`${quoteIdent(name)}${columns} AS (${await this.query((nodes[i + 1] as Group).children)})`);
      i += 2;
      if (!isGroup(nodes[i]) && isOp(nodes[i] as Token, ',')) i++;
      else break;
    }
    out.push(ctes.join(', '));
    return i;
  }

  private async selectList(nodes: Node[], i: number, out: string[]): Promise<number> {
    out.push('SELECT');
    if (isKeyword(nodes[i] as Token, 'DISTINCT', 'ALL')) out.push((nodes[i++] as Token).text.toUpperCase());
    if (isKeyword(nodes[i] as Token, 'TOP')) throw unsupported('SELECT TOP n', 'use LIMIT');
    const end = this.segmentEnd(nodes, i);
    const items: string[] = [];
    for (const item of splitCommas(nodes.slice(i, end))) items.push(await this.selectItem(item));
    out.push(items.join(', '));
    return end;
  }

  /** One select item, given the column name Snowflake would report (unquoted names upper-cased, expressions as written in upper case). */
  private async selectItem(item: Node[]): Promise<string> {
    const n = item.length;
    const last = item[n - 1] as Node;
    const beforeLast = item[n - 2];
    if (!isGroup(last) && isOp(last, '*')) return this.expr(item);
    if (n >= 3 && isKeyword(beforeLast as Token, 'AS') && !isGroup(last)) {
      return `${await this.expr(item.slice(0, n - 2))} AS ${quoteIdent(identifierValue(last) ?? last.text)}`;
    }
    const lastIsName =
      !isGroup(last) && (last.kind === 'quoted' || (last.kind === 'word' && !EXPRESSION_KEYWORDS.has(last.text.toUpperCase())));
    const beforeIsOperand =
      beforeLast !== undefined &&
      (isGroup(beforeLast) || ['word', 'quoted', 'string', 'number'].includes(beforeLast.kind)) &&
      !(beforeLast as Token).text?.match(/^(AND|OR|NOT|IS|IN|LIKE|ILIKE|BETWEEN|CASE|WHEN|THEN|ELSE|DISTINCT|INTERVAL|ESCAPE)$/i);
    if (n >= 2 && lastIsName && beforeIsOperand) {
      return `${await this.expr(item.slice(0, n - 1))} AS ${quoteIdent(identifierValue(last) as string)}`;
    }
    const sql = await this.expr(item);
    const isChain = item.every((node, k) =>
      k % 2 === 0 ? !isGroup(node) && (node.kind === 'word' || node.kind === 'quoted') : !isGroup(node) && isOp(node, '.'),
    );
    if (isChain && !NILADIC.has(word(last) ?? '')) return `${sql} AS ${quoteIdent(identifierValue(last as Token) as string)}`;
    return `${sql} AS ${quoteIdent(this.sql.slice(nodeStart(item[0] as Node), nodeEnd(last)).toUpperCase())}`;
  }

  /** Translates an expression node list. */
  async expr(nodes: Node[]): Promise<string> {
    const units: string[] = [];
    let operand = false;
    let i = 0;
    while (i < nodes.length) {
      const node = nodes[i] as Node;
      if (isGroup(node)) {
        if (node.bracket === '[') {
          if (operand) units.push(await this.indexAccess(units.pop() as string, node));
          else units.push(`json_array(${(await this.args(node.children)).map((a) => `sf_to_variant(${a})`).join(', ')})`);
        } else {
          units.push(await this.groupSql(node));
        }
        operand = true;
        i++;
        continue;
      }
      switch (node.kind) {
        case 'string':
          units.push(quoteString(node.value));
          operand = true;
          i++;
          continue;
        case 'number':
          units.push(node.text);
          operand = true;
          i++;
          continue;
        case 'bind':
          throw new SnowflakeError(
            '002049',
            '22000',
            `SQL compilation error: error line 1 at position ${node.pos}\nBind variable ${node.text} not set.`,
          );
        case 'op': {
          if (node.text === '::') {
            const cast = this.typeAt(nodes, i + 1);
            units.push(castTo(units.pop() ?? '', cast.type.snowflake, cast.type.duck, this.env.functions.timezone));
            i = cast.next;
            operand = true;
          } else if (node.text === ':') {
            const path = await this.variantPath(units.pop() ?? '', nodes, i + 1);
            units.push(path.sql);
            i = path.next;
            operand = true;
          } else if (node.text === '=>') {
            throw unsupported('named argument =>', 'outside FLATTEN');
          } else {
            units.push(node.text === '!=' ? '<>' : node.text);
            operand = false;
            i++;
          }
          continue;
        }
        default: {
          const w = node.kind === 'word' ? node.text.toUpperCase() : '';
          const next = nodes[i + 1];
          if (node.kind === 'word' && isGroup(next) && next.bracket === '(' && !NOT_FUNCTION.has(w)) {
            const call = await this.functionCall(nodes, i);
            units.push(call.sql);
            i = call.next;
            operand = true;
          } else if (NILADIC.has(w)) {
            units.push(
              translateFunction({ name: w, args: [], argWords: [], argStrings: [], distinct: false }, this.env.functions) as string,
            );
            i++;
            operand = true;
          } else if (node.kind === 'word' && EXPRESSION_KEYWORDS.has(w)) {
            units.push(w);
            operand = !NON_OPERAND.has(w);
            i++;
          } else if (node.kind === 'word' && NON_OPERAND.has(w)) {
            units.push(w);
            operand = false;
            i++;
          } else {
            const chain = this.chainAt(nodes, i);
            units.push(chain.sql);
            i = chain.next;
            operand = true;
          }
        }
      }
    }
    return units.join(' ');
  }

  /** `a.b.c[.*]` as DuckDB text: at most alias.column (tables are aliased by their own name). */
  private chainAt(nodes: Node[], i: number): { sql: string; next: number } {
    const parts: string[] = [];
    const reserved = this.env.catalog.store.reservedWords;
    let j = i;
    for (;;) {
      const t = nodes[j] as Token;
      const dotted = j > i || isOp(nodes[j + 1] as Token, '.');
      const mustQuote = t.kind === 'word' && reserved.has(t.text.toLowerCase()) && (dotted || !STRUCTURAL.has(t.text.toUpperCase()));
      parts.push(t.kind === 'quoted' ? quoteIdent(t.value) : mustQuote ? quoteIdent(t.text.toUpperCase()) : t.text);
      j++;
      const dot = nodes[j];
      const after = nodes[j + 1];
      if (!isGroup(dot) && dot !== undefined && isOp(dot, '.') && !isGroup(after) && after !== undefined) {
        if (after.kind === 'word' || after.kind === 'quoted') {
          j++;
          continue;
        }
        if (isOp(after, '*')) {
          parts.push('*');
          j += 2;
        }
      }
      break;
    }
    return { sql: parts.slice(-2).join('.'), next: j };
  }

  private typeAt(nodes: Node[], i: number): { type: ReturnType<typeof readDataType>['type']; next: number } {
    const tokens: Token[] = [];
    const first = nodes[i];
    if (first === undefined || isGroup(first)) throw syntaxError(this.sql, first ? nodeStart(first) : this.sql.length, '::');
    tokens.push(first);
    let next = i + 1;
    const second = nodes[next];
    if (
      second !== undefined &&
      !isGroup(second) &&
      second.kind === 'word' &&
      ['PRECISION', 'VARYING'].includes(second.text.toUpperCase())
    ) {
      tokens.push(second);
      next++;
    }
    const args = nodes[next];
    if (isGroup(args) && args.bracket === '(') {
      tokens.push(args.open, ...(args.children as Token[]), { kind: 'op', text: ')', value: ')', pos: args.end - 1 });
      next++;
    }
    return { type: readDataType(tokens, 0).type, next };
  }

  private async args(nodes: Node[]): Promise<string[]> {
    const out: string[] = [];
    for (const a of splitCommas(nodes)) out.push(await this.expr(a));
    return out;
  }

  private async indexAccess(base: string, group: Group): Promise<string> {
    const only = group.children.length === 1 ? group.children[0] : undefined;
    if (only !== undefined && !isGroup(only) && only.kind === 'number') return `json_extract(${base}, '$[${only.text}]')`;
    if (only !== undefined && !isGroup(only) && only.kind === 'string')
      return `json_extract(${base}, ${quoteString(`$.${jsonKey(only.value)}`)})`;
    return `json_extract(${base}, '$[' || CAST(${await this.expr(group.children)} AS VARCHAR) || ']')`;
  }

  /** `base:key.key[0]...` → json_extract(base, '$.key...'). Unquoted keys keep their case, as in Snowflake. */
  private async variantPath(base: string, nodes: Node[], i: number): Promise<{ sql: string; next: number }> {
    const first = nodes[i];
    if (first === undefined || isGroup(first) || (first.kind !== 'word' && first.kind !== 'quoted')) {
      throw syntaxError(this.sql, first ? nodeStart(first) : this.sql.length, first && !isGroup(first) ? first.text : ':');
    }
    let path = `$.${jsonKey(first.value)}`;
    let j = i + 1;
    let sql = base;
    for (;;) {
      const n = nodes[j];
      const after = nodes[j + 1];
      if (
        n !== undefined &&
        !isGroup(n) &&
        isOp(n, '.') &&
        after !== undefined &&
        !isGroup(after) &&
        (after.kind === 'word' || after.kind === 'quoted')
      ) {
        path += `.${jsonKey(after.value)}`;
        j += 2;
      } else if (isGroup(n) && n.bracket === '[') {
        const only = n.children.length === 1 ? n.children[0] : undefined;
        if (only !== undefined && !isGroup(only) && only.kind === 'number') path += `[${only.text}]`;
        else if (only !== undefined && !isGroup(only) && only.kind === 'string') path += `.${jsonKey(only.value)}`;
        else {
          sql = await this.indexAccess(`json_extract(${sql}, ${quoteString(path)})`, n);
          path = '$';
        }
        j++;
      } else {
        break;
      }
    }
    return { sql: path === '$' ? sql : `json_extract(${sql}, ${quoteString(path)})`, next: j };
  }

  private async functionCall(nodes: Node[], i: number): Promise<{ sql: string; next: number }> {
    const nameToken = nodes[i] as Token;
    const name = nameToken.text.toUpperCase();
    const group = nodes[i + 1] as Group;
    let next = i + 2;
    if (name === 'CAST' || name === 'TRY_CAST') {
      const asIndex = group.children.findIndex((c) => isKeyword(c as Token, 'AS'));
      if (asIndex < 0) throw syntaxError(this.sql, group.end - 1, ')');
      const value = await this.expr(group.children.slice(0, asIndex));
      const type = this.typeAt(group.children, asIndex + 1).type;
      return {
        sql: name === 'CAST' ? castTo(value, type.snowflake, type.duck, this.env.functions.timezone) : `TRY_CAST(${value} AS ${type.duck})`,
        next,
      };
    }
    if (name === 'EXTRACT' || name === 'TRIM' || name === 'POSITION' || name === 'SUBSTRING') {
      return { sql: `${name}(${await this.expr(group.children)})`, next };
    }
    if (name === 'FLATTEN') throw unsupported('FLATTEN', 'use it in FROM as LATERAL FLATTEN(input => ...) or TABLE(FLATTEN(...))');
    const argNodes = splitCommas(group.children);
    const distinct = isKeyword(argNodes[0]?.[0] as Token, 'DISTINCT');
    if (distinct) argNodes[0] = (argNodes[0] as Node[]).slice(1);
    const call: FunctionCall = {
      name,
      args: [],
      argWords: argNodes.map((a) => word(a[0])),
      argStrings: argNodes.map((a) =>
        a.length === 1 && !isGroup(a[0]) && (a[0] as Token).kind === 'string' ? (a[0] as Token).value : undefined,
      ),
      distinct,
    };
    for (const a of argNodes) call.args.push(await this.expr(a));
    if (isKeyword(nodes[next] as Token, 'WITHIN') && isKeyword(nodes[next + 1] as Token, 'GROUP') && isGroup(nodes[next + 2])) {
      call.withinGroupOrder = await this.query((nodes[next + 2] as Group).children);
      next += 3;
    }
    const sql = translateFunction(call, this.env.functions) ?? `${nameToken.text}(${distinct ? 'DISTINCT ' : ''}${call.args.join(', ')})`;
    return { sql, next };
  }

  /** A FROM item: table/view name (+ AT/BEFORE, alias), subquery, LATERAL FLATTEN, TABLE(RESULT_SCAN/FLATTEN). */
  private async tableRef(nodes: Node[], i: number): Promise<{ sql: string; next: number }> {
    let node = nodes[i];
    if (node === undefined) throw syntaxError(this.sql, this.sql.length, '<EOF>');
    let lateral = false;
    if (isKeyword(node as Token, 'LATERAL')) {
      lateral = true;
      node = nodes[++i];
    }
    let source: string;
    let defaultAlias: string | null = null;
    let j: number;
    if (isKeyword(node as Token, 'TABLE') && isGroup(nodes[i + 1])) {
      const inner = (nodes[i + 1] as Group).children;
      const fn = this.nameAt(inner, 0);
      source = await this.tableFunction(fn.name, inner[fn.next]);
      defaultAlias = fn.name.at(-1) ?? null;
      j = i + 2;
    } else if (isKeyword(node as Token, 'FLATTEN') && isGroup(nodes[i + 1])) {
      source = await this.tableFunction(['FLATTEN'], nodes[i + 1]);
      defaultAlias = 'FLATTEN';
      j = i + 2;
    } else if (isGroup(node)) {
      source = `${lateral ? 'LATERAL ' : ''}(${startsWithQuery(node) ? await this.query(node.children) : await this.query(node.children, true)})`;
      j = i + 1;
    } else {
      const name = this.nameAt(nodes, i);
      j = name.next;
      let point = this.at;
      if (isKeyword(nodes[j] as Token, 'AT', 'BEFORE') && isGroup(nodes[j + 1])) {
        point = await this.timePoint(word(nodes[j]) === 'BEFORE', (nodes[j + 1] as Group).children);
        j += 2;
      }
      source = await this.objectSource(name.name, point);
      defaultAlias = name.name[name.name.length - 1] as string;
    }
    let alias: string | null = null;
    if (isKeyword(nodes[j] as Token, 'AS') && !isGroup(nodes[j + 1])) {
      alias = this.aliasText(nodes[j + 1] as Token);
      j += 2;
    } else if (
      !isGroup(nodes[j]) &&
      nodes[j] !== undefined &&
      ((nodes[j] as Token).kind === 'quoted' || ((nodes[j] as Token).kind === 'word' && !ALIAS_STOP.has(word(nodes[j]) as string)))
    ) {
      alias = this.aliasText(nodes[j] as Token);
      j++;
    }
    if (alias !== null && isGroup(nodes[j]) && (nodes[j] as Group).bracket === '(') {
      alias += `(${splitCommas((nodes[j] as Group).children)
        .map((c) => quoteIdent(identifierValue(c[0] as Token) ?? ''))
        .join(', ')})`;
      j++;
    }
    const finalAlias = alias ?? (defaultAlias !== null ? quoteIdent(defaultAlias) : null);
    return { sql: finalAlias ? `${source} AS ${finalAlias}` : source, next: j };
  }

  private aliasText(token: Token): string {
    const v = identifierValue(token);
    if (v === undefined) throw syntaxError(this.sql, token.pos, token.text);
    return quoteIdent(v);
  }

  /** A dotted name or IDENTIFIER('...') inside a node list. */
  private nameAt(nodes: Node[], i: number): { name: QualifiedName; next: number } {
    const first = nodes[i];
    if (isKeyword(first as Token, 'IDENTIFIER') && isGroup(nodes[i + 1])) {
      const arg = (nodes[i + 1] as Group).children[0];
      if (arg === undefined || isGroup(arg) || arg.kind !== 'string')
        throw unsupported('IDENTIFIER()', 'only a string literal or bind is supported');
      return { name: parseNameString(arg.value), next: i + 2 };
    }
    const parts: string[] = [];
    let j = i;
    for (;;) {
      const v = isGroup(nodes[j]) ? undefined : identifierValue(nodes[j] as Token);
      if (v === undefined) {
        const bad = nodes[j];
        throw syntaxError(this.sql, bad ? nodeStart(bad) : this.sql.length, bad && !isGroup(bad) ? bad.text : bad ? '(' : '<EOF>');
      }
      parts.push(v);
      j++;
      if (!isGroup(nodes[j]) && isOp(nodes[j] as Token, '.')) j++;
      else break;
    }
    return { name: parts, next: j };
  }

  private async timePoint(before: boolean, children: Node[]): Promise<TimePoint> {
    const kind = word(children[0]);
    if (!isOp(children[1] as Token, '=>'))
      throw syntaxError(this.sql, children[1] ? nodeStart(children[1]) : this.sql.length, (children[1] as Token | undefined)?.text ?? ')');
    const rest = children.slice(2);
    const now = this.env.functions.nowIso;
    if (kind === 'TIMESTAMP') {
      // Pitfall 13: an uncast or NTZ timestamp is read as UTC wall-clock time; the session time zone is UTC, so it is the same instant.
      const ms = await this.env.evalTimestamp(`sf_to_timestamp_ltz(${await this.expr(rest)})`);
      return { time: before ? ms - 1 : ms };
    }
    if (kind === 'OFFSET') {
      const ms = await this.env.evalTimestamp(
        `CAST(${quoteString(now)} AS TIMESTAMPTZ) + CAST((${await this.expr(rest)}) * 1000 AS BIGINT) * INTERVAL 1 MILLISECOND`,
      );
      return { time: before ? ms - 1 : ms };
    }
    if (kind === 'STATEMENT') {
      const id = rest.length === 1 && !isGroup(rest[0]) && (rest[0] as Token).kind === 'string' ? (rest[0] as Token).value : undefined;
      if (id === undefined) throw unsupported('AT(STATEMENT => ...)', 'the query id must be a string literal');
      return this.env.statementPoint(id, before);
    }
    throw unsupported(`${before ? 'BEFORE' : 'AT'}(${kind ?? '?'} => ...)`);
  }

  private async objectSource(name: QualifiedName, point: TimePoint | null): Promise<string> {
    if (name.length === 1 && this.ctes.has(name[0] as string)) return quoteIdent(name[0] as string);
    if (name.length >= 2 && name[name.length - 2] === 'INFORMATION_SCHEMA') {
      if (name.length > 3) throw objectNotFound(displayName(name));
      const db = this.env.catalog.database(name.length === 3 ? name[0] : undefined, this.resolveCtx, 'SELECT');
      return quoteIdent(await this.env.infoSchema(db, name[name.length - 1] as string, this.resolveCtx));
    }
    const object = this.env.catalog.resolve(name, this.resolveCtx, 'SELECT');
    if (object.kind === 'view') return this.expandView(object, point);
    const internal = point ? this.env.catalog.rowsAt(object, point) : object.internal;
    this.reads.push({ object, internal });
    return object.policies === undefined ? quoteIdent(internal) : this.underPolicies(object, internal);
  }

  /**
   * A table read through its policies (policies.ts): the rows its row access policy lets the
   * session see, each masked column as its masking policy returns it, evaluated for this session.
   */
  private async underPolicies(table: TableVersion, internal: string): Promise<string> {
    const policies = table.policies as NonNullable<TableVersion['policies']>;
    const expr = async (body: string) =>
      new Translator(body, this.resolveCtx, this.env, null, this.depth + 1).expr(buildTree(significant(tokenize(body)), body));
    const columns: string[] = [];
    for (const c of table.columns) {
      const mask = policies.masking.get(c.name);
      columns.push(mask === undefined ? quoteIdent(c.name) : `${await expr(boundBody(mask, [c.name]))} AS ${quoteIdent(c.name)}`);
    }
    const row = policies.rowAccess;
    const where = row === null ? '' : ` WHERE ${await expr(boundBody(row.policy, row.columns))}`;
    return `(SELECT ${columns.join(', ')} FROM ${quoteIdent(internal)}${where})`;
  }

  /** Views bind late: their stored text is translated now, unqualified names resolving in the view's own schema (pitfalls 6, 7). */
  private async expandView(view: ViewVersion, point: TimePoint | null): Promise<string> {
    if (this.depth > 16)
      throw new SnowflakeError(
        '002049',
        '42000',
        `SQL compilation error:\nView definition of '${view.name}' is recursive or nested too deeply.`,
      );
    const ctx: ResolveContext = { database: view.schema.database.name, schema: view.schema.name, sessionId: null, temps: new Map() };
    const inner = new Translator(view.body, ctx, this.env, point, this.depth + 1);
    let body: string;
    try {
      body = await inner.statement(significant(tokenize(view.body)));
    } catch (err) {
      if (err instanceof SnowflakeError && err.code === '002003')
        throw viewExpansionFailed(displayName([view.schema.database.name, view.schema.name, view.name]), err);
      throw err;
    }
    this.reads.push(...inner.reads);
    if (view.columnNames) return `(SELECT * FROM (${body}) AS v_(${view.columnNames.map(quoteIdent).join(', ')}))`;
    return `(${body})`;
  }

  private async tableFunction(qualified: QualifiedName, argsNode: Node | undefined): Promise<string> {
    const name = qualified.at(-1) as string;
    if (!isGroup(argsNode)) throw syntaxError(this.sql, argsNode ? nodeStart(argsNode) : this.sql.length, name);
    if (name === 'POLICY_REFERENCES' && (qualified.length === 1 || qualified.at(-2) === 'INFORMATION_SCHEMA') && qualified.length <= 3) {
      return quoteIdent(await this.env.load(this.env.catalog.policies.references(namedStrings(argsNode), this.resolveCtx)));
    }
    if (qualified.length > 1) throw unsupported(`TABLE(${displayName(qualified)}(...))`);
    if (name === 'RESULT_SCAN') {
      const arg = argsNode.children;
      const only = arg.length === 1 ? arg[0] : undefined;
      if (isKeyword(arg[0] as Token, 'LAST_QUERY_ID') && isGroup(arg[1])) {
        const n = (arg[1] as Group).children;
        return quoteIdent(await this.env.resultScan(n.length === 0 ? -1 : Number(n.map((t) => (t as Token).text).join(''))));
      }
      if (only !== undefined && !isGroup(only) && only.kind === 'string') return quoteIdent(await this.env.resultScan(only.value));
      if (arg.length >= 1 && arg.every((t) => !isGroup(t) && (t.kind === 'number' || isOp(t, '-')))) {
        return quoteIdent(await this.env.resultScan(Number(arg.map((t) => (t as Token).text).join(''))));
      }
      throw unsupported('RESULT_SCAN', 'argument must be LAST_QUERY_ID(), a query id literal or an index');
    }
    if (name === 'FLATTEN') return this.flatten(argsNode);
    throw unsupported(`TABLE(${name}(...))`);
  }

  /** LATERAL FLATTEN(input => ...): SEQ, KEY, PATH, INDEX, VALUE, THIS over an array or object. */
  private async flatten(group: Group): Promise<string> {
    let input: string | null = null;
    let path: string | null = null;
    for (const a of splitCommas(group.children)) {
      const key = word(a[0]);
      if (!isOp(a[1] as Token, '=>')) {
        input ??= await this.expr(a);
        continue;
      }
      const value = a.slice(2);
      if (key === 'INPUT') input = await this.expr(value);
      else if (key === 'PATH') path = (value[0] as Token).value;
      else if (key === 'OUTER' && isKeyword(value[0] as Token, 'FALSE')) continue;
      else if (key === 'MODE' || key === 'RECURSIVE') {
        if (!isKeyword(value[0] as Token, 'FALSE') && (value[0] as Token).value.toUpperCase() !== 'BOTH')
          throw unsupported(`FLATTEN ${key}`);
      } else throw unsupported(`FLATTEN ${key ?? '?'} => ...`);
    }
    if (input === null) throw unsupported('FLATTEN', 'INPUT => is required');
    const e = `CAST(${path ? `json_extract(${input}, ${quoteString(`$.${path}`)})` : input} AS JSON)`;
    return (
      `LATERAL (SELECT CAST(NULL AS BIGINT) AS "SEQ", f_.k AS "KEY", f_.p AS "PATH", f_.ix AS "INDEX", json_extract(${e}, f_.jp) AS "VALUE", ${e} AS "THIS" FROM (` +
      `SELECT CAST(NULL AS VARCHAR) AS k, '[' || i || ']' AS p, i AS ix, '$[' || i || ']' AS jp FROM range(CAST(CASE WHEN json_type(${e}) = 'ARRAY' THEN json_array_length(${e}) ELSE 0 END AS BIGINT)) r_(i) ` +
      `UNION ALL SELECT k, k, CAST(NULL AS BIGINT), '$."' || replace(k, '"', '\\"') || '"' FROM unnest(CASE WHEN json_type(${e}) = 'OBJECT' THEN json_keys(${e}) ELSE CAST([] AS VARCHAR[]) END) u_(k)) f_)`
    );
  }
}

/** The `NAME => 'string'` arguments of a table function, names upper-cased; only string literals. */
function namedStrings(group: Group): Map<string, string> {
  const args = new Map<string, string>();
  for (const a of splitCommas(group.children)) {
    const value = a[2];
    if (a.length !== 3 || !isOp(a[1] as Token, '=>') || isGroup(value) || value?.kind !== 'string') {
      throw unsupported('a table function argument', "only NAME => 'string literal' is modelled");
    }
    args.set(word(a[0]) ?? '', value.value);
  }
  return args;
}

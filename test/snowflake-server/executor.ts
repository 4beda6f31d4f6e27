// Executes one statement for a session: substitutes binds, dispatches SELECT/DML to the
// translator + DuckDB and everything else to the command parser, keeps transaction snapshots,
// and records each query (id, change sequence, result) for RESULT_SCAN, AT(STATEMENT) and result fetches.

import { applyAccessCommand, showGrants, showGrantsOnAccount } from './access.js';
import { applyCommand } from './ddl.js';
import { parseCommand, type AtClause, type Command, type EmbeddedQuery } from './ddl-parser.js';
import { fromDuckDbError, lobSizeExceeded, objectNotFound, SnowflakeError, syntaxError, unsupported } from './errors.js';
import { infoSchemaRows } from './info-schema.js';
import { displayName, readName } from './names.js';
import {
  column,
  dmlResult,
  duckTypeOfWire,
  fromDuckResult,
  loadableValue,
  statusResult,
  StatementType,
  type ResultSet,
} from './results.js';
import { showParameters } from './parameters.js';
import { limitRows, setParameters, withSessionParameters } from './session-parameters.js';
import { describeColumns, getDdl, show } from './show.js';
import { snowflakeTypeOfDuck } from './sql-types.js';
import {
  isKeyword,
  isOp,
  quoteIdent,
  quoteString,
  significant,
  splitStatements,
  tokenize,
  type StatementSource,
  type Token,
} from './tokenizer.js';
import { buildTree, Translator, type TableRead, type TranslateEnv } from './translate.js';
import type { Catalog, TableVersion, TimePoint, ViewVersion } from './catalog.js';
import type { Session } from './session.js';

/** Wire types whose values count against the LOB limit (VARCHAR and semi-structured). */
const LOB_TYPES = new Set<string>(['text', 'variant', 'object', 'array']);

/** A bind value as the driver sends it (`bindings: {"1": {type, value}}`). */
export interface Binding {
  type: string;
  value: string | null | Array<string | null>;
}

/** Everything the model remembers about an executed query. */
export interface QueryRecord {
  id: string;
  sessionId: string;
  sql: string;
  startSeq: number;
  endSeq: number;
  result?: ResultSet;
  error?: SnowflakeError;
}

/** What DDL application needs from the executor. */
export interface ExecContext {
  catalog: Catalog;
  session: Session;
  translate(query: EmbeddedQuery): Promise<{ sql: string; reads: TableRead[] }>;
  timePoint(at: AtClause): Promise<TimePoint>;
  validateView(view: ViewVersion): Promise<void>;
}

/** The version string CURRENT_VERSION() answers. */
export const SERVER_VERSION = '9.20.0';

const COMMAND_VERBS = [
  'CREATE',
  'DROP',
  'UNDROP',
  'ALTER',
  'COMMENT',
  'USE',
  'SHOW',
  'DESC',
  'DESCRIBE',
  'TRUNCATE',
  'EXECUTE',
  'BEGIN',
  'START',
  'COMMIT',
  'ROLLBACK',
  'GRANT',
];

/** Statement dispatcher bound to one account's catalog and query log. */
export class StatementExecutor {
  private copyCounter = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly queries: Map<string, QueryRecord>,
  ) {}

  /** Runs one statement (array binds run it once per row and add up the counts). */
  async execute(session: Session, source: StatementSource, bindings?: Record<string, Binding>): Promise<ResultSet> {
    const rows = arrayBindRows(bindings);
    if (!rows) return this.executeOne(session, substituteBinds(source, bindings));
    let total = 0;
    let last: ResultSet | undefined;
    for (const row of rows) {
      last = await this.executeOne(session, substituteBinds(source, row));
      total += Number(last.rows[0]?.[0] ?? 0);
    }
    return last && last.statementTypeId === StatementType.INSERT
      ? dmlResult('insert', total)
      : (last ?? statusResult('Statement executed successfully.'));
  }

  private async executeOne(session: Session, given: StatementSource): Promise<ResultSet> {
    const source = withSessionParameters(session, given);
    const result = await this.dispatch(session, source);
    return limitRows(session, result);
  }

  private async dispatch(session: Session, source: StatementSource): Promise<ResultSet> {
    const scratch: string[] = [];
    const first = source.tokens[0];
    const verb = first?.kind === 'word' ? first.text.toUpperCase() : isOp(first, '(') ? 'SELECT' : '';
    try {
      if (verb === 'SELECT' || verb === 'WITH') return await this.select(session, source, scratch);
      if (verb === 'INSERT') return await this.insert(session, source, scratch);
      if (verb === 'UPDATE' || verb === 'DELETE' || verb === 'MERGE') return await this.modify(session, source, verb, scratch);
      if (COMMAND_VERBS.includes(verb)) return await this.command(session, source, parseCommand(source.text, source.tokens), scratch);
      if (first?.kind === 'word') throw unsupported(statementName(source.tokens));
      throw syntaxError(source.text, first?.pos ?? 0, first?.text ?? '<EOF>');
    } catch (err) {
      throw fromDuckDbError(err, statementName(source.tokens));
    } finally {
      for (const name of scratch) await this.catalog.store.dropTable(name);
    }
  }

  private env(session: Session, scratch: string[]): TranslateEnv {
    const { catalog } = this;
    const store = catalog.store;
    return {
      catalog,
      functions: {
        nowIso: catalog.now().toISOString(),
        timezone: session.parameter('TIMEZONE'),
        values: {
          CURRENT_DATABASE: session.database,
          CURRENT_SCHEMA: session.schema,
          CURRENT_WAREHOUSE: session.warehouse,
          CURRENT_ROLE: session.role,
          CURRENT_USER: session.user,
          CURRENT_ACCOUNT: 'CKPT',
          CURRENT_ACCOUNT_NAME: 'CKPT',
          CURRENT_ORGANIZATION_NAME: 'CKPT_LOCAL',
          CURRENT_REGION: 'LOCAL',
          CURRENT_VERSION: SERVER_VERSION,
          CURRENT_SESSION: session.id,
          CURRENT_CLIENT: 'ckpt-snowflake-test-server',
          LAST_QUERY_ID: session.lastQueryId(),
        },
        getDdl: (kind, name) => getDdl(catalog, session.resolveContext(), kind, name),
        roleInSession: (role) => catalog.access.inSession(session, role),
      },
      infoSchema: async (db, view, resolve) => {
        const rows = await infoSchemaRows(catalog, db, view, resolve, session.role);
        const name = await store.loadScratch(rows.columns, rows.rows);
        scratch.push(name);
        return name;
      },
      load: async (rows) => {
        const name = await store.loadScratch(rows.columns, rows.rows);
        scratch.push(name);
        return name;
      },
      resultScan: async (spec) => {
        const id = typeof spec === 'number' ? session.lastQueryId(spec) : spec;
        const result = id ? this.queries.get(id)?.result : undefined;
        if (!result) throw new SnowflakeError('000709', '02000', `Statement ${id ?? String(spec)} not found`);
        const columns = result.columns.map((c) => ({ name: c.name, duck: duckTypeOfWire(c) }));
        const name = await store.loadScratch(
          columns,
          result.rows.map((r) => r.map((cell, i) => loadableValue(cell, result.columns[i] as (typeof result.columns)[number]))),
        );
        scratch.push(name);
        return name;
      },
      evalTimestamp: async (sql) => {
        const rows = await (await store.run(`SELECT epoch_ms(CAST((${sql}) AS TIMESTAMPTZ))`)).getRows();
        return Number(rows[0]?.[0]);
      },
      statementPoint: (id, before) => {
        const record = this.queries.get(id);
        if (!record) throw new SnowflakeError('000709', '02000', `Statement ${id} not found`);
        return { seq: before ? record.startSeq : record.endSeq };
      },
    };
  }

  private translator(session: Session, sql: string, scratch: string[]): Translator {
    return new Translator(sql, session.resolveContext(), this.env(session, scratch));
  }

  private async select(session: Session, source: StatementSource, scratch: string[]): Promise<ResultSet> {
    const sql = await this.translator(session, source.text, scratch).statement(source.tokens);
    const result = await fromDuckResult(await this.catalog.store.run(sql), StatementType.SELECT);
    this.checkLobs(result);
    return result;
  }

  /** 100082 when a text or VARIANT cell of a result is over the LOB limit (its UTF-8 bytes). */
  private checkLobs(result: ResultSet): void {
    const lobs = result.columns.flatMap((c, i) => (LOB_TYPES.has(c.type) ? [i] : []));
    for (const row of result.rows) {
      for (const i of lobs) {
        const cell = row[i];
        const size = typeof cell === 'string' ? Buffer.byteLength(cell) : 0;
        if (size > this.catalog.lobLimit) throw lobSizeExceeded(this.catalog.lobLimit, size);
      }
    }
  }

  /** 100082 when a value of a staged INSERT source (text or JSON columns) is over the LOB limit. */
  private async checkStagedLobs(staged: string): Promise<void> {
    const shape = await this.catalog.store.run(`SELECT * FROM ${quoteIdent(staged)} LIMIT 0`);
    const types = shape.columnTypes();
    const sizes = shape.columnNames().flatMap((n, i) => {
      const type = types[i]?.alias ?? types[i]?.toString() ?? '';
      return type === 'VARCHAR' || type === 'JSON' ? [`coalesce(max(strlen(CAST(${quoteIdent(n)} AS VARCHAR))), 0)`] : [];
    });
    if (sizes.length === 0) return;
    const [row] = await (await this.catalog.store.run(`SELECT greatest(${sizes.join(', ')}) FROM ${quoteIdent(staged)}`)).getRows();
    const size = Number(row?.[0] ?? 0);
    if (size > this.catalog.lobLimit) throw lobSizeExceeded(this.catalog.lobLimit, size);
  }

  /** Before a write: keep the pre-transaction rows for ROLLBACK, and a history snapshot for Time Travel. */
  private async beforeWrite(session: Session, table: TableVersion): Promise<void> {
    // AUTOCOMMIT = FALSE: a write outside a transaction opens one, which only COMMIT (or DDL) ends.
    if (!session.transaction && !session.flag('AUTOCOMMIT')) session.transaction = new Map();
    if (session.transaction && !session.transaction.has(table)) {
      const copy = `x_${table.id}_${++this.copyCounter}`;
      await this.catalog.store.copyTable(table.internal, copy);
      session.transaction.set(table, copy);
    }
    await this.catalog.beforeChange(table);
  }

  /**
   * Runs a write to `table`; a statement that fails leaves no trace in the table's metadata (a
   * failed DML statement does not change LAST_ALTERED or add a Time Travel version in Snowflake).
   */
  private async writing<T>(session: Session, table: TableVersion, body: () => Promise<T>): Promise<T> {
    const lastAltered = table.lastAltered;
    const versions = table.history.length;
    await this.beforeWrite(session, table);
    try {
      return await body();
    } catch (error) {
      table.lastAltered = lastAltered;
      table.history.splice(versions);
      throw error;
    }
  }

  private writeTarget(session: Session, source: StatementSource, at: number): TableVersion {
    const name = readName(source.tokens, at);
    if (!name) throw syntaxError(source.text, source.tokens[at]?.pos ?? source.text.length, source.tokens[at]?.text ?? '<EOF>');
    if (name.name.length >= 2 && name.name[name.name.length - 2] === 'INFORMATION_SCHEMA')
      throw unsupported(`${statementName(source.tokens)} on INFORMATION_SCHEMA`);
    const object = this.catalog.resolve(name.name, session.resolveContext(), statementName(source.tokens));
    if (object.kind !== 'table')
      throw new SnowflakeError('002203', '02000', `SQL compilation error:\nObject found is of type 'VIEW', not specified type 'TABLE'.`);
    // Only refreshes change a dynamic table (https://docs.snowflake.com/en/user-guide/dynamic-tables-limitations).
    if (object.tableType === 'dynamic')
      throw new SnowflakeError(
        '002203',
        '02000',
        `SQL compilation error:\n${statementName(source.tokens)} is not supported on dynamic table '${object.name}'.`,
      );
    return object;
  }

  private async insert(session: Session, source: StatementSource, scratch: string[]): Promise<ResultSet> {
    const t = source.tokens;
    let i = 1;
    const overwrite = isKeyword(t[i], 'OVERWRITE');
    if (overwrite) i++;
    if (isKeyword(t[i], 'ALL', 'FIRST')) throw unsupported('multi-table INSERT');
    if (!isKeyword(t[i], 'INTO')) throw syntaxError(source.text, t[i]?.pos ?? source.text.length, t[i]?.text ?? '<EOF>');
    const nameAt = readName(t, i + 1);
    const table = this.writeTarget(session, source, i + 1);
    i = nameAt?.next ?? i + 2;
    const columns: string[] = [];
    if (isOp(t[i], '(') && !isKeyword(t[i + 1], 'SELECT', 'WITH')) {
      i++;
      while (i < t.length && !isOp(t[i], ')')) {
        const name = readName(t, i);
        if (!name) throw syntaxError(source.text, t[i]?.pos ?? 0, t[i]?.text ?? '');
        columns.push(name.name[name.name.length - 1] as string);
        i = name.next;
        if (isOp(t[i], ',')) i++;
      }
      i++;
    }
    checkValuesRows(source, i);
    for (const c of columns)
      if (!table.columns.some((col) => col.name === c))
        throw new SnowflakeError('000904', '42000', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${c}'`);
    const translator = this.translator(session, source.text, scratch);
    let sql = await translator.query(buildTree(t.slice(i), source.text));
    const defaults = columns.length === 0 ? [] : table.columns.filter((c) => c.defaultSql && !columns.includes(c.name));
    if (defaults.length > 0) {
      const values: string[] = [];
      for (const d of defaults) {
        const text = d.defaultSql as string;
        values.push(await this.translator(session, text, scratch).expr(buildTree(significant(tokenize(text)), text)));
      }
      sql = `SELECT q_.*, ${values.join(', ')} FROM (${sql}) AS q_`;
    }
    const target = [...columns, ...defaults.map((d) => d.name)];
    const result = await this.writing(session, table, async () => {
      // The source is read first (it may select from the target itself, and INSERT OVERWRITE
      // empties the target) and its values checked against the LOB limit before anything is written.
      const staged = `o_${table.id}_${++this.copyCounter}`;
      await this.catalog.store.run(`CREATE TABLE ${quoteIdent(staged)} AS ${sql}`);
      scratch.push(staged);
      await this.checkStagedLobs(staged);
      if (overwrite) await this.catalog.store.run(`DELETE FROM ${quoteIdent(table.internal)}`);
      const source = `SELECT * FROM ${quoteIdent(staged)}`;
      return this.catalog.store.run(
        `INSERT INTO ${quoteIdent(table.internal)}${target.length ? ` (${target.map(quoteIdent).join(', ')})` : ''} ${source}`,
      );
    });
    return dmlResult('insert', result.rowsChanged);
  }

  private async modify(session: Session, source: StatementSource, verb: string, scratch: string[]): Promise<ResultSet> {
    const t = source.tokens;
    const at = verb === 'UPDATE' ? 1 : 2;
    if (verb !== 'UPDATE' && !isKeyword(t[1], verb === 'DELETE' ? 'FROM' : 'INTO'))
      throw syntaxError(source.text, t[1]?.pos ?? 0, t[1]?.text ?? '<EOF>');
    const table = this.writeTarget(session, source, at);
    const sql = await this.translator(session, source.text, scratch).statement(t);
    const result = await this.writing(session, table, () => this.catalog.store.run(sql));
    if (verb === 'MERGE') return { ...dmlResult('insert', result.rowsChanged), statementTypeId: StatementType.MERGE };
    return dmlResult(verb === 'UPDATE' ? 'update' : 'delete', result.rowsChanged);
  }

  private context(session: Session, scratch: string[]): ExecContext {
    return {
      catalog: this.catalog,
      session,
      translate: async (query) => {
        const translator = this.translator(session, query.text, scratch);
        const sql = await translator.statement(query.tokens);
        return { sql, reads: translator.reads };
      },
      timePoint: (at) => this.translator(session, '', scratch).pointOf(at.before, at.tokens),
      validateView: async (view) => {
        const sql = await this.viewSql(view, scratch, session);
        await this.catalog.store.run(`SELECT * FROM (${sql}) AS v_ LIMIT 0`);
      },
    };
  }

  private async viewSql(view: ViewVersion, scratch: string[], session: Session): Promise<string> {
    const ctx = { database: view.schema.database.name, schema: view.schema.name, sessionId: null, temps: new Map() };
    const sql = await new Translator(view.body, ctx, this.env(session, scratch)).statement(significant(tokenize(view.body)));
    return view.columnNames ? `SELECT * FROM (${sql}) AS c_(${view.columnNames.map(quoteIdent).join(', ')})` : sql;
  }

  private async command(session: Session, source: StatementSource, cmd: Command, scratch: string[]): Promise<ResultSet> {
    const ok = (): ResultSet => statusResult('Statement executed successfully.', StatementType.SESSION);
    switch (cmd.kind) {
      case 'use':
        if (cmd.objectKind === 'DATABASE') {
          const db = this.catalog.databases.get(cmd.name[0] as string);
          if (!db || cmd.name.length !== 1) throw objectNotFound(displayName(cmd.name), 'Database');
          session.database = db.name;
          session.schema = db.schemas.has('PUBLIC') ? 'PUBLIC' : null;
        } else if (cmd.objectKind === 'SCHEMA') {
          const schema = this.catalog.schema(cmd.name, session.resolveContext(), 'USE SCHEMA');
          session.database = schema.database.name;
          session.schema = schema.name;
        } else if (cmd.objectKind === 'WAREHOUSE') {
          session.warehouse = cmd.name[0] ?? null;
        } else if (cmd.objectKind === 'ROLE') {
          if (cmd.name.length !== 1) throw objectNotFound(displayName(cmd.name), 'Role');
          this.catalog.access.requireRole(cmd.name[0] as string);
          session.role = cmd.name[0] as string;
        }
        return ok();
      case 'alter-session':
        setParameters(session, cmd);
        return ok();
      case 'transaction':
        if (cmd.action === 'begin') session.transaction ??= new Map();
        else if (cmd.action === 'commit') await this.commit(session);
        else await this.rollback(session);
        return ok();
      case 'show':
        await this.catalog.purgeExpired();
        return show(this.catalog, session, cmd);
      case 'show-parameters':
        return showParameters(this.catalog, session, cmd);
      case 'show-grants':
        return showGrants(this.catalog, session, cmd);
      case 'show-grants-on-account':
        return showGrantsOnAccount(this.catalog);
      case 'create-role':
      case 'grant-role':
      case 'grant':
      case 'grant-on-account':
        // Access control statements commit an open transaction, as DDL does (pitfall 11).
        await this.commit(session);
        return applyAccessCommand(this.catalog, session, cmd);
      case 'describe': {
        const object = this.catalog.resolve(cmd.name, session.resolveContext(), 'DESCRIBE');
        if (object.kind === 'table') return describeColumns(object.columns);
        const described = await this.catalog.store.run(`SELECT * FROM (${await this.viewSql(object, scratch, session)}) AS v_ LIMIT 0`);
        const types = described.columnTypes();
        return describeColumns(
          described.columnNames().map((name, i) => ({
            name,
            type: snowflakeTypeOfDuck(types[i]?.toString() ?? 'VARCHAR', types[i]?.alias),
            nullable: true,
            comment: null,
          })),
        );
      }
      case 'truncate': {
        let table: TableVersion;
        try {
          table = this.writeTarget(
            session,
            source,
            source.tokens.findIndex((tok, k) => k > 0 && !isKeyword(tok, 'TABLE', 'IF', 'EXISTS')),
          );
        } catch (err) {
          if (cmd.ifExists && err instanceof SnowflakeError && err.code === '002003')
            return statusResult('Statement executed successfully.');
          throw err;
        }
        await this.beforeWrite(session, table);
        await this.catalog.store.run(`DELETE FROM ${quoteIdent(table.internal)}`);
        return statusResult('Statement executed successfully.');
      }
      case 'execute-immediate':
        return this.executeImmediate(session, cmd.body);
      default:
        // Pitfall 11: DDL commits the open transaction first and is never rolled back.
        await this.commit(session);
        await this.catalog.purgeExpired();
        return applyCommand(this.context(session, scratch), cmd);
    }
  }

  /** EXECUTE IMMEDIATE of one statement, or of a BEGIN ... END block of plain statements. */
  private async executeImmediate(session: Session, body: string): Promise<ResultSet> {
    const block = /^\s*BEGIN\b([\s\S]*)\bEND\s*;?\s*$/i.exec(body);
    if (block && !/^\s*(TRANSACTION|WORK)\b/i.test(block[1] ?? '')) {
      if (/^\s*(DECLARE|LET)\b/im.test(block[1] ?? ''))
        throw unsupported('Snowflake Scripting variables', 'only blocks of plain statements are modelled');
      for (const statement of splitStatements(block[1] ?? '')) await this.execute(session, statement);
      return { columns: [column('anonymous block', 'text')], rows: [[null]], statementTypeId: StatementType.SELECT };
    }
    const statements = splitStatements(body);
    if (statements.length !== 1)
      throw new SnowflakeError('001003', '42000', 'SQL compilation error:\nEXECUTE IMMEDIATE takes exactly one statement or block.');
    return this.execute(session, statements[0] as StatementSource);
  }

  /** COMMIT (also the implicit commit before DDL): forgets the pre-transaction copies. */
  async commit(session: Session): Promise<void> {
    if (!session.transaction) return;
    for (const copy of session.transaction.values()) await this.catalog.store.dropTable(copy);
    session.transaction = null;
  }

  /** ROLLBACK: restores each written table's rows from its pre-transaction copy. */
  async rollback(session: Session): Promise<void> {
    if (!session.transaction) return;
    for (const [table, copy] of session.transaction) {
      await this.catalog.store.replaceRows(table.internal, copy);
      await this.catalog.store.dropTable(copy);
      table.stats = null;
    }
    session.transaction = null;
  }
}

/** The most rows a VALUES clause may have (Snowflake's limit on the expressions of a list). */
export const MAX_VALUES_ROWS = 16_384;

/** INSERT … VALUES with more rows than Snowflake accepts fails at compilation (001795), as in Snowflake. */
function checkValuesRows(source: StatementSource, at: number): void {
  const t = source.tokens;
  if (!isKeyword(t[at], 'VALUES')) return;
  let depth = 0;
  let rows = 0;
  for (let k = at + 1; k < t.length; k++) {
    if (isOp(t[k], '(')) {
      if (depth === 0) rows++;
      depth++;
    } else if (isOp(t[k], ')')) depth--;
  }
  if (rows > MAX_VALUES_ROWS)
    throw new SnowflakeError(
      '001795',
      '42601',
      `SQL compilation error: error line 1 at position ${t[at]?.pos ?? 0}\nmaximum number of expressions in a list exceeded, expected at most ${MAX_VALUES_ROWS.toLocaleString('en-US')}, got ${rows.toLocaleString('en-US')}`,
    );
}

/** First words of a statement, for messages ("CREATE STAGE", "GRANT", ...). */
export function statementName(tokens: Token[]): string {
  const words: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'word' || words.length === 3) break;
    words.push(t.text.toUpperCase());
    if (!['CREATE', 'OR', 'REPLACE', 'ALTER', 'DROP', 'SHOW', 'UNDROP', 'TRANSIENT', 'TEMPORARY', 'SECURE'].includes(t.text.toUpperCase()))
      break;
  }
  return words.join(' ') || (tokens[0]?.text ?? '');
}

function arrayBindRows(bindings: Record<string, Binding> | undefined): Array<Record<string, Binding>> | null {
  if (!bindings) return null;
  const entries = Object.entries(bindings);
  const length = entries.find(([, b]) => Array.isArray(b.value))?.[1].value?.length;
  if (length === undefined) return null;
  return Array.from({ length }, (_, row) =>
    Object.fromEntries(entries.map(([k, b]) => [k, { type: b.type, value: Array.isArray(b.value) ? (b.value[row] ?? null) : b.value }])),
  );
}

/** Replaces `?` / `:n` tokens with literals built from the driver's bindings. */
function substituteBinds(source: StatementSource, bindings: Record<string, Binding> | undefined): StatementSource {
  let next = 0;
  const tokens = source.tokens.map((t): Token => {
    if (t.kind !== 'bind') return t;
    const index = t.text === '?' ? ++next : Number(t.text.slice(1));
    const binding = bindings?.[String(index)];
    if (!binding)
      throw new SnowflakeError(
        '002049',
        '22000',
        `SQL compilation error: error line 1 at position ${t.pos}\nBind variable ${t.text} not set.`,
      );
    const value = binding.value as string | null;
    if (value === null) return { kind: 'word', text: 'NULL', value: 'NULL', pos: t.pos };
    const type = binding.type.toUpperCase();
    if ((type === 'FIXED' || type === 'REAL') && /^-?[0-9.]+(e[+-]?[0-9]+)?$/i.test(value)) {
      return value.startsWith('-')
        ? { kind: 'number', text: `(${value})`, value, pos: t.pos }
        : { kind: 'number', text: value, value, pos: t.pos };
    }
    if (type === 'BOOLEAN') return { kind: 'word', text: /^(true|1)$/i.test(value) ? 'TRUE' : 'FALSE', value, pos: t.pos };
    return { kind: 'string', text: quoteString(value), value, pos: t.pos };
  });
  return { text: source.text, tokens };
}

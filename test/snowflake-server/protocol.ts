// The REST protocol snowflake-sdk speaks (see snowflake-wire.md): login, query-request (single
// and multi-statement), result and status fetches, token renewal, heartbeat, session delete and
// telemetry. It always answers complete JSON shapes with HTTP 200, except for injected HTTP faults.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { authenticate, type LoginData, type UserSpec } from './auth.js';
import { SnowflakeError, statementCountMismatch } from './errors.js';
import { SERVER_VERSION, type Binding } from './executor.js';
import { sleep, type Injections } from './injections.js';
import { StatementType, type ResultSet } from './results.js';
import { splitStatements } from './tokenizer.js';
import type { SnowflakeAccountModel } from './account.js';
import type { Session } from './session.js';

/** One executed statement as the server logs it. */
export interface StatementLogEntry {
  sql: string;
  queryTag: string | null;
  requestId: string;
  ok: boolean;
  /** Rows of its result (0 for a failed statement), and the characters of their values: what the statement read back to the client. */
  resultRows: number;
  resultChars: number;
}

/** What the request handler works with. */
export interface ProtocolDeps {
  account: SnowflakeAccountModel;
  users: Record<string, UserSpec> | undefined;
  injections: Injections;
  statementLog: StatementLogEntry[];
  onQueryRequest(): void;
  /** How long a query request (or a result fetch) waits for a running query before answering 333333 "in progress". */
  inProgressAfterMs: number;
  /** What a multi-statement request does after a statement fails (SnowflakeServerOptions.afterFailedStatement). */
  afterFailedStatement: 'stop' | 'continue';
}

type Json = Record<string, unknown>;

const SESSION_PARAMETERS: Array<{ name: string; value: string | number | boolean }> = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_TIMESTAMP_TYPE_MAPPING', value: 'TIMESTAMP_LTZ' },
  { name: 'CLIENT_HONOR_CLIENT_TZ_FOR_TIMESTAMP_NTZ', value: true },
  { name: 'CLIENT_RESULT_PREFETCH_SLOTS', value: 2 },
  { name: 'CLIENT_RESULT_PREFETCH_THREADS', value: 1 },
  { name: 'CLIENT_MEMORY_LIMIT', value: 1536 },
  { name: 'CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY', value: 3600 },
  { name: 'CLIENT_DISABLE_INCIDENTS', value: true },
];

/** The parameters the driver is told, with the session's TIMEZONE (it renders TIMESTAMP_LTZ values in it). */
function wireParameters(session: Session): typeof SESSION_PARAMETERS {
  return SESSION_PARAMETERS.map((p) => (p.name === 'TIMEZONE' ? { name: p.name, value: session.parameter('TIMEZONE') } : p));
}

const MAX_CACHED_RESPONSES = 2000;

/** Builds the `(req, res)` handler for the HTTP server. */
export function createRequestHandler(deps: ProtocolDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const responses = new Map<string, Json>();
  const remember = (requestId: string | null, body: Json): Json => {
    if (requestId) {
      responses.set(requestId, body);
      if (responses.size > MAX_CACHED_RESPONSES) responses.delete(responses.keys().next().value as string);
    }
    return body;
  };

  const runs = new Runs(deps.inProgressAfterMs);

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const raw = await readBody(req);
    const body = raw.length > 0 ? (JSON.parse(raw) as Json) : {};
    const session = deps.account.sessions.get(tokenOf(req)) ?? null;
    const sqlText = path === '/queries/v1/query-request' && typeof body.sqlText === 'string' ? body.sqlText : null;
    if (sqlText !== null) deps.onQueryRequest();
    const subject = sqlText ?? path;
    await sleep(deps.injections.requestDelay(subject));
    const fault = deps.injections.take(subject, ['http-503', 'http-429', 'reset']);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault) {
      res.writeHead(fault.kind === 'http-503' ? 503 : 429, { 'content-type': 'text/plain' });
      res.end(fault.message ?? (fault.kind === 'http-503' ? 'Service Unavailable' : 'Too Many Requests'));
      return;
    }
    if (path === '/session/v1/login-request') return send(res, login(deps, url, body));
    if (path === '/session/heartbeat' || path === '/telemetry/send' || path.endsWith('/abort-request'))
      return send(res, { success: true, data: {}, code: null, message: null });
    if (path === '/session' && url.searchParams.get('delete') === 'true') {
      if (session) await deps.account.closeSession(session);
      return send(res, { success: true, data: null, code: null, message: null });
    }
    if (path === '/session/token-request') return send(res, renew(deps, body));
    if (!session)
      return send(res, {
        success: false,
        code: '390111',
        message: 'Session no longer exists.  New login required to access the service.',
        data: null,
      });
    if (sqlText !== null) {
      const requestId = url.searchParams.get('requestId');
      const cached = requestId ? responses.get(requestId) : undefined;
      if (cached) return send(res, cached);
      // A request resubmitted (same requestId) while it runs waits for that run: it never runs twice.
      const known = requestId ? runs.byRequest(requestId) : undefined;
      if (known) return send(res, await runs.answer(known));
      const queryId = deps.account.newQueryId();
      const work = query(deps, session, sqlText, body, requestId ?? '', queryId).then((answer) => remember(requestId, answer));
      return send(res, await runs.answer(runs.start(requestId, queryId, work)));
    }
    const resultMatch = /^\/queries\/([^/]+)\/result$/.exec(path);
    if (resultMatch) {
      const run = runs.byQuery(resultMatch[1] as string);
      return send(res, run ? await runs.answer(run) : storedResult(deps, session, resultMatch[1] as string));
    }
    const statusMatch = /^\/monitoring\/queries\/([^/]+)$/.exec(path);
    if (statusMatch) {
      const record = deps.account.queries.get(statusMatch[1] as string);
      const status = !record ? 'FAILED_WITH_ERROR' : record.error ? 'FAILED_WITH_ERROR' : 'SUCCESS';
      return send(res, {
        success: true,
        code: null,
        message: null,
        data: {
          queries: [
            {
              id: statusMatch[1],
              status,
              errorMessage: record?.error?.message ?? (record ? '' : 'Query not found'),
              errorCode: record?.error?.code ?? '',
            },
          ],
        },
      });
    }
    send(res, { success: false, code: '390400', message: `Unknown endpoint ${req.method ?? ''} ${path}`, data: null });
  };

  return (req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, errorBody(err instanceof SnowflakeError ? err : new SnowflakeError('000603', 'XX000', String(err), 'INTERNAL'), null));
    });
  };
}

/**
 * The time a statement takes (its injected delay), bounded by the session's
 * STATEMENT_TIMEOUT_IN_SECONDS: past it Snowflake cancels the statement (000630).
 */
async function statementTime(session: Session, delayMs: number): Promise<void> {
  const seconds = Number(session.parameter('STATEMENT_TIMEOUT_IN_SECONDS'));
  if (seconds > 0 && delayMs > seconds * 1000) {
    await sleep(seconds * 1000);
    throw new SnowflakeError(
      '000630',
      '57014',
      `Statement reached its statement or warehouse timeout of ${seconds} second(s) and was canceled.`,
      'EXECUTION',
    );
  }
  await sleep(delayMs);
}

function send(res: ServerResponse, body: Json): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const buffer = Buffer.concat(chunks);
  const gzipped = req.headers['content-encoding'] === 'gzip' || (buffer[0] === 0x1f && buffer[1] === 0x8b);
  return (gzipped ? gunzipSync(buffer) : buffer).toString('utf8');
}

function tokenOf(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  return /Token="([^"]*)"/.exec(header)?.[1] ?? '';
}

/** Login parameters are identifiers: unquoted ones fold to upper case. */
function identifierParam(value: string | null): string | null {
  if (!value) return null;
  return value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/""/g, '"') : value.toUpperCase();
}

function errorBody(err: SnowflakeError, queryId: string | null): Json {
  return {
    success: false,
    code: err.code,
    message: err.message,
    headers: null,
    data: { errorCode: err.code, sqlState: err.sqlState, queryId, type: err.type, internalError: false, age: 0, line: -1, pos: -1 },
  };
}

function login(deps: ProtocolDeps, url: URL, body: Json): Json {
  const data = (body.data ?? {}) as LoginData;
  let user: string;
  try {
    user = authenticate(deps.users, data);
  } catch (err) {
    return errorBody(err as SnowflakeError, null);
  }
  const p = url.searchParams;
  let session: Session;
  try {
    session = deps.account.openSession(user, {
      database: identifierParam(p.get('databaseName')),
      schema: identifierParam(p.get('schemaName')),
      warehouse: identifierParam(p.get('warehouse')),
      role: identifierParam(p.get('roleName')),
    });
  } catch (err) {
    return errorBody(err as SnowflakeError, null);
  }
  return {
    success: true,
    code: null,
    message: null,
    data: {
      token: session.token,
      masterToken: session.masterToken,
      validityInSeconds: 3600,
      masterValidityInSeconds: 14400,
      displayUserName: user,
      serverVersion: SERVER_VERSION,
      firstLogin: false,
      remMeToken: null,
      remMeValidityInSeconds: 0,
      healthCheckInterval: 45,
      newClientForUpgrade: null,
      sessionId: Number(session.id),
      parameters: wireParameters(session),
      sessionInfo: { databaseName: session.database, schemaName: session.schema, warehouseName: session.warehouse, roleName: session.role },
      idToken: null,
      idTokenValidityInSeconds: 0,
      responseData: null,
      mfaToken: null,
      mfaTokenValidityInSeconds: 0,
    },
  };
}

function renew(deps: ProtocolDeps, body: Json): Json {
  const old = String(body.oldSessionToken ?? '');
  const session = deps.account.sessions.get(old);
  if (!session)
    return { success: false, code: '390114', message: 'Authentication token has expired.  The user must authenticate again.', data: null };
  deps.account.sessions.delete(old);
  session.token = `${session.token.slice(0, 16)}${Date.now().toString(16)}`;
  deps.account.sessions.set(session.token, session);
  return {
    success: true,
    code: null,
    message: null,
    data: {
      sessionToken: session.token,
      validityInSecondsST: 3600,
      masterToken: session.masterToken,
      validityInSecondsMT: 14400,
      sessionId: Number(session.id),
    },
  };
}

function resultData(result: ResultSet, queryId: string, session: Session): Json {
  return {
    parameters: wireParameters(session),
    rowtype: result.columns.map((c) => ({
      name: c.name,
      database: '',
      schema: '',
      table: '',
      byteLength: c.length,
      length: c.length,
      type: c.type,
      scale: c.scale,
      precision: c.precision,
      nullable: true,
      collation: null,
    })),
    rowset: result.rows,
    total: result.rows.length,
    returned: result.rows.length,
    queryId,
    databaseProvider: null,
    finalDatabaseName: session.database,
    finalSchemaName: session.schema,
    finalWarehouseName: session.warehouse,
    finalRoleName: session.role,
    numberOfBinds: 0,
    arrayBindSupported: false,
    statementTypeId: result.statementTypeId,
    version: 1,
    sendResultTime: Date.now(),
    queryResultFormat: 'json',
    queryContext: { entries: [] },
  };
}

function storedResult(deps: ProtocolDeps, session: Session, queryId: string): Json {
  const record = deps.account.queries.get(queryId);
  if (!record) return errorBody(new SnowflakeError('000709', '02000', `Statement ${queryId} not found`), queryId);
  if (record.error) return errorBody(record.error, queryId);
  return { success: true, code: null, message: null, data: resultData(record.result as ResultSet, queryId, session) };
}

/** A query request being answered: its query id and its answer once it is there. */
interface Run {
  queryId: string;
  work: Promise<Json>;
}

/**
 * The query requests of one server, by request id and by query id, while they run and once they
 * answered: a request or result fetch waits at most `inProgressAfterMs` for the answer, then gets
 * 333333 with the query id and the URL to fetch the result from, as Snowflake answers a query that
 * runs longer than its request waits (the driver then polls that URL).
 */
class Runs {
  private readonly requests = new Map<string, Run>();
  private readonly queries = new Map<string, Run>();

  constructor(private readonly inProgressAfterMs: number) {}

  start(requestId: string | null, queryId: string, work: Promise<Json>): Run {
    const run = { queryId, work };
    if (requestId) this.requests.set(requestId, run);
    this.queries.set(queryId, run);
    for (const map of [this.requests, this.queries]) if (map.size > MAX_CACHED_RESPONSES) map.delete(map.keys().next().value as string);
    return run;
  }

  byRequest(requestId: string): Run | undefined {
    return this.requests.get(requestId);
  }

  byQuery(queryId: string): Run | undefined {
    return this.queries.get(queryId);
  }

  /** The run's answer, or 333333 "in progress" when it takes longer than a request waits. */
  async answer(run: Run): Promise<Json> {
    let timer: NodeJS.Timeout | undefined;
    const waiting = new Promise<Json>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            success: true,
            code: '333333',
            message: 'Query execution in progress.',
            data: { queryId: run.queryId, getResultUrl: `/queries/${run.queryId}/result` },
          }),
        this.inProgressAfterMs,
      );
    });
    try {
      return await Promise.race([run.work, waiting]);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function query(
  deps: ProtocolDeps,
  session: Session,
  sqlText: string,
  body: Json,
  requestId: string,
  reservedId: string,
): Promise<Json> {
  const parameters = (body.parameters ?? {}) as Record<string, unknown>;
  const queryTag = typeof parameters.QUERY_TAG === 'string' ? parameters.QUERY_TAG : session.queryTag;
  let statements;
  try {
    statements = splitStatements(sqlText);
    if (statements.length === 0) throw new SnowflakeError('000900', '42601', 'SQL compilation error:\nEmpty SQL statement.');
    const desired = Number(parameters.MULTI_STATEMENT_COUNT ?? session.parameters.get('MULTI_STATEMENT_COUNT') ?? 1);
    if (desired !== 0 && statements.length !== desired) throw statementCountMismatch(statements.length, desired);
  } catch (err) {
    return errorBody(err as SnowflakeError, deps.account.newQueryId());
  }
  const bindings = body.bindings as Record<string, Binding> | undefined;
  const ids: string[] = [];
  const types: number[] = [];
  let last: ResultSet | undefined;
  let failure: Json | undefined;
  for (const statement of statements) {
    const queryId = statements.length === 1 ? reservedId : deps.account.newQueryId();
    try {
      await statementTime(session, deps.injections.statementDelay(statement.text));
      const fault = deps.injections.take(statement.text, ['sql-error']);
      if (fault)
        throw new SnowflakeError(
          fault.code ?? '000603',
          '57P03',
          fault.message ?? `Injected fault for statement: ${statement.text.slice(0, 80)}`,
          'EXECUTION',
        );
      last = await deps.account.runStatement(session, statement, queryId, bindings);
      const resultChars = last.rows.reduce((sum, row) => sum + row.reduce((n, cell) => n + (cell?.length ?? 0), 0), 0);
      deps.statementLog.push({ sql: statement.text, queryTag, requestId, ok: true, resultRows: last.rows.length, resultChars });
    } catch (err) {
      deps.statementLog.push({ sql: statement.text, queryTag, requestId, ok: false, resultRows: 0, resultChars: 0 });
      failure ??= errorBody(err instanceof SnowflakeError ? err : new SnowflakeError('000603', 'XX000', String(err), 'INTERNAL'), queryId);
      if (deps.afterFailedStatement === 'stop') return failure;
      continue;
    }
    ids.push(queryId);
    types.push(last.statementTypeId);
  }
  if (failure !== undefined || last === undefined)
    return failure ?? errorBody(new SnowflakeError('000603', 'XX000', 'no statement ran', 'INTERNAL'), reservedId);
  if (body.asyncExec === true) {
    return {
      success: true,
      code: '333334',
      message: 'Asynchronous execution in progress.',
      data: { queryId: ids[ids.length - 1], getResultUrl: `/queries/${ids[ids.length - 1]}/result` },
    };
  }
  if (statements.length === 1)
    return { success: true, code: null, message: null, data: resultData(last as ResultSet, ids[0] as string, session) };
  const parent = {
    columns: [{ name: 'multiple statement execution', type: 'text' as const, scale: null, precision: null, length: 16777216 }],
    rows: [['Multiple statements executed successfully.']],
    statementTypeId: StatementType.SELECT,
  };
  const data = resultData(parent, reservedId, session);
  return { success: true, code: null, message: null, data: { ...data, resultIds: ids.join(','), resultTypes: types.join(',') } };
}

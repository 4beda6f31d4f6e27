/**
 * `ckpt connection test [NAME]` (also `ckpt doctor`): for each connection the config's targets use
 * (or the named one), where it was found (file, section, the environment variables applied, by
 * name), the login, role and warehouse, the session and account settings ckpt relies on, and per
 * target its database and schema, the privileges DROP and UNDROP need, and Time Travel retention:
 * each a line `ok`, `warn` or `fail` with what to do (the checks are in
 * warehouse/snowflake/connection-checks.ts; this module opens the connections and prints). On the
 * embedded warehouse: its file, and that no login is needed. `--json` prints the same as data.
 * Exits 0 without a `fail`, else as a connection error. Never prints a value of a connection's options.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { LOCAL_CONNECTION, type Desired, type Target } from '../../model/desired.js';
import { displayIdent } from '../../model/refs.js';
import { HINTS } from '../../model/hints.js';
import { targetLocation } from '../../plan/plan.js';
import { localWarehousePath } from '../../warehouse/open.js';
import {
  accountRetentionCheck,
  ACCOUNT_RETENTION_SQL,
  failure,
  parameterChecks,
  PARAMETERS_SQL,
  SESSION_SQL,
  sessionChecks,
  sessionFacts,
  targetChecks,
  type Check,
  type CheckStatus,
  type RunSql,
} from '../../warehouse/snowflake/connection-checks.js';
import { defaultConnection, processEnvironment, type ConnectionEnvironment } from '../../warehouse/snowflake/snowflake-config-files.js';
import { resolveConnection, type ResolvedConnection } from '../../warehouse/snowflake/snowflake-connection.js';
import { loadSdk } from '../../warehouse/snowflake/snowflake-driver.js';
import { queryTag } from '../../warehouse/snowflake/snowflake-sql.js';
import { SnowflakeWarehouse } from '../../warehouse/snowflake/snowflake-warehouse.js';
import { configPath, loadDesired } from '../config-file.js';
import type { CliContext } from '../context.js';
import { ExitCode, exitCodeOf } from '../exit-codes.js';
import type { Output } from '../io.js';
import { toJsonText } from '../json.js';

/** Options of `ckpt connection test`. */
export interface ConnectionTestOptions {
  file?: string;
  json?: boolean;
}

/** The checks of one target. */
export interface TargetReport {
  target: string;
  location: string;
  checks: Check[];
}

/** The checks of one connection and of the targets on it. */
export interface ConnectionReport {
  connection: string;
  kind: 'embedded' | 'snowflake';
  checks: Check[];
  targets: TargetReport[];
}

/** `ckpt connection test --json`. */
export interface ConnectionTestView {
  formatVersion: 1;
  /** The config whose targets were checked; null when a named connection was tested without one. */
  configFile: string | null;
  /** Whether no check failed (the exit code is 0). */
  ok: boolean;
  counts: Record<CheckStatus, number>;
  connections: ConnectionReport[];
}

/** Runs the command and returns its exit code. */
export async function connectionTestCommand(ctx: CliContext, name: string | undefined, options: ConnectionTestOptions): Promise<number> {
  const desired =
    name === undefined || existsSync(configPath(options.file)) ? await loadDesired(options.file, ctx.out, ctx.connections) : null;
  const environment = processEnvironment();
  const reports: ConnectionReport[] = [];
  for (const [connection, targets] of connectionsToTest(desired, name)) {
    reports.push(
      connection === LOCAL_CONNECTION
        ? embeddedReport(desired?.file ?? configPath(options.file), targets, environment)
        : await snowflakeReport(ctx, connection, targets, environment),
    );
  }
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0 };
  for (const check of reports.flatMap((r) => [...r.checks, ...r.targets.flatMap((t) => t.checks)])) counts[check.status] += 1;
  const view: ConnectionTestView = {
    formatVersion: 1,
    configFile: desired?.file ?? null,
    ok: counts.fail === 0,
    counts,
    connections: reports,
  };
  if (options.json === true) ctx.out.data(toJsonText(view));
  else ctx.out.data(renderReports(view, ctx.out));
  return counts.fail === 0 ? ExitCode.ok : exitCodeOf('CONNECTION_UNKNOWN');
}

/** The connections to test and the targets on each: the named one (and the config's targets on it), or every one the config uses. */
function connectionsToTest(desired: Desired | null, name: string | undefined): Map<string, Target[]> {
  const groups = new Map<string, Target[]>();
  if (name !== undefined) groups.set(name, []);
  for (const target of desired?.targets ?? []) {
    if (name !== undefined && target.connection !== name) continue;
    groups.set(target.connection, [...(groups.get(target.connection) ?? []), target]);
  }
  return groups;
}

/** The embedded warehouse: its file, no login; and the Snowflake CLI's default connection it does not follow. */
function embeddedReport(configFile: string, targets: Target[], environment: ConnectionEnvironment): ConnectionReport {
  const path = localWarehousePath(dirname(configFile));
  const checks: Check[] = [
    {
      check: 'found',
      status: 'ok',
      message: `the embedded warehouse (DuckDB) at ${path}${existsSync(path) ? '' : ' (created on first use)'}: no login needed`,
      fix: null,
    },
  ];
  const unnamed = targets.filter((t) => !t.connectionDeclared).map((t) => t.name);
  if (unnamed.length > 0) {
    let fallback: ReturnType<typeof defaultConnection> = null;
    try {
      fallback = defaultConnection(environment);
    } catch {
      fallback = null;
    }
    if (fallback !== null && fallback.source !== '$SNOWFLAKE_DEFAULT_CONNECTION_NAME') {
      checks.push({
        check: 'default-connection',
        status: 'warn',
        message: `${fallback.source} names ${fallback.name}; ckpt does not follow it: ${unnamed.join(', ')} name${unnamed.length === 1 ? 's' : ''} no connection and stay${unnamed.length === 1 ? 's' : ''} on the embedded warehouse`,
        fix: `write \`connection: ${fallback.name}\` in the file, or export SNOWFLAKE_DEFAULT_CONNECTION_NAME=${fallback.name}`,
      });
    }
  }
  return {
    connection: LOCAL_CONNECTION,
    kind: 'embedded',
    checks,
    targets: targets.map((t) => ({
      target: t.name,
      location: targetLocation(t),
      checks: [
        {
          check: 'schema',
          status: 'ok',
          message: `schema ${displayIdent(t.schema)}: the embedded warehouse creates it when a reconcile first needs it`,
          fix: null,
        },
      ],
    })),
  };
}

/** Where a Snowflake connection was found, as a line (variable names, never values). */
function foundCheck(resolved: ResolvedConnection): Check {
  const overrides = resolved.overrides.length === 0 ? '' : `; from the environment: ${resolved.overrides.join(', ')}`;
  return {
    check: 'found',
    status: 'ok',
    message: `${resolved.section} in ${resolved.file} (${resolved.folderReason})${overrides}`,
    fix: null,
  };
}

/** A check that could not run: a warning saying why, not a failure of what it checks. */
async function guarded(check: string, body: () => Promise<Check[]>): Promise<Check[]> {
  try {
    return await body();
  } catch (error) {
    return [
      { check, status: 'warn', message: `could not check: ${(error as Error).message}`, fix: 'the role may lack the privilege to read it' },
    ];
  }
}

/**
 * A Snowflake connection: resolve, log in, then the session's and each target's checks, every
 * statement through the adapter's query path. A connection that cannot be found or logged into
 * ends its report there.
 */
async function snowflakeReport(
  ctx: CliContext,
  connection: string,
  targets: Target[],
  environment: ConnectionEnvironment,
): Promise<ConnectionReport> {
  const report: ConnectionReport = { connection, kind: 'snowflake', checks: [], targets: [] };
  let resolved: ResolvedConnection;
  try {
    const sdk = await loadSdk();
    resolved = resolveConnection(connection, (o) => sdk.normalizeConnectionOptions(o), environment);
  } catch (error) {
    report.checks.push(failure('found', error, HINTS.connectionsFileMissing(connection)));
    return report;
  }
  report.checks.push(foundCheck(resolved));
  for (const warning of resolved.warnings)
    report.checks.push({ check: 'permissions', status: 'warn', message: warning, fix: 'let only its owner read it: chmod 600' });
  let warehouse: SnowflakeWarehouse;
  try {
    warehouse = await SnowflakeWarehouse.open({ connectionName: connection, logger: ctx.logger, resolved });
  } catch (error) {
    report.checks.push(failure('login', error, HINTS.credentials));
    return report;
  }
  try {
    const tag = queryTag({ command: 'connection-test' });
    const run: RunSql = (sql) => warehouse.driver.rows(sql, { tag });
    const facts = sessionFacts((await run(SESSION_SQL))[0]);
    report.checks.push(...sessionChecks(facts));
    report.checks.push(...(await guarded('parameters', async () => parameterChecks(await run(PARAMETERS_SQL), facts))));
    report.checks.push(...(await guarded('account-retention', async () => [accountRetentionCheck(await run(ACCOUNT_RETENTION_SQL))])));
    for (const t of targets) {
      const checks = await targetChecks(run, t, facts).catch((error: unknown) => [failure('target', error, HINTS.objectMissingOrHidden)]);
      report.targets.push({ target: t.name, location: targetLocation(t), checks });
    }
  } catch (error) {
    report.checks.push(failure('session', error, HINTS.snowflakeUnreachable));
  } finally {
    await warehouse.close();
  }
  return report;
}

const LABEL: Record<CheckStatus, { text: string; colour: 'green' | 'yellow' | 'red' }> = {
  ok: { text: 'ok  ', colour: 'green' },
  warn: { text: 'warn', colour: 'yellow' },
  fail: { text: 'fail', colour: 'red' },
};

function renderCheck(check: Check, indent: string, out: Output): string[] {
  const label = LABEL[check.status];
  const lines = [`${indent}${out.paint(label.colour, label.text)}  ${check.check.padEnd(18)} ${check.message}`];
  if (check.fix !== null) lines.push(`${indent}      ${' '.repeat(18)} fix: ${check.fix}`);
  return lines;
}

/** The report for a person. */
export function renderReports(view: ConnectionTestView, out: Output): string {
  const lines: string[] = [];
  for (const report of view.connections) {
    lines.push(`connection ${report.connection} (${report.kind === 'embedded' ? 'embedded warehouse' : 'Snowflake'})`);
    for (const check of report.checks) lines.push(...renderCheck(check, '  ', out));
    for (const target of report.targets) {
      lines.push(`  target ${target.target} (${target.location})`);
      for (const check of target.checks) lines.push(...renderCheck(check, '    ', out));
    }
  }
  if (view.connections.length === 0) lines.push('no connection to test: the config has no targets');
  const { ok, warn, fail } = view.counts;
  lines.push(`${ok} ok, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failure${fail === 1 ? '' : 's'}`);
  return lines.join('\n');
}

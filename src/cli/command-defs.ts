/**
 * The commands of `ckpt` as commander definitions: arguments, options and which command module
 * runs each. program.ts owns the global options, the run context and the exit codes.
 */
import { Option, type Command } from 'commander';
import { parseDuration } from './duration.js';
import { checkpointCreateCommand } from './commands/checkpoint-create.js';
import { checkpointsCommand } from './commands/checkpoints.js';
import { connectionTestCommand } from './commands/connection-test.js';
import { daemonCommand, DEFAULT_LISTEN, DEFAULT_RESYNC, parseListen } from './commands/daemon.js';
import { guardCommand, type GuardOptions } from './commands/guard.js';
import { historyCommand } from './commands/history.js';
import { initCommand } from './commands/init.js';
import { PLAN_FORMATS, reconcileCommand, type ReconcileOptions } from './commands/reconcile.js';
import { SCHEMAS, schemaCommand } from './commands/schema.js';
import { sqlCommand, type SqlOptions } from './commands/sql.js';
import { statusCommand } from './commands/status.js';
import { unlockCommand } from './commands/unlock.js';
import { validateCommand } from './commands/validate.js';
import type { CliContext } from './context.js';

/** Runs a command with the context built from the global options. */
export type Run = (runner: (ctx: CliContext) => Promise<number>) => () => Promise<void>;

const fileOption = () =>
  new Option('-f, --file <path>', 'the config file (default: $CKPT_FILE, else checkpoints.yaml here or in the nearest folder above)');
const configAlias = () => new Option('--config <path>', 'the config file (same as -f)');

/** `-t a -t b` as `['a', 'b']`: the selection selectTargets reads. */
const addTarget = (name: string, previous: string[] | undefined) => [...(previous ?? []), name];
/** --target of a command that acts on every target it selects. */
const targetOption = () => new Option('-t, --target <name>', 'only this target; repeat for more (-t a -t b)').argParser(addTarget);
/** --target of a command that acts on one target. */
const oneTargetOption = () =>
  new Option('-t, --target <name>', 'the target to act on (needed when the file has several)').argParser(addTarget);
type FileOpts = { file?: string; config?: string };
const fileOf = (o: FileOpts) => o.file ?? o.config;

/** Adds every command to the program. */
export function addCommands(program: Command, run: Run): void {
  addPlanCommands(program, run);
  addReadCommands(program, run);
  addToolCommands(program, run);
  addConnectionCommands(program, run);
}

/** validate and reconcile. */
function addPlanCommands(program: Command, run: Run): void {
  program
    .command('validate')
    .description('check the config file offline (no connection)')
    .addOption(fileOption())
    .addOption(configAlias())
    .option('--json', 'print the diagnostics as JSON (schemas/validate.schema.json); the exit code is the same')
    .action((o: FileOpts & { json?: boolean }) => run((ctx) => validateCommand(ctx, { file: fileOf(o), json: o.json }))());

  program
    .command('reconcile')
    .description('observe, plan and apply; --plan shows the plan and changes nothing')
    .addOption(fileOption())
    .addOption(configAlias())
    .addOption(targetOption())
    .option('--plan', 'show the plan only (dry run)')
    .option('-y, --yes', 'apply destructive steps without asking')
    .option('--json', 'print the plan (and outcome) as JSON (schemas/plan.schema.json); same as --format json')
    .addOption(
      new Option('--format <format>', 'how to print the plan: human, json, or markdown (for a pull request comment)').choices(PLAN_FORMATS),
    )
    .option('--sql', "show each step's statements, as the warehouse will send them, under it (in JSON: each step's statements)")
    .option('--detailed-exitcode', 'with --plan: exit 2 when there are changes')
    .option('--out <file>', 'with --plan: save the plan (with fingerprints of the state it saw) to FILE')
    .option('--from-plan <file>', 'apply a saved plan exactly; refused (exit 3) if anything changed since')
    .action((o: FileOpts & Omit<ReconcileOptions, 'file'>) => run((ctx) => reconcileCommand(ctx, { ...o, file: fileOf(o) }))());
}

/** What ckpt recorded: checkpoints, checkpoint create, history, status. */
function addReadCommands(program: Command, run: Run): void {
  program
    .command('checkpoints')
    .description('list the checkpoints recorded in the audit table')
    .addOption(fileOption())
    .addOption(configAlias())
    .addOption(targetOption())
    .option('--active', 'only the active checkpoints: status ACTIVE or RESTORED_TO, those an action can still name (not DELETED: expired)')
    .option('--json', 'print as JSON')
    .action((o: FileOpts & { target?: string[]; json?: boolean; active?: boolean }) =>
      run((ctx) => checkpointsCommand(ctx, { ...o, file: fileOf(o) }))(),
    );

  program
    .command('checkpoint')
    .description('manage checkpoints')
    .command('create')
    .description('take an ad-hoc checkpoint (id CP_YYYY_MM_DD_HH_MI_SS unless --id)')
    .addOption(fileOption())
    .addOption(configAlias())
    .addOption(oneTargetOption())
    .option('--id <id>', 'checkpoint id')
    .option('-d, --description <text>', 'what the checkpoint is for')
    .addOption(
      new Option(
        '--keep <what>',
        'inventory: names, definitions, metadata (content revertible through Time Travel while retention lasts); clone: also a copy of every table (revertible at any age; dropped when the checkpoint expires)',
      )
        .choices(['inventory', 'clone'])
        .default('inventory'),
    )
    .option('--json', 'print the result as JSON')
    .action((o: FileOpts & { target?: string[]; id?: string; description?: string; keep?: 'inventory' | 'clone'; json?: boolean }) =>
      run((ctx) => checkpointCreateCommand(ctx, { ...o, file: fileOf(o) }))(),
    );

  program
    .command('history')
    .description('list the runs (outcome, steps, duration, config commit) and the actions recorded in the audit table')
    .addOption(fileOption())
    .addOption(configAlias())
    .addOption(targetOption())
    .option('--json', 'print as JSON')
    .action((o: FileOpts & { target?: string[]; json?: boolean }) => run((ctx) => historyCommand(ctx, { ...o, file: fileOf(o) }))());

  program
    .command('status')
    .description(
      "per target: the last reconcile, pending actions and the next scheduled checkpoint (from the daemon's /status when one runs)",
    )
    .addOption(fileOption())
    .addOption(configAlias())
    .addOption(targetOption())
    .option('--json', 'print as JSON (schemas/status.schema.json)')
    .action((o: FileOpts & { target?: string[]; json?: boolean }) => run((ctx) => statusCommand(ctx, { ...o, file: fileOf(o) }))());
}

/** sql, unlock, schema, init, and daemon (addDaemonCommand). */
function addToolCommands(program: Command, run: Run): void {
  program
    .command('sql')
    .description("run SQL in a target's schema on its connection: a statement, -q SQL or -f FILE.sql (as snow sql)")
    .argument('[statement]', 'the SQL to run (same as -q)')
    .option('-q, --query <sql>', 'the SQL to run')
    .option('-f, --filename <file>', 'read the SQL from this file')
    .addOption(new Option('--config <path>', 'the config file (--config only: here -f is the SQL file, as in snow sql)'))
    .addOption(oneTargetOption())
    .option('--json', 'print the result as JSON')
    .option('--force', "run even SQL that may change ckpt's own tables (the audit table, its lease, journal and inventory table)")
    .action((statement: string | undefined, o: Omit<SqlOptions, 'statement'>) => run((ctx) => sqlCommand(ctx, { ...o, statement }))());

  program
    .command('unlock')
    .description("break a target's lease left by a writer that is gone (asks first)")
    .argument('<target>', 'the target name')
    .addOption(fileOption())
    .addOption(configAlias())
    .option('-y, --yes', 'do not ask')
    .action((name: string, o: FileOpts & { yes?: boolean }) => run((ctx) => unlockCommand(ctx, name, { file: fileOf(o), yes: o.yes }))());

  program
    .command('schema')
    .description('print the JSON Schema of checkpoints.yaml (or of a JSON output with --of)')
    .option('--of <name>', `one of: ${SCHEMAS.join(', ')}`)
    .action((o: { of?: string }) => run((ctx) => schemaCommand(ctx, o))());

  program
    .command('init')
    .description(
      'write a starter checkpoints.yaml if none exists (asks at a terminal for what no flag gives), add .ckpt/ to .gitignore, create the audit table',
    )
    .addOption(fileOption())
    .addOption(configAlias())
    .option('--database <db>', "the database (Snowflake; default: the connection's)")
    .option('--schema <schema>', 'the schema to manage (default DEMO); on Snowflake a missing one is created (asked first at a terminal)')
    .addHelpText('after', '\nThe connection is the global --connection NAME (default local, the embedded warehouse).')
    .action((o: FileOpts & { database?: string; schema?: string }) =>
      run((ctx) => initCommand(ctx, { file: fileOf(o), database: o.database, schema: o.schema }))(),
    );
  addDaemonCommand(program, run);
  addGuardCommand(program, run);
}

/** guard: run a command with the target checkpointed before and put back if it fails. */
function addGuardCommand(program: Command, run: Run): void {
  program
    .command('guard')
    .description(
      "checkpoint the target, run a command (after --), keep the schema if it succeeds, put it back if it fails; exits with the command's exit code",
    )
    .argument('[command...]', 'the command and its arguments, after --')
    .addOption(fileOption())
    .addOption(configAlias())
    .addOption(oneTargetOption())
    .addOption(
      new Option(
        '--keep <what>',
        "what the guard's checkpoint keeps (as checkpoint create --keep); default inventory on Snowflake (Time Travel reverts content), clone on the embedded warehouse",
      ).choices(['inventory', 'clone']),
    )
    .addOption(
      new Option(
        '--on-failure <what>',
        'when the command fails: reset to the checkpoint (default), cleanup (drop only what it created), or keep',
      ).choices(['reset', 'cleanup', 'keep']),
    )
    .option('--retain <n>', "after a success, keep the target's newest N guard checkpoints and expire the rest (default: keep all)", (v) =>
      Number(v),
    )
    .option('--timeout <duration>', 'stop the command after this long, e.g. 30m (then exit 124)', (v) => parseDuration(v))
    .option('--id <id>', "the guard's checkpoint id (default GUARD_YYYY_MM_DD_HH_MI_SS)")
    .option('-y, --yes', 'undo a failed command without asking')
    .option('--plan-only', 'when the command fails, show what would be undone and change nothing (--resume applies it)')
    .option('--resume', 'finish a guard that did not finish (ckpt was killed, or the undo waited for consent): plan, ask, undo')
    .action((argv: string[], o: FileOpts & Omit<GuardOptions, 'file'>) =>
      run((ctx) => guardCommand(ctx, argv, { ...o, file: fileOf(o) }))(),
    );
}

/** daemon: its options are many. */
function addDaemonCommand(program: Command, run: Run): void {
  program
    .command('daemon')
    .description('watch the config and reconcile on every change, schedule and interval; serve /healthz, /readyz, /metrics, /status')
    .addOption(fileOption())
    .addOption(configAlias())
    .option('--plan', 'detect only: plan and report, never apply')
    .addOption(
      new Option('--listen <host:port>', 'HTTP address (port 0: any free port; off: none)')
        .default(parseListen(DEFAULT_LISTEN), DEFAULT_LISTEN)
        .argParser(parseListen),
    )
    .addOption(
      new Option('--resync <duration>', 'reconcile every target this often, e.g. 30s, 10m, 1h (0: never)')
        .default(parseDuration(DEFAULT_RESYNC, 1000), DEFAULT_RESYNC)
        .argParser((v) => parseDuration(v, 1000)),
    )
    .addOption(
      new Option(
        '--settle <duration>',
        'how long a newly added destructive action waits for the file to stay unchanged, unless committed in git',
      )
        .default(parseDuration('5s'), '5s')
        .argParser((v) => parseDuration(v)),
    )
    .action((o: FileOpts & { plan?: boolean; listen: ReturnType<typeof parseListen>; resync: number; settle: number }) =>
      run((ctx) => daemonCommand(ctx, { file: fileOf(o), plan: o.plan, listen: o.listen, resyncMs: o.resync, settleMs: o.settle }))(),
    );
}

/** connection test, and doctor (the same checks). */
function addConnectionCommands(program: Command, run: Run): void {
  const test = (command: Command) =>
    command
      .argument('[name]', 'a connection name (default: every connection the config uses)')
      .addOption(fileOption())
      .addOption(configAlias())
      .option('--json', 'print the checks as JSON (schemas/connection-test.schema.json)')
      .action((name: string | undefined, o: FileOpts & { json?: boolean }) =>
        run((ctx) => connectionTestCommand(ctx, name, { file: fileOf(o), json: o.json }))(),
      );
  test(
    program
      .command('connection')
      .description('the connections the config uses: `connection test`')
      .command('test')
      .description(
        'check each connection the config uses (or NAME): where it is found, login, role, warehouse, schema, privileges, retention',
      ),
  );
  test(program.command('doctor').description('check the connections the config uses (same as `ckpt connection test`)'));
}

/**
 * Every hint ckpt prints under an error, named once: what a person can do about it. Errors pass
 * these (or call the ones that take a name) instead of writing the text again.
 */

const list = (names: readonly string[]): string => names.join(', ');

/** The hints, by what they tell a person to do. */
export const HINTS = {
  // Planning again
  /** A step found the schema other than its plan saw it. */
  planAgain: 'run `ckpt reconcile --plan` again: the schema changed since the plan was made',
  /** A step found the name it restores taken (Snowflake words it from the error). */
  nameTakenPlanAgain: 'an object of that name exists; run `ckpt reconcile --plan` again to see the schema as it is now',
  /** A restore from a checkpoint that no longer keeps its copy. */
  checkpointExpiredPlanAgain: 'run `ckpt reconcile --plan` again: the checkpoint may have been expired since the plan was made',
  /** A Time Travel version past its retention. */
  retentionPassed:
    'its retention has passed (docs/snowflake-behaviour.md, pitfall 3); run `ckpt reconcile --plan` to see what can still be restored',
  /** A clone changed behind ckpt's back. */
  cloneChanged: 'the clone was changed or dropped outside ckpt; run `ckpt reconcile --plan` again',
  /** Another writer changed the target between observing and locking. */
  runAgain: 'run the command again to plan from the schema as it is now',
  /** A saved plan no longer matches the file or the schema. */
  savedPlanStale: 'make a new plan with `ckpt reconcile --plan --out FILE` and review it',
  /** A view definition ckpt refuses to run. */
  definitionEdited:
    'the audit table or the saved plan holding it was edited; re-create the view by hand, or restore from another checkpoint',
  /** A saved plan whose steps are not what ckpt plans. */
  savedPlanEdited: 'make a new plan with `ckpt reconcile --plan --out FILE` and review it; ckpt applies a saved plan only as it made it',
  /** A saved plan that cannot be read. */
  savedPlanMissing: 'write one with `ckpt reconcile --plan --out FILE`',

  // Command line
  /** Destructive steps with nobody at a terminal. */
  consent: 'review the plan above, then run again with --yes',
  /** `--out` without `--plan`. */
  outNeedsPlan: 'run `ckpt reconcile --plan --out plan.json`',
  /** `--json` and another `--format`. */
  oneFormat: '--json is short for --format json; give one of them',
  /** `-C DIR` names no folder ckpt can enter. */
  directoryMissing: 'give -C the path of a folder you can enter',
  /** `ckpt sql` without exactly one source of SQL. */
  sqlUsage: 'e.g. ckpt sql "CREATE TABLE orders (id INTEGER)", or ckpt sql -f setup.sql',
  /** A checkpoint id with characters ckpt does not accept. */
  checkpointId: 'use letters, digits, _, . and - (not starting with . or -), at most 255 characters',
  /** `ckpt init` answers that do not make a valid file. */
  initAnswers: 'give a schema (and database) name as Snowflake writes it: letters, digits, _ and $, or a "Quoted Name"',
  /** `ckpt init` found no schema of the file's name and was not asked to create it. */
  initCreateSchema: 'create it (`ckpt init` at a terminal offers to), or name an existing schema in the file',
  /** An ad-hoc checkpoint id already used. */
  checkpointRetaken: 'checkpoints are never retaken: choose another --id',
  /** `--of` names no schema. */
  schemaNames: (names: readonly string[]) => `choose one of: ${list(names)}`,
  /** `--target` names no target. */
  knownTargets: (names: readonly string[]) => `known targets: ${list(names)}`,
  /** A single-target command on a file with several. */
  chooseTarget: (names: readonly string[]) => `choose one with --target: ${list(names)}`,
  /** `ckpt unlock` with nobody at a terminal to confirm. */
  unlockConsent: (target: string) => `make sure no ckpt is working on it, then run \`ckpt unlock ${target} --yes\``,
  /** Another writer holds a target's lease. */
  leaseHeld: (target: string) => `wait and retry, raise --lock-timeout, or if that process is gone run \`ckpt unlock ${target}\``,
  /** A guard that never finished must be finished before another guard starts. */
  guardUnfinished: (target: string) =>
    `finish it first: \`ckpt guard --resume -t ${target}\` undoes what its command did (add --on-failure keep to keep it)`,
  /** How `ckpt guard` is called. */
  guardUsage: 'ckpt guard [options] -- <command> [args…], e.g. `ckpt guard -t demo -- dbt build`; or `ckpt guard --resume -t demo`',
  /** `ckpt guard` holds the target's lease while its command runs. */
  leaseHeldByGuard: (target: string) =>
    `wait for the guarded command to end (or raise --lock-timeout); if that ckpt was killed, \`ckpt guard --resume -t ${target}\` takes over`,
  /** Another live process holds the embedded warehouse's file lock (the OS frees it when that process ends). */
  embeddedLeaseHeld:
    'wait and retry, or raise --lock-timeout; the operating system frees the file when that process ends (stop it if it is stuck): `ckpt unlock` cannot take a file a live process holds',

  // Config
  /** No config file given, and none found from the current folder up. */
  configMissing: 'run `ckpt init` to create one here, or give one with -f FILE (or $CKPT_FILE)',
  /** Diagnostics were printed above. */
  fixConfig: 'fix the lines above and run `ckpt validate`',
  /** The daemon's config at start is unusable. */
  fixConfigAndRestart: 'fix the lines above (`ckpt validate` checks the file offline) and start it again',
  /** A Snowflake target without a database. */
  databaseMissing: 'add `database:` to the target, or `database` to the connection in connections.toml',

  // Snowflake connections
  /** Neither connections.toml nor config.toml is where the Snowflake CLI looks. */
  connectionsFileMissing: (name: string) =>
    `create connections.toml there (mode 600) with a [${name}] section holding account, user and an authenticator, or set SNOWFLAKE_HOME to the folder that has it (\`ckpt connection test ${name}\` shows where ckpt looks); use connection: local for the embedded warehouse`,
  /** A connection only in config.toml while connections.toml exists. */
  connectionShadowed: (name: string, configFile: string, source: string) =>
    `${configFile} has [connections.${name}], but ${source} replaces config.toml's connections (as the Snowflake CLI does): move it there as [${name}]`,
  /** A connections.toml or config.toml that is not valid TOML. */
  tomlSyntax: 'fix the file at that line and column (TOML 1.0: https://toml.io/en/v1.0.0)',
  /** A Snowflake target whose schema does not exist. */
  schemaMissing: (connection: string, database: string, schema: string) =>
    `create it (CREATE SCHEMA ${database}.${schema}), or run \`ckpt init --connection ${connection} --schema ${schema}\`; if it was dropped, UNDROP SCHEMA brings it back within its retention`,
  /** A file holding secrets others may change. */
  chmod: (file: string) => `run: chmod 600 ${file}`,
  /** A connection name not in connections.toml. */
  knownConnections: (known: readonly string[], name: string) =>
    known.length > 0 ? `connections there: ${list(known)}` : `the file has no connections; add a [${name}] section`,
  /** snowflake-sdk refused the options of an entry. */
  connectionEntry: 'check the entry in connections.toml: account, user and authenticator are required',
  /** The login's role does not exist or is not granted to the user. */
  loginRole:
    "the connection's role (`role` in its entry, SNOWFLAKE_CONNECTIONS_<NAME>_ROLE or SNOWFLAKE_ROLE) does not exist or is not granted to the user: fix the name, or GRANT ROLE … TO USER …",
  /** Snowflake rejected the credentials. */
  credentials: 'check the user and the credentials of this connection in connections.toml (password, key pair, token)',
  /** Snowflake says the object does not exist, which also means "not visible to this role". */
  objectMissingOrHidden:
    'the object does not exist, or the role of this connection is not authorised to see it; check the database, schema and role',
  /** The role lacks a privilege. */
  privilege:
    'the role lacks a privilege: DROP and UNDROP need OWNERSHIP of the object, restores also CREATE TABLE on the schema (docs/snowflake-behaviour.md, pitfall 16)',
  /** No running virtual warehouse. */
  noWarehouse: 'no running warehouse: set `warehouse` in the connection, or resume it (ALTER WAREHOUSE ... RESUME)',
  /** Time Travel has nothing at that time. */
  timeTravelUnavailable: 'Time Travel data is not available (past retention or before the object existed)',
  /** Snowflake did not answer at all. */
  snowflakeUnreachable: 'check the account or host in connections.toml and the network (proxy, VPN); Snowflake did not answer',
  /** A statement got no answer before its deadline: it may still be running, and is not sent again. */
  statementRunning: (queryId: string | null) =>
    `${queryId === null ? 'look for it in Query History (its QUERY_TAG names ckpt)' : `look it up in Query History (query ${queryId}), or stop it: SELECT SYSTEM$CANCEL_QUERY('${queryId}')`}; once it ended, run ckpt again: it plans from what is there. If Snowflake is just slow, raise CKPT_STATEMENT_TIMEOUT_MS`,
  /** Snowflake cancelled a statement at its STATEMENT_TIMEOUT_IN_SECONDS. */
  serverStatementTimeout:
    'Snowflake cancelled the statement at its STATEMENT_TIMEOUT_IN_SECONDS (set on the account, the user or the warehouse); raise it for the user ckpt connects as, then run ckpt again',
  /** The warehouse refused a statement. */
  statementNotApplied: 'see the message above; the statement was not applied',
  /** A constraint refused a change. */
  constraint:
    'a constraint (foreign key, primary key, NOT NULL) refuses the change, and will again: change the data, the constraint or the file first',

  // The embedded warehouse
  /** Another process has the DuckDB file open. */
  embeddedLocked: 'wait for that command to finish and try again; a running `ckpt daemon` releases the file between reconciles',
  /** The process may not write the DuckDB file or its folder. */
  embeddedPermission: 'ckpt reads and writes the embedded warehouse: give the user running it write access to the file and its folder',
  /** A statement wrote to a database attached read-only. */
  embeddedReadOnly: 'that database is attached read-only: attach it without READ_ONLY to change it',
  /** The DuckDB file is not a database. */
  embeddedInvalid: 'the file is not a DuckDB database: move it away (ckpt then starts an empty one) or restore it from a backup',
  /** DuckDB says an object does not exist. */
  objectMissing: 'check the name (it may have been dropped meanwhile); run `ckpt reconcile --plan` again to see the schema as it is now',
  /** Reading or writing a file failed. */
  embeddedIo: 'reading or writing a file failed: check its path and the disk (free space, mount), then try again',

  // Daemon and internals
  /** The daemon's HTTP address is taken. */
  listen: 'pass another address with --listen HOST:PORT (port 0 picks a free one)',
  /** A reconcile's process died before it reported. */
  reconcileCrashed:
    "the daemon retries it with backoff; should it keep crashing, look at the daemon's stderr and the host's memory, and run `ckpt reconcile --plan` in the foreground to see the failure",
  /** An error ckpt did not expect. */
  bug: 'this is a bug in ckpt; run again with CKPT_LOG_LEVEL=debug and report the output',
} as const;

/**
 * The text `ckpt --help` adds after commander's: where the config file is found, the
 * environment variables ckpt reads, the exit codes (from exit-codes.ts), and examples for the
 * program and for each command. A test checks that every variable read in src/ and every exit
 * code is listed here, and that every command has examples.
 */
import type { Command } from 'commander';
import { EXIT_CODE_MEANINGS, ExitCode } from './exit-codes.js';

/** An environment variable ckpt reads, and what it takes. */
export interface EnvironmentVariable {
  name: string;
  takes: string;
}

/** Every environment variable ckpt reads. */
export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'CKPT_FILE', takes: 'the config file when -f is not given' },
  { name: 'CKPT_LOG_LEVEL', takes: 'debug, info, warn or error (default warn; info for the daemon)' },
  { name: 'CKPT_LOG_FORMAT', takes: 'text or json (default text; for the daemon json, but text on a terminal)' },
  { name: 'CKPT_LOCK_WAIT_MS', takes: "how long to wait for another process's lock on the embedded warehouse (default 5000)" },
  {
    name: 'CKPT_STATEMENT_TIMEOUT_MS',
    takes: 'the deadline of Snowflake reads, metadata and lease statements; copies have none (default 60000)',
  },
  {
    name: 'CKPT_STATEMENTS_PER_REQUEST',
    takes: 'most statements in one Snowflake request of a wave of drops or table restores, 1 to 1000 (default 100)',
  },
  { name: 'CKPT_SHOW_PAGE_ROWS', takes: 'rows per page of SHOW TABLES HISTORY on Snowflake, 1 to 10000 (default 10000)' },
  {
    name: 'CKPT_SNAPSHOT_ARRAY_BYTES',
    takes: "largest inventory (bytes) also written as an array into a Snowflake checkpoint's OBJECTS_SNAPSHOT (default 1048576)",
  },
  { name: 'CKPT_FAULT_KILL_AT', takes: 'crash-safety tests only: <step>:started or <step>:ran kills reconcile at that step' },
  { name: 'CKPT_TRASH_RETENTION_DAYS', takes: 'how long the embedded warehouse keeps the tables it dropped (default 7)' },
  { name: 'NO_COLOR', takes: 'any value but empty: no colour (as --no-color)' },
  { name: 'FORCE_COLOR', takes: '1, 2, 3 or true: colour even off a terminal; any other value (0, false): none' },
  {
    name: 'SNOWFLAKE_HOME',
    takes: 'the folder of connections.toml and config.toml (else ~/.snowflake if it exists, else the platform folder)',
  },
  { name: 'XDG_CONFIG_HOME', takes: 'Linux (and macOS, when set): the platform folder is $XDG_CONFIG_HOME/snowflake' },
  { name: 'LOCALAPPDATA', takes: 'Windows: the platform folder is %LOCALAPPDATA%\\snowflake' },
  { name: 'SNOWFLAKE_CONNECTIONS', takes: 'a whole connections.toml document, used instead of the files' },
  { name: 'SNOWFLAKE_DEFAULT_CONNECTION_NAME', takes: 'the connection of the targets whose file names none' },
  { name: 'SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>', takes: 'KEY of connection NAME, over connections.toml' },
  { name: 'SNOWFLAKE_<KEY>', takes: 'KEY (ACCOUNT, USER, ROLE, WAREHOUSE, ...) of the connection used, where its entry has none' },
  { name: 'PRIVATE_KEY_PASSPHRASE', takes: "the passphrase of a connection's private key (over connections.toml's)" },
  {
    name: 'SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
    takes: "any value: skip snowflake-sdk's permission checks of connections.toml and token files",
  },
  {
    name: 'SF_SKIP_TOKEN_FILE_PERMISSIONS_VERIFICATION',
    takes: 'true: a config.toml readable by others is a warning, not refused (as the Snowflake CLI)',
  },
];

/** Where the config file comes from (config-file.ts). */
const CONFIG_FILE =
  "Config file: -f FILE (or --config FILE; ckpt sql takes --config only, as its -f is a SQL file), else $CKPT_FILE, else checkpoints.yaml in the current folder or the nearest folder above it that has one, looking no further up than the git repository's root.";

/** An example command line and what it does. */
type Example = readonly [command: string, does: string];

/** Examples of the program as a whole. */
const PROGRAM_EXAMPLES: readonly Example[] = [
  ['ckpt init', 'write a starter checkpoints.yaml here'],
  ['ckpt reconcile --plan', 'what would change; changes nothing'],
  ['ckpt reconcile -c dev -t retail --yes', 'apply target retail on connection dev'],
  ['ckpt -C ops/db status', 'as if run in ops/db'],
];

/** Examples per command, by its path (`checkpoint create`). */
const EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  validate: [
    ['ckpt validate', 'check the checkpoints.yaml found from here, offline'],
    ['ckpt validate -f ops/checkpoints.yaml', 'check that file'],
  ],
  reconcile: [
    ['ckpt reconcile --plan', 'show the plan; change nothing'],
    ['ckpt reconcile -t retail -t finance --yes', 'apply two targets without asking'],
    ['ckpt reconcile --plan --format markdown --detailed-exitcode', 'a plan for a pull request; exit 2 on changes'],
    ['ckpt reconcile --plan --sql', 'the plan with the statements of every step'],
    ['ckpt reconcile --plan --out plan.json', 'save the plan for review'],
    ['ckpt reconcile --from-plan plan.json', 'apply exactly that plan'],
  ],
  checkpoints: [
    ['ckpt checkpoints', 'every target'],
    ['ckpt checkpoints -t retail --json', 'one target, as JSON'],
  ],
  checkpoint: [['ckpt checkpoint create --id before-demo', 'take a checkpoint now']],
  'checkpoint create': [
    ['ckpt checkpoint create', 'take a checkpoint now, id CP_YYYY_MM_DD_HH_MI_SS'],
    ['ckpt checkpoint create -t retail --id before-demo -d "before the ACME demo"', 'named, with a description'],
  ],
  history: [
    ['ckpt history', 'runs and actions of every target'],
    ['ckpt history -t retail --json', 'one target, as JSON'],
  ],
  status: [
    ['ckpt status', 'every target, from the daemon when one runs'],
    ['ckpt status --json', 'as JSON'],
  ],
  sql: [
    ['ckpt sql "SELECT COUNT(*) FROM orders"', "in the target's schema"],
    ['ckpt sql -q "DROP TABLE scratch" -t retail', 'the statement as -q, on target retail'],
    ['ckpt sql -f demo.sql --config ops/checkpoints.yaml', 'a SQL file; the config with --config'],
  ],
  unlock: [['ckpt unlock retail', "break retail's lease, after typing its name"]],
  schema: [
    ['ckpt schema > checkpoints.schema.json', 'the schema of checkpoints.yaml, for an editor'],
    ['ckpt schema --of plan', 'the schema of reconcile --json'],
  ],
  init: [
    ['ckpt init', 'write ./checkpoints.yaml and create the audit table'],
    ['ckpt init -f ops/checkpoints.yaml', 'write that file instead'],
  ],
  connection: [['ckpt connection test', 'check every Snowflake target: login, role, schema, ownership, retention']],
  'connection test': [
    ['ckpt connection test', "every target's connection, each check with a fix"],
    ['ckpt connection test prod --json', 'one connection by name, as JSON'],
  ],
  doctor: [['ckpt doctor', 'the same as ckpt connection test']],
  guard: [
    ['ckpt guard -t prod -- dbt build', 'checkpoint, run dbt; put the schema back if it fails (asks at a terminal)'],
    ['ckpt guard -t prod --yes --timeout 30m -- snow sql -f deploy.sql', 'in CI: undo without asking; stop it after 30 min (exit 124)'],
    ['ckpt guard -t prod --resume', 'finish a guard whose ckpt was killed: plan, ask, undo'],
  ],
  daemon: [
    ['ckpt daemon', 'watch the checkpoints.yaml found from here'],
    ['ckpt daemon -f /srv/ckpt/checkpoints.yaml --listen 127.0.0.1:9477 --resync 10m', 'as a service'],
    ['ckpt daemon --plan --listen off', 'plan and report only; no HTTP'],
  ],
};

/** The width help text is wrapped at, as commander's own without a terminal. */
const WIDTH = 80;

/** Words in lines of at most `width` characters (a longer word has a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && `${lines[last]} ${word}`.length <= width) lines[last] = `${lines[last]} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Rows of two columns, the first padded to the widest; the second wrapped under itself. */
function columns(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const separator = '  ';
  const width = Math.max(...rows.map(([left]) => left.length));
  const indent = ' '.repeat(2 + width + separator.length);
  return rows.flatMap(([left, right]) =>
    wrap(right, Math.max(WIDTH - indent.length, 20)).map((line, i) =>
      i === 0 ? `  ${left.padEnd(width)}${separator}${line}` : `${indent}${line}`,
    ),
  );
}

/** Each example as a comment saying what it does, over the command line. */
function examplesText(examples: readonly Example[]): string {
  return ['Examples:', ...examples.flatMap(([command, does]) => [`  # ${does}`, `  ${command}`])].join('\n');
}

/** The text after the program's own help. */
function programHelp(): string {
  const codes = Object.entries(ExitCode).map(([name, code]) => [String(code), EXIT_CODE_MEANINGS[name as keyof typeof ExitCode]] as const);
  return [
    '',
    ...wrap(CONFIG_FILE, WIDTH),
    '',
    examplesText(PROGRAM_EXAMPLES),
    '',
    'Environment:',
    ...columns(ENVIRONMENT.map((v) => [v.name, v.takes])),
    '',
    'Exit codes:',
    ...columns(codes),
  ].join('\n');
}

/** The path of a command under the program, e.g. `checkpoint create`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds the program's help text, and each command's examples, to the program and its commands. */
export function addHelpTexts(program: Command): void {
  program.addHelpText('after', programHelp());
  const visit = (command: Command) => {
    const examples = EXAMPLES[commandPath(command)];
    if (examples !== undefined) command.addHelpText('after', `\n${examplesText(examples)}`);
    command.commands.forEach(visit);
  };
  program.commands.forEach(visit);
}

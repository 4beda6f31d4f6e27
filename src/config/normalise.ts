/**
 * Normalisation of a schema-valid checkpoints.yaml into `Desired`: defaults filled in, names read
 * by Snowflake's identifier rules, action specs hashed, source positions attached. Reports names
 * that are not valid identifiers, and target schemas named like a checkpoint's clone.
 */
import { createHash } from 'node:crypto';
import {
  CLONE_SCHEMA_MARK,
  HIDDEN_SCHEMA,
  DEFAULT_AUDIT_TABLE,
  DEFAULT_MAX_DROP,
  LOCAL_CONNECTION,
  type Action,
  type ActionSpec,
  type CheckpointSpec,
  type Desired,
  type Schedule,
  type Target,
} from '../model/desired.js';
import { cronProblem, validTimezone } from '../schedule/cron.js';
import { compareText, MAX_IDENTIFIER_LENGTH, parseIdentifier, type ParsedIdentifier } from '../model/refs.js';
import { valueName } from './messages.js';
import { pointer, pointerSegments, type Finding, type Locator } from './positions.js';

/** checkpoints.yaml as the JSON Schema guarantees it (snake_case keys, optional defaults). */
export interface RawConfig {
  version: 1;
  connection?: string;
  targets: RawTarget[];
}

interface RawTarget {
  name?: string;
  connection?: string;
  database?: string;
  schema: string;
  audit_table?: string;
  protect?: string[];
  max_drop?: number;
  max_drop_rows?: number;
  max_drop_bytes?: number;
  checkpoints?: RawCheckpoint[];
  actions?: RawAction[];
  schedules?: RawSchedule[];
}

interface RawSchedule {
  id: string;
  cron: string;
  timezone?: string;
  description?: string;
  retain?: number;
}

interface RawCheckpoint {
  id: string;
  description?: string;
  keep?: 'inventory' | 'clone';
}

interface RawAction {
  id: string;
  allow_large?: boolean;
  cleanup?: { since: string };
  restore?: { from: string; objects?: string[] };
  reset?: { to: string };
  full_cleanup?: { confirm: 'DELETE_ALL' };
}

/** The normalised config, and the problems found while normalising it. */
export interface Normalised {
  desired: Desired;
  findings: Finding[];
}

const UNQUOTED_GLOB = /^[A-Za-z0-9_$*?]+$/;

/** sha256 of a string, hex. */
export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The value with object keys sorted at every level, so equal specs stringify equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => compareText(a, b))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** The hash that detects edits to an applied action. */
export function specHash(spec: ActionSpec, allowLarge: boolean): string {
  return sha256(JSON.stringify(canonical({ spec, allowLarge })));
}

/** Reads a `protect` glob: double-quoted keeps its case, otherwise upper-cased like a name. */
function parseGlob(text: string): ParsedIdentifier {
  if (text.startsWith('"')) return parseIdentifier(text);
  if (!UNQUOTED_GLOB.test(text)) {
    return {
      ok: false,
      message: `"${text}" is not a valid unquoted name glob (letters, digits, _, $, * and ?); write it in double quotes to keep it exactly`,
    };
  }
  if (text.length > MAX_IDENTIFIER_LENGTH) {
    return { ok: false, message: `glob is ${text.length} characters; Snowflake names have at most ${MAX_IDENTIFIER_LENGTH}` };
  }
  return { ok: true, name: text.toUpperCase() };
}

/** How the normaliser reads names and reports problems, shared by the helpers below. */
interface Reader {
  locator: Locator;
  /** The name a value stands for (an error is reported, and the text kept, when it is not one). */
  read(value: string, ptr: string, parse: (text: string) => ParsedIdentifier): string;
  error(ptr: string, anchor: 'key' | 'value', message: string): void;
}

/** Builds `Desired` from a document that passed the JSON Schema. */
export function normalise(raw: RawConfig, file: string, sourceHash: string, locator: Locator): Normalised {
  const findings: Finding[] = [];
  const reader: Reader = {
    locator,
    /**
     * Reads a name as Snowflake would: a value whose text starts with `"` (written `'"Mixed"'`
     * in YAML) is a quoted identifier and keeps its case; anything else is upper-cased. YAML's
     * own quotes are only YAML syntax (needed for `"REF_*"`), so they do not count.
     */
    read(value, ptr, parse) {
      const parsed = parse(value);
      if (parsed.ok) return parsed.name;
      findings.push({ severity: 'error', pointer: ptr, anchor: 'value', message: `${valueName(pointerSegments(ptr))}: ${parsed.message}` });
      return value;
    },
    error(ptr, anchor, message) {
      findings.push({ severity: 'error', pointer: ptr, anchor, message });
    },
  };
  const targets = raw.targets.map((t, i) => normaliseTarget(reader, raw, t, i));
  return { desired: { file, sourceHash, version: 1, targets }, findings };
}

/** One target of the file, read. */
function normaliseTarget(r: Reader, raw: RawConfig, t: RawTarget, i: number): Target {
  const at = (...rest: (string | number)[]): string => pointer('targets', i, ...rest);
  const database = t.database === undefined ? null : r.read(t.database, at('database'), parseIdentifier);
  const schema = r.read(t.schema, at('schema'), parseIdentifier);
  const connection = t.connection ?? raw.connection ?? LOCAL_CONNECTION;
  checkPlacement(r, at, { database, schema, connection });
  return {
    name: t.name ?? (database === null ? schema : `${database}.${schema}`),
    connection,
    connectionDeclared: (t.connection ?? raw.connection) !== undefined,
    database,
    schema,
    auditTable: r.read(t.audit_table ?? DEFAULT_AUDIT_TABLE, at('audit_table'), parseIdentifier),
    protect: (t.protect ?? []).map((glob, g) => r.read(glob, at('protect', g), parseGlob)),
    maxDrop: t.max_drop ?? DEFAULT_MAX_DROP,
    maxDropRows: t.max_drop_rows ?? null,
    maxDropBytes: t.max_drop_bytes ?? null,
    checkpoints: (t.checkpoints ?? []).map((c, j): CheckpointSpec => ({
      id: c.id,
      description: c.description ?? '',
      keep: c.keep ?? 'inventory',
      position: r.locator.position(at('checkpoints', j), 'value'),
    })),
    actions: (t.actions ?? []).map((a, j) => normaliseAction(r, a, at('actions', j))),
    schedules: (t.schedules ?? []).map((sc, j) => normaliseSchedule(r, sc, at('schedules', j))),
    position: r.locator.position(at(), 'value'),
  };
}

/** Where a target may not be: a clone's schema, ckpt's hidden schema, a database the connection cannot honour. */
function checkPlacement(
  r: Reader,
  at: (...rest: (string | number)[]) => string,
  where: { database: string | null; schema: string; connection: string },
): void {
  const { database, schema, connection } = where;
  if (schema.toUpperCase().includes(CLONE_SCHEMA_MARK)) {
    r.error(
      at('schema'),
      'value',
      `\`schema\`: ${schema} is named like the clone of a \`keep: clone\` checkpoint (<SCHEMA>${CLONE_SCHEMA_MARK}<ID>); ckpt never manages a clone as a target`,
    );
  }
  if (schema.toLowerCase() === HIDDEN_SCHEMA) {
    r.error(
      at('schema'),
      'value',
      `\`schema\`: ${schema} is ckpt's hidden schema (copies of dropped tables and of keep: clone checkpoints, in any case or quoting); ckpt never manages it as a target`,
    );
  }
  if (database !== null && connection === LOCAL_CONNECTION) {
    r.error(
      at('database'),
      'key',
      `\`database\`: the embedded warehouse (connection ${LOCAL_CONNECTION}) has one database, so ${database} cannot be honoured; remove \`database\`, or name a Snowflake connection`,
    );
  }
}

/** One action, read; `ptr` points at it. */
function normaliseAction(r: Reader, a: RawAction, ptr: string): Action {
  const objects = a.restore?.objects?.map((o, k) => r.read(o, `${ptr}/restore/objects/${k}`, parseIdentifier)) ?? null;
  const spec = actionSpec(a, objects);
  const allowLarge = a.allow_large ?? false;
  return { id: a.id, spec, specHash: specHash(spec, allowLarge), allowLarge, position: r.locator.position(ptr, 'value') };
}

/** One schedule, read; its cron and time zone are checked by the library that fires it. */
function normaliseSchedule(r: Reader, sc: NonNullable<RawTarget['schedules']>[number], ptr: string): Schedule {
  const timezone = sc.timezone ?? 'UTC';
  const problem = cronProblem(sc.cron, timezone);
  if (problem !== null) {
    const field = validTimezone(timezone) ? 'cron' : 'timezone';
    r.error(`${ptr}/${field}`, 'value', `\`${field}\`: ${problem}`);
  }
  return {
    id: sc.id,
    cron: sc.cron,
    timezone,
    description: sc.description ?? '',
    retain: sc.retain ?? null,
    position: r.locator.position(ptr, 'value'),
  };
}

/** The spec of a schema-valid action (which has exactly one kind), with its objects already read. */
function actionSpec(a: RawAction, objects: string[] | null): ActionSpec {
  if (a.cleanup !== undefined) return { kind: 'cleanup', since: a.cleanup.since };
  if (a.restore !== undefined) return { kind: 'restore', from: a.restore.from, objects };
  if (a.reset !== undefined) return { kind: 'reset', to: a.reset.to };
  return { kind: 'full-cleanup' };
}

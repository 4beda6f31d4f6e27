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
function specHash(spec: ActionSpec, allowLarge: boolean): string {
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

/** Builds `Desired` from a document that passed the JSON Schema. */
export function normalise(raw: RawConfig, file: string, sourceHash: string, locator: Locator): Normalised {
  const findings: Finding[] = [];

  /**
   * Reads a name as Snowflake would: a value whose text starts with `"` (written `'"Mixed"'`
   * in YAML) is a quoted identifier and keeps its case; anything else is upper-cased. YAML's
   * own quotes are only YAML syntax (needed for `"REF_*"`), so they do not count.
   */
  const read = (value: string, ptr: string, parse: (text: string) => ParsedIdentifier): string => {
    const parsed = parse(value);
    if (parsed.ok) return parsed.name;
    const message = `${valueName(pointerSegments(ptr))}: ${parsed.message}`;
    findings.push({ severity: 'error', pointer: ptr, anchor: 'value', message });
    return value;
  };

  const targets = raw.targets.map((t, i): Target => {
    const at = (...rest: (string | number)[]): string => pointer('targets', i, ...rest);
    const database = t.database === undefined ? null : read(t.database, at('database'), parseIdentifier);
    const schema = read(t.schema, at('schema'), parseIdentifier);
    if (schema.toUpperCase().includes(CLONE_SCHEMA_MARK)) {
      findings.push({
        severity: 'error',
        pointer: at('schema'),
        anchor: 'value',
        message: `\`schema\`: ${schema} is named like the clone of a \`keep: clone\` checkpoint (<SCHEMA>${CLONE_SCHEMA_MARK}<ID>); ckpt never manages a clone as a target`,
      });
    }
    if (schema.toLowerCase() === HIDDEN_SCHEMA) {
      findings.push({
        severity: 'error',
        pointer: at('schema'),
        anchor: 'value',
        message: `\`schema\`: ${schema} is ckpt's hidden schema (copies of dropped tables and of keep: clone checkpoints, in any case or quoting); ckpt never manages it as a target`,
      });
    }
    const connection = t.connection ?? raw.connection ?? LOCAL_CONNECTION;
    if (database !== null && connection === LOCAL_CONNECTION) {
      findings.push({
        severity: 'error',
        pointer: at('database'),
        anchor: 'key',
        message: `\`database\`: the embedded warehouse (connection ${LOCAL_CONNECTION}) has one database, so ${database} cannot be honoured; remove \`database\`, or name a Snowflake connection`,
      });
    }
    return {
      name: t.name ?? (database === null ? schema : `${database}.${schema}`),
      connection,
      connectionDeclared: (t.connection ?? raw.connection) !== undefined,
      database,
      schema,
      auditTable: read(t.audit_table ?? DEFAULT_AUDIT_TABLE, at('audit_table'), parseIdentifier),
      protect: (t.protect ?? []).map((glob, g) => read(glob, at('protect', g), parseGlob)),
      maxDrop: t.max_drop ?? DEFAULT_MAX_DROP,
      checkpoints: (t.checkpoints ?? []).map((c, j): CheckpointSpec => ({
        id: c.id,
        description: c.description ?? '',
        keep: c.keep ?? 'inventory',
        position: locator.position(at('checkpoints', j), 'value'),
      })),
      actions: (t.actions ?? []).map((a, j): Action => {
        const objects =
          a.restore?.objects?.map((o, k) => read(o, at('actions', j, 'restore', 'objects', k), parseIdentifier)) ?? null;
        const spec = actionSpec(a, objects);
        const allowLarge = a.allow_large ?? false;
        return {
          id: a.id,
          spec,
          specHash: specHash(spec, allowLarge),
          allowLarge,
          position: locator.position(at('actions', j), 'value'),
        };
      }),
      schedules: (t.schedules ?? []).map((sc, j): Schedule => {
        const timezone = sc.timezone ?? 'UTC';
        const problem = cronProblem(sc.cron, timezone);
        if (problem !== null) {
          const field = validTimezone(timezone) ? 'cron' : 'timezone';
          findings.push({ severity: 'error', pointer: at('schedules', j, field), anchor: 'value', message: `\`${field}\`: ${problem}` });
        }
        return {
          id: sc.id,
          cron: sc.cron,
          timezone,
          description: sc.description ?? '',
          retain: sc.retain ?? null,
          position: locator.position(at('schedules', j), 'value'),
        };
      }),
      position: locator.position(at(), 'value'),
    };
  });

  return { desired: { file, sourceHash, version: 1, targets }, findings };
}

/** The spec of a schema-valid action (which has exactly one kind), with its objects already read. */
function actionSpec(a: RawAction, objects: string[] | null): ActionSpec {
  if (a.cleanup !== undefined) return { kind: 'cleanup', since: a.cleanup.since };
  if (a.restore !== undefined) return { kind: 'restore', from: a.restore.from, objects };
  if (a.reset !== undefined) return { kind: 'reset', to: a.reset.to };
  return { kind: 'full-cleanup' };
}

/**
 * Human messages for config problems: rewrites YAML parser errors and ajv schema errors into one
 * finding per real problem, each saying what to do (did-you-mean for unknown keys, types and
 * patterns in words, oneOf cascades collapsed).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { pointer, pointerSegments, type Finding } from './positions.js';

/** The parts of a JSON Schema node these messages read. */
export interface SchemaNode {
  $ref?: string;
  title?: string;
  description?: string;
  type?: string;
  pattern?: string;
  properties?: Record<string, SchemaNode | boolean | undefined>;
  items?: SchemaNode;
  examples?: unknown[];
  oneOf?: SchemaNode[];
  required?: string[];
  $defs?: Record<string, SchemaNode>;
}

/** Why a `const` value must be exactly that value, by property name. */
const CONST_REASONS: Record<string, string> = {
  version: 'this version of ckpt reads version 1 files only; upgrade ckpt to read a newer file',
  confirm: 'full cleanup drops every object in the schema but the audit table',
};

/** What to do about an empty list, by property name. */
const EMPTY_LIST_ADVICE: Record<string, string> = {
  targets: 'list at least one schema to manage, e.g. `- schema: RETAIL`',
  objects: 'omit `objects` to restore everything missing, or list the objects to restore',
};

/** Patterns of the schema, explained in words. */
const PATTERN_WORDS: Record<string, string> = {
  '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$':
    'use only letters, digits, `_`, `.` and `-`, start with a letter, digit or `_`, and stay within 255 characters',
};

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Levenshtein distance between two strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The allowed word closest to `word`, if it is close enough to be a likely typo. */
function closest(word: string, allowed: string[]): string | undefined {
  const lower = word.toLowerCase();
  const budget = lower.length <= 3 ? 1 : Math.max(2, Math.ceil(lower.length / 3));
  let best: { word: string; cost: number } | undefined;
  for (const candidate of allowed) {
    const cost = lower.length >= 3 && candidate.startsWith(lower) ? 1 : distance(lower, candidate.toLowerCase());
    if (cost <= budget && (best === undefined || cost < best.cost)) best = { word: candidate, cost };
  }
  return best?.word;
}

/** What a YAML or JSON value is, in the words of these messages. */
function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** Renders a value the way it would be written in the YAML file (flow style for collections). */
function render(value: unknown): string {
  if (typeof value === 'string') return /^[A-Za-z0-9_][A-Za-z0-9_ .*-]*$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${render(v)}`)
      .join(', ')} }`;
  }
  return String(value);
}

function firstSentence(text: string | undefined): string {
  const sentence = (text ?? '').split(/\.(\s|$)/)[0] ?? '';
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** Reads JSON Schema nodes of one root schema, following local `$ref`s. */
class SchemaReader {
  constructor(private readonly root: SchemaNode) {}

  /** The node with its `$ref` target merged under its own keywords. */
  private deref(node: SchemaNode | boolean | undefined): SchemaNode | undefined {
    if (node === undefined || typeof node === 'boolean') return undefined;
    if (node.$ref === undefined) return node;
    const name = node.$ref.replace('#/$defs/', '');
    return { ...this.deref(this.root.$defs?.[name]), ...node };
  }

  /** The schema describing the value at the given path of the document. */
  at(segments: string[]): SchemaNode | undefined {
    let node = this.deref(this.root);
    for (const segment of segments) {
      if (node === undefined) return undefined;
      node = this.deref(node.properties?.[segment] ?? (node.type === 'array' ? node.items : undefined));
    }
    return node;
  }
}

/** How the value at a path is named in a message: `max_drop`, or `item 2 of protect` for list items. */
export function valueName(segments: string[]): string {
  const last = segments[segments.length - 1];
  if (last === undefined) return 'the file';
  if (/^\d+$/.test(last)) return `item ${Number(last) + 1} of \`${segments[segments.length - 2] ?? ''}\``;
  return `\`${last}\``;
}

/** How a mapping is named in a message: `this target`, `the file`, or `` `cleanup` ``. */
function placeOf(segments: string[], schema: SchemaNode | undefined): string {
  if (segments.length === 0) return 'the file';
  return schema?.title === undefined ? valueName(segments) : `this ${schema.title}`;
}

/** An example for the value at a path, written as it would appear in the file. */
function exampleFor(segments: string[], schema: SchemaNode | undefined): string {
  const example = schema?.examples?.[0];
  if (example === undefined) return '';
  const last = segments[segments.length - 1] ?? '';
  const text = /^\d+$/.test(last) ? render(example) : `${last}: ${render(example)}`;
  return ` (for example \`${text}\`)`;
}

/** Kind keys of a oneOf whose branches each require one property. */
function oneOfKeys(schema: SchemaNode | undefined): string[] {
  return (schema?.oneOf ?? []).flatMap((branch) => branch.required ?? []);
}

/**
 * Rewrites ajv errors (validated with `allErrors` and `verbose`) into findings, one per real
 * problem: branch failures of a oneOf, checks on a value of the wrong type and a `required`
 * explained by a misspelt key are folded into the one finding that explains them.
 */
export function describeSchemaErrors(errors: ErrorObject[], rootSchema: SchemaNode): Finding[] {
  const schemas = new SchemaReader(rootSchema);
  const rootType = errors.find((e) => e.instancePath === '' && e.keyword === 'type');
  if (rootType !== undefined) return [describeRootType(rootType.data)];

  const failedOneOf = errors.filter((e) => e.keyword === 'oneOf');
  const guesses = misspellings(errors, schemas);
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const findings: Finding[] = [];
  for (const error of errors) {
    // A oneOf branch failing is part of the oneOf's own story, told once.
    const insideOneOf = failedOneOf.some(
      (o) =>
        (error.instancePath === o.instancePath || error.instancePath.startsWith(`${o.instancePath}/`)) &&
        error.schemaPath.startsWith(`${o.schemaPath}/`),
    );
    // A value of the wrong type has that as its one problem.
    const shadowed = error.keyword !== 'type' && typed.has(error.instancePath);
    // A missing key that is there under a misspelt name is reported once, as the misspelling.
    const misspelt =
      error.keyword === 'required' &&
      guesses.get(error.instancePath)?.has(String((error.params as Record<string, unknown>)['missingProperty']));
    if (insideOneOf || shadowed || misspelt === true) continue;
    const finding = describe(error, schemas, guesses);
    if (finding !== undefined) findings.push(finding);
  }
  return findings.filter((f, i) => findings.findIndex((g) => g.pointer === f.pointer && g.message === f.message) === i);
}

function describeRootType(data: unknown): Finding {
  const message =
    data === null || data === undefined
      ? 'the file is empty: it needs `version: 1` and a `targets:` list (run `ckpt init` for a template)'
      : `the file must be a mapping with \`version: 1\` and a \`targets:\` list, got ${kindOf(data)}`;
  return { severity: 'error', pointer: '', anchor: 'value', message };
}

/** The key an unknown key most likely meant, if any. */
function guessFor(error: ErrorObject, schemas: SchemaReader): string | undefined {
  const key = String((error.params as Record<string, unknown>)['additionalProperty']);
  return closest(key, Object.keys(schemas.at(pointerSegments(error.instancePath))?.properties ?? {}));
}

/** For each mapping with unknown keys, the known keys they were probably meant to be. */
function misspellings(errors: ErrorObject[], schemas: SchemaReader): Map<string, Set<string>> {
  const guesses = new Map<string, Set<string>>();
  for (const error of errors.filter((e) => e.keyword === 'additionalProperties')) {
    const guess = guessFor(error, schemas);
    if (guess === undefined) continue;
    const known = guesses.get(error.instancePath) ?? new Set<string>();
    guesses.set(error.instancePath, known.add(guess));
  }
  return guesses;
}

/**
 * One finding for one JSON Schema error, worded for a person. Long on purpose: one case per
 * ajv keyword, each a few lines; splitting them apart would only scatter the wording.
 */
function describe(error: ErrorObject, schemas: SchemaReader, guesses: Map<string, Set<string>>): Finding | undefined {
  const segments = pointerSegments(error.instancePath);
  const schema = schemas.at(segments);
  const what = valueName(segments);
  const at = (message: string, ptr = error.instancePath, anchor: Finding['anchor'] = 'value'): Finding => ({
    severity: 'error',
    pointer: ptr,
    anchor,
    message,
  });
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys(schema?.properties ?? {});
      const guess = guessFor(error, schemas);
      const advice = guess === undefined ? `known keys here: ${allowed.join(', ')}` : `did you mean \`${guess}\`?`;
      return at(`unknown key \`${key}\` in ${placeOf(segments, schema)}; ${advice}`, `${error.instancePath}${pointer(key)}`, 'key');
    }
    case 'required': {
      const missing = String(params['missingProperty']);
      const missingSchema = schemas.at([...segments, missing]);
      const about = firstSentence(missingSchema?.description);
      const example = missingSchema?.examples?.[0];
      const add =
        example !== undefined && typeof example !== 'object'
          ? `add e.g. \`${missing}: ${render(example)}\``
          : `add a \`${missing}:\` ${missingSchema?.type === 'array' ? 'list' : 'mapping'}`;
      return at(`${placeOf(segments, schema)} is missing \`${missing}\` (${about}); ${add}`);
    }
    case 'type': {
      const expected = TYPE_WORDS[String(params['type'])] ?? String(params['type']);
      const numericText =
        typeof error.data === 'string' &&
        (params['type'] === 'integer' || params['type'] === 'number') &&
        /^-?\d+(\.\d+)?$/.test(error.data.trim());
      const hint = numericText ? '; remove the quotes around the number' : exampleFor(segments, schema);
      return at(`${what} must be ${expected}, got ${kindOf(error.data)}${hint}`);
    }
    case 'const': {
      const allowed = render(params['allowedValue']);
      const reason = CONST_REASONS[segments[segments.length - 1] ?? ''];
      return at(`${what} must be exactly ${allowed}${reason === undefined ? '' : `: ${reason}`} (got ${render(error.data)})`);
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(render).join(', ');
      return at(`${what} must be one of ${allowed} (got ${render(error.data)})`);
    }
    case 'pattern': {
      const words = PATTERN_WORDS[String(params['pattern'])] ?? `match the pattern ${String(params['pattern'])}`;
      return at(`${what} must ${words}; got ${JSON.stringify(error.data)}`);
    }
    case 'minItems': {
      const advice = EMPTY_LIST_ADVICE[segments[segments.length - 1] ?? ''] ?? `add at least ${String(params['limit'])}`;
      return at(`${what} is empty: ${advice}`);
    }
    case 'minLength':
      return at(`${what} cannot be empty${exampleFor(segments, schema)}`);
    case 'minimum':
      return at(`${what} must be at least ${String(params['limit'])}, got ${render(error.data)}${exampleFor(segments, schema)}`);
    case 'oneOf':
      return describeOneOf(error, schemas, guesses);
    default:
      return at(`${what} ${error.message ?? 'is not valid'}`);
  }
}

/** One message for a mapping that must hold exactly one of several keys (an action's kind). */
function describeOneOf(error: ErrorObject, schemas: SchemaReader, guesses: Map<string, Set<string>>): Finding | undefined {
  const segments = pointerSegments(error.instancePath);
  const schema = schemas.at(segments);
  const kinds = oneOfKeys(schema);
  const rule = `${schema?.title === undefined ? 'this mapping' : `an ${schema.title}`} needs exactly one of ${kinds.join(', ')}`;
  const data = (error.data ?? {}) as Record<string, unknown>;
  const present = kinds.filter((k) => k in data);
  if (present.length === 0) {
    // A misspelt kind (`clean:`) is already reported as an unknown key with its did-you-mean.
    if (kinds.some((k) => guesses.get(error.instancePath)?.has(k))) return undefined;
    return {
      severity: 'error',
      pointer: error.instancePath,
      anchor: 'value',
      message: `${placeOf(segments, schema)} has none of ${kinds.join(', ')}: ${rule}; add one${exampleFor([kinds[0] ?? ''], schemas.at([...segments, kinds[0] ?? '']))}`,
    };
  }
  const [first, second] = present;
  return {
    severity: 'error',
    pointer: `${error.instancePath}${pointer(second ?? first ?? '')}`,
    anchor: 'key',
    message: `${placeOf(segments, schema)} has both \`${first}\` and \`${second}\`: ${rule}; split it into separate actions, each with its own id`,
  };
}

/** YAML parser error codes rewritten into advice; others keep the parser's own words. */
const YAML_ADVICE: Record<string, (source: string) => string> = {
  DUPLICATE_KEY: (source) => `key \`${source}\` appears twice in this mapping; keep only one`,
  TAB_AS_INDENT: () => 'YAML does not allow tabs for indentation; indent with spaces',
  MULTIPLE_DOCS: () => 'the file holds more than one YAML document (`---`); keep everything in a single document',
  TAG_RESOLVE_FAILED: (source) =>
    `YAML tag \`${source.split(/\s/)[0] ?? source}\` is not known; remove it (the value is read as plain text)`,
};

/**
 * A message for a YAML parser error: advice for the common codes, else the parser's message
 * (without its position suffix and code frame) and where to look.
 * `source` is the text the error points at.
 */
export function describeYamlError(code: string, parserMessage: string, source: string): string {
  const advise = YAML_ADVICE[code];
  if (advise !== undefined) return advise(source.trim());
  const first = (parserMessage.split('\n')[0] ?? parserMessage).replace(/ at line \d+, column \d+:?$/, '');
  return `invalid YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}; fix the syntax here`;
}

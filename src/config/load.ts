/**
 * Loading checkpoints.yaml: size check, YAML parse, JSON Schema validation, normalisation and
 * cross-entry rules, every problem reported as a diagnostic at its line:col. Only
 * `loadConfigFile` touches the file system.
 */
import { resolve } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import schemaJson from '../../schemas/checkpoints.schema.json' with { type: 'json' };
import type { Desired } from '../model/desired.js';
import validateSchema from '../generated/checkpoints-validator.js';
import type { Diagnostic } from '../model/errors.js';
import { describeSchemaErrors, describeYamlError, type SchemaNode } from './messages.js';
import { normalise, sha256, type RawConfig } from './normalise.js';
import { createLocator, type Finding } from './positions.js';
import { readRegularFile } from './read-file.js';
import { checkRules } from './rules.js';

/** The outcome of loading a config: the normalised config and its warnings, or every problem found. */
export type LoadResult = { ok: true; desired: Desired; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

/** Largest config file ckpt reads, in bytes (1 MiB). */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** Aliases allowed while expanding the YAML, low enough to refuse "billion laughs" files. */
const MAX_ALIAS_COUNT = 50;

const schema: SchemaNode = schemaJson;

/** The JSON Schema, compiled when ckpt is built (scripts/generate-validators.mjs: allErrors, strict, verbose). */
const validateConfig = validateSchema as ValidateFunction;

function fileDiagnostic(file: string, message: string): Diagnostic {
  return { severity: 'error', file, line: 1, col: 1, pointer: '', message };
}

function tooLarge(file: string, bytes: number): LoadResult {
  const message = `the file is ${bytes} bytes; ckpt reads config files of at most 1 MiB (${MAX_CONFIG_BYTES} bytes), so check that this is the right file`;
  return { ok: false, diagnostics: [fileDiagnostic(file, message)] };
}

/** Diagnostics in file order, errors before warnings at the same place. */
function sorted(diagnostics: Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic): number => (d.severity === 'error' ? 0 : 1);
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col || rank(a) - rank(b));
}

/** The key or token written at an offset (for naming a duplicate key). */
function tokenAt(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  const rest = text.slice(offset, end === -1 ? undefined : end);
  return /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:,{}[\]#]+)/.exec(rest)?.[1] ?? rest;
}

/** Where the first alias is, for the alias-bomb diagnostic. */
function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

/** YAML parser errors and warnings as diagnostics. */
function yamlDiagnostics(doc: Document, text: string, file: string, lineCounter: LineCounter): Diagnostic[] {
  const problems = [
    ...doc.errors.map((e) => ({ e, severity: 'error' as const })),
    ...doc.warnings.map((e) => ({ e, severity: 'warning' as const })),
  ];
  return problems.map(({ e, severity }) => ({
    severity,
    file,
    ...(e.linePos?.[0] ?? lineCounter.linePos(e.pos[0])),
    pointer: '',
    message: describeYamlError(e.code, e.message, tokenAt(text, e.pos[0])),
  }));
}

/**
 * Validates and normalises the text of a checkpoints.yaml. `file` is the path as the user gave
 * it: it names the file in diagnostics and becomes `Desired.file`. Pure.
 */
export function loadConfigText(text: string, file: string): LoadResult {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) return tooLarge(file, bytes);

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const yamlProblems = yamlDiagnostics(doc, text, file, lineCounter);
  if (doc.errors.length > 0) return { ok: false, diagnostics: sorted(yamlProblems) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    const message =
      cause instanceof ReferenceError
        ? `aliases (*name) expand to too much data; ckpt refuses this as a resource-exhaustion risk, so write the values out instead`
        : `the YAML cannot be read: ${String(cause)}`;
    const diagnostic = { ...fileDiagnostic(file, message), ...lineCounter.linePos(firstAliasOffset(doc)) };
    return { ok: false, diagnostics: sorted([...yamlProblems, diagnostic]) };
  }

  const locator = createLocator(doc, lineCounter);
  const place = (findings: Finding[]): Diagnostic[] => findings.map((f) => locator.diagnose(f, file));
  if (!validateConfig(data)) {
    const findings = describeSchemaErrors(validateConfig.errors ?? [], schema);
    return { ok: false, diagnostics: sorted([...yamlProblems, ...place(findings)]) };
  }
  const { desired, findings } = normalise(data as RawConfig, file, sha256(text), locator);
  const diagnostics = sorted([...yamlProblems, ...place(findings), ...place(checkRules(desired, locator))]);
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics };
  return { ok: true, desired, warnings: diagnostics };
}

/**
 * Reads and loads a checkpoints.yaml: a regular file of at most 1 MiB. A missing, unreadable,
 * special (a device, a FIFO, a folder) or oversized file is a diagnostic at 1:1;
 * `Desired.file` is the absolute path.
 */
export async function loadConfigFile(file: string): Promise<LoadResult> {
  const absolute = resolve(file);
  const read = await readRegularFile(absolute, MAX_CONFIG_BYTES, 'config files');
  if (!read.ok) {
    const message =
      read.reason === 'missing'
        ? `no config file at ${absolute}; run \`ckpt init\` to create one, or pass the path of an existing file`
        : read.reason === 'unreadable'
          ? `${read.message}; check that it is a readable file`
          : read.message;
    return { ok: false, diagnostics: [fileDiagnostic(file, message)] };
  }
  const bytes = read.bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, diagnostics: [fileDiagnostic(file, 'the file is not valid UTF-8; save it as UTF-8')] };
  }
  const result = loadConfigText(text, file);
  return result.ok ? { ...result, desired: { ...result.desired, file: absolute } } : result;
}

/**
 * Where things are in checkpoints.yaml: maps JSON pointers (as ajv and the rules speak them)
 * back to YAML nodes and their 1-based line:col, and turns located findings into diagnostics.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Diagnostic, SourcePosition } from '../model/errors.js';

/** A problem found before it is placed in the file: `anchor` says whether to point at the key or the value. */
export interface Finding {
  severity: 'error' | 'warning';
  /** JSON pointer into the document; `''` is the whole document. */
  pointer: string;
  /** `key` points at the key naming the value (e.g. an unknown key); `value` at the value itself. */
  anchor: 'key' | 'value';
  message: string;
}

/** Answers "where is this pointer" for one parsed document. */
export interface Locator {
  /** Whether the pointer names a node present in the file. */
  has(pointer: string): boolean;
  /** The YAML node at the pointer, if present (used to read how a scalar was quoted). */
  node(pointer: string): Node | undefined;
  /**
   * Position of the value (or, with `key`, of its key) at the pointer. A pointer that goes past
   * what the file holds resolves to the deepest node that exists; an empty document is 1:1.
   */
  position(pointer: string, anchor: 'key' | 'value'): SourcePosition;
  /** Places a finding in the file. */
  diagnose(finding: Finding, file: string): Diagnostic;
}

const START: SourcePosition = { line: 1, col: 1 };

/** Builds a JSON pointer from path segments, escaping `~` and `/`. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** Splits a JSON pointer into its unescaped segments. */
export function pointerSegments(ptr: string): string[] {
  if (ptr === '') return [];
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

interface Step {
  node: Node | undefined;
  pair: Pair | undefined;
}

/** Creates a locator over a document parsed with the given line counter. */
export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  const resolve = (node: unknown): Node | undefined => {
    const resolved = isAlias(node) ? node.resolve(doc) : node;
    return resolved === null || resolved === undefined ? undefined : (resolved as Node);
  };

  /** The steps along the pointer that exist in the file, root first. */
  const walk = (ptr: string): { steps: Step[]; complete: boolean } => {
    const steps: Step[] = [{ node: resolve(doc.contents), pair: undefined }];
    for (const segment of pointerSegments(ptr)) {
      const current = steps[steps.length - 1]?.node;
      let next: Step | undefined;
      if (isMap(current)) {
        const pair = current.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === segment);
        if (pair !== undefined) next = { node: resolve(pair.value), pair };
      } else if (isSeq(current) && /^\d+$/.test(segment)) {
        const item = current.items[Number(segment)];
        if (item !== undefined) next = { node: resolve(item), pair: undefined };
      }
      if (next === undefined) return { steps, complete: false };
      steps.push(next);
    }
    return { steps, complete: true };
  };

  const offsetOf = (node: unknown): number | undefined => (isScalar(node) || isMap(node) || isSeq(node) ? node.range?.[0] : undefined);

  const position = (ptr: string, anchor: 'key' | 'value'): SourcePosition => {
    const { steps } = walk(ptr);
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i];
      if (step === undefined) continue;
      // An empty value (`schema:` with nothing after it) has no text of its own: point at its key.
      const empty = isScalar(step.node) && step.node.value === null && step.node.source === '';
      const target = anchor === 'key' || empty || step.node === undefined ? (step.pair?.key ?? step.node) : step.node;
      const offset = offsetOf(target) ?? offsetOf(step.node);
      if (offset !== undefined) return lineCounter.linePos(offset);
    }
    return START;
  };

  return {
    has: (ptr) => walk(ptr).complete,
    node: (ptr) => {
      const { steps, complete } = walk(ptr);
      return complete ? steps[steps.length - 1]?.node : undefined;
    },
    position,
    diagnose: (finding, file) => ({
      severity: finding.severity,
      file,
      ...position(finding.pointer, finding.anchor),
      pointer: finding.pointer,
      message: finding.message,
    }),
  };
}

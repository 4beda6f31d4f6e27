/**
 * One-line rendering of a config diagnostic, in the `file:line:col: severity: message` shape
 * editors and CI logs recognise.
 */
import type { Diagnostic } from '../model/errors.js';

/**
 * Renders `file:line:col: error: message (at /json/pointer)`; the pointer part is left out for
 * problems with the whole file (empty pointer).
 */
export function formatDiagnostic(d: Diagnostic): string {
  const at = d.pointer === '' ? '' : ` (at ${d.pointer})`;
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}${at}`;
}

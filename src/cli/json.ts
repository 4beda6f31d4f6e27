/**
 * JSON output at the CLI boundary: internal camelCase values become snake_case documents
 * (the published schemas under schemas/ describe them), and back for saved plans. Every control
 * character in a string is written as a `\u` escape, so JSON printed on a terminal is inert.
 */
import { escapeJsonControls } from '../model/display.js';

const toSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Deeply renames object keys from camelCase to snake_case. */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [toSnake(k), snakeKeys(v)]));
  }
  return value;
}

/** Deeply renames object keys from snake_case back to camelCase (reading saved plans). */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), camelKeys(v)]),
    );
  }
  return value;
}

/** Pretty JSON text of a value, snake_cased, with no raw control character. */
export function toJsonText(value: unknown): string {
  return jsonText(snakeKeys(value));
}

/** Pretty JSON text of a value as it is (keys that are data, such as target names, kept), with no raw control character. */
export function jsonText(value: unknown): string {
  return escapeJsonControls(JSON.stringify(value, null, 2));
}

/**
 * Text shown to people, made safe to show: names, ids, descriptions and messages come from
 * config files, warehouses and audit tables that anyone may have written, and a control
 * character in them (an ANSI escape sequence, a lone CR, a C1 CSI) would be interpreted by a
 * terminal or break a Markdown table. Every one is made visible instead (`\u001b`, `\r`).
 * Pure; imports nothing.
 */

/** C0 controls, DEL and C1 controls: what a terminal or a Markdown renderer may act on. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The same, but for the line feed and the tab that separate the lines and columns of an output. */
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** DEL and C1 controls: what JSON.stringify leaves unescaped. */
const JSON_UNESCAPED = /[\u007f-\u009f]/g;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\uXXXX` of one character. */
function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One control character as visible text: `\n`, `\r`, `\t`, else `\u001b` style. */
function visible(c: string): string {
  return SHORT[c] ?? unicodeEscape(c);
}

/** Text for one line of output: every control character (line breaks included) made visible. */
export function displayText(text: string): string {
  return text.replace(CONTROL, visible);
}

/** Text of several lines: every control character but line feeds and tabs made visible (a lone CR too). */
export function displayLines(text: string): string {
  return text.replace(CONTROL_BUT_LAYOUT, visible);
}

/** JSON text with DEL and C1 controls escaped as `\u0085` too; the value it stands for is unchanged. */
export function escapeJsonControls(json: string): string {
  return json.replace(JSON_UNESCAPED, unicodeEscape);
}

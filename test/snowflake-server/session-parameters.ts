// The effects of session parameters on a statement, whichever level set them (session, user,
// account): QUOTED_IDENTIFIERS_IGNORE_CASE folds quoted identifiers to upper case,
// TIMESTAMP_INPUT_FORMAT decides which strings convert to timestamps, ROWS_PER_RESULTSET truncates
// results; AUTOCOMMIT is applied where rows are written (executor.ts) and TIMEZONE where timestamps
// become text (functions.ts, protocol.ts). ALTER SESSION / ACCOUNT / USER SET store them.

import { SnowflakeError, unsupported } from './errors.js';
import { isSessionParameter } from './parameters.js';
import { isKeyword, isOp, quoteIdent, type StatementSource, type Token } from './tokenizer.js';
import { StatementType, type ResultSet } from './results.js';
import type { Command } from './ddl-parser.js';
import type { Session } from './session.js';

type AlterParameters = Extract<Command, { kind: 'alter-session' }>;

/** ALTER SESSION / ACCOUNT / USER SET | UNSET: stores the values at their level. */
export function setParameters(session: Session, cmd: AlterParameters): void {
  const level = cmd.level;
  if (level.kind !== 'SESSION') {
    // Only the session parameters the model knows are kept at account and user level (others: 000002).
    const bad = [...Object.keys(cmd.set), ...cmd.unset].find((k) => !isSessionParameter(k));
    if (bad !== undefined) throw unsupported(`ALTER ${level.kind} SET ${bad}`);
  }
  const target =
    level.kind === 'SESSION' ? session.parameters : level.kind === 'ACCOUNT' ? session.levels.account : session.levels.user(level.name);
  for (const [k, v] of Object.entries(cmd.set)) target.set(k, v);
  for (const k of cmd.unset) target.delete(k);
}

/** The statement as the session's parameters make Snowflake read it (quoted names folded; timestamp strings checked). */
export function withSessionParameters(session: Session, source: StatementSource): StatementSource {
  const format = session.parameter('TIMESTAMP_INPUT_FORMAT').toUpperCase();
  if (format !== 'AUTO') checkTimestampStrings(source.tokens, session.parameter('TIMESTAMP_INPUT_FORMAT'));
  if (!session.flag('QUOTED_IDENTIFIERS_IGNORE_CASE')) return source;
  const tokens = source.tokens.map((t): Token => {
    if (t.kind !== 'quoted') return t;
    const upper = (t.value ?? '').toUpperCase();
    return { ...t, text: quoteIdent(upper), value: upper };
  });
  return { text: source.text, tokens };
}

/** ROWS_PER_RESULTSET: a query's or SHOW's result keeps at most that many rows (0: no limit). */
export function limitRows(session: Session, result: ResultSet): ResultSet {
  const limit = Number(session.parameter('ROWS_PER_RESULTSET'));
  if (!(limit > 0) || result.rows.length <= limit) return result;
  if (result.statementTypeId !== StatementType.SELECT && result.statementTypeId !== StatementType.SHOW) return result;
  return { ...result, rows: result.rows.slice(0, limit) };
}

/**
 * String literals that a statement converts to a timestamp (`'…'::TIMESTAMP…`, `CAST('…' AS
 * TIMESTAMP…)`, `TO_TIMESTAMP…('…')`, `AT|BEFORE(TIMESTAMP => '…'…)`) must match the session's
 * TIMESTAMP_INPUT_FORMAT when it is not AUTO (stricter reading: nothing else is recognised).
 */
function checkTimestampStrings(tokens: Token[], format: string): void {
  const pattern = formatPattern(format);
  tokens.forEach((t, i) => {
    if (t.kind !== 'string' || !convertedToTimestamp(tokens, i)) return;
    if (!pattern.test(t.value ?? ''))
      throw new SnowflakeError('100035', '22007', `Timestamp '${t.value ?? ''}' is not recognized`, 'EXECUTION');
  });
}

const isTimestampType = (t: Token | undefined) => t?.kind === 'word' && /^(TIMESTAMP(_LTZ|_NTZ|_TZ)?|DATETIME)$/i.test(t.text);

function convertedToTimestamp(tokens: Token[], i: number): boolean {
  const [before2, before, after, after2] = [tokens[i - 2], tokens[i - 1], tokens[i + 1], tokens[i + 2]];
  if (isOp(after, '::') && isTimestampType(after2)) return true;
  if (isKeyword(before2, 'TIMESTAMP') && isOp(before, '=>')) return true;
  if (isKeyword(before2, 'CAST') && isOp(before, '(') && isKeyword(after, 'AS') && isTimestampType(after2)) return true;
  return before2?.kind === 'word' && /^TO_TIMESTAMP(_LTZ|_NTZ|_TZ)?$/i.test(before2.text) && isOp(before, '(') && isOp(after, ')');
}

const ELEMENTS: Array<[RegExp, string]> = [
  [/^YYYY/i, '\\d{4}'],
  [/^YY/i, '\\d{2}'],
  [/^MON/i, '[A-Za-z]{3}'],
  [/^MM/i, '\\d{1,2}'],
  [/^DD/i, '\\d{1,2}'],
  [/^HH(24|12)?/i, '\\d{1,2}'],
  [/^MI/i, '\\d{2}'],
  [/^SS/i, '\\d{2}'],
  [/^FF[0-9]?/i, '\\d{1,9}'],
  [/^TZH/i, '[+-]\\d{2}'],
  [/^TZM/i, '\\d{2}'],
  [/^(AM|PM)/i, '[AaPp][Mm]'],
];

/** A Snowflake datetime format (YYYY, MM, DD, HH24, MI, SS, FFn, TZH, TZM, "text", …) as an anchored regex. */
export function formatPattern(format: string): RegExp {
  let out = '';
  let rest = format;
  while (rest.length > 0) {
    const quoted = /^"([^"]*)"/.exec(rest);
    const element = ELEMENTS.find(([re]) => re.test(rest));
    if (quoted) {
      out += escapeRegex(quoted[1] ?? '');
      rest = rest.slice(quoted[0].length);
    } else if (element) {
      out += element[1];
      rest = rest.slice((element[0].exec(rest) as RegExpExecArray)[0].length);
    } else {
      out += escapeRegex(rest[0] as string);
      rest = rest.slice(1);
    }
  }
  return new RegExp(`^${out}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

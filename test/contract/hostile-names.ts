/**
 * Names that break tools that interpolate: quotes, dots, spaces, lower case, unicode, SQL
 * keywords, comment and statement separators, 255 characters. Shared by the contract suite.
 */

/** Table names, distinct even case-insensitively (DuckDB folds case when comparing). */
export const HOSTILE_TABLES = [
  'it\'s "quoted"',
  'dotted.name',
  'with space',
  'lower_case',
  'Ünïcødé_表',
  'SELECT',
  'drop--comment',
  'semi;colon',
  `L${'x'.repeat(254)}`,
];

/** A view name as hostile as the tables. */
export const HOSTILE_VIEW = 'v "x".y; --';

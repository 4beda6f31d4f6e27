/**
 * SQL text helpers shared by both dialects: fully qualified, quoted object names. Every name
 * that reaches SQL goes through quoteIdent (docs/snowflake-behaviour.md#pitfall-8: quote exactly as stored).
 */
import { quoteIdent } from '../model/refs.js';
import type { TargetRef } from './warehouse.js';

/** `"DB"."SCHEMA"` (or `"SCHEMA"` when the target has no database). */
export function qualifiedSchema(target: Pick<TargetRef, 'database' | 'schema'>): string {
  return target.database === null ? quoteIdent(target.schema) : `${quoteIdent(target.database)}.${quoteIdent(target.schema)}`;
}

/** `"DB"."SCHEMA"."NAME"`, quoted exactly as stored. */
export function qualifiedName(target: Pick<TargetRef, 'database' | 'schema'>, name: string): string {
  return `${qualifiedSchema(target)}.${quoteIdent(name)}`;
}

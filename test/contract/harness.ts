/**
 * What the contract suite needs from an adapter: a fresh warehouse holding an empty target
 * schema, a way to run setup SQL in it, and how to tear it down.
 */
import type { Target } from '../../src/model/desired.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

/** A fresh, empty target on some adapter. */
export interface Fixture {
  warehouse: Warehouse;
  /** The target, with schema and connection filled in; tests add checkpoints and actions. */
  base: Target;
  /** Runs setup SQL in the target schema (the way `ckpt sql` does). */
  sql(statement: string): Promise<unknown[][]>;
  /** Runs `work` and returns the statements the adapter ran meanwhile, each with the rows its result held (what it read). */
  reads(work: () => Promise<unknown>): Promise<StatementRead[]>;
  close(): Promise<void>;
}

/** A statement an adapter ran and how many rows it read back. */
export interface StatementRead {
  sql: string;
  rows: number;
}

/** An adapter under contract. */
export interface Harness {
  name: string;
  /** The warehouse keeps dropped tables itself (Snowflake UNDROP) rather than ckpt. */
  nativeUndrop: boolean;
  /** Past table content can be read AT a timestamp (Snowflake Time Travel). */
  timeTravel: boolean;
  /** How the old pipelines' audit table is written in this dialect (the adoption tests make one). */
  pipeline: PipelineDialect;
  fresh(): Promise<Fixture>;
}

/** Column types and a JSON value of the old pipelines' audit table, in one dialect. */
export interface PipelineDialect {
  /** A timestamp without zone (Snowflake: TIMESTAMP_NTZ). */
  timestamp: string;
  /** A JSON value (Snowflake: VARIANT). */
  json: string;
  /** A SELECT expression of `json` type holding the JSON text `text`. */
  jsonValue(text: string): string;
}

/**
 * Rules of the audit table that every adapter follows, written once: the table holds exactly one
 * SYSTEM_INIT row (the old pipelines' convention), whoever created the table. Adapters supply
 * only the two statements in their dialect.
 */

/** The fields of the SYSTEM_INIT row ckpt writes when it creates the audit table. */
export const SYSTEM_INIT = {
  id: 'SYSTEM_INIT',
  type: 'SYSTEM_INIT',
  description: 'audit table created by ckpt',
  status: 'ACTIVE',
} as const;

/** How an adapter counts and writes the SYSTEM_INIT row. */
export interface SystemInitIo {
  /** How many SYSTEM_INIT rows the audit table holds. */
  count(): Promise<number>;
  /** Inserts the SYSTEM_INIT row (fields from SYSTEM_INIT). */
  insert(): Promise<void>;
}

/** Writes the SYSTEM_INIT row unless the table already has one (a retried step, or an adopted table). */
export async function ensureSystemInit(io: SystemInitIo): Promise<void> {
  if ((await io.count()) === 0) await io.insert();
}

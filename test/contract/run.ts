/**
 * Running ckpt's engine on a contract fixture: plan, apply, observe, and the assertions every
 * contract and pitfall test makes (all steps succeeded; planning again is empty).
 */
import { expect } from 'vitest';
import type { TargetOutcome } from '../../src/apply/apply.js';
import { Session } from '../../src/engine/session.js';
import type { Target } from '../../src/model/desired.js';
import { silentLogger } from '../../src/model/logger.js';
import type { Observed } from '../../src/model/observed.js';
import type { Plan } from '../../src/model/plan.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { desired } from '../support/desired.js';
import type { Fixture } from './harness.js';

/** Plans and applies a target on the fixture's warehouse. */
export async function reconcile(fx: Fixture, t: Target): Promise<{ plan: Plan; outcomes: TargetOutcome[] }> {
  const session = sessionOn(fx.warehouse, t);
  try {
    await session.lock([t]);
    const { plan } = await session.plan([t]);
    const outcomes = await session.apply(plan);
    return { plan, outcomes };
  } finally {
    await session.close();
  }
}

/** Plans only. */
export async function planOnly(fx: Fixture, t: Target): Promise<Plan> {
  const session = sessionOn(fx.warehouse, t);
  try {
    return (await session.plan([t])).plan;
  } finally {
    await session.close();
  }
}

/** A session on the fixture's warehouse (closing it keeps the warehouse open). */
export function sessionOn(warehouse: Warehouse, t: Target): Session {
  const shared: Warehouse = Object.create(warehouse, { close: { value: async () => {} } });
  return new Session(desired([t]), { logger: silentLogger, command: 'test', open: async () => shared });
}

export async function observe(fx: Fixture, t: Target): Promise<Observed> {
  return fx.warehouse.observe({ name: t.name, database: t.database, schema: t.schema, auditTable: t.auditTable });
}

export const names = (o: Observed) => o.objects.map((x) => `${x.kind}:${x.name.toUpperCase()}`).sort();

export async function expectConverged(fx: Fixture, t: Target): Promise<void> {
  const again = await planOnly(fx, t);
  expect(again.targets[0]?.steps ?? []).toEqual([]);
  expect(again.targets[0]?.findings.filter((f) => f.severity === 'blocker') ?? []).toEqual([]);
}

export function expectAllSucceeded(outcomes: TargetOutcome[]): void {
  const failures = outcomes.flatMap((o) => o.steps).filter((s) => s.outcome !== 'succeeded');
  expect(failures).toEqual([]);
}

/**
 * Runs a generated sequence on a real connection and on the reference model side by side, and
 * after every ckpt action checks: (1) the schema equals the model (names and kinds, table columns
 * and row multisets, views by the rows they return), or the action was held back by a blocker the
 * model allows; (2) planning the same config again yields no steps (convergence); (3) the audit
 * table records the checkpoints with their status and the action as applied.
 *
 * ckpt actions run the way the CLI runs them: a Desired built in memory (every checkpoint declared
 * so far, every action applied so far, and the new one), planned and applied by the real engine
 * Session under the target's lease.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSavedPlan, savedPlanStale, writeSavedPlan } from '../../src/cli/saved-plan.js';
import { stateFingerprint } from '../../src/engine/fingerprint.js';
import { Session } from '../../src/engine/session.js';
import { DEFAULT_AUDIT_TABLE, ownTables, type Action, type ActionSpec, type CheckpointSpec, type Target } from '../../src/model/desired.js';
import { silentLogger } from '../../src/model/logger.js';
import type { Observed } from '../../src/model/observed.js';
import type { Plan, TargetPlan } from '../../src/model/plan.js';
import type { CommandEnd, GuardFinish } from '../../src/model/guard.js';
import { guardEntry, guardUndoAction } from '../../src/engine/guards.js';
import { planAdHocCheckpoint } from '../../src/plan/ad-hoc.js';
import { guardUndoTarget, planGuardUndo } from '../../src/plan/guard.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { action, desired } from '../support/desired.js';
import type { Connection, RunFixture } from './connections.js';
import { DELETES, disabled, INSERTS, NAMES, pick, UPDATES, type Op, type SavedAction } from './ops.js';
import { ReferenceModel, viewSql, type ActionSpecM, type Row, type TableObj } from './reference-model.js';

const AT = { line: 1, col: 1 };
const INTERNAL = new Set(ownTables(DEFAULT_AUDIT_TABLE));

/** A mismatch between ckpt and the model, with the trace of what ran. */
export class ModelMismatch extends Error {}

interface RunState {
  fx: RunFixture;
  conn: Connection;
  model: ReferenceModel;
  checkpoints: CheckpointSpec[];
  actions: Action[];
  nextCp: number;
  nextAction: number;
  /** What ran (SQL and ckpt actions), for the report. */
  trace: string[];
  /** KNOWN_DEFECTS whose generators are turned back on for this run. */
  enable: string[];
  /** Incarnations of tables in a foreign-key pair (parent and child): no user DML, rename or drop of a parent with its child. */
  fk: Map<number, { parentOf: number | null }>;
  /** How many times the state was checked against the model (once per ckpt checkpoint or action run). */
  checks: number;
}

/** Whether a known defect's generator is off for this run. */
const off = (st: RunState, defect: string) => !st.enable.includes(defect) && disabled(defect, st.conn.name);

/** What a sequence did: how many ckpt runs (checkpoints and actions) were checked against the model, and what ran. */
export interface SequenceRun {
  checks: number;
  trace: string[];
}

/** Runs one sequence on a fresh fixture; throws ModelMismatch (with the trace) on the first disagreement. */
export async function runSequence(conn: Connection, ops: Op[], enable: string[] = []): Promise<SequenceRun> {
  const fx = await conn.fresh();
  const st: RunState = {
    fx,
    conn,
    model: new ReferenceModel(conn.caps),
    checkpoints: [],
    actions: [],
    nextCp: 1,
    nextAction: 1,
    trace: [],
    enable,
    fk: new Map(),
    checks: 0,
  };
  try {
    for (const op of ops) await step(st, op);
    return { checks: st.checks, trace: st.trace };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ModelMismatch(
      `${message}\n--- what ran on ${conn.name} (skipped operations omitted):\n${st.trace.map((l) => `  ${l}`).join('\n')}`,
    );
  } finally {
    if (process.env.CKPT_MODEL_TRACE) console.log(`--- run on ${conn.name} (${ops.length} ops):\n${st.trace.join('\n')}`);
    await fx.close();
  }
}

async function userSql(st: RunState, sql: string): Promise<void> {
  st.trace.push(`ckpt sql ${JSON.stringify(sql)}`);
  try {
    await st.fx.query(sql);
  } catch (error) {
    throw new Error(`user statement failed (the model says it is valid): ${sql}\n${(error as Error).message}`);
  }
}

async function step(st: RunState, op: Op): Promise<void> {
  const m = st.model;
  // Names are picked by index among those that fit (a free name to create, a table to write...),
  // so that most operations of a generated sequence do something.
  const all = [...NAMES];
  const free = all.filter((x) => !m.objects.has(x));
  const incOf = (x: string) => (m.objects.get(x) as { inc?: number } | undefined)?.inc ?? -1;
  const liveIncs = new Set(all.map(incOf));
  /** Tables free of foreign keys: user DML and renames go there only. */
  const tables = all.filter((x) => m.objects.get(x)?.kind === 'TABLE' && !st.fk.has(incOf(x)));
  /** Tables a user may drop: any but a parent whose child is live (the warehouse may refuse). */
  const droppable = all.filter(
    (x) => m.objects.get(x)?.kind === 'TABLE' && ![...st.fk].some(([inc, f]) => f.parentOf === incOf(x) && liveIncs.has(inc)),
  );
  const views = all.filter((x) => m.objects.get(x)?.kind === 'VIEW');
  const choose = (list: string[], i: number): string | undefined => list[i % Math.max(list.length, 1)];
  switch (op.t) {
    case 'createTable': {
      const t = choose(free, op.name);
      if (t === undefined) return;
      const cols = op.w ? ['ID', 'V', 'W'] : ['ID', 'V'];
      await userSql(st, `CREATE TABLE ${t} (ID INTEGER, V INTEGER${op.w ? ', W VARCHAR' : ''})`);
      m.createTable(t, cols);
      if (op.rows.length > 0) {
        await userSql(st, INSERTS[0]!.sql(t, op.rows));
        m.write(t, (tb) => tb.rows.push(...op.rows.map(([id, v]) => row(tb, id, v))));
      }
      return;
    }
    case 'createFkPair': {
      const parent = choose(free, op.parent);
      const child = choose(
        free.filter((x) => x !== parent),
        op.child,
      );
      if (parent === undefined || child === undefined) return;
      await userSql(st, `CREATE TABLE ${parent} (ID INTEGER PRIMARY KEY, V INTEGER)`);
      m.createTable(parent, ['ID', 'V']);
      await userSql(
        st,
        INSERTS[0]!.sql(parent, [
          [1, 1],
          [2, 2],
        ]),
      );
      m.write(parent, (tb) => tb.rows.push(row(tb, 1, 1), row(tb, 2, 2)));
      await userSql(st, `CREATE TABLE ${child} (ID INTEGER, V INTEGER REFERENCES ${parent} (ID))`);
      m.createTable(child, ['ID', 'V']);
      await userSql(st, INSERTS[0]!.sql(child, [[7, 1]]));
      m.write(child, (tb) => tb.rows.push(row(tb, 7, 1)));
      st.fk.set(m.table(parent).inc, { parentOf: null });
      st.fk.set(m.table(child).inc, { parentOf: m.table(parent).inc });
      m.parents.set(m.table(child).inc, m.table(parent).inc);
      return;
    }
    case 'dropTable': {
      const t = choose(
        droppable.filter((x) => m.dependents(x).length === 0),
        op.name,
      );
      if (t === undefined) return;
      await userSql(st, `DROP TABLE ${t}`);
      m.dropUser(t);
      return;
    }
    case 'renameTable': {
      const from = choose(
        tables.filter((x) => m.dependents(x).length === 0),
        op.from,
      );
      const to = choose(free, op.to);
      if (from === undefined || to === undefined) return;
      await userSql(st, `ALTER TABLE ${from} RENAME TO ${to}`);
      m.rename(from, to);
      return;
    }
    case 'createView': {
      const v = choose(free, op.name);
      const base = choose(
        all.filter((x) => m.objects.has(x) && m.viewRows(x) !== 'ERROR'),
        op.base,
      );
      if (v === undefined || base === undefined) return;
      const def = { base, min: op.min };
      await userSql(st, viewSql(v, def));
      m.createView(v, def);
      return;
    }
    case 'dropView': {
      const v = choose(
        views.filter((x) => m.dependents(x).length === 0),
        op.name,
      );
      if (v === undefined) return;
      await userSql(st, `DROP VIEW ${v}`);
      m.dropUser(v);
      return;
    }
    case 'insert': {
      const t = choose(tables, op.name);
      if (t === undefined) return;
      await userSql(st, pick(INSERTS, op.sp, !off(st, 'unnoticedDml')).sql(t, op.rows));
      m.write(t, (tb) => tb.rows.push(...op.rows.map(([id, v]) => row(tb, id, v))));
      return;
    }
    case 'update': {
      const t = choose(tables, op.name);
      if (t === undefined) return;
      await userSql(st, pick(UPDATES, op.sp, !off(st, 'unnoticedDml')).sql(t, op.id));
      m.write(t, (tb) => {
        for (const r of tb.rows) if (r.ID === op.id && r.V !== null) r.V = Number(r.V) + 1;
      });
      return;
    }
    case 'delete': {
      const t = choose(tables, op.name);
      if (t === undefined) return;
      await userSql(st, pick(DELETES, op.sp, !off(st, 'unnoticedDml')).sql(t, op.id));
      m.write(t, (tb) => {
        tb.rows = tb.rows.filter((r) => r.ID !== op.id);
      });
      return;
    }
    case 'checkpoint': {
      const id = `cp${st.nextCp++}`;
      st.checkpoints.push({ id, description: '', keep: op.keep, position: AT });
      st.trace.push(`checkpoint ${id} (keep: ${op.keep})`);
      await ckptRun(st, null);
      m.checkpoint(id, op.keep);
      await checkAll(st, []);
      return;
    }
    case 'fullCleanup':
    case 'cleanup':
    case 'reset':
    case 'restore': {
      const spec = actionSpec(st, op);
      return spec === null ? undefined : ckptAction(st, spec);
    }
    case 'savedPlan': {
      const spec = actionSpec(st, op.action);
      return spec === null ? undefined : savedPlanAction(st, spec, op.between);
    }
    case 'batch':
      return batch(st, op);
    case 'guard':
      return guard(st, op);
  }
}

/**
 * `ckpt guard` as the command runs it, through the engine: the GUARD checkpoint and the
 * guard's start in the journal, the command (the user operations, each as `ckpt sql`), then on
 * failure the undo (planned by planGuardUndo, judged against the model's reset or cleanup to the
 * guard's checkpoint, applied unless rightly held back) and the guard's end in the journal. The
 * model: failure → the schema as the reset (or cleanup) leaves it; success → the schema kept.
 * The convergence check after it also says that no unfinished guard is left.
 */
async function guard(st: RunState, op: Extract<Op, { t: 'guard' }>): Promise<void> {
  const m = st.model;
  const id = `GUARD_${st.nextCp++}`;
  st.trace.push(`guard ${id} (keep: ${op.keep}); its command ${op.fails ? `fails (on failure: ${op.onFailure})` : 'succeeds'}:`);
  const t = targetWith(st, null);
  await withEngine(st, t, async (session, obs) => {
    const outcomes = await session.apply(planOf(obs, planAdHocCheckpoint(t, obs, id, 'ckpt guard: model', op.keep, true)));
    if (outcomes.some((o) => o.failed)) throw new Error(`the guard's checkpoint ${id} was not taken`);
    await session.journal(t, [guardEntry(id, 'guard-started', { command: 'model', onFailure: op.onFailure })]);
  });
  m.checkpoint(id, op.keep);
  for (const u of op.command) {
    if (u.t === 'guard') continue;
    await step(st, u);
  }
  const end = { exitCode: op.fails ? 1 : 0, signal: null, timedOut: false };
  if (!op.fails) {
    await withEngine(st, t, (session) => finishGuard(session, t, id, end, { undo: 'none', undoAction: null, stepsUndone: 0 }));
    st.trace.push('  the command succeeded: schema kept');
    return checkAll(st, []);
  }
  const spec: ActionSpecM = op.onFailure === 'reset' ? { kind: 'reset', to: id } : { kind: 'cleanup', since: id };
  const expectation = m.expect(spec);
  const undo = guardUndoAction(t, id, op.onFailure);
  let applied = false;
  await withEngine(st, guardUndoTarget(t, undo), async (session, obs) => {
    const plan = planOf(obs, planGuardUndo(t, obs, undo));
    // Outside the promise (expectation null) or rightly held back: the schema is kept as the command left it.
    if (expectation === null || heldBack(st, plan, expectation)) {
      st.trace.push(
        `  undo ${undo.id}: not applied (${expectation === null ? 'outside the promise' : expectation.kind === 'blocked' ? expectation.why : ''}); kept`,
      );
      return finishGuard(session, t, id, end, { undo: 'kept', undoAction: null, stepsUndone: 0 });
    }
    st.trace.push(`  undo ${undo.id}: ${describe(spec)}`);
    const failed = (await session.apply(plan)).flatMap((o) => o.steps).filter((s) => s.outcome !== 'succeeded');
    if (failed.length > 0)
      throw new Error(`undo steps failed: ${failed.map((f) => `${f.step.kind}: ${f.outcome} ${f.error ?? ''}`).join('; ')}`);
    applied = true;
    return finishGuard(session, t, id, end, { undo: 'applied', undoAction: undo.id, stepsUndone: 0 });
  });
  if (applied) m.apply(undo.id, spec);
  return checkAll(st, applied ? [undo.id] : []);
}

/** Runs `body` with a session under the target's lease and the target observed. */
async function withEngine(st: RunState, t: Target, body: (session: Session, obs: Observed) => Promise<void>): Promise<void> {
  const session = sessionOn(st.fx.warehouse, t);
  try {
    await session.lock([t]);
    const obs = (await session.observe([t])).get(t.name);
    if (obs === undefined) throw new Error('target not observed');
    await body(session, obs);
  } finally {
    await session.close();
  }
}

async function finishGuard(session: Session, t: Target, id: string, end: CommandEnd, finish: GuardFinish): Promise<void> {
  await session.journal(t, [guardEntry(id, 'guard-command-ended', end), guardEntry(id, 'guard-finished', finish)]);
}

function planOf(obs: Observed, tp: TargetPlan): Plan {
  return { formatVersion: 1, generatedAt: obs.now, configFile: 'model', configHash: 'model', targets: [tp] };
}

/** An action of a batch with what the model expects of it, on the schema the batch's earlier actions leave. */
interface Planned {
  act: Action;
  spec: ActionSpecM;
  expectation: NonNullable<ReturnType<ReferenceModel['expect']>>;
}

/**
 * One edit of the file, one reconcile: a new checkpoint and several actions. The model takes the
 * checkpoint first (pending while ckpt plans), then runs the actions in order, each on what the
 * earlier ones left; a held-back action leaves the schema alone and the next ones go on. ckpt
 * must hold back exactly the actions the model holds back, for reasons it allows, and apply the
 * others; an action held back because the checkpoint was not taken yet stays in the file and
 * the next reconcile must apply it as any action on a recorded checkpoint.
 */
async function batch(st: RunState, op: Extract<Op, { t: 'batch' }>): Promise<void> {
  const m = st.model;
  const id = `cp${st.nextCp++}`;
  m.checkpoint(id, op.keep);
  st.checkpoints.push({ id, description: '', keep: op.keep, position: AT });
  const specs = op.actions.map((a) => actionSpec(st, a)).filter((x): x is ActionSpecM => x !== null);
  if (op.toNew) specs.push({ kind: 'reset', to: id });
  st.trace.push(`one edit: checkpoint ${id} (keep: ${op.keep}) with ${specs.length} actions`);
  m.pending.add(id);
  const planned = expectInOrder(st, specs);
  m.pending.clear();
  const waiting = await reconcileMany(st, planned);
  if (waiting.length > 0) {
    st.trace.push('  reconcile again: the checkpoint is recorded now');
    const again = expectInOrder(
      st,
      waiting.map((w) => w.spec),
      waiting.map((w) => w.act),
    );
    const still = await reconcileMany(st, again);
    if (still.length > 0) throw new Error(`model: ${still.map((w) => w.act.id).join(', ')} waits for a checkpoint that is recorded now`);
  }
  await checkAll(
    st,
    m.applied.filter((a) => st.actions.some((x) => x.id === a)),
  );
}

/** The model's expectation of each action in order, applying on the model those it applies (`acts`: their ids, if given). */
function expectInOrder(st: RunState, specs: ActionSpecM[], acts?: Action[]): Planned[] {
  const planned: Planned[] = [];
  specs.forEach((spec, i) => {
    const expectation = st.model.expect(spec);
    if (expectation === null) return; // outside the promise: left out of the file
    const act = acts?.[i] ?? action(`a${st.nextAction++}`, toSpec(spec), true);
    st.trace.push(
      `  action ${act.id}: ${describe(spec)}   # model: ${expectation.kind === 'applied' ? 'applies' : `held back (${expectation.why})`}`,
    );
    if (expectation.kind === 'applied') st.model.apply(act.id, spec);
    planned.push({ act, spec, expectation });
  });
  return planned;
}

/**
 * Plans and applies the actions together; checks that ckpt holds back exactly the ones the model
 * holds back, each for a reason it allows. The applied ones stay in the file; returns those held
 * back only because the checkpoint they read was not taken yet (the next reconcile has them);
 * the others held back leave it.
 */
async function reconcileMany(st: RunState, planned: Planned[]): Promise<Planned[]> {
  const t = targetWith(
    st,
    planned.map((p) => p.act),
  );
  const session = sessionOn(st.fx.warehouse, t);
  try {
    await session.lock([t]);
    const { plan } = await session.plan([t]);
    const blockers = blockersOf(plan);
    st.trace.push(
      `    plan: ${stepsOf(plan).join('; ') || '(no steps)'}${blockers.length ? ` | blockers: ${blockers.map((b) => `${b.actionId}: ${b.code} ${b.object ?? ''}`).join(', ')}` : ''}`,
    );
    for (const p of planned) {
      const own = blockers.filter((b) => b.actionId === p.act.id);
      const e = p.expectation;
      if (e.kind === 'applied' && own.length > 0)
        throw new Error(`ckpt holds back ${p.act.id}, which the model applies: ${own.map((b) => `${b.code}: ${b.message}`).join(' / ')}`);
      if (e.kind === 'blocked' && own.length === 0) throw new Error(`ckpt plans ${p.act.id}, the model holds it back: ${e.why}`);
      if (e.kind !== 'blocked') continue;
      const wrong = own.filter((b) => !e.codes.includes(b.code) || (b.object !== null && !e.objects.includes(b.object.toUpperCase())));
      if (wrong.length > 0)
        throw new Error(
          `ckpt holds ${p.act.id} back for a reason the model does not accept: ${wrong.map((b) => `${b.code}: ${b.message}`).join(' / ')}\n  model: ${e.why}`,
        );
    }
    const stray = blockers.filter((b) => !planned.some((p) => p.act.id === b.actionId));
    if (stray.length > 0) throw new Error(`blockers of no action of this edit: ${stray.map((b) => b.message).join(' / ')}`);
    const failed = (await session.apply(plan)).flatMap((o) => o.steps).filter((s) => s.outcome !== 'succeeded');
    if (failed.length > 0)
      throw new Error(`steps failed: ${failed.map((f) => `${f.step.kind}: ${f.outcome} ${f.error ?? ''}`).join('; ')}`);
  } finally {
    await session.close();
  }
  for (const p of planned) if (p.expectation.kind === 'applied') st.actions.push(p.act);
  return planned.filter((p) => p.expectation.kind === 'blocked' && p.expectation.codes.join() === 'CHECKPOINT_NOT_TAKEN');
}

/** What a ckpt action operation asks, resolved against the checkpoints so far (null: it cannot be asked yet). */
function actionSpec(st: RunState, op: SavedAction): ActionSpecM | null {
  const m = st.model;
  if (op.t === 'fullCleanup') return { kind: 'full-cleanup' };
  if (m.checkpoints.length === 0) return null;
  const cp = m.checkpoints[op.cp % m.checkpoints.length]!;
  if (op.t === 'cleanup') return { kind: 'cleanup', since: cp.id };
  if (op.t === 'reset') return off(st, 'resetCloneFromTrash') && cloneFromTrash(m, cp.id) ? null : { kind: 'reset', to: cp.id };
  const held = [...cp.objects.keys()];
  if (op.subset !== null && held.length === 0) return null;
  const objects = op.subset === null ? null : [...new Set(op.subset.map((i) => held[i % held.length] as string))];
  return { kind: 'restore', from: cp.id, objects };
}

function row(t: TableObj, id: number, v: number): Row {
  const r: Row = { ID: id, V: v };
  for (const c of t.cols) if (!(c in r)) r[c] = null;
  return r;
}

/**
 * The known defect's situation: a table the clone checkpoint holds is missing (or re-created)
 * and a version of it that ckpt or the warehouse kept differs from the checkpoint's.
 */
function cloneFromTrash(m: ReferenceModel, cpId: string): boolean {
  const c = m.cp(cpId);
  if (c.keep !== 'clone') return false;
  for (const [name, was] of c.objects) {
    if (was.kind !== 'TABLE') continue;
    const live = m.objects.get(name);
    if (live !== undefined && live.kind === 'TABLE' && live.inc === was.inc) continue;
    if (m.dropped.some((d) => d.name === name && d.table.inc === was.inc && d.table.version !== was.version)) return true;
  }
  return false;
}

function toSpec(spec: ActionSpecM): ActionSpec {
  return spec;
}

function describe(spec: ActionSpecM): string {
  switch (spec.kind) {
    case 'cleanup':
      return `cleanup: { since: ${spec.since} }`;
    case 'reset':
      return `reset: { to: ${spec.to} }`;
    case 'restore':
      return `restore: { from: ${spec.from}${spec.objects === null ? '' : `, objects: [${spec.objects.join(', ')}]`} }`;
    case 'full-cleanup':
      return 'full_cleanup: { confirm: DELETE_ALL }';
  }
}

async function ckptAction(st: RunState, spec: ActionSpecM): Promise<void> {
  const expectation = st.model.expect(spec);
  if (expectation === null) return; // outside the promise (a view re-created over a missing base)
  const id = `a${st.nextAction++}`;
  st.trace.push(
    `action ${id}: ${describe(spec)}   # model: ${expectation.kind === 'applied' ? 'applies' : `held back (${expectation.why})`}`,
  );
  const act = action(id, toSpec(spec), true);
  await ckptRun(st, act, expectation);
  if (expectation.kind === 'applied') {
    st.model.apply(id, spec);
    await checkAll(st, [id]);
  } else {
    await checkAll(st, []);
  }
}

function targetWith(st: RunState, extra: Action | null | Action[]): Target {
  const extras = extra === null ? [] : Array.isArray(extra) ? extra : [extra];
  return {
    ...st.fx.base,
    checkpoints: [...st.checkpoints],
    actions: [...st.actions, ...extras],
    position: AT,
  };
}

function sessionOn(warehouse: Warehouse, t: Target): Session {
  const shared: Warehouse = Object.create(warehouse, { close: { value: async () => {} } });
  return new Session(desired([t]), { logger: silentLogger, command: 'model-test', open: async () => shared });
}

const blockersOf = (plan: Plan) => (plan.targets[0]?.findings ?? []).filter((f) => f.severity === 'blocker');
const stepsOf = (plan: Plan) =>
  (plan.targets[0]?.steps ?? []).map(
    (s) =>
      `${s.kind}${'object' in s ? ` ${s.object.kind} ${s.object.name}` : ''}${s.kind === 'restore-content' ? ` from ${s.from.kind}` : ''}`,
  );

/** Plans and applies through the engine; checks the plan against the expectation. */
async function ckptRun(st: RunState, act: Action | null, expectation?: ReturnType<ReferenceModel['expect']>): Promise<void> {
  const t = targetWith(st, act);
  const session = sessionOn(st.fx.warehouse, t);
  try {
    await session.lock([t]);
    const { plan } = await session.plan([t]);
    if (heldBack(st, plan, expectation)) return; // the user removes the action from the file
    const outcomes = await session.apply(plan);
    const failed = outcomes.flatMap((o) => o.steps).filter((s) => s.outcome !== 'succeeded');
    if (failed.length > 0) {
      throw new Error(
        `steps failed: ${failed.map((f) => `${f.step.kind}${'object' in f.step ? ` ${f.step.object.name}` : ''}: ${f.outcome}${f.error ? ` (${f.error})` : ''}`).join('; ')}`,
      );
    }
    if (act !== null) st.actions.push(act);
  } finally {
    await session.close();
  }
}

/**
 * Traces the plan and judges its blockers against the model's expectation: true when the action
 * is rightly held back, throws when ckpt and the model disagree, false when it is to be applied.
 */
function heldBack(st: RunState, plan: Plan, expectation?: ReturnType<ReferenceModel['expect']>): boolean {
  const blockers = blockersOf(plan);
  st.trace.push(
    `    plan: ${stepsOf(plan).join('; ') || '(no steps)'}${blockers.length ? ` | blockers: ${blockers.map((b) => `${b.code} ${b.object ?? ''}`).join(', ')}` : ''}`,
  );
  if (expectation?.kind === 'blocked') {
    if (blockers.length === 0) {
      throw new Error(
        `ckpt plans the action, the model says it must be held back: ${expectation.why}\n  plan: ${stepsOf(plan).join('; ')}`,
      );
    }
    const wrong = blockers.filter(
      (b) => !expectation.codes.includes(b.code) || (b.object !== null && !expectation.objects.includes(b.object.toUpperCase())),
    );
    if (wrong.length > 0) {
      throw new Error(
        `ckpt holds the action back for a reason the model does not accept: ${wrong.map((b) => `${b.code}: ${b.message}`).join(' / ')}\n  model: ${expectation.why}`,
      );
    }
    return true;
  }
  if (blockers.length > 0) {
    throw new Error(`ckpt holds back what the model says it can do: ${blockers.map((b) => `${b.code}: ${b.message}`).join(' / ')}`);
  }
  return false;
}

/**
 * The action through a saved plan: planned and written with the state's fingerprints (as
 * `reconcile --plan --out`), the lease let go, a user operation or none, then read back and
 * applied only when savedPlanStale finds nothing (as `reconcile --from-plan`). A refusal must
 * change nothing and needs a change in between; an applied saved plan must do what the model
 * says the action does in the state at apply time.
 */
async function savedPlanAction(st: RunState, spec: ActionSpecM, between: Op | null): Promise<void> {
  const expectation = st.model.expect(spec);
  if (expectation === null) return;
  const id = `a${st.nextAction++}`;
  st.trace.push(`action ${id} through a saved plan: ${describe(spec)}`);
  const act = action(id, toSpec(spec), true);
  const t = targetWith(st, act);
  const dir = await mkdtemp(join(tmpdir(), 'ckpt-model-plan-'));
  const file = join(dir, 'plan.json');
  try {
    const made = sessionOn(st.fx.warehouse, t);
    try {
      await made.lock([t]);
      const { plan, observed } = await made.plan([t]);
      if (heldBack(st, plan, expectation)) return;
      await writeSavedPlan(file, { plan, fingerprints: fingerprintsOf(observed) });
    } finally {
      await made.close();
    }
    const traced = st.trace.length;
    if (between !== null) await step(st, between);
    const changed = st.trace.length > traced;
    const saved = await readSavedPlan(file);
    const session = sessionOn(st.fx.warehouse, t);
    let refused: string | null = null;
    try {
      await session.lock([t]);
      const observed = await session.observe([t]);
      const stale = savedPlanStale(
        saved,
        file,
        new Map(Object.entries(fingerprintsOf(observed))),
        session.planAt([t], observed, saved.plan.generatedAt),
      );
      if (stale !== null) refused = stale.message;
      else {
        const now = st.model.expect(spec);
        if (now?.kind !== 'applied')
          throw new Error(`ckpt applied a saved plan the model says is held back now: ${now?.why ?? 'outside the promise'}`);
        const failed = (await session.apply(saved.plan)).flatMap((o) => o.steps).filter((s) => s.outcome !== 'succeeded');
        if (failed.length > 0)
          throw new Error(`saved plan steps failed: ${failed.map((f) => `${f.step.kind}: ${f.outcome} ${f.error ?? ''}`).join('; ')}`);
      }
    } finally {
      await session.close();
    }
    if (refused !== null) {
      st.trace.push(`    --from-plan refused: ${refused}`);
      if (!changed) throw new Error(`a saved plan was refused although nothing happened since it was made: ${refused}`);
      await checkAll(st, []);
      return;
    }
    st.trace.push('    --from-plan applied');
    st.actions.push(act);
    st.model.apply(id, spec);
    await checkAll(st, [id]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The state fingerprints a saved plan carries, per target. */
const fingerprintsOf = (observed: Map<string, Observed>): Record<string, string> =>
  Object.fromEntries([...observed].map(([name, obs]) => [name, stateFingerprint(obs)]));

// ---- checks -------------------------------------------------------------------------------------

const norm = (v: unknown): string => (v === null || v === undefined ? 'null' : typeof v === 'bigint' ? v.toString() : String(v));

function rowsKey(cols: string[], rows: unknown[][]): string[] {
  const order = cols.map((c, i) => [c.toUpperCase(), i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return rows.map((r) => order.map(([c, i]) => `${c}=${norm(r[i])}`).join(',')).sort();
}

async function realState(st: RunState): Promise<string[]> {
  const listed = (await st.fx.query(st.fx.listSql)).rows
    .map((r) => [String(r[0]), String(r[1])] as const)
    .filter(([name]) => !INTERNAL.has(name.toUpperCase()))
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const out: string[] = [];
  for (const [name, type] of listed) {
    const q = `"${name.replaceAll('"', '""')}"`;
    if (/VIEW/i.test(type)) {
      let rows: string;
      try {
        const r = await st.fx.query(`SELECT ID, V FROM ${q}`);
        rows = rowsKey(r.columns, r.rows).join(' ');
      } catch {
        rows = 'ERROR';
      }
      out.push(`VIEW ${name}: ${rows}`);
    } else {
      const r = await st.fx.query(`SELECT * FROM ${q}`);
      out.push(
        `TABLE ${name} (${r.columns
          .map((c) => c.toUpperCase())
          .sort()
          .join(', ')}): ${rowsKey(r.columns, r.rows).join(' ')}`,
      );
    }
  }
  return out;
}

function modelState(m: ReferenceModel): string[] {
  return [...m.objects.keys()].sort().map((name) => {
    const o = m.objects.get(name)!;
    if (o.kind === 'VIEW') {
      const rows = m.viewRows(name);
      return `VIEW ${name}: ${
        rows === 'ERROR'
          ? 'ERROR'
          : rowsKey(
              ['ID', 'V'],
              rows.map((r) => [r.ID, r.V]),
            ).join(' ')
      }`;
    }
    const cols = [...o.cols];
    return `TABLE ${name} (${[...cols].sort().join(', ')}): ${rowsKey(
      cols,
      o.rows.map((r) => cols.map((c) => r[c] ?? null)),
    ).join(' ')}`;
  });
}

async function checkAll(st: RunState, appliedActions: string[]): Promise<void> {
  st.checks += 1;
  // (1) the schema equals the model
  const real = await realState(st);
  const want = modelState(st.model);
  if (real.join('\n') !== want.join('\n')) {
    const diff = [
      ...want.filter((l) => !real.includes(l)).map((l) => `  model only: ${l}`),
      ...real.filter((l) => !want.includes(l)).map((l) => `  ckpt only:  ${l}`),
    ];
    throw new Error(`schema differs from the model after ${st.trace.filter((l) => !l.startsWith(' ')).at(-1)}:\n${diff.join('\n')}`);
  }
  // (2) convergence: planning the same config again yields nothing
  const t = targetWith(st, null);
  const session = sessionOn(st.fx.warehouse, t);
  let again: Plan;
  try {
    again = (await session.plan([t])).plan;
  } finally {
    await session.close();
  }
  const steps = stepsOf(again);
  if (steps.length > 0 || blockersOf(again).length > 0) {
    throw new Error(
      `not converged: planning the same config again gives ${steps.join('; ')} ${blockersOf(again)
        .map((b) => b.code)
        .join(', ')}`,
    );
  }
  // (3) the audit table: checkpoints with their status, applied actions
  const audit = (await st.fx.query('SELECT CHECKPOINT_ID, STATUS, ACTION_ID FROM CHECKPOINT_AUDIT')).rows.map((r) =>
    r.map((v) => (v === null ? null : String(v))),
  );
  for (const c of st.model.checkpoints) {
    const row = audit.find((r) => r[0] === c.id && r[2] === null);
    if (row === undefined || row[1] !== c.status) {
      throw new Error(`audit: checkpoint ${c.id} should be ${c.status}, the audit table has ${row?.[1] ?? 'no row'}`);
    }
  }
  for (const applied of appliedActions) {
    if (!audit.some((r) => r[2] === applied && r[1] === 'APPLIED')) throw new Error(`audit: action ${applied} is not recorded APPLIED`);
  }
}

/**
 * An in-memory Warehouse for apply's unit tests: every step handler records the step it ran (and
 * how many ran at once), fails the steps it is told to, and the journal and audit rows are kept in
 * arrays. Optionally it runs waves itself (`executeWave`: all or nothing, as DuckDB does, or
 * reporting each step, as Snowflake does) and sequences (`executeSequence`: in order, all or nothing).
 * Plus a recording Logger and small builders of plan steps.
 */
import { applyPlan, type ApplyOptions } from '../../../src/apply/apply.js';
import { silentLogger, type LogFields, type Logger } from '../../../src/model/logger.js';
import type { Plan, Step } from '../../../src/model/plan.js';
import { stepSubject } from '../../../src/model/step-kinds.js';
import type { JournalEntry } from '../../../src/warehouse/lease-sql.js';
import type { LeaseStore } from '../../../src/warehouse/lease-store.js';
import {
  WaveIncomplete,
  type ActionRecord,
  type ExecutableStep,
  type RunContext,
  type StepHandlers,
  type TargetRef,
  type Warehouse,
  type WaveControl,
} from '../../../src/warehouse/warehouse.js';

/** How the fake behaves. */
export interface FakeOptions {
  /** The warehouse's `maxConcurrency` (default 8). */
  maxConcurrency?: number;
  /** Steps that fail, by subject (object name or checkpoint id), with what they throw. */
  failOn?: Record<string, unknown>;
  /**
   * Whether the warehouse runs a wave itself (`executeWave`): `true` as one unit, all or nothing
   * (DuckDB); `'partial'` step after step, each reported as it succeeds, stopping at a failure or
   * once the signal is aborted and saying so with WaveIncomplete (Snowflake).
   */
  batches?: boolean | 'partial';
  /** Whether the warehouse runs a sequence itself (`executeSequence`: in order, all or nothing, as DuckDB does). */
  sequences?: boolean;
  /** Called as each step runs (before it completes), e.g. to abort a signal. */
  onStep?: (subject: string) => void;
  /** Journal writes that fail, counted from 1 (every write after `journalFailsFrom` fails). */
  journalFailsFrom?: number;
  /** Whether writing an audit row throws. */
  recordFails?: boolean;
}

/** What the fake saw. */
export interface FakeWarehouse {
  warehouse: Warehouse;
  /** Subjects of the steps run one by one, in the order they started. */
  executed: string[];
  /** Subjects of each wave run as one unit (successful or not). */
  batches: string[][];
  /** Subjects of each sequence run as one unit (successful or not), in the order given. */
  sequences: string[][];
  /** The concurrency apply gave each wave (`batches: 'partial'`). */
  waveConcurrency: number[];
  journal: JournalEntry[];
  recorded: ActionRecord[];
  /** Most steps that were in flight at the same time. */
  maxInFlight: () => number;
}

/** The step's object or checkpoint, or its kind when it has neither. */
export const subjectOf = (step: Step): string => stepSubject(step) ?? step.kind;

/** Builds a fake warehouse (see FakeOptions). */
export function fakeWarehouse(options: FakeOptions = {}): FakeWarehouse {
  const executed: string[] = [];
  const batches: string[][] = [];
  const sequences: string[][] = [];
  const journal: JournalEntry[] = [];
  const recorded: ActionRecord[] = [];
  let inFlight = 0;
  let most = 0;
  let journalWrites = 0;
  const failure = (subject: string): unknown => options.failOn?.[subject];
  const handler = async (_target: TargetRef, step: ExecutableStep): Promise<void> => {
    const subject = subjectOf(step);
    executed.push(subject);
    inFlight += 1;
    most = Math.max(most, inFlight);
    options.onStep?.(subject);
    // Yield to the event loop so that the steps run at the same time overlap.
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    if (failure(subject) !== undefined) throw failure(subject);
  };
  const steps: StepHandlers = {
    'init-audit': handler,
    'migrate-audit': handler,
    'take-checkpoint': handler,
    'expire-checkpoint': handler,
    'drop-object': handler,
    'restore-table': handler,
    'recreate-view': handler,
    'restore-content': handler,
  };
  const store = {
    journal: async (entries: JournalEntry[]) => {
      journalWrites += 1;
      if (options.journalFailsFrom !== undefined && journalWrites >= options.journalFailsFrom) throw new Error('journal is read-only');
      journal.push(...entries);
    },
  } as unknown as LeaseStore;
  const warehouse: Warehouse = {
    capabilities: { nameMatching: 'exact', maxConcurrency: options.maxConcurrency ?? 8 },
    observe: () => Promise.reject(new Error('not used')),
    steps,
    recordAction: async (_target: TargetRef, record: ActionRecord) => {
      if (options.recordFails === true) throw new Error('audit table is read-only');
      // A copy, as a real warehouse writes the row at once (apply keeps adding to its steps).
      recorded.push(structuredClone(record));
    },
    leases: () => store,
    statements: () => Promise.reject(new Error('not used')),
    keptCosts: () => Promise.reject(new Error('not used')),
    query: () => Promise.reject(new Error('not used')),
    close: async () => {},
  };
  const waveConcurrency: number[] = [];
  if (options.batches === 'partial') {
    warehouse.executeWave = async (_target: TargetRef, wave: ExecutableStep[], _run: RunContext, control?: WaveControl) => {
      if (control === undefined) throw new Error('apply gives a wave its control');
      batches.push(wave.map(subjectOf));
      waveConcurrency.push(control.concurrency);
      for (const step of wave) {
        if (control.signal.aborted) throw new WaveIncomplete([]);
        options.onStep?.(subjectOf(step));
        await new Promise((resolve) => setImmediate(resolve));
        const error = failure(subjectOf(step));
        if (error !== undefined) throw new WaveIncomplete([{ step, error }]);
        control.succeeded(step);
      }
    };
  }
  if (options.batches === true) {
    warehouse.executeWave = async (_target: TargetRef, wave: ExecutableStep[]) => {
      const subjects = wave.map(subjectOf);
      batches.push(subjects);
      for (const subject of subjects) options.onStep?.(subject);
      await new Promise((resolve) => setImmediate(resolve));
      const failed = subjects.find((s) => failure(s) !== undefined);
      if (failed !== undefined) throw failure(failed);
    };
  }
  if (options.sequences === true) {
    warehouse.executeSequence = async (_target: TargetRef, steps: ExecutableStep[]) => {
      const subjects = steps.map(subjectOf);
      sequences.push(subjects);
      await new Promise((resolve) => setImmediate(resolve));
      const failed = subjects.find((s) => failure(s) !== undefined);
      if (failed !== undefined) throw failure(failed);
    };
  }
  return { warehouse, executed, batches, sequences, waveConcurrency, journal, recorded, maxInFlight: () => most };
}

/** One line a logger received. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps every line. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields?: LogFields): void =>
      void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The target every test applies to. */
export const REF: TargetRef = { name: 'demo', database: null, schema: 'DEMO', auditTable: 'CHECKPOINT_AUDIT' };

/** A run context. */
export const RUN: RunContext = {
  runId: 'run-1',
  command: 'reconcile',
  origin: { file: '/srv/checkpoints.yaml', hash: 'x', commit: 'abc123', dirty: false },
};

const base = { target: 'demo', reason: 'test' };

/** A drop of a table (or view) in action `group`. */
export const drop = (group: string, name: string, kind: 'TABLE' | 'VIEW' = 'TABLE'): Step => ({
  ...base,
  group,
  kind: 'drop-object',
  object: { name, kind },
  created: '2026-01-01T00:00:00.000Z',
  cause: 'created-after-checkpoint',
});

/** A re-creation of a view in action `group` (consecutive ones run in order: a sequence). */
export const recreateView = (group: string, name: string): Step => ({
  ...base,
  group,
  kind: 'recreate-view',
  object: { name, kind: 'VIEW' },
  definition: `CREATE VIEW ${name} AS SELECT 1`,
  checkpointId: 'baseline',
});

/** The audit row of action `actionId` (a cleanup unless `spec` says otherwise). */
export const record = (
  actionId: string,
  spec: Extract<Step, { kind: 'record-action' }>['spec'] = { kind: 'cleanup', since: 'baseline' },
): Step => ({
  ...base,
  group: actionId,
  kind: 'record-action',
  actionId,
  spec,
  specHash: `hash-${actionId}`,
  checkpointId: 'baseline',
});

/** A plan of one target per entry of `targets` (named demo, demo2, ...). */
export function planOf(...targets: Step[][]): Plan {
  return {
    formatVersion: 1,
    generatedAt: '2026-01-01T00:00:00.000Z',
    configFile: '/srv/checkpoints.yaml',
    configHash: 'x',
    targets: targets.map((steps, i) => ({
      target: i === 0 ? 'demo' : `demo${i + 1}`,
      connection: 'local',
      location: 'DEMO',
      steps,
      findings: [],
    })),
  };
}

/** Applies `plan` on the fake warehouse, one step at a time unless `options` say otherwise. */
export const applyOn = (plan: Plan, fake: FakeWarehouse, options: Partial<ApplyOptions> = {}, logger: Logger = silentLogger) =>
  applyPlan(plan, () => ({ ref: REF, warehouse: fake.warehouse }), RUN, logger, { concurrency: 1, ...options });

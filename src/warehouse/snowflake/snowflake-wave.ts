/**
 * A wave of independent drops or table restores on Snowflake, sent together: each step's
 * statements (the ones its handler would send, in order: snowflake-step-sql.ts) go into
 * multi-statement requests of at most `statementsPerRequest` statements (a step is never split
 * between requests), spread evenly over the requests in flight (at most `concurrency`), each
 * request tagged as its steps. Every DDL statement is its own transaction (docs/snowflake-behaviour.md#pitfall-11),
 * and Snowflake's documentation does not say whether the statements after a failed one run
 * (docs/snowflake-behaviour.md#multi-statement-requests), so a request that fails, or whose
 * answer is lost, is settled by reading what its steps left: a dropped object is no longer
 * there, a restored version is the live one. Those steps succeeded; the first one not done
 * failed (every one not done, when the request may still be running); the rest did not run.
 * A failure stops new requests; those in flight finish and are settled the same way.
 */
import { CkptError } from '../../model/errors.js';
import { quoteIdent } from '../../model/refs.js';
import type { StepOf } from '../../model/step-kinds.js';
import { runStep, WaveIncomplete, type ExecutableStep, type RunContext, type TargetRef, type WaveControl } from '../warehouse.js';
import { queryTag, snowflakeLiteral, type SnowflakeTarget } from './snowflake-sql.js';
import { dropSql, tableRestoreSql, type TableRestore } from './snowflake-step-sql.js';
import type { SnowflakeSession, SnowflakeSteps } from './snowflake-steps.js';

/** The default of CKPT_STATEMENTS_PER_REQUEST: most statements in one request of a wave. */
export const STATEMENTS_PER_REQUEST = 100;
/** The most CKPT_STATEMENTS_PER_REQUEST may say (with MAX_REQUEST_CHARS, keeps a request well under Snowflake's size limit). */
export const MAX_STATEMENTS_PER_REQUEST = 1000;

/**
 * Most characters of SQL in one request: Snowflake asks for at most about 1 MB of text per
 * request, for a multi-statement request the whole string (docs/snowflake-behaviour.md#multi-statement-requests).
 */
const MAX_REQUEST_CHARS = 512 * 1024;

/** A step of the wave with the statements it sends and what its success changes in the session's knowledge. */
interface Sent {
  step: ExecutableStep;
  statements: string[];
  /** Before its request is sent (a restore: the name's versions are unknown until it answers). */
  before(): void;
  /** Once it took effect. */
  after(): void;
}

/** One failure of a wave's step, as WaveIncomplete reports it. */
type Failure = WaveIncomplete['failed'][number];

/** Splits the wave into requests: evenly over `concurrency`, at most `most` statements and MAX_REQUEST_CHARS each. */
export function requestsOf<T extends { statements: string[] }>(items: T[], concurrency: number, most: number): T[][] {
  const total = items.reduce((n, item) => n + item.statements.length, 0);
  const size = Math.max(1, Math.min(most, Math.ceil(total / Math.max(1, concurrency))));
  const requests: T[][] = [];
  let current: T[] = [];
  let statements = 0;
  let chars = 0;
  for (const item of items) {
    const length = item.statements.reduce((n, s) => n + s.length + 2, 0);
    if (current.length > 0 && (statements + item.statements.length > size || chars + length > MAX_REQUEST_CHARS)) {
      requests.push(current);
      current = [];
      statements = 0;
      chars = 0;
    }
    current.push(item);
    statements += item.statements.length;
    chars += length;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/** Runs waves of one connection. */
export class SnowflakeWave {
  constructor(
    private readonly session: SnowflakeSession,
    private readonly handlers: SnowflakeSteps,
  ) {}

  /** Runs a wave (Warehouse.executeWave's contract): resolves when every step took effect, else throws WaveIncomplete. */
  async run(target: TargetRef, steps: ExecutableStep[], run: RunContext, control: WaveControl): Promise<void> {
    const first = steps[0];
    if (first === undefined) return;
    const t = this.session.resolve(target);
    const tag = queryTag({ command: run.command, target: target.name, step: first.kind, group: first.group, run: run.runId });
    const failures: Failure[] = [];
    const sent = await this.prepare(t, target, steps, run, tag, control, failures);
    if (failures.length > 0) throw new WaveIncomplete(failures);
    const requests = requestsOf(sent, control.concurrency, this.session.statementsPerRequest);
    let next = 0;
    const worker = async () => {
      while (failures.length === 0 && !control.signal.aborted && next < requests.length) {
        const request = requests[next++] as Sent[];
        const statements = request.flatMap((s) => s.statements);
        request.forEach((s) => s.before());
        try {
          // Nothing to read from a drop or an UNDROP: one request, not one more per statement for its result.
          await this.session.driver.execute(statements.join(';\n'), { tag, statements: statements.length, firstResultOnly: true });
        } catch (error) {
          await this.settle(t, tag, request, error, control, failures);
          continue;
        }
        for (const s of request) {
          s.after();
          control.succeeded(s.step);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, control.concurrency), requests.length) }, worker));
    if (failures.length > 0 || next < requests.length) throw new WaveIncomplete(failures);
  }

  /**
   * Each step's statements, built as its handler builds them; a restore already done (by an
   * earlier, interrupted run) succeeds here, and one that cannot be made fails before anything
   * is sent. A step of another kind (never in a wave) runs through its handler.
   */
  private async prepare(
    t: SnowflakeTarget,
    target: TargetRef,
    steps: ExecutableStep[],
    run: RunContext,
    tag: string,
    control: WaveControl,
    failures: Failure[],
  ): Promise<Sent[]> {
    const ledger = this.session.versions(t);
    const sent: Sent[] = [];
    for (const step of steps) {
      try {
        if (step.kind === 'drop-object') {
          const after = () => {
            if (step.object.kind === 'TABLE') ledger.dropped(step.object.name);
          };
          sent.push({ step, statements: dropSql(t, step), before: () => {}, after });
        } else if (step.kind === 'restore-table') {
          await this.session.useSchema(t, tag);
          const restore = await this.restoreOf(t, step, tag);
          if (restore.done) control.succeeded(step);
          else
            sent.push({
              step,
              statements: restore.statements,
              before: () => ledger.forget(step.object.name),
              after: () => ledger.replace(step.object.name, restore.after),
            });
        } else {
          await runStep(this.handlers.handlers, target, step, run);
          control.succeeded(step);
        }
      } catch (error) {
        failures.push({ step, error });
        break;
      }
    }
    return sent;
  }

  /** A table restore's statements from the versions known now (tableRestoreSql). */
  private async restoreOf(t: SnowflakeTarget, step: StepOf<'restore-table'>, tag: string): Promise<TableRestore> {
    const name = step.object.name;
    const versions = await this.handlers.versionsOf(t, name, this.session.versions(t), tag);
    return tableRestoreSql(t, name, step.created, versions, await this.session.lineage(t, tag));
  }

  /**
   * Settles a request that failed or whose answer was lost: reads which of its steps took effect
   * (they succeeded); the first not done failed with the request's error, or every one not done
   * when the request may still be running; the others did not run. When even that read fails,
   * every step of the request failed with the request's error (what they did is not known).
   */
  private async settle(t: SnowflakeTarget, tag: string, request: Sent[], error: unknown, control: WaveControl, failures: Failure[]) {
    let done: Set<ExecutableStep>;
    try {
      done = await this.tookEffect(t, tag, request);
    } catch {
      failures.push(...request.map((s) => ({ step: s.step, error })));
      return;
    }
    const running = error instanceof CkptError && error.code === 'STATEMENT_RUNNING';
    let attributed = false;
    for (const s of request) {
      if (done.has(s.step)) control.succeeded(s.step);
      else if (running || !attributed) {
        failures.push({ step: s.step, error });
        attributed = true;
      }
    }
  }

  /** The steps of a request that took effect, read from the schema (the table versions read again are kept). */
  private async tookEffect(t: SnowflakeTarget, tag: string, request: Sent[]): Promise<Set<ExecutableStep>> {
    const done = new Set<ExecutableStep>();
    const ledger = this.session.versions(t);
    const drops = request.flatMap((s) => (s.step.kind === 'drop-object' ? [s.step] : []));
    if (drops.length > 0) {
      const live = new Set(
        (
          await this.session.driver.rows(
            `SELECT TABLE_NAME FROM ${quoteIdent(t.database)}.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ${snowflakeLiteral(t.schema)}
            AND TABLE_NAME IN (${drops.map((d) => snowflakeLiteral(d.object.name)).join(', ')})`,
            { tag },
          )
        ).map((r) => String(r.TABLE_NAME)),
      );
      for (const drop of drops) {
        if (drop.object.kind === 'TABLE') ledger.forget(drop.object.name);
        if (!live.has(drop.object.name)) done.add(drop);
      }
    }
    const restores = request.some((s) => s.step.kind === 'restore-table');
    const lineage = restores ? await this.session.lineage(t, tag) : null;
    for (const { step } of request) {
      if (step.kind !== 'restore-table' || lineage === null) continue;
      const name = step.object.name;
      ledger.forget(name);
      const versions = await this.handlers.versionsOf(t, name, ledger, tag);
      ledger.replace(name, versions);
      // Another version live under the name (NAME_TAKEN), or this one gone (OBJECT_MISSING): not done.
      if (attempt(() => tableRestoreSql(t, name, step.created, versions, lineage).done) === true) done.add(step);
    }
    return done;
  }
}

/** The value of `f`, or undefined when it throws. */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

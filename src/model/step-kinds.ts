/**
 * Every step kind, defined once: its plan symbol, its title, whether it is destructive and how
 * consent words it, what is at stake (the weight it drops or overwrites) and where it restores
 * from, its summary bucket, where it goes in an action's order, and which steps of
 * it may run together (its wave) or in order as one unit (its sequence). `STEP_KINDS` is typed as a total map over `StepKind`, so a new
 * member of the `Step` union does not compile until each of these is decided; each adapter's
 * handler table (`StepHandlers` in warehouse/warehouse.ts) is total in the same way.
 */
import type { DroppedSource, Step, StepKind, Weight } from './plan.js';
import { displayIdent } from './refs.js';
import { displayTime } from './time.js';
import { weightText } from './weight.js';

/** The step of one kind. */
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

/** Colour names a renderer understands (a subset of the terminal's). */
export type StepColour = 'green' | 'yellow' | 'red' | 'cyan' | 'dim';

/** Where a step counts in the summary line (`Plan: 2 to restore, 1 to revert, ...`). */
export type SummaryBucket = 'restores' | 'reverts' | 'drops' | 'checkpoints' | 'expiries' | 'audits' | 'migrations' | 'actions';

/**
 * Where a step goes among the steps of one action, in this order: drops (views before the views
 * and tables they read), undrops, content restores, view re-creations (after what they read),
 * then the action's record. State steps (audit table, checkpoints) are not part of an action.
 */
export type ActionPhase = 'state' | 'drop' | 'undrop' | 'content' | 'view' | 'record';

/** The phases of an action's steps, in the order they run. */
export const PHASE_ORDER: readonly ActionPhase[] = ['state', 'drop', 'undrop', 'content', 'view', 'record'];

/** How a destructive step is counted in the consent question, singular and plural. */
export interface ConsentWording {
  one: string;
  many: string;
}

/** What ckpt knows about one step kind. */
export interface StepKindSpec<K extends StepKind> {
  /** Plan symbol: + take or create, - drop, < restore, ~ revert content, = record. */
  symbol: '+' | '-' | '<' | '~' | '=';
  colour: StepColour;
  /** What the step does, in words, with the object's full name under `location`. */
  title(step: StepOf<K>, location: string): string;
  /** Whether the step removes or overwrites something (needs consent). */
  destructive(step: StepOf<K>): boolean;
  /** What the table the step drops or overwrites holds (its weight), or null: nothing, a view, or not known. */
  stake(step: StepOf<K>): Weight | null;
  /**
   * Where a restore comes from, or what a revert writes, in words, where its title does not say
   * it already (a table's dropped version; `writes 10 rows`), or null.
   */
  source(step: StepOf<K>): string | null;
  /** How consent counts this kind's destructive steps; null for a kind that is never destructive. */
  consent: ConsentWording | null;
  bucket(step: StepOf<K>): SummaryBucket;
  phase: ActionPhase;
  /**
   * Steps of one action with the same non-null wave key are independent and may run together
   * (one batch, or several in flight); null: the step runs alone, in plan order.
   */
  wave(step: StepOf<K>): string | null;
  /**
   * Steps of one action with the same non-null sequence key must run one after another in plan
   * order (each may depend on those before it: a view on a view), never concurrently; a warehouse
   * that runs such a run in order as one unit (`Warehouse.executeSequence`) may take it whole.
   * null: no such run.
   */
  sequence(step: StepOf<K>): string | null;
  /** The object or checkpoint the step acts on, as stored (for journals and progress), or null. */
  subject(step: StepOf<K>): string | null;
}

const never = () => false;
const alone = () => null;
const none = () => null;

/** `dropped 2026-11-27 10:00:00 UTC, restorable until ...` (or `kept until ckpt releases it`). */
function droppedText(source: DroppedSource): string {
  const until = source.restorableUntil === null ? 'kept until ckpt releases it' : `restorable until ${displayTime(source.restorableUntil)}`;
  return `undrops the version dropped ${displayTime(source.droppedOn)}, ${until}`;
}

/** The one definition of every step kind. */
export const STEP_KINDS: { readonly [K in StepKind]: StepKindSpec<K> } = {
  'init-audit': {
    symbol: '+',
    colour: 'green',
    title: (s, location) => `create audit table ${location}.${displayIdent(s.auditTable)}`,
    destructive: never,
    stake: none,
    source: none,
    consent: null,
    bucket: () => 'audits',
    phase: 'state',
    wave: alone,
    sequence: none,
    subject: () => null,
  },
  'migrate-audit': {
    symbol: '+',
    colour: 'green',
    title: (s, location) => `migrate audit table ${location}.${displayIdent(s.auditTable)}: add columns ${s.columns.join(', ')}`,
    destructive: never,
    stake: none,
    source: none,
    consent: null,
    bucket: () => 'migrations',
    phase: 'state',
    wave: alone,
    sequence: none,
    subject: () => null,
  },
  'take-checkpoint': {
    symbol: '+',
    colour: 'green',
    title: (s) => `take checkpoint ${s.checkpointId}${s.description ? ` ("${s.description}")` : ''}`,
    destructive: never,
    stake: none,
    source: none,
    consent: null,
    bucket: () => 'checkpoints',
    phase: 'state',
    wave: alone,
    sequence: none,
    subject: (s) => s.checkpointId,
  },
  'expire-checkpoint': {
    symbol: '-',
    colour: 'yellow',
    title: (s) => `expire checkpoint ${s.checkpointId}`,
    destructive: never,
    stake: none,
    source: none,
    consent: null,
    bucket: () => 'expiries',
    phase: 'state',
    wave: alone,
    sequence: none,
    subject: (s) => s.checkpointId,
  },
  'drop-object': {
    symbol: '-',
    colour: 'red',
    title: (s, location) => `drop ${s.object.kind.toLowerCase()} ${location}.${displayIdent(s.object.name)}`,
    destructive: () => true,
    stake: (s) => s.weight ?? null,
    source: none,
    consent: { one: 'object to drop', many: 'objects to drop' },
    bucket: () => 'drops',
    phase: 'drop',
    wave: (s) => `drop:${s.object.kind}`,
    sequence: none,
    subject: (s) => s.object.name,
  },
  'restore-table': {
    symbol: '<',
    colour: 'cyan',
    title: (s, location) => `restore table ${location}.${displayIdent(s.object.name)} from ${s.checkpointId}`,
    destructive: never,
    stake: none,
    source: (s) => (s.source === undefined ? null : droppedText(s.source)),
    consent: null,
    bucket: () => 'restores',
    phase: 'undrop',
    wave: () => 'restore-table',
    sequence: none,
    subject: (s) => s.object.name,
  },
  'recreate-view': {
    symbol: '<',
    colour: 'cyan',
    title: (s, location) => `re-create view ${location}.${displayIdent(s.object.name)} from ${s.checkpointId}`,
    destructive: never,
    stake: none,
    source: none,
    consent: null,
    bucket: () => 'restores',
    phase: 'view',
    wave: alone,
    sequence: () => 'recreate-view',
    subject: (s) => s.object.name,
  },
  'restore-content': {
    symbol: '~',
    colour: 'yellow',
    title: (s, location) => {
      const via =
        s.from.kind === 'time-travel'
          ? `Time Travel AT ${displayTime(s.from.at)}`
          : `clone ${s.from.location}${s.from.checkpointId === s.checkpointId ? '' : ` of ${s.from.checkpointId}`}`;
      const what = s.missing ? 're-create table' : 'revert content of table';
      return `${what} ${location}.${displayIdent(s.object.name)} to ${s.checkpointId} (${via})`;
    },
    destructive: (s) => !s.missing,
    stake: (s) => (s.missing ? null : (s.weight ?? null)),
    source: (s) => (s.writes === undefined || s.writes.rows === null ? null : `writes ${weightText({ ...s.writes, bytes: null })}`),
    consent: { one: 'table whose content is overwritten', many: 'tables whose content is overwritten' },
    bucket: (s) => (s.missing ? 'restores' : 'reverts'),
    phase: 'content',
    wave: alone,
    sequence: none,
    subject: (s) => s.object.name,
  },
  'record-action': {
    symbol: '=',
    colour: 'dim',
    title: (s) => `record action ${s.actionId} as applied`,
    destructive: never,
    stake: none,
    source: none,
    consent: null,
    bucket: () => 'actions',
    phase: 'record',
    wave: alone,
    sequence: none,
    subject: () => null,
  },
};

/** The definition of a step's kind; undefined for a kind this ckpt does not know (a newer saved plan). */
export function kindOf<K extends StepKind>(step: StepOf<K>): StepKindSpec<K> | undefined {
  const known: Partial<Record<string, unknown>> = STEP_KINDS;
  return known[step.kind] as StepKindSpec<K> | undefined;
}

/**
 * Whether a step removes or overwrites something (needs consent). A kind this ckpt does not know
 * (a saved plan from a newer one) is only ever displayed, never applied: not marked.
 */
export function isDestructive(step: Step): boolean {
  return kindOf(step)?.destructive(step) ?? false;
}

/** What a step drops or overwrites (its weight), or null; null for a kind this ckpt does not know. */
export function stepStake(step: Step): Weight | null {
  return kindOf(step)?.stake(step) ?? null;
}

/** Where a step restores from or what it writes, in words, or null (see StepKindSpec.source). */
export function stepSource(step: Step): string | null {
  return kindOf(step)?.source(step) ?? null;
}

/** What a step acts on (object or checkpoint), or null. */
export function stepSubject(step: Step): string | null {
  return kindOf(step)?.subject(step) ?? null;
}

/** Where a step goes among its action's steps. */
export function stepPhase(step: Step): ActionPhase {
  return kindOf(step)?.phase ?? 'record';
}

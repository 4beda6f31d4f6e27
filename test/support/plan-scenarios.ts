/**
 * Plans the way the CLI makes them, for tests of what renders a plan: a checkpoints.yaml text
 * loaded by the config loader, an observed state of the schema, and the real planner under the
 * engine's cron clock. Also the scenarios whose plans show each step kind and each finding code.
 */
import { loadConfigText } from '../../src/config/load.js';
import { AUDIT_LAYOUT } from '../../src/model/audit-layout.js';
import type { Target } from '../../src/model/desired.js';
import type { InventoryEntry, Observed } from '../../src/model/observed.js';
import type { FindingCode, Plan, StepKind } from '../../src/model/plan.js';
import { planAll, type PlanClock } from '../../src/plan/plan.js';
import { lastFiring } from '../../src/schedule/cron.js';
import { checkpoint, dropped, obj, observed, recorded } from './observed.js';

/** The path the planned config claims to come from (it is never read). */
export const CONFIG_FILE = '/work/demo/checkpoints.yaml';

/** Planner input: the body of target `demo` (schema DEMO) in checkpoints.yaml, and what observe saw. */
export interface Scenario {
  /** YAML lines under `- name: demo`, indented by four spaces. */
  target: string;
  /** The observed state, or a function of the loaded target (for records that hold its spec hashes). */
  observed: Partial<Observed> | ((target: Target) => Partial<Observed>);
}

/** When schedules fired, read from their cron expressions as the engine reads them. */
const cronClock: PlanClock = { lastFiring: (s, now) => lastFiring(s.cron, s.timezone, now) };

/** The plan of a scenario: its config loaded, its state observed, and both planned. */
export function planOf(scenario: Scenario): Plan {
  const text = `version: 1\nconnection: local\ntargets:\n  - name: demo\n    schema: DEMO\n${scenario.target}`;
  const loaded = loadConfigText(text, CONFIG_FILE);
  if (!loaded.ok) throw new Error(`the scenario's config does not load: ${JSON.stringify(loaded.diagnostics)}`);
  const [target] = loaded.desired.targets;
  if (target === undefined) throw new Error('the scenario declares no target');
  const state = typeof scenario.observed === 'function' ? scenario.observed(target) : scenario.observed;
  return planAll(loaded.desired, new Map([['demo', observed(state)]]), cronClock);
}

/** The spec hash the loaded config gives action `id`. */
function specHash(target: Target, id: string): string {
  const found = target.actions.find((a) => a.id === id);
  if (found === undefined) throw new Error(`no action ${id}`);
  return found.specHash;
}

const LATE = '2026-11-27T10:30:00.000Z';
/** A table as Snowflake weighs it: counted rows and bytes. */
const weighed = (entry: InventoryEntry, rowCount: number | null, bytes: number | null): InventoryEntry => ({ ...entry, rowCount, bytes });
const ORDERS = obj('ORDERS');
/** ORDERS as checkpoint baseline recorded it: its content version and columns. */
const ORDERS_AT = { ...ORDERS, lastAltered: '2026-11-27T08:30:00.000Z', columns: ['ID', 'AMOUNT'] };
/** ORDERS with rows changed after checkpoint baseline. */
const ORDERS_CHANGED = { ...ORDERS_AT, lastAltered: '2026-11-27T10:12:03.000Z' };
const OPEN_ORDERS = obj('Open Orders', 'VIEW', ORDERS.created, 'CREATE VIEW "Open Orders" AS SELECT * FROM ORDERS WHERE open');
const SCRATCH = obj('SCRATCH', 'TABLE', LATE);
const baseline = (objects: InventoryEntry[]) => checkpoint('baseline', objects, { description: 'before the demo' });
const auto = (hour: string) =>
  checkpoint(`AUTO_hourly_2026_11_27_${hour}_00_00`, [], { type: 'AUTO', timestamp: `2026-11-27T${hour}:00:01.000Z` });

const CLEANUP = '    actions:\n      - id: after-demo\n        cleanup: { since: baseline }\n';
const RESET = '    actions:\n      - id: reset-friday\n        reset: { to: baseline }\n';
const restore = (objects: string) =>
  `    actions:\n      - id: bring-back-orders\n        restore: { from: baseline, objects: ${objects} }\n`;

/** A scenario whose plan holds a step of each kind. */
export const STEP_SCENARIOS: Record<StepKind, Scenario> = {
  'init-audit': { target: '    checkpoints: []\n', observed: { auditTableExists: false } },
  'migrate-audit': { target: '    checkpoints: []\n', observed: { auditLayout: 0 } },
  'take-checkpoint': {
    target: '    checkpoints:\n      - id: baseline\n        description: before the demo\n',
    observed: { objects: [ORDERS] },
  },
  'expire-checkpoint': {
    target: '    schedules:\n      - id: hourly\n        cron: "0 * * * *"\n        retain: 2\n',
    observed: { now: '2026-11-27T12:30:00.000Z', checkpoints: [auto('10'), auto('11'), auto('12')] },
  },
  'drop-object': {
    target: CLEANUP,
    observed: {
      objects: [
        ORDERS,
        weighed(SCRATCH, 41_203_113, 12_312_345_678),
        weighed(obj('EVENTS', 'TABLE', LATE), 1, 2_048),
        obj('RECENT', 'VIEW', LATE, 'CREATE VIEW RECENT AS SELECT * FROM SCRATCH'),
      ],
      checkpoints: [baseline([ORDERS])],
    },
  },
  'restore-table': {
    target: restore('[ORDERS, CUSTOMERS]'),
    observed: {
      objects: [],
      dropped: [{ ...dropped(ORDERS), restorableUntil: '2026-11-28T10:00:00.000Z' }, dropped(obj('CUSTOMERS'))],
      checkpoints: [baseline([ORDERS, obj('CUSTOMERS')])],
    },
  },
  'recreate-view': {
    target: restore(`['"Open Orders"']`),
    observed: { objects: [ORDERS], checkpoints: [baseline([ORDERS, OPEN_ORDERS])] },
  },
  'restore-content': {
    target: RESET,
    observed: {
      objects: [weighed(ORDERS_CHANGED, 1_250_000, 48_213_000)],
      checkpoints: [baseline([weighed(ORDERS_AT, 1_200_000, 46_100_000)])],
    },
  },
  'record-action': { target: CLEANUP, observed: { objects: [ORDERS], checkpoints: [baseline([ORDERS])] } },
};

/**
 * Scenarios whose plans show how weights read: on the embedded warehouse (estimated row counts,
 * no bytes), with a table of unknown size among known ones, and a missing table brought back
 * from a kept copy (it writes rows and overwrites none).
 */
export const WEIGHT_SCENARIOS: Record<'embedded' | 'partly-unknown' | 'from-clone', Scenario> = {
  embedded: {
    target: RESET,
    observed: {
      rowCountsEstimated: true,
      objects: [ORDERS_CHANGED, obj('SCRATCH', 'TABLE', LATE), weighed(obj('EVENTS', 'TABLE', LATE), 1_024, null)],
      checkpoints: [baseline([ORDERS_AT])],
    },
  },
  'partly-unknown': {
    target: CLEANUP,
    observed: {
      objects: [ORDERS, weighed(SCRATCH, 5_000, 1_500_000), weighed(obj('EXTERNAL_EVENTS', 'TABLE', LATE), null, null)],
      checkpoints: [baseline([ORDERS])],
    },
  },
  'from-clone': {
    target: RESET,
    observed: {
      objects: [],
      checkpoints: [{ ...baseline([weighed(ORDERS_AT, 1_200_000, 46_100_000)]), keep: 'clone', clone: 'DEMO_CKPT_BASELINE' }],
    },
  },
};

/** A scenario whose plan reports each finding code. */
export const FINDING_SCENARIOS: Record<FindingCode, Scenario> = {
  CHECKPOINT_UNKNOWN: {
    target: '    actions:\n      - id: after-demo\n        cleanup: { since: nope }\n',
    observed: { objects: [ORDERS] },
  },
  AUDIT_LAYOUT_NEWER: { target: CLEANUP, observed: { auditLayout: AUDIT_LAYOUT + 1, objects: [ORDERS] } },
  VIEW_NOT_RECORDED: {
    target: RESET,
    observed: { objects: [ORDERS], checkpoints: [{ ...baseline([ORDERS, { ...OPEN_ORDERS, definition: null }]), origin: 'pipeline' }] },
  },
  CONTENT_NOT_RECORDED: {
    target: RESET,
    observed: { objects: [ORDERS_CHANGED], checkpoints: [{ ...baseline([ORDERS_AT]), origin: 'pipeline' }] },
  },
  CONTENT_UNDER_POLICY: {
    target: RESET,
    observed: {
      objects: [
        {
          ...ORDERS_CHANGED,
          policies: [
            { kind: 'ROW_ACCESS_POLICY', name: ['ANALYTICS', 'GOVERNANCE', 'EU_ONLY'], column: null },
            { kind: 'MASKING_POLICY', name: ['ANALYTICS', 'GOVERNANCE', 'hide email'], column: 'EMAIL' },
          ],
        },
      ],
      checkpoints: [baseline([ORDERS_AT])],
    },
  },
  POLICIES_NOT_READ: {
    target: RESET,
    observed: { objects: [{ ...ORDERS_CHANGED, policies: null }], checkpoints: [baseline([ORDERS_AT])] },
  },
  CHECKPOINT_NOT_TAKEN: {
    target: `    checkpoints:\n      - id: baseline\n    actions:\n      - id: back-to-old\n        reset: { to: old }\n      - id: reset-friday\n        reset: { to: baseline }\n`,
    observed: { objects: [ORDERS_CHANGED], checkpoints: [{ ...baseline([ORDERS_AT]), id: 'old' }] },
  },
  INVENTORY_NOT_READ: {
    target: RESET,
    observed: {
      objects: [ORDERS],
      checkpoints: [
        {
          ...baseline([]),
          objects: null,
          totals: {
            objects: 1,
            tables: 1,
            rows: 3,
            bytes: null,
            rowsUnknown: 0,
            bytesUnknown: 1,
            retentionUnknown: 1,
            minRetentionDays: null,
          },
        },
      ],
    },
  },
  CHECKPOINT_DELETED: { target: RESET, observed: { objects: [ORDERS], checkpoints: [{ ...baseline([ORDERS]), status: 'DELETED' }] } },
  CHECKPOINT_SPEC_CHANGED: {
    target: '    checkpoints:\n      - id: baseline\n        description: before the demo\n        keep: clone\n',
    observed: { objects: [ORDERS], checkpoints: [baseline([ORDERS])] },
  },
  AUDIT_TABLE_LOST: { target: CLEANUP, observed: { auditTableExists: false, journalHasRuns: true, objects: [ORDERS] } },
  GUARD_UNFINISHED: {
    target: CLEANUP,
    observed: {
      objects: [ORDERS, SCRATCH],
      checkpoints: [baseline([ORDERS])],
      unfinishedGuards: [
        {
          checkpointId: 'GUARD_2026_11_27_09_00_00',
          command: 'dbt run --target prod',
          startedAt: '2026-11-27T09:00:00.000Z',
          onFailure: 'reset',
          commandEnded: null,
        },
      ],
    },
  },
  NOT_RESTORABLE: {
    target: RESET,
    observed: { now: '2026-11-29T12:00:00.000Z', objects: [ORDERS_CHANGED], checkpoints: [baseline([ORDERS_AT])] },
  },
  OBJECT_NOT_IN_CHECKPOINT: { target: restore('[NOPE]'), observed: { objects: [ORDERS], checkpoints: [baseline([ORDERS])] } },
  RECREATED_NOT_REPLACED: {
    target: restore('[ORDERS]'),
    observed: { objects: [obj('ORDERS', 'TABLE', LATE)], dropped: [dropped(ORDERS)], checkpoints: [baseline([ORDERS])] },
  },
  KIND_CHANGED_NOT_REPLACED: {
    target: restore('[ORDERS]'),
    observed: {
      objects: [obj('ORDERS', 'VIEW', LATE, 'CREATE VIEW ORDERS AS SELECT 1 AS ID')],
      dropped: [dropped(ORDERS)],
      checkpoints: [baseline([ORDERS])],
    },
  },
  PROTECTED_KEPT: {
    target: `    protect: ["REF_*"]\n${CLEANUP}`,
    observed: { objects: [ORDERS, obj('REF_COUNTRIES', 'TABLE', LATE)], checkpoints: [baseline([ORDERS])] },
  },
  TOO_MANY_DROPS: {
    target: `    max_drop: 2\n${CLEANUP}`,
    observed: {
      objects: [ORDERS, SCRATCH, obj('SCRATCH_2', 'TABLE', LATE), obj('SCRATCH_3', 'TABLE', LATE)],
      checkpoints: [baseline([ORDERS])],
    },
  },
  TOO_MUCH_DATA: {
    target: `    max_drop_rows: 15\n${CLEANUP}`,
    observed: { objects: [ORDERS, SCRATCH, obj('SCRATCH_2', 'TABLE', LATE)], checkpoints: [baseline([ORDERS])] },
  },
  ACTION_SPEC_CHANGED: {
    target: CLEANUP,
    observed: { objects: [ORDERS, SCRATCH], checkpoints: [baseline([ORDERS])], actions: [recorded('after-demo', 'an older spec')] },
  },
  OBJECT_NOT_MANAGED: {
    target: CLEANUP,
    observed: {
      objects: [ORDERS],
      unmanaged: [
        { name: 'ORDERS_DAILY', kind: 'dynamic table' },
        { name: 'ORDERS_HOURLY', kind: 'dynamic table' },
        { name: 'TOTALS', kind: 'materialized view' },
      ],
      checkpoints: [baseline([ORDERS])],
    },
  },
  NOT_OWNED: {
    target: CLEANUP,
    observed: {
      role: 'CKPT_ROLE',
      objects: [ORDERS, { ...SCRATCH, ownership: { owner: 'LOADER', owned: false } }],
      checkpoints: [baseline([ORDERS])],
    },
  },
  ACTION_FAILED_BEFORE: {
    target: CLEANUP,
    observed: (target) => ({
      objects: [ORDERS, SCRATCH],
      checkpoints: [baseline([ORDERS])],
      actions: [
        { ...recorded('after-demo', specHash(target, 'after-demo'), 'FAILED'), error: 'drop-object SCRATCH: insufficient privileges' },
      ],
    }),
  },
};

/**
 * One plan of many steps and findings: a restore that leaves a re-created table, a cleanup that
 * keeps a protected table, a reset that reverts content, a checkpoint to take,
 * and an action on an unknown checkpoint.
 */
export const MIXED: Scenario = {
  target: [
    '    protect: ["REF_*"]',
    '    checkpoints:',
    '      - id: baseline',
    '        description: before the demo',
    '      - id: friday',
    '        description: end of the week',
    '    actions:',
    '      - id: bring-back-orders',
    '        restore: { from: baseline }',
    '      - id: after-demo',
    '        cleanup: { since: baseline }',
    '      - id: reset-friday',
    '        reset: { to: baseline }',
    '      - id: from-nowhere',
    '        cleanup: { since: nope }',
    '',
  ].join('\n'),
  observed: {
    objects: [ORDERS_CHANGED, obj('ITEMS', 'TABLE', LATE), SCRATCH, obj('REF_COUNTRIES', 'TABLE', LATE)],
    dropped: [dropped(obj('CUSTOMERS')), dropped(obj('ITEMS'))],
    checkpoints: [baseline([ORDERS_AT, obj('CUSTOMERS'), obj('ITEMS'), OPEN_ORDERS])],
  },
};

/** A cleanup applied before, on a schema that has not changed since: nothing to do. */
export const NO_CHANGES: Scenario = {
  target: CLEANUP,
  observed: (target) => ({
    objects: [ORDERS],
    checkpoints: [baseline([ORDERS])],
    actions: [recorded('after-demo', specHash(target, 'after-demo'))],
  }),
};

/** A reset that drops five newcomers (X1 to X5) and brings two tables back, and a checkpoint to take. */
export const FIVE_DROPS_TWO_RESTORES: Scenario = {
  target: [
    '    checkpoints:',
    '      - id: baseline',
    '        description: before the demo',
    '      - id: friday',
    '    actions:',
    '      - id: reset-friday',
    '        reset: { to: baseline }',
    '',
  ].join('\n'),
  observed: {
    objects: [ORDERS, ...[1, 2, 3, 4, 5].map((i) => obj(`X${i}`, 'TABLE', LATE))],
    dropped: [dropped(obj('T1')), dropped(obj('T2'))],
    checkpoints: [baseline([ORDERS, obj('T1'), obj('T2')])],
  },
};

/**
 * `ckpt guard`'s pure parts: what of a command line is recorded (secrets redacted), how a guard's
 * journal entries read back (history and unfinished guards), the exit code for a command's end,
 * and which guard checkpoints `--retain` expires.
 */
import { describe, expect, it } from 'vitest';
import { commandExitCode } from '../../src/cli/guard-child.js';
import { guardEntry, summariseGuards, unfinishedGuards } from '../../src/engine/guards.js';
import { summariseRuns } from '../../src/engine/runs.js';
import { redactArgv, redactedCommandLine } from '../../src/model/guard.js';
import type { Observed, RecordedCheckpoint } from '../../src/model/observed.js';
import { planGuardExpiry } from '../../src/plan/guard.js';
import type { JournalEntry } from '../../src/warehouse/lease-sql.js';
import { target } from '../support/desired.js';

describe('the recorded command line', () => {
  it('redacts the values of secret-looking options, NAME=value assignments and URL passwords; keeps the rest', () => {
    expect(
      redactArgv([
        'deploy',
        '--password=hunter2',
        '--db-password',
        's3cret',
        '--api_token=abc',
        'SNOWFLAKE_PASSWORD=x',
        'postgres://me:pw@db.example.com/app',
        '--target',
        'prod',
        '-p',
        '8080',
      ]),
    ).toEqual([
      'deploy',
      '--password=***',
      '--db-password',
      '***',
      '--api_token=***',
      'SNOWFLAKE_PASSWORD=***',
      'postgres://me:***@db.example.com/app',
      '--target',
      'prod',
      '-p',
      '8080',
    ]);
  });

  it('quotes arguments a shell would split', () => {
    expect(redactedCommandLine(['snow', 'sql', '-q', "SELECT 'a b'", '--token', 't'])).toBe(
      `snow sql -q 'SELECT '\\''a b'\\''' --token '***'`,
    );
  });
});

const at = (entry: JournalEntry, time: string) => ({ ...entry, at: time });

describe("a guard's journal", () => {
  const started = at(guardEntry('G1', 'guard-started', { command: 'dbt build', onFailure: 'reset' }), '2026-11-27T09:00:00.000Z');
  const ended = at(guardEntry('G1', 'guard-command-ended', { exitCode: 2, signal: null, timedOut: false }), '2026-11-27T09:05:00.000Z');
  const finished = at(
    guardEntry('G1', 'guard-finished', { undo: 'applied', undoAction: 'G1_UNDO', stepsUndone: 3 }),
    '2026-11-27T09:06:00.000Z',
  );

  it('reads back as the guard history shows it, and is no run of its own', () => {
    expect(summariseGuards([started, ended, finished])).toEqual([
      {
        checkpointId: 'G1',
        command: 'dbt build',
        startedAt: started.at,
        endedAt: finished.at,
        outcome: 'failed',
        exitCode: 2,
        signal: null,
        undo: 'applied',
        undoAction: 'G1_UNDO',
        stepsUndone: 3,
      },
    ]);
    expect(summariseRuns([started, ended, finished])).toEqual([]);
  });

  it('a guard without its end is unfinished (with the command end when recorded); one resumed after a kill reads as interrupted', () => {
    expect(unfinishedGuards([started])).toEqual([
      { checkpointId: 'G1', command: 'dbt build', startedAt: started.at, onFailure: 'reset', commandEnded: null },
    ]);
    expect(unfinishedGuards([started, ended])[0]?.commandEnded).toEqual({ exitCode: 2, signal: null, timedOut: false });
    expect(unfinishedGuards([started, ended, finished])).toEqual([]);
    expect(summariseGuards([started])[0]?.outcome).toBe('unfinished');
    expect(summariseGuards([started, finished])[0]?.outcome).toBe('interrupted');
  });
});

describe("the guard's exit code", () => {
  it("is the command's, 128 + n for signal n, 124 for the timeout", () => {
    expect(commandExitCode({ exitCode: 3, signal: null, timedOut: false })).toBe(3);
    expect(commandExitCode({ exitCode: null, signal: 'SIGINT', timedOut: false })).toBe(130);
    expect(commandExitCode({ exitCode: null, signal: 'SIGTERM', timedOut: true })).toBe(124);
  });
});

describe('--retain', () => {
  const cp = (id: string, timestamp: string, type: RecordedCheckpoint['type'], status: RecordedCheckpoint['status'] = 'ACTIVE') =>
    ({ id, timestamp, type, status, description: '', objects: [], keep: 'inventory', clone: null, origin: 'ckpt' }) as RecordedCheckpoint;
  it('expires the guard checkpoints beyond the newest N, never another type, an expired one, or one kept', () => {
    const obs = {
      checkpoints: [
        cp('G1', '2026-11-27T09:00:00.000Z', 'GUARD'),
        cp('G2', '2026-11-27T10:00:00.000Z', 'GUARD'),
        cp('G3', '2026-11-27T11:00:00.000Z', 'GUARD'),
        cp('G0', '2026-11-27T08:00:00.000Z', 'GUARD', 'DELETED'),
        cp('baseline', '2026-11-27T07:00:00.000Z', 'MANUAL'),
      ],
    } as unknown as Observed;
    const t = target();
    expect(planGuardExpiry(t, obs, 1, new Set()).map((s) => s.kind === 'expire-checkpoint' && s.checkpointId)).toEqual(['G2', 'G1']);
    expect(planGuardExpiry(t, obs, 1, new Set(['G1'])).map((s) => s.kind === 'expire-checkpoint' && s.checkpointId)).toEqual(['G2']);
  });
});

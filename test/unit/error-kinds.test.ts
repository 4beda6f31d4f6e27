/**
 * The error kinds table: which codes are terminal (not retried with backoff) and which transient,
 * the exit code of each, the default hint, and the daemon's condition reason derived from a code.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { failureReason } from '../../src/daemon/status.js';
import { asCkptError, CkptError, ERROR_KINDS, isTerminal, kindOf, type ErrorCode } from '../../src/model/errors.js';
import { HINTS } from '../../src/model/hints.js';
import { mapSnowflakeError } from '../../src/warehouse/snowflake/snowflake-errors.js';

const codes = Object.keys(ERROR_KINDS) as ErrorCode[];

describe('ERROR_KINDS', () => {
  it('classifies credentials, privileges, config, blocked plans and deterministic SQL as terminal; network and locks as transient', () => {
    const terminal = codes.filter((c) => kindOf(c).retry === 'terminal');
    expect(terminal).toEqual(
      expect.arrayContaining([
        'AUTH_FAILED',
        'NOT_AUTHORIZED',
        'CONFIG_INVALID',
        'CONFIG_NOT_FOUND',
        'TARGET_UNKNOWN',
        'CONNECTION_UNKNOWN',
        'PLAN_BLOCKED',
        'SQL_FAILED',
        'CONSTRAINT_VIOLATED',
        'STEP_FAILED',
      ]),
    );
    expect(codes.filter((c) => kindOf(c).retry === 'transient').sort()).toEqual([
      'INTERNAL',
      'LEASE_HELD',
      'PLAN_STALE',
      'RECONCILE_CRASHED',
      'STATEMENT_RUNNING',
      'WAREHOUSE_LOCKED',
      'WAREHOUSE_UNREACHABLE',
    ]);
  });

  it('gives the exit codes the CLI always had: 3 refused, 130 cancelled, 1 otherwise', () => {
    const exiting = (n: number) => codes.filter((c) => exitCodeOf(c) === n).sort();
    expect(exiting(3)).toEqual(['CONSENT_REQUIRED', 'LEASE_HELD', 'PLAN_STALE']);
    expect(exiting(130)).toEqual(['CANCELLED']);
    expect(exiting(1)).toHaveLength(codes.length - 4);
  });

  it('tells terminal errors from the rest; anything not a CkptError is INTERNAL, retried, with the bug hint', () => {
    expect(isTerminal(new CkptError('AUTH_FAILED', 'wrong password'))).toBe(true);
    expect(isTerminal(new CkptError('WAREHOUSE_UNREACHABLE', 'connection reset'))).toBe(false);
    expect(isTerminal(new Error('surprise'))).toBe(false);
    const wrapped = asCkptError(new Error('surprise'));
    expect(wrapped).toMatchObject({ code: 'INTERNAL', message: 'surprise', hint: HINTS.bug });
    expect(new CkptError('INTERNAL', 'plan names unknown target x').hint).toBe(HINTS.bug);
    expect(new CkptError('INTERNAL', 'x', { hint: 'mine' }).hint).toBe('mine');
    expect(new CkptError('SQL_FAILED', 'x').hint).toBeUndefined();
  });

  it('maps Snowflake errors onto the same kinds', () => {
    expect(
      kindOf(mapSnowflakeError({ code: '390100', message: 'Incorrect username or password was specified.' }, 'connecting').code).retry,
    ).toBe('terminal');
    expect(kindOf(mapSnowflakeError({ code: '003001', message: 'Insufficient privileges' }, 'drop').code).retry).toBe('terminal');
    expect(
      mapSnowflakeError({ code: '390189', message: "Role 'X' specified in the connect string does not exist" }, 'connecting'),
    ).toMatchObject({
      code: 'AUTH_FAILED',
      hint: expect.stringContaining('role'),
    });
    expect(
      kindOf(mapSnowflakeError({ name: 'NetworkError', message: 'socket hang up', response: { status: 503 } }, 'query').code).retry,
    ).toBe('transient');
  });

  it('names a failure by its code in the daemon condition', () => {
    expect(['AUTH_FAILED', 'STEP_FAILED', 'WAREHOUSE_UNREACHABLE', 'INTERNAL'].map((c) => failureReason(c as ErrorCode))).toEqual([
      'AuthFailed',
      'StepFailed',
      'WarehouseUnreachable',
      'Internal',
    ]);
  });
});

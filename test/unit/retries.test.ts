/**
 * ckpt's own retry of transient Snowflake failures (on top of the driver's): a reset connection,
 * a 5xx or 429 answer is retried with the default limits until it succeeds; a SQL error is never
 * retried; the last failure after the retries is the caller's; a statement that is not idempotent
 * is retried only when its check says it did not take effect, and not at all without one. Tested
 * on `withRetries` itself, since the driver's own retries hide ckpt's layer from a server-level
 * test (test/contract/snowflake-lost-answers.test.ts covers it through the real driver).
 */
import { describe, expect, it } from 'vitest';
import { withRetries } from '../../src/warehouse/snowflake/snowflake-driver.js';
import { DEFAULT_LIMITS } from '../../src/warehouse/snowflake/snowflake-warehouse.js';

/** An attempt that fails with `failures` in turn, then answers 'ok'; counts its calls. */
function flaky(failures: unknown[]) {
  const calls = { n: 0 };
  const attempt = async () => {
    const failure = failures[calls.n];
    calls.n += 1;
    if (failure !== undefined) throw failure;
    return 'ok';
  };
  return { attempt, calls };
}

const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const unavailable = Object.assign(new Error('503'), { response: { status: 503 } });
const throttled = Object.assign(new Error('429'), { response: { status: 429 } });
const sqlError = Object.assign(new Error("SQL compilation error: Object 'T' does not exist"), { code: '002003' });
const fail = (error: unknown) => new Error(`failed: ${(error as Error).message}`);
const quick = { ...DEFAULT_LIMITS, backoffMs: 1 };
const idempotent = { idempotent: true };

describe("ckpt's retries of transient failures", () => {
  it('the default limits retry three times: a reset, a 503 and a 429 in a row, then success', async () => {
    expect(DEFAULT_LIMITS.retries).toBeGreaterThanOrEqual(3);
    const { attempt, calls } = flaky([reset, unavailable, throttled]);
    await expect(withRetries(attempt, quick, fail, idempotent)).resolves.toBe('ok');
    expect(calls.n).toBe(4);
  });

  it('a SQL error is not retried', async () => {
    const { attempt, calls } = flaky([sqlError]);
    await expect(withRetries(attempt, quick, fail, idempotent)).rejects.toThrow("failed: SQL compilation error: Object 'T' does not exist");
    expect(calls.n).toBe(1);
  });

  it('after the last retry the failure reaches the caller', async () => {
    const { attempt, calls } = flaky([reset, reset, reset, reset, reset]);
    await expect(withRetries(attempt, { retries: 2, backoffMs: 1 }, fail, idempotent)).rejects.toThrow('failed: socket hang up');
    expect(calls.n).toBe(3);
  });

  it('a statement that is not idempotent and has no check is not sent again', async () => {
    const { attempt, calls } = flaky([reset]);
    await expect(withRetries(attempt, quick, fail, { idempotent: false })).rejects.toThrow('failed: socket hang up');
    expect(calls.n).toBe(1);
  });

  it('one whose check says it took effect is not sent again: the check answers for it', async () => {
    const { attempt, calls } = flaky([unavailable]);
    const checks = { n: 0 };
    const ranAlready = async () => {
      checks.n += 1;
      return 'already';
    };
    await expect(withRetries(attempt, quick, fail, { idempotent: false, ranAlready })).resolves.toBe('already');
    expect([calls.n, checks.n]).toEqual([1, 1]);
  });

  it('one whose check says it did not take effect is sent again; a check that fails ends with the first failure', async () => {
    const { attempt, calls } = flaky([reset]);
    await expect(withRetries(attempt, quick, fail, { idempotent: false, ranAlready: async () => null })).resolves.toBe('ok');
    expect(calls.n).toBe(2);
    const broken = flaky([throttled]);
    const failing = async () => Promise.reject(new Error('check failed'));
    await expect(withRetries(broken.attempt, quick, fail, { idempotent: false, ranAlready: failing })).rejects.toThrow('failed: 429');
    expect(broken.calls.n).toBe(1);
  });
});

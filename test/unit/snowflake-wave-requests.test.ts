/**
 * How a Snowflake wave is cut into requests (snowflake-wave.ts requestsOf): spread evenly over
 * the requests in flight, at most the statements a request may hold and about half a megabyte of
 * SQL, a step's statements never split between two requests, in the steps' order.
 */
import { describe, expect, it } from 'vitest';
import { requestsOf } from '../../src/warehouse/snowflake/snowflake-wave.js';

const steps = (count: number, statements = 1, length = 40) =>
  Array.from({ length: count }, (_, i) => ({ id: i, statements: Array.from({ length: statements }, () => 'x'.repeat(length)) }));
const sizes = (requests: Array<Array<{ statements: string[] }>>) => requests.map((r) => r.reduce((n, s) => n + s.statements.length, 0));

describe('requestsOf', () => {
  it('spreads a wave evenly over the requests in flight', () => {
    expect(sizes(requestsOf(steps(800), 8, 100))).toEqual(Array.from({ length: 8 }, () => 100));
    expect(sizes(requestsOf(steps(200), 8, 100))).toEqual(Array.from({ length: 8 }, () => 25));
    expect(sizes(requestsOf(steps(3), 8, 100))).toEqual([1, 1, 1]);
  });

  it('puts at most the statements a request may hold, in order', () => {
    const requests = requestsOf(steps(1000), 8, 100);
    expect(sizes(requests)).toEqual(Array.from({ length: 10 }, () => 100));
    expect(requests.flat().map((s) => s.id)).toEqual(steps(1000).map((s) => s.id));
    expect(sizes(requestsOf(steps(30), 8, 3))).toEqual(Array.from({ length: 10 }, () => 3));
  });

  it('never splits a step, and starts a new request before half a megabyte of SQL', () => {
    expect(sizes(requestsOf(steps(5, 3), 1, 4))).toEqual([3, 3, 3, 3, 3]);
    expect(sizes(requestsOf(steps(4, 2), 2, 100))).toEqual([4, 4]);
    const big = requestsOf(steps(100, 1, 10_000), 1, 1000);
    expect(big.length).toBeGreaterThan(1);
    for (const request of big) expect(request.reduce((n, s) => n + s.statements.join(';\n').length, 0)).toBeLessThanOrEqual(512 * 1024);
  });
});

/**
 * The tests StrykerJS runs against each mutant (`npm run mutate`, stryker.config.mjs): the unit
 * tests, in process (the safety rules are pure functions or take a fake warehouse there).
 * End-to-end tests spawn the built CLI, which a mutant in Stryker's sandbox does not reach, and
 * the contract suites open real warehouses per test: they would add minutes per mutant.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

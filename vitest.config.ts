import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most end-to-end time is spent waiting on child processes and sockets: two files at once
    // keep both cores busy.
    maxWorkers: 2,
    minWorkers: 1,
  },
});

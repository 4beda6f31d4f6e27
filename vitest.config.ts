import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.js';

export default defineConfig({
  test: {
    // The budget of one test: end-to-end tests run the built CLI many times, which on a busy
    // 2-core machine takes several times as long as on an idle one. Tests wait on events, never on
    // fixed sleeps; these limits only catch a hang. The whole suite takes about 10 minutes here on an
    // idle machine, 16–18 with both cores busy with other work (README, "The suite's budget").
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most end-to-end time is spent waiting on child processes and sockets: two files at once
    // keep both cores busy.
    maxWorkers: 2,
    minWorkers: 1,
    // The slowest files start first, so the two workers end together (slow-first-sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'ckpt',
          include: ['test/**/*.test.ts'],
          exclude: ['test/snowflake-server/**'],
          // Builds the product (dist/), so end-to-end tests spawn the CLI as built.
          globalSetup: ['test/support/build.ts'],
        },
      },
      // The Snowflake test server is its own package, with its own config and build.
      'test/snowflake-server',
    ],
  },
});

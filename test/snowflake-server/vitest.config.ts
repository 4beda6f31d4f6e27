import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'snowflake-server',
    include: ['test/**/*.test.ts'],
    // Builds the server (dist/), so the start-up test spawns dist/main.js as `npm start` runs it.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

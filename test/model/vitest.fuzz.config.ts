import { defineConfig } from 'vitest/config';

/** `npm run fuzz`: only the fuzz file, no build step, output shown. */
export default defineConfig({
  test: {
    include: ['test/model/**/*.fuzz.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    minWorkers: 1,
    silent: false,
  },
});

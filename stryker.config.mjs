// @ts-check
/**
 * Mutation testing of the safety-critical modules (`npm run mutate`): StrykerJS changes one
 * operator, condition or literal at a time in the planner, apply, protection, leases, saved
 * plans, consent, the config rules (one schema per target across connections too) and the
 * daemon's settle guard, and runs the tests that cover it
 * (test/mutation/vitest.config.ts). A mutant no test notices is a rule no test holds.
 *
 * Incremental: results are kept in test/mutation/stryker-incremental.json (committed), so a later run only
 * tests mutants in code or tests that changed (`npm run mutate -- --force` retests all). The report
 * is reports/mutation/index.html (and mutation.json); mutants judged equivalent are listed with
 * their reason in docs/mutation-testing.md. `npm run mutate -- --mutate src/plan/diff.ts` narrows a run.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    'src/plan/**/*.ts',
    'src/apply/**/*.ts',
    'src/model/protect.ts',
    'src/warehouse/lease-store.ts',
    'src/cli/saved-plan.ts',
    'src/engine/fingerprint.ts',
    'src/cli/consent.ts',
    'src/config/rules.ts',
    'src/config/schemas-apart.ts',
    'src/daemon/settle.ts',
  ],
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.ts', related: false },
  checkers: ['typescript'],
  // Vitest strips types without checking them, so the sandbox needs no `// @ts-nocheck` headers;
  // Stryker's default adds them to every file, and the generated validators would then differ
  // from what their generator writes (test/unit/generated-validators.test.ts fails the dry run).
  disableTypeChecks: false,
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: 85 },
  ignorePatterns: ['dist', 'dist-bench', 'coverage', 'reports', '.ckpt', 'test/snowflake-server/dist', 'bench/results.json'],
  timeoutMS: 60_000,
  tempDirName: '.stryker-tmp',
};

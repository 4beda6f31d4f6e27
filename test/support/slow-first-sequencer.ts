/**
 * The order test files start in: the slowest files (SLOW_FILES, measured on CI's 2-core machine)
 * first, so that the two workers finish together instead of one running a long file alone at the
 * end; then the rest in vitest's own order (longest last run first when its results cache has
 * them, else larger files first). A fresh clone (CI) has no results cache, and by size alone the
 * crash suites (a few lines each, minutes to run) would start last.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test files that take a minute or more on CI, slowest first (per-file durations of a full run;
 * reorder when they change a lot: a file missing here only starts later).
 */
export const SLOW_FILES = [
  'test/e2e/guard.test.ts',
  'test/e2e/crash-snowflake.test.ts',
  'test/model/model.test.ts',
  'test/e2e/workflow.test.ts',
  'test/e2e/daemon.test.ts',
  'test/e2e/safety.test.ts',
  'test/e2e/plan-weights.test.ts',
  'test/e2e/crash-local.test.ts',
  'test/e2e/weight-guard.test.ts',
  'test/e2e/bad-input.test.ts',
  'test/e2e/secrets.test.ts',
  'test/e2e/saved-plan.test.ts',
];

/** Vitest's order, with SLOW_FILES moved to the front in their order. */
export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = SLOW_FILES.indexOf(relative(this.ctx.config.root, spec.moduleId).split('\\').join('/'));
      return i < 0 ? SLOW_FILES.length : i;
    };
    return base
      .map((spec, at) => ({ spec, at, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.at - b.at)
      .map((x) => x.spec);
  }
}

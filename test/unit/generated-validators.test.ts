// The validators compiled ahead of time (src/generated/, scripts/generate-validators.mjs) are what
// ajv compiles from today's schemas: a schema edited without regenerating them fails here, not in
// a user's hands.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the generated schema validators', () => {
  it('match the schemas they are generated from', () => {
    const check = spawnSync(process.execPath, ['scripts/generate-validators.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

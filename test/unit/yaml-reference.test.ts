/**
 * README's `checkpoints.yaml` reference is generated from schemas/checkpoints.schema.json: this
 * test fails when the block between the yaml-reference markers differs from the rendering.
 * Regenerate it after changing the schema:
 *
 *   UPDATE_README=1 npx vitest run test/unit/yaml-reference.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_END, REFERENCE_START, withYamlReference, yamlReference } from '../../src/config/yaml-reference.js';

const schema = JSON.parse(readFileSync('schemas/checkpoints.schema.json', 'utf8')) as { [key: string]: unknown };

describe('README.md YAML reference', () => {
  it('is the rendering of schemas/checkpoints.schema.json', () => {
    const readme = readFileSync('README.md', 'utf8');
    const updated = withYamlReference(readme, schema);
    expect(updated, `README.md needs the markers ${REFERENCE_START} and ${REFERENCE_END}`).not.toBeNull();
    if (process.env.UPDATE_README === '1' && updated !== null && updated !== readme) writeFileSync('README.md', updated);
    const block = readme.slice(readme.indexOf(REFERENCE_START), readme.indexOf(REFERENCE_END) + REFERENCE_END.length);
    expect(block, "README.md's YAML reference is out of date; run: UPDATE_README=1 npx vitest run test/unit/yaml-reference.test.ts").toBe(
      process.env.UPDATE_README === '1' ? block : yamlReference(schema),
    );
  });

  it('has a row for every property of the schema', () => {
    const text = yamlReference(schema);
    for (const key of [
      '`version`',
      '`targets[].schema`',
      '`targets[].checkpoints[].keep`',
      '`targets[].actions[].restore.objects`',
      '`targets[].schedules[].retain`',
    ]) {
      expect(text).toContain(`| ${key} |`);
    }
    expect(text).toContain('| `targets[].max_drop` | integer | `500` |');
  });
});

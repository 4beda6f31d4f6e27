import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Json = { [key: string]: unknown };

const schema = JSON.parse(readFileSync('schemas/checkpoints.schema.json', 'utf8')) as Json;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every property schema, as [JSON pointer in the schema, schema], found by walking the whole schema. */
function properties(node: unknown, at = '#'): [string, Json][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => properties(n, `${at}/${i}`));
  if (!isObject(node)) return [];
  const own = isObject(node['properties'])
    ? Object.entries(node['properties']).flatMap(([k, v]): [string, Json][] => (isObject(v) ? [[`${at}/properties/${k}`, v]] : []))
    : [];
  // A list's item schema counts as a property unless it is a bare reference to a titled definition.
  const item = node['items'];
  const items: [string, Json][] = isObject(item) && Object.keys(item).some((k) => k !== '$ref') ? [[`${at}/items`, item]] : [];
  const nested = Object.entries(node).flatMap(([k, v]) => properties(v, `${at}/${k}`));
  return [...own, ...items, ...nested];
}

/** Every object schema that declares properties, outside oneOf branches (which only pick a kind). */
function objectSchemas(node: unknown, at = '#'): [string, Json][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => objectSchemas(n, `${at}/${i}`));
  if (!isObject(node)) return [];
  const own: [string, Json][] = node['type'] === 'object' ? [[at, node]] : [];
  return [
    ...own,
    ...Object.entries(node)
      .filter(([k]) => k !== 'oneOf')
      .flatMap(([k, v]) => objectSchemas(v, `${at}/${k}`)),
  ];
}

describe('schemas/checkpoints.schema.json', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addSchema(schema);
  const id = String(schema['$id']);

  it('is a strict-valid draft 2020-12 schema with an id and a title', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toMatch(/^https:\/\//);
    expect(schema['title']).toEqual(expect.any(String));
    expect(ajv.getSchema(id)).toBeDefined();
  });

  const all = properties(schema);
  it('has properties to check', () => {
    expect(all.length).toBeGreaterThan(30);
  });

  it.each(all)('%s has a description and examples, and its examples are valid', (at, property) => {
    expect(property['description'], at).toEqual(expect.stringMatching(/\S/));
    expect(property['examples'], at).toEqual(expect.arrayContaining([expect.anything()]));
    const check = ajv.getSchema(`${id}${at}`);
    expect(check, at).toBeDefined();
    for (const example of property['examples'] as unknown[]) {
      expect(check?.(example), `${at}: ${JSON.stringify(example)}`).toBe(true);
    }
  });

  it.each(objectSchemas(schema))('%s refuses unknown keys', (_, node) => {
    expect(node['additionalProperties']).toBe(false);
  });

  it('accepts the documented example file', () => {
    const example: unknown = parse(readFileSync('test/fixtures/config/valid/example.yaml', 'utf8'));
    const validate = ajv.getSchema(id);
    expect(validate?.(example), JSON.stringify(validate?.errors)).toBe(true);
  });
});

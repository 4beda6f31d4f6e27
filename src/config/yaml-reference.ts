/**
 * The `checkpoints.yaml` reference in README.md, generated from schemas/checkpoints.schema.json
 * so that the two never drift: one table row per property (its path, type, default and
 * description), written between `<!-- yaml-reference:start -->` and `<!-- yaml-reference:end -->`.
 * Pure; test/unit/yaml-reference.test.ts fails when README's block differs and regenerates it
 * with UPDATE_README=1.
 */

type Json = { [key: string]: unknown };

/** The markers around the generated block in README.md. */
export const REFERENCE_START = '<!-- yaml-reference:start -->';
export const REFERENCE_END = '<!-- yaml-reference:end -->';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Short names of the shared definitions that are not objects. */
const REF_TYPES: Record<string, string> = { '#/$defs/id': 'id', '#/$defs/identifier': 'name' };

function resolve(schema: Json, node: Json): Json {
  const ref = node['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), schema);
  // The property's own keywords (description, examples, default) win over the definition's.
  return isObject(target)
    ? { ...resolve(schema, target), ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) }
    : node;
}

const code = (text: string) => `\`${text}\``;
const flow = (value: unknown): string =>
  value === ''
    ? '""'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value)
          .replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1: ')
          .replace(/,/g, ', ');

function typeOf(schema: Json, raw: Json): string {
  const ref = raw['$ref'];
  if (typeof ref === 'string' && REF_TYPES[ref] !== undefined) return REF_TYPES[ref];
  const node = resolve(schema, raw);
  if (Array.isArray(node['enum'])) return node['enum'].map((v) => code(String(v))).join(' \\| ');
  if (node['const'] !== undefined) return code(String(node['const']));
  if (node['type'] === 'array' && isObject(node['items'])) {
    const items = node['items'];
    const title = resolve(schema, items)['title'];
    const inner = typeof title === 'string' ? title : typeOf(schema, items);
    return `list of ${/^\w+$/.test(inner) ? `${inner}s` : inner}`;
  }
  if (node['type'] === 'object') return 'mapping';
  return typeof node['type'] === 'string' ? node['type'] : 'any';
}

/** Text for a table cell: one line, pipes escaped; outside code spans, `<` and `*` too (no HTML, no emphasis). */
function cell(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/\*/g, '\\*')))
    .join('`')
    .replace(/\|/g, '\\|');
}

/** One row per property, depth first, in the schema's order. */
function rows(schema: Json, node: Json, prefix: string, out: string[]): void {
  const properties = node['properties'];
  if (!isObject(properties)) return;
  const required = new Set(Array.isArray(node['required']) ? (node['required'] as string[]) : []);
  for (const [key, value] of Object.entries(properties)) {
    if (!isObject(value)) continue;
    const resolved = resolve(schema, value);
    const path = `${prefix}${key}`;
    const fallback = resolved['default'] !== undefined ? code(flow(resolved['default'])) : required.has(key) ? 'required' : '';
    const examples = Array.isArray(resolved['examples']) ? resolved['examples'] : [];
    const scalar = examples.filter((e) => !isObject(e) && !(Array.isArray(e) && e.some(isObject)));
    const example =
      scalar.length > 0
        ? ` e.g. ${scalar
            .slice(0, 2)
            .map((e) => code(flow(e)))
            .join(', ')}`
        : '';
    const description = typeof resolved['description'] === 'string' ? resolved['description'] : '';
    out.push(`| ${code(path)} | ${typeOf(schema, value)} | ${fallback} | ${cell(description)}${cell(example)} |`);
    if (resolved['type'] === 'object') rows(schema, resolved, `${path}.`, out);
    if (resolved['type'] === 'array' && isObject(resolved['items'])) rows(schema, resolve(schema, resolved['items']), `${path}[].`, out);
  }
}

/** The Markdown block (markers included) for a config schema. */
export function yamlReference(schema: Json): string {
  const out = [
    REFERENCE_START,
    '<!-- generated from schemas/checkpoints.schema.json; regenerate: UPDATE_README=1 npx vitest run test/unit/yaml-reference.test.ts -->',
    '',
    '| key | type | default | meaning |',
    '|---|---|---|---|',
  ];
  rows(schema, schema, '', out);
  out.push('', REFERENCE_END);
  return out.join('\n');
}

/** README text with its generated block replaced; null when the markers are missing. */
export function withYamlReference(readme: string, schema: Json): string | null {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return null;
  return readme.slice(0, start) + yamlReference(schema) + readme.slice(end + REFERENCE_END.length);
}

/**
 * The checkpoints.yaml of a benchmark scenario, written as YAML text and loaded through ckpt's
 * own loader, so scenarios run on exactly what a user's file becomes. Builds config only; never
 * opens a warehouse.
 */
import { loadConfigText } from '../src/config/load.js';
import type { Desired } from '../src/model/desired.js';

/** A target of a benchmark config. */
export interface BenchTarget {
  name: string;
  database?: string;
  schema: string;
  checkpoints?: string[];
  /** Actions as YAML flow mappings, e.g. `{ id: wipe, cleanup: { since: baseline }, allow_large: true }`. */
  actions?: string[];
}

/** Loads a config with `targets` on `connection`; `file` is where it claims to live (the embedded warehouse sits next to it). */
export function benchDesired(file: string, connection: string, targets: BenchTarget[]): Desired {
  const text = [
    'version: 1',
    `connection: ${connection}`,
    'targets:',
    ...targets.flatMap((t) => [
      `  - name: ${t.name}`,
      ...(t.database === undefined ? [] : [`    database: ${t.database}`]),
      `    schema: ${t.schema}`,
      '    max_drop: 1000000',
      `    checkpoints: [${(t.checkpoints ?? []).map((id) => `{ id: ${id} }`).join(', ')}]`,
      `    actions: [${(t.actions ?? []).join(', ')}]`,
    ]),
    '',
  ].join('\n');
  const loaded = loadConfigText(text, file);
  if (!loaded.ok) throw new Error(`bench config rejected:\n${loaded.diagnostics.map((d) => d.message).join('\n')}\n${text}`);
  return loaded.desired;
}

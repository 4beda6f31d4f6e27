/**
 * What `ckpt --version` names: ckpt, Node.js, DuckDB (the embedded warehouse, through
 * @duckdb/node-api) and snowflake-sdk. The drivers' versions come from their package.json files,
 * found where Node would load them from but without loading them: the native DuckDB library alone
 * takes a second to load, and --version stays instant.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { version } from '../version.js';

/** The versions of ckpt and what it runs on; a driver that cannot be found is null. */
export interface Versions {
  formatVersion: 1;
  ckpt: string;
  /** Node.js, without the `v`. */
  node: string;
  /** DuckDB, the version @duckdb/node-api is built on (it is versioned `<DuckDB version>-<release>`). */
  duckdb: string | null;
  duckdbNodeApi: string | null;
  snowflakeSdk: string | null;
}

/** The version in the package.json of an installed package, or null when it is not installed. */
function packageVersion(name: string): string | null {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    return null;
  }
  for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === name) return manifest.version ?? null;
  }
  return null;
}

/** The versions, read without loading a driver. */
export function versions(): Versions {
  const duckdbNodeApi = packageVersion('@duckdb/node-api');
  return {
    formatVersion: 1,
    ckpt: version,
    node: process.versions.node,
    duckdb: duckdbNodeApi?.split('-')[0] ?? null,
    duckdbNodeApi,
    snowflakeSdk: packageVersion('snowflake-sdk'),
  };
}

/** The versions as lines for a person: `ckpt 0.1.0`, `Node.js 20.20.2`, ... */
export function versionLines(v: Versions): string[] {
  const missing = (text: string | null) => text ?? 'not installed';
  return [
    `ckpt ${v.ckpt}`,
    `Node.js ${v.node}`,
    `DuckDB ${missing(v.duckdb)} (@duckdb/node-api ${missing(v.duckdbNodeApi)}), the embedded warehouse`,
    `snowflake-sdk ${missing(v.snowflakeSdk)}, the Snowflake driver`,
  ];
}

/**
 * DuckDB errors through the driver, on real DuckDB files: each leaves as a CkptError with the
 * code and hint of its kind (missing object, name taken, constraint, syntax, read-only, lock,
 * permission, not a database), and its retry kind is what the daemon will act on.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CkptError, kindOf, type ErrorCode } from '../../src/model/errors.js';
import { HINTS } from '../../src/model/hints.js';
import { DuckDbDriver } from '../../src/warehouse/duckdb/duckdb-driver.js';
import { tempDir } from '../support/temp-dir.js';

/** The CkptError `promise` rejects with, checked for its code and retry kind. */
async function failure(promise: Promise<unknown>, code: ErrorCode, retry: 'terminal' | 'transient'): Promise<CkptError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CkptError);
  const ckpt = error as CkptError;
  expect({ code: ckpt.code, retry: kindOf(ckpt.code).retry, message: ckpt.message }).toMatchObject({ code, retry });
  return ckpt;
}

describe('DuckDB errors', () => {
  let dir: string;
  let db: DuckDbDriver;
  beforeEach(async () => {
    dir = await tempDir('ckpt-duck-errors-');
    db = await DuckDbDriver.open(join(dir, 'local.duckdb'), 0);
  });
  afterEach(() => db.close());

  it('a missing table is OBJECT_MISSING, DuckDB message kept', async () => {
    const error = await failure(db.query('SELECT * FROM nope'), 'OBJECT_MISSING', 'terminal');
    expect(error.message).toMatch(/^Catalog Error: Table with name nope does not exist/);
    expect(error.hint).toBe(HINTS.objectMissing);
  });

  it('a name in use is NAME_TAKEN', async () => {
    await db.run('CREATE TABLE orders (id INTEGER)');
    const error = await failure(db.run('CREATE VIEW orders AS SELECT 1 AS id'), 'NAME_TAKEN', 'terminal');
    expect(error.hint).toBe(HINTS.nameTakenPlanAgain);
  });

  it('foreign key, primary key and NOT NULL violations are CONSTRAINT_VIOLATED, terminal, and roll the transaction back', async () => {
    await db.run('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER NOT NULL REFERENCES parent (id))');
    await db.run('INSERT INTO parent VALUES (1); INSERT INTO child VALUES (1)');
    const fk = await failure(db.run('INSERT INTO child VALUES (2)'), 'CONSTRAINT_VIOLATED', 'terminal');
    expect(fk.message).toContain('foreign key');
    expect(fk.hint).toBe(HINTS.constraint);
    await failure(db.run('DROP TABLE parent'), 'CONSTRAINT_VIOLATED', 'terminal');
    await failure(db.run('INSERT INTO parent VALUES (1)'), 'CONSTRAINT_VIOLATED', 'terminal');
    await failure(db.run('INSERT INTO child VALUES (NULL)'), 'CONSTRAINT_VIOLATED', 'terminal');
    await failure(
      db.transaction(async () => {
        await db.run('INSERT INTO parent VALUES (7)');
        await db.run('INSERT INTO child VALUES (8)');
      }),
      'CONSTRAINT_VIOLATED',
      'terminal',
    );
    expect(await db.query('SELECT count(*)::INTEGER AS n FROM parent')).toEqual([{ n: 1 }]);
  });

  it('a statement DuckDB refuses as written is SQL_FAILED', async () => {
    const error = await failure(db.table('SELEC 1'), 'SQL_FAILED', 'terminal');
    expect(error.message).toMatch(/^Parser Error: syntax error/);
    expect(error.hint).toBe(HINTS.statementNotApplied);
    await failure(db.query("SELECT 'a'::INTEGER"), 'SQL_FAILED', 'terminal');
  });

  it('a write to a database attached read-only is NOT_AUTHORIZED', async () => {
    const other = join(dir, 'other.duckdb');
    await db.run(`ATTACH '${other}' AS w; CREATE TABLE w.t (id INTEGER); DETACH w`);
    const error = await failure(
      db.run(`ATTACH '${other}' AS ro (READ_ONLY); CREATE TABLE ro.x (id INTEGER)`),
      'NOT_AUTHORIZED',
      'terminal',
    );
    expect(error.hint).toBe(HINTS.embeddedReadOnly);
  });

  it('a file that cannot be read or written is WAREHOUSE_UNREACHABLE, transient', async () => {
    const error = await failure(
      db.run(`COPY (SELECT 1) TO '${join(dir, 'no-such-folder', 'x.csv')}'`),
      'WAREHOUSE_UNREACHABLE',
      'transient',
    );
    expect(error.hint).toBe(HINTS.embeddedIo);
  });

  it('opening a file that is not a DuckDB database is WAREHOUSE_INVALID, terminal', async () => {
    const garbage = join(dir, 'garbage.duckdb');
    await writeFile(garbage, 'not a database\n'.repeat(500));
    const error = await failure(DuckDbDriver.open(garbage, 0), 'WAREHOUSE_INVALID', 'terminal');
    expect(error.message).toMatch(/^cannot open the embedded warehouse .*garbage\.duckdb: IO Error: .*not a valid DuckDB database file/);
    expect(error.hint).toBe(HINTS.embeddedInvalid);
  });

  it('opening where the process may not write is NOT_AUTHORIZED, terminal', async () => {
    // A folder's mode does not stop root; sysfs refuses new files even to root.
    const readOnly = join(dir, 'read-only');
    await mkdir(readOnly, { mode: 0o500 });
    const path = process.getuid?.() === 0 ? '/sys/ckpt-test.duckdb' : join(readOnly, 'local.duckdb');
    const error = await failure(DuckDbDriver.open(path, 0), 'NOT_AUTHORIZED', 'terminal');
    expect(error.message).toMatch(/Permission denied/i);
    expect(error.hint).toBe(HINTS.embeddedPermission);
  });

  it('a file another process holds is WAREHOUSE_LOCKED, transient, naming that process', async () => {
    const path = join(dir, 'held.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { DuckDBInstance } from '@duckdb/node-api'; await DuckDBInstance.create(process.argv[1]); console.log('ready'); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));",
        path,
      ],
      { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      const error = await failure(DuckDbDriver.open(path, 0), 'WAREHOUSE_LOCKED', 'transient');
      expect(error.message).toContain(`in use by process ${holder.pid}`);
      expect(error.hint).toBe(HINTS.embeddedLocked);
    } finally {
      holder.stdin.end();
      await once(holder, 'exit');
    }
  });
});

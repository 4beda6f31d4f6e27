/**
 * End to end, on the embedded warehouse: the outputs scripts and people rely on. `validate
 * --json` and `reconcile --json` (what was applied, step by step) against their schemas; the
 * consent question at a terminal counts drops and content reverts apart, and answers `sql` with
 * the statements of each step before asking again; `checkpoint create
 * --keep clone` keeps the rows a reset reverts to; `checkpoints --active` leaves out expired
 * checkpoints; `daemon --plan` logs the names of what it would drop, at most 50.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, ckpt, workspace } from './cli-runner.js';
import { e2eConnection, runSetupSql } from './connections.js';
import { ckptAtTerminal } from './pty.js';

/** The embedded warehouse, for setup statements run in this process, where `ckpt sql` is not what a test checks. */
const local = await e2eConnection('local');

async function validator(name: string) {
  const schema = JSON.parse(await readFile(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}

/** Parses stdout and checks it against a published schema. */
async function documentOf(schema: string, stdout: string): Promise<Record<string, unknown>> {
  const validate = await validator(schema);
  const document = JSON.parse(stdout) as Record<string, unknown>;
  validate(document);
  expect(validate.errors ?? []).toEqual([]);
  return document;
}

const config = (actions: string, checkpoints = '[{ id: baseline }]') =>
  `version: 1\ntargets:\n  - name: demo\n    schema: DEMO\n    checkpoints: ${checkpoints}\n    actions:${actions}\n`;

describe('JSON where scripts need it', () => {
  it('validate --json: diagnostics as data (file, line, column, message, hint), the exit code unchanged', async () => {
    const dir = await workspace(config(' []'));
    const valid = await ckpt(dir, ['validate', '--json']);
    expect(valid.code).toBe(0);
    expect(await documentOf('validate', valid.stdout)).toMatchObject({
      format_version: 1,
      valid: true,
      errors: 0,
      diagnostics: [],
      targets: [{ name: 'demo', connection: 'local', checkpoints: 1, actions: 0 }],
    });

    await writeFile(join(dir, 'checkpoints.yaml'), 'version: 1\nconection: local\ntargets:\n  - schema: DEMO\n    max_drop: "x"\n');
    const invalid = await ckpt(dir, ['validate', '--json']);
    expect(invalid.code).toBe((await ckpt(dir, ['validate'])).code);
    expect(invalid.code).toBe(1);
    const document = await documentOf('validate', invalid.stdout);
    expect(document).toMatchObject({ valid: false, errors: 2, targets: [] });
    expect(document.diagnostics).toEqual([
      {
        severity: 'error',
        file: join(dir, 'checkpoints.yaml'),
        line: 2,
        column: 1,
        pointer: '/conection',
        message: 'unknown key `conection` in the file',
        hint: 'did you mean `connection`?',
      },
      expect.objectContaining({ line: 5, column: 15, pointer: '/targets/0/max_drop', hint: null }),
    ]);
    expect(JSON.parse((await ckpt(dir, ['schema', '--of', 'validate'])).stdout)).toMatchObject({ title: 'ckpt validate --json' });
  });

  it('reconcile --json without --plan: the plan and what each step did (outcome, duration, error and its code)', async () => {
    const dir = await workspace(config(' []'));
    const first = await ckpt(dir, ['reconcile', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const applied = await documentOf('plan', first.stdout);
    expect(applied.outcomes).toEqual([
      {
        target: 'demo',
        failed: false,
        duration_ms: expect.any(Number),
        steps: [
          expect.objectContaining({ kind: 'init-audit', object: null, outcome: 'succeeded', error: null, error_code: null }),
          expect.objectContaining({ kind: 'take-checkpoint', object: 'baseline', outcome: 'succeeded', duration_ms: expect.any(Number) }),
        ],
      },
    ]);
    // Nothing to do: still an apply's document, with no outcome.
    expect(await documentOf('plan', (await ckpt(dir, ['reconcile', '--json'])).stdout)).toMatchObject({ outcomes: [] });
    expect(await documentOf('plan', (await ckpt(dir, ['reconcile', '--plan', '--json'])).stdout)).not.toHaveProperty('outcomes');

    // A step the warehouse refuses (a table that a protected one references): failed with its code, the rest skipped.
    const sql = 'CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (id INTEGER REFERENCES parent (id))';
    await runSetupSql(local, dir, [sql]);
    const tidy = config('\n      - id: tidy\n        cleanup: { since: baseline }');
    await writeFile(join(dir, 'checkpoints.yaml'), tidy.replace('    checkpoints:', '    protect: [CHILD]\n    checkpoints:'));
    const failed = await ckpt(dir, ['reconcile', '--yes', '--json']);
    expect(failed.code).toBe(1);
    const outcome = (
      (await documentOf('plan', failed.stdout)).outcomes as Array<{ failed: boolean; steps: Array<Record<string, unknown>> }>
    )[0];
    expect(outcome?.failed).toBe(true);
    expect(outcome?.steps).toContainEqual(
      expect.objectContaining({ kind: 'drop-object', outcome: 'failed', error_code: 'CONSTRAINT_VIOLATED', error: expect.any(String) }),
    );
    expect(outcome?.steps).toContainEqual(
      expect.objectContaining({ kind: 'record-action', outcome: 'skipped', duration_ms: null, error: null, error_code: null }),
    );
  });
});

describe('checkpoints', () => {
  it('checkpoint create --keep clone keeps the rows a reset reverts to; --keep inventory is the default', async () => {
    const dir = await workspace(config(' []', '[]'));
    await runSetupSql(local, dir, ['CREATE TABLE orders AS SELECT range AS id FROM range(5)']);
    const plain = await ckpt(dir, ['checkpoint', 'create', '--id', 'plain', '--json']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(await documentOf('checkpoint-create', plain.stdout)).toEqual({
      format_version: 1,
      target: 'demo',
      checkpoint_id: 'plain',
      keep: 'inventory',
    });
    const cloned = await ckpt(dir, ['checkpoint', 'create', '--id', 'kept', '--keep', 'clone']);
    expect(cloned.code, cloned.stderr).toBe(0);
    expect(cloned.stderr).toContain('Checkpoint kept taken of DEMO (1 objects, with a clone of every table).');
    expect((await ckpt(dir, ['checkpoint', 'create', '--keep', 'everything'])).code).toBe(1);

    const listed = JSON.parse((await ckpt(dir, ['checkpoints', '--json'])).stdout) as {
      targets: Array<{ checkpoints: Array<{ id: string; keep: string }> }>;
    };
    expect(listed.targets[0]?.checkpoints.map((c) => [c.id, c.keep])).toEqual([
      ['plain', 'inventory'],
      ['kept', 'clone'],
    ]);
    expect((await ckpt(dir, ['sql', 'DELETE FROM orders WHERE id > 1'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: back\n        reset: { to: kept }', '[]'));
    const reset = await ckpt(dir, ['reconcile', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('revert content of table DEMO."orders" to kept (clone _ckpt)');
    expect(JSON.parse((await ckpt(dir, ['sql', 'SELECT count(*) AS n FROM orders', '--json'])).stdout)).toMatchObject({ rows: [['5']] });
  });

  it('checkpoints --active lists only the checkpoints an action can still name (not DELETED)', async () => {
    const dir = await workspace(config(' []', '[{ id: old }, { id: current }]'));
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    // A schedule's retain expires a checkpoint by setting DELETED; do the same by hand.
    const expire = "UPDATE CHECKPOINT_AUDIT SET STATUS = 'DELETED' WHERE CHECKPOINT_ID = 'old'";
    expect((await ckpt(dir, ['sql', '--force', expire])).code).toBe(0);
    const all = await ckpt(dir, ['checkpoints']);
    expect(all.stdout).toMatch(/old .*DELETED/);
    const active = await ckpt(dir, ['checkpoints', '--active']);
    expect(active.code).toBe(0);
    expect(active.stdout).toMatch(/current .*ACTIVE/);
    expect(active.stdout).not.toContain('old');
    const json = await documentOf('checkpoints-list', (await ckpt(dir, ['checkpoints', '--active', '--json'])).stdout);
    expect(json).toMatchObject({ targets: [{ checkpoints: [{ id: 'current', status: 'ACTIVE' }] }] });
  });
});

describe('consent at a terminal', () => {
  it('counts the objects to drop and the tables whose content is overwritten apart, with their weights', async () => {
    const dir = await workspace(config(' []', '[{ id: baseline, keep: clone }]'));
    await runSetupSql(local, dir, ['CREATE TABLE orders AS SELECT range AS id FROM range(3)']);
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    await runSetupSql(local, dir, ['CREATE TABLE s1 (a INTEGER); CREATE TABLE s2 (a INTEGER); DELETE FROM orders']);
    await writeFile(
      join(dir, 'checkpoints.yaml'),
      config('\n      - id: back\n        reset: { to: baseline }', '[{ id: baseline, keep: clone }]'),
    );
    const run = await ckptAtTerminal(dir, ['reconcile'], [{ prompt: /Only 'yes' will be accepted: $/, answer: 'no' }]);
    expect(run.code).toBe(130);
    // Each kind with its tables' weight: the two new tables are empty; orders' count is DuckDB's estimate.
    expect(run.screen).toMatch(
      /The plan has 2 objects to drop \(about 0 rows\) and 1 table whose content is overwritten \(about \d+ rows?\)\. Apply it \(type 'sql' to see its statements first\)\?/,
    );
  });
});

describe('the statements at the consent prompt', () => {
  it('`sql` prints each step with its statements, then asks again; `yes` applies', async () => {
    const dir = await workspace(config(' []'));
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    await runSetupSql(local, dir, ['CREATE TABLE s1 (a INTEGER)']);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: tidy\n        cleanup: { since: baseline }'));
    const run = await ckptAtTerminal(
      dir,
      ['reconcile'],
      [
        { prompt: /Apply it \(type 'sql' to see its statements first\)\? Only 'yes' will be accepted: $/, answer: 'sql' },
        { prompt: /\nApply it\? Only 'yes' will be accepted: $/, answer: 'yes' },
      ],
    );
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).toMatch(
      /- drop table DEMO\."s1".*\r?\n {6}-- first, the trash's copies past retention are dropped, if there are any\r?\n {6}CREATE TABLE _ckpt\.\? AS SELECT \* FROM "DEMO"\."s1";\r?\n {6}DROP TABLE "DEMO"\."s1";/,
    );
    expect((await ckpt(dir, ['reconcile', '--plan'])).stdout).toContain('No changes.');
  });
});

describe('typed consent at a terminal (full cleanup)', () => {
  const wipe = '\n      - id: wipe\n        full_cleanup: { confirm: DELETE_ALL }';
  async function wipeReady(): Promise<string> {
    const dir = await workspace(config(' []'));
    await runSetupSql(local, dir, ['CREATE TABLE keep_me (id INTEGER)']);
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    await writeFile(join(dir, 'checkpoints.yaml'), config(wipe));
    return dir;
  }
  const tables = async (dir: string) =>
    (await ckpt(dir, ['sql', '--json', "SELECT table_name FROM information_schema.tables WHERE table_name = 'keep_me'"])).stdout;
  const TYPE_NAME = /Type DEMO to confirm: $/;
  /** `reconcile` at a terminal: the schema's name typed right, then `answer` to the yes prompt. */
  const typeNameThen = (dir: string, answer: string) =>
    ckptAtTerminal(
      dir,
      ['reconcile'],
      [
        { prompt: TYPE_NAME, answer: 'DEMO' },
        { prompt: /Only 'yes' will be accepted: $/, answer },
      ],
    );

  it('a full cleanup needs the schema typed: another name cancels (exit 130) and nothing is dropped', async () => {
    const dir = await wipeReady();
    const run = await ckptAtTerminal(dir, ['reconcile'], [{ prompt: TYPE_NAME, answer: 'demo2' }]);
    expect(run.code, run.screen).toBe(130);
    expect(run.screen).toContain('The plan empties DEMO (full cleanup)');
    expect(await tables(dir)).toContain('keep_me');
  });

  it("the right name, then anything but 'yes', cancels; the right name and 'yes' apply", async () => {
    const dir = await wipeReady();
    const declined = await typeNameThen(dir, 'y');
    expect(declined.code, declined.screen).toBe(130);
    expect(await tables(dir)).toContain('keep_me');
    const applied = await typeNameThen(dir, 'yes');
    expect(applied.code, applied.screen).toBe(0);
    expect(await tables(dir)).not.toContain('keep_me');
  });
});

describe('ckpt daemon --plan', () => {
  const children: Array<ReturnType<typeof spawn>> = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('logs the names of the objects it would drop, at most 50 and how many more', async () => {
    const tables = Array.from({ length: 53 }, (_, i) => `CREATE TABLE scratch_${String(i).padStart(2, '0')} (a INTEGER);`).join('\n');
    const dir = await workspace(config(' []'));
    expect((await ckpt(dir, ['reconcile'])).code).toBe(0);
    await runSetupSql(local, dir, [tables]);
    await writeFile(join(dir, 'checkpoints.yaml'), config('\n      - id: tidy\n        cleanup: { since: baseline }'));
    const child = spawn(process.execPath, [CLI, 'daemon', '--plan', '--listen', 'off'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
      let buffer = '';
      child.stdout?.on('data', (d: Buffer) => {
        buffer += d.toString();
        const complete = buffer.split('\n').slice(0, -1);
        const found = complete
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.msg === 'would drop');
        if (found !== undefined) resolve(found);
      });
      child.on('exit', (code) => reject(new Error(`daemon exited (${code}) before logging what it would drop: ${buffer}`)));
    });
    expect(line).toMatchObject({ target: 'demo', count: 53, more: 3 });
    expect(line.objects).toHaveLength(50);
    expect(line.objects).toContain('scratch_00');
  });
});

/**
 * README's "Quick start" and "Walkthrough" sections work as written, in the order given: this
 * test reads their code blocks and runs them, in order, in a fresh copy of the repository.
 *
 * What "as written, from a fresh clone" means here:
 * - the copy is `git checkout-index` of this repository: the files a clone of the next commit
 *   would have (staged changes included; a checkpoints.yaml edited by hand while trying the quick
 *   start is not), with the built dist/ copied and node_modules linked, as `npm install` and the
 *   build in `npm start` would leave them (neither is run: no registry, no second build);
 * - `sh` blocks: each line runs in bash in the copy and must exit 0. `npx ckpt` runs the copy's
 *   bin, which is what npx resolves it to (checked once, then short-cut to save npm's start-up);
 *   `npm start` starts the daemon in the background (`npm start -- --listen 127.0.0.1:0`: a free
 *   port, written in place of 127.0.0.1:9477 in later lines) and waits for its first reconcile;
 * - `yaml` blocks are edits of checkpoints.yaml, as the text around them asks: each list in the
 *   block (`actions:`, `checkpoints:`) is added to the target's list of that name. While the
 *   daemon runs, the test waits for it to apply the edit (a reconcile that applied), as a person
 *   watching its log does;
 * - a block whose first line is `$ COMMAND` runs the command and compares what it prints with
 *   the rest of the block, line by line, times aside;
 * - at the end of the quick start the daemon is stopped with SIGINT (Ctrl-C), as the README says.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isSeq, parse, parseDocument } from 'yaml';
import { collect, type CliResult } from './cli-runner.js';
import { tempDir } from '../support/temp-dir.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A fenced code block: its info string and its text. */
interface Block {
  lang: string;
  text: string;
}

/** The code blocks of the README section whose heading starts with `heading`. */
function blocksOf(readme: string, heading: string): Block[] {
  const start = readme.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1] ?? '', text: m[2] ?? '' }));
}

/** A fresh copy of the repository (see the module comment); returns its folder, removed after the test file. */
async function freshCopy(): Promise<string> {
  const dir = await tempDir('ckpt-readme-');
  execFileSync('git', ['checkout-index', '--all', `--prefix=${dir}/`], { cwd: REPO });
  await cp(join(REPO, 'dist'), join(dir, 'dist'), { recursive: true });
  await symlink(await realpath(join(REPO, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

/** Times as ckpt prints them, made comparable. */
const timeless = (text: string) => text.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, '<time>');

/** The daemon `npm start` runs, with its JSON log lines. */
class StartedDaemon {
  readonly logs: Array<Record<string, unknown>> = [];
  private readonly child: ChildProcess;
  private readonly exit: Promise<CliResult>;

  constructor(dir: string) {
    this.child = spawn(process.execPath, ['dist/src/cli/start.js', '--listen', '127.0.0.1:0'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) this.logs.push(JSON.parse(line) as Record<string, unknown>);
    });
    this.exit = collect(this.child);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until a log line after the first `from` ones matches; fails if the daemon exits first. */
  async waitFor(what: string, match: (line: Record<string, unknown>) => boolean, from = 0): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.logs.slice(from).find(match);
      if (found !== undefined) return found;
      if (!this.running) throw new Error(`the daemon exited before ${what}: ${(await this.exit).stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Ctrl-C: the daemon finishes and exits 0. */
  async stop(): Promise<number> {
    this.child.kill('SIGINT');
    return (await this.exit).code;
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

/** Runs the README's blocks in a copy, keeping the daemon `npm start` started. */
class Reader {
  daemon: StartedDaemon | null = null;
  private address = '';

  constructor(private readonly dir: string) {}

  async run(block: Block): Promise<void> {
    if (block.lang === 'sh') {
      for (const line of block.text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))) await this.line(line);
    } else if (block.lang === 'yaml') {
      await this.edit(block.text);
    } else if (block.text.startsWith('$ ')) {
      await this.transcript(block.text);
    } else {
      throw new Error(`a block the test does not know how to run:\n${block.text}`);
    }
  }

  /** One line of a `sh` block. */
  private async line(line: string): Promise<void> {
    if (line.startsWith('npm ')) {
      for (const part of line.split('&&').map((p) => p.trim())) {
        if (part === 'npm start') await this.start();
        else if (part !== 'npm install') throw new Error(`the test runs npm install and npm start only, not: ${part}`);
      }
      return;
    }
    const result = await this.bash(line);
    expect(result.code, `${line}\n${result.stdout}\n${result.stderr}`).toBe(0);
  }

  private async start(): Promise<void> {
    this.daemon = new StartedDaemon(this.dir);
    const listening = await this.daemon.waitFor('listening', (l) => l.msg === 'listening');
    this.address = new URL(String(listening.url)).host;
    const first = await this.daemon.waitFor('its first reconcile', (l) => l.msg === 'reconcile finished');
    expect(first).toMatchObject({ result: 'applied' });
  }

  /** A line in bash in the copy, `npx ckpt` being the copy's bin. */
  private bash(line: string): Promise<CliResult> {
    const command = this.address === '' ? line : line.replaceAll('127.0.0.1:9477', this.address);
    const child = spawn(
      'bash',
      ['-c', `npx() { if [ "$1" = ckpt ]; then shift; node dist/src/cli/main.js "$@"; else command npx "$@"; fi; }\n${command}`],
      {
        cwd: this.dir,
        env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return collect(child);
  }

  /** Adds each list of the block to the target's list of that name; waits for a running daemon to apply it. */
  private async edit(fragment: string): Promise<void> {
    const file = join(this.dir, 'checkpoints.yaml');
    const doc = parseDocument(await readFile(file, 'utf8'));
    expect((doc.toJS() as { targets: unknown[] }).targets).toHaveLength(1);
    for (const [key, items] of Object.entries(parse(fragment) as Record<string, unknown[]>)) {
      const list = doc.getIn(['targets', 0, key]);
      if (!isSeq(list)) throw new Error(`the target has no list ${key}: to add to`);
      list.flow = false;
      for (const item of items) list.items.push(doc.createNode(item));
    }
    const seen = this.daemon?.logs.length ?? 0;
    await writeFile(file, doc.toString());
    if (this.daemon?.running === true) {
      await this.daemon.waitFor('applying the edit', (l) => l.msg === 'reconcile finished' && l.result === 'applied', seen);
    }
  }

  /** `$ COMMAND` and what it prints. */
  private async transcript(text: string): Promise<void> {
    const [first, ...expected] = text.trimEnd().split('\n');
    const result = await this.bash((first ?? '').slice(2));
    expect(result.code, result.stderr).toBe(0);
    expect(timeless(result.stdout).trimEnd().split('\n')).toEqual(timeless(expected.join('\n')).split('\n'));
  }
}

describe('README: the quick start, then the walkthrough', () => {
  let reader: Reader | undefined;
  afterAll(() => reader?.daemon?.kill());

  it('runs as written, in order, in a fresh copy of the repository', async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    const dir = await freshCopy();
    // What `npx ckpt` is in a clone: the repository's own bin (package.json), no download.
    const npx = await collect(spawn('npx', ['--no-install', 'ckpt', '--version'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(npx.stdout.split('\n')[0]).toBe(
      `ckpt ${(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string }).version}`,
    );

    reader = new Reader(dir);
    for (const block of blocksOf(readme, '## Quick start')) await reader.run(block);
    // The log lines the quick start says the daemon writes for the cleanup, in that order.
    const said = ['config loaded', 'destructive action waits for the file to settle', 'plan', 'step succeeded', 'reconcile finished'];
    const logs = reader.daemon?.logs ?? [];
    const edited = logs.map((l) => l.msg).lastIndexOf('config loaded');
    let at = edited;
    for (const msg of said) {
      at = logs.findIndex((l, i) => i >= at && l.msg === msg);
      expect(at, `${msg} after the edit: ${JSON.stringify(logs.slice(edited))}`).toBeGreaterThanOrEqual(0);
    }
    expect(logs.slice(edited)).toContainEqual(expect.objectContaining({ msg: 'plan', drops: 1, actions: 1 }));
    expect(logs.slice(edited)).toContainEqual(expect.objectContaining({ msg: 'step succeeded', step: 'drop-object', object: 'scratch' }));
    // "Stop the daemon (Ctrl-C in its terminal) before the walkthrough".
    expect(reader.daemon?.running).toBe(true);
    expect(await reader.daemon?.stop()).toBe(0);
    for (const block of blocksOf(readme, '## Walkthrough')) await reader.run(block);
  });
});

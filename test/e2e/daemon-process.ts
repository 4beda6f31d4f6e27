/**
 * The built `ckpt daemon` as a child process for end-to-end tests: its JSON log lines (stdout,
 * parsed as they arrive), waits on them (polling the lines already read, never a fixed sleep),
 * its HTTP endpoints through the `listening` line, signals, and how it exited. Each daemon leads
 * a process group of its own, with the reconcile processes it forks: a test can signal the group
 * as a terminal's Ctrl-C does, and tell whether a process of it is left. `killDaemons` (in
 * afterEach) SIGKILLs every group a test left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './cli-runner.js';

/** A parsed log line. */
export type LogLine = Record<string, unknown> & { msg: string; time: number };

const running = new Set<ChildProcess>();

/** Sends `signal` to every process of the group `pid` leads; false when none is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** SIGKILLs the daemons still running, and the reconcile processes they started. */
export function killDaemons(): void {
  for (const child of running) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  running.clear();
}

/** A spawned `ckpt daemon --listen 127.0.0.1:0 ...args` in `dir`, logging at info level. */
export class DaemonProcess {
  readonly logs: LogLine[] = [];
  /** The exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = '';
  private readonly child: ChildProcess;

  constructor(dir: string, args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [CLI, 'daemon', '--listen', '127.0.0.1:0', ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CKPT_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(this.child);
    // Once the daemon and every process of its group are gone, the group's id is free for a new
    // process: killDaemons must not signal it then (a reconcile process left behind keeps it).
    this.child.once('exit', () => {
      if (!this.groupAlive()) running.delete(this.child);
    });
    let buffer = '';
    this.child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.logs.push(JSON.parse(line) as LogLine);
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Log lines with this message (and these fields). */
  lines(msg: string, fields: Record<string, unknown> = {}): LogLine[] {
    return this.logs.filter((l) => l.msg === msg && Object.entries(fields).every(([k, v]) => l[k] === v));
  }

  /** Waits until `predicate` holds on the logs; fails with the log tail after `timeoutMs` or if the daemon exits. */
  async until(what: string, predicate: (logs: LogLine[]) => boolean, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.logs)) {
      const tail = () =>
        `stderr: ${this.stderr}\nlast log lines:\n${this.logs
          .slice(-15)
          .map((l) => JSON.stringify(l))
          .join('\n')}`;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${tail()}`);
      if (this.child.exitCode !== null) throw new Error(`daemon exited (${this.child.exitCode}) while waiting for ${what}\n${tail()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Waits for `count` log lines with this message (and fields). */
  waitFor(msg: string, count = 1, fields: Record<string, unknown> = {}, timeoutMs?: number): Promise<void> {
    return this.until(`${count} × "${msg}" ${JSON.stringify(fields)}`, () => this.lines(msg, fields).length >= count, timeoutMs);
  }

  /** The bound URL, from the `listening` line. */
  async url(): Promise<string> {
    await this.waitFor('listening');
    return String(this.lines('listening')[0]?.url);
  }

  /** GET `path` of the daemon's HTTP endpoints: status, body and content type. */
  async get(path: string): Promise<{ status: number; body: string; type: string }> {
    const response = await fetch(`${await this.url()}${path}`);
    return { status: response.status, body: await response.text(), type: response.headers.get('content-type') ?? '' };
  }

  /** GET `path` of the daemon's HTTP endpoints, as JSON. */
  async getJson<T>(path: string): Promise<T> {
    return JSON.parse((await this.get(path)).body) as T;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Sends `signal` to the daemon and its reconcile process at once, as Ctrl-C on a terminal does. */
  signalGroup(signal: NodeJS.Signals): void {
    signalGroup(this.pid, signal);
  }

  /** Whether a process of the daemon's group (a reconcile process it forked, say) still exists. */
  groupAlive(): boolean {
    return signalGroup(this.pid, 0);
  }
}

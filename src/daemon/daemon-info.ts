/**
 * How other commands find a running daemon: while it runs, `ckpt daemon` keeps
 * `.ckpt/daemon.json` next to its config (pid, the URL of its HTTP endpoints, the config file),
 * removed when it stops. A file left by a daemon that died (kill -9, a crash) is ignored once its
 * process is gone (same host).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readRegularFile } from '../config/read-file.js';

/** What a running daemon publishes about itself. */
export interface DaemonInfo {
  pid: number;
  host: string;
  /** `http://host:port` of /status, /metrics, ...; null with `--listen off`. */
  url: string | null;
  /** Absolute path of the config it watches. */
  file: string;
  mode: 'apply' | 'plan';
  startedAt: string;
}

/** `.ckpt/daemon.json` next to a config. */
export function daemonInfoPath(configFile: string): string {
  return join(dirname(resolve(configFile)), '.ckpt', 'daemon.json');
}

/** Publishes the daemon (best effort: a read-only folder only loses the hint). */
export async function writeDaemonInfo(info: DaemonInfo): Promise<boolean> {
  const path = daemonInfoPath(info.file);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(info, null, 2)}\n`);
    return true;
  } catch {
    return false;
  }
}

/** Removes the file if it still describes this process. */
export async function removeDaemonInfo(configFile: string, pid = process.pid): Promise<void> {
  const path = daemonInfoPath(configFile);
  const current = await readInfo(path);
  if (current !== null && current.pid === pid) await rm(path, { force: true });
}

/** The daemon running for this config, or null (no file, another config, or its process is gone). */
export async function findDaemon(configFile: string): Promise<DaemonInfo | null> {
  const info = await readInfo(daemonInfoPath(configFile));
  if (info === null || resolve(info.file) !== resolve(configFile)) return null;
  if (info.host === hostname() && !alive(info.pid)) return null;
  return info;
}

/** Largest daemon.json read (it holds a few hundred bytes). */
const MAX_INFO_BYTES = 64 * 1024;

async function readInfo(path: string): Promise<DaemonInfo | null> {
  try {
    const read = await readRegularFile(path, MAX_INFO_BYTES, 'daemon files');
    if (!read.ok) return null;
    const value = JSON.parse(read.bytes.toString('utf8')) as Partial<DaemonInfo>;
    if (typeof value.pid !== 'number' || typeof value.file !== 'string') return null;
    return {
      pid: value.pid,
      host: typeof value.host === 'string' ? value.host : hostname(),
      url: typeof value.url === 'string' ? value.url : null,
      file: value.file,
      mode: value.mode === 'plan' ? 'plan' : 'apply',
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : '',
    };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who this process is, for the lease another writer sees (command, pid, host, user), and
 * whether a recorded holder is known to be gone: on this host and its process no longer runs.
 */
import { hostname, userInfo } from 'node:os';

/** This process as a lease holder (never a secret: command name, pid, host, user). */
export function holderInfo(command: string): string {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    user = '';
  }
  return JSON.stringify({ command, pid: process.pid, host: hostname(), user });
}

/** Whether the holder ran on this host and its process is gone (a crash or a kill -9). */
export function isStaleHolder(info: string): boolean {
  let holder: { pid?: unknown; host?: unknown };
  try {
    holder = JSON.parse(info) as { pid?: unknown; host?: unknown };
  } catch {
    return false;
  }
  if (holder.host !== hostname() || typeof holder.pid !== 'number' || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

// The command-line entry (`npm run snowflake-server`, `npm start` in this package): the built
// dist/main.js started as a process on a free port prints its URL and a connections.toml entry,
// serves the CKPT_DEMO database, and exits 0 on SIGTERM.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDriver } from '../driver-client.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

/** Starts dist/main.js and resolves with everything it printed up to the end of its banner. */
function start(args: string[]): Promise<{ process: ChildProcess; banner: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ctrl+C')) resolve({ process: proc, banner: out });
    });
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

describe('dist/main.js', () => {
  it('listens on --port 0, prints a connections.toml entry, serves CKPT_DEMO and stops on SIGTERM', async () => {
    const { process: proc, banner } = await start(['--port', '0']);
    const url = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(banner);
    expect(url).not.toBeNull();
    const port = Number(url?.[2]);
    expect(banner).toContain(`port = ${port}`);
    expect(banner).toContain('protocol = "http"');
    expect(banner).toContain('database = "CKPT_DEMO"');

    const client = await connectDriver({
      accessUrl: url?.[1],
      account: 'ckpt',
      username: 'dev',
      password: 'any',
      database: 'CKPT_DEMO',
      schema: 'PUBLIC',
    });
    try {
      expect(await client.query('SELECT CURRENT_DATABASE() AS D, CURRENT_SCHEMA() AS S')).toEqual([{ D: 'CKPT_DEMO', S: 'PUBLIC' }]);
    } finally {
      await client.close();
    }

    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('rejects an invalid port', async () => {
    await expect(start(['--port', 'nope'])).rejects.toThrow(/invalid port: nope/);
  });
});

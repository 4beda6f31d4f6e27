/**
 * examples/systemd: the unit file parsed as systemd reads it (sections, repeated keys) — start
 * limits in [Unit], the readiness wait, the hardening keys — and its environment file. Where
 * systemd-analyze is installed, its offline security review of the unit must stay "OK".
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const UNIT = fileURLToPath(new URL('../../examples/systemd/ckpt.service', import.meta.url));
const ENV = fileURLToPath(new URL('../../examples/systemd/ckpt.env', import.meta.url));

/** Section → key → values in order (a key may repeat); comments and blank lines dropped. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section !== null) {
      current = new Map();
      sections.set(section[1] ?? '', current);
      continue;
    }
    const pair = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (pair === null || current === undefined) throw new Error(`not a unit file line: ${line}`);
    const [, key = '', value = ''] = pair;
    current.set(key, [...(current.get(key) ?? []), value]);
  }
  return sections;
}

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('examples/systemd/ckpt.service', () => {
  const sections = parseUnit(readFileSync(UNIT, 'utf8'));
  const unit = sections.get('Unit') ?? new Map<string, string[]>();
  const service = sections.get('Service') ?? new Map<string, string[]>();
  const one = (key: string) => service.get(key)?.[0];

  it('keeps the start limits in [Unit], where systemd reads them', () => {
    expect(unit.get('StartLimitIntervalSec')).toEqual(['10min']);
    expect(unit.get('StartLimitBurst')).toEqual(['5']);
    expect(service.has('StartLimitIntervalSec')).toBe(false);
    expect(service.has('StartLimitBurst')).toBe(false);
    expect(unit.get('After')).toEqual(['network-online.target']);
  });

  it("runs the config repository's pinned ckpt as a dedicated user, restarts on failure, reloads on SIGHUP", () => {
    expect(one('User')).toBe('ckpt');
    expect(one('EnvironmentFile')).toBe('/etc/ckpt/ckpt.env');
    expect(one('Restart')).toBe('on-failure');
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(one('UMask')).toBe('0077');
    const exec = one('ExecStart') ?? '';
    expect(exec).toMatch(/^\/srv\/ckpt\/node_modules\/\.bin\/ckpt daemon /);
    expect(exec).toContain('--file /srv/ckpt/checkpoints.yaml');
    expect(exec).toContain('--listen 127.0.0.1:9477');
  });

  it('is started once the daemon serves /healthz on its --listen address (Type=exec and a retried curl)', () => {
    expect(one('Type')).toBe('exec');
    const post = one('ExecStartPost') ?? '';
    expect(post).toMatch(/^\/usr\/bin\/curl /);
    expect(post).toContain('--fail');
    expect(post).toContain('--retry-connrefused');
    expect(post).toMatch(/ http:\/\/127\.0\.0\.1:9477\/healthz$/);
  });

  it('is hardened, writing only the .ckpt folder next to checkpoints.yaml', () => {
    const expected: Record<string, string> = {
      NoNewPrivileges: 'yes',
      CapabilityBoundingSet: '',
      ProtectSystem: 'strict',
      ReadWritePaths: '/srv/ckpt/.ckpt',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectKernelModules: 'yes',
      ProtectKernelLogs: 'yes',
      ProtectControlGroups: 'yes',
      ProtectClock: 'yes',
      ProtectHostname: 'yes',
      ProtectProc: 'invisible',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
      RestrictNamespaces: 'yes',
      RestrictRealtime: 'yes',
      RestrictSUIDSGID: 'yes',
      LockPersonality: 'yes',
      SystemCallArchitectures: 'native',
    };
    for (const [key, value] of Object.entries(expected)) expect(service.get(key), key).toEqual([value]);
    expect(['read-only', 'tmpfs', 'yes']).toContain(one('ProtectHome'));
    expect(service.get('SystemCallFilter')?.[0]).toBe('@system-service');
    // V8's JIT needs writable and executable memory: Node aborts under MemoryDenyWriteExecute.
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it.runIf(hasSystemdAnalyze())("rates OK (exposure at most 2.0) in systemd-analyze's offline security review", () => {
    let output: string;
    try {
      output = execFileSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', UNIT], { encoding: 'utf8' });
    } catch (error) {
      // Exits non-zero above its own default threshold; the score is still printed.
      output = String((error as { stdout?: string }).stdout ?? '');
    }
    const score = Number(/Overall exposure level for ckpt\.service: ([\d.]+)/.exec(output)?.[1]);
    expect(score, output).toBeLessThanOrEqual(2);
  });
});

describe('examples/systemd/ckpt.env', () => {
  it('sets only variables that ckpt (or its Snowflake driver) reads', () => {
    const names = readFileSync(ENV, 'utf8')
      .split('\n')
      .flatMap((l) => /^([A-Z_]+)=/.exec(l.trim())?.[1] ?? []);
    expect(names).toContain('SNOWFLAKE_HOME');
    for (const name of names)
      expect(name).toMatch(
        /^(SNOWFLAKE_HOME|SNOWFLAKE_DEFAULT_CONNECTION_NAME|SNOWFLAKE_CONNECTIONS_[A-Z0-9_]+|PRIVATE_KEY_PASSPHRASE|CKPT_[A-Z_]+|NO_COLOR)$/,
      );
  });
});

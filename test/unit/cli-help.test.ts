/**
 * `ckpt --help` says what a person needs without the README: every environment variable ckpt
 * reads (found by reading src/, so a new one cannot be forgotten), every exit code with its
 * meaning (from exit-codes.ts, as the README's table), and examples for every command.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_MEANINGS, ExitCode } from '../../src/cli/exit-codes.js';
import { ENVIRONMENT } from '../../src/cli/help.js';
import { createProgram } from '../../src/cli/program.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/**
 * The variables src/ reads: `env.NAME` and `process.env.NAME` (not those it only sets, `??=`),
 * `*FromEnv('NAME', ...)`, and, in a file that goes through every variable
 * (`Object.entries(env)`), a prefix built into a name (`SNOWFLAKE_CONNECTIONS_${...}`).
 */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  const named = [/\benv\.([A-Z][A-Z0-9_]+)\b(?!\s*\?\?=)/g, /FromEnv\(\s*'([A-Z][A-Z0-9_]+)'/g];
  const prefix = /`([A-Z][A-Z0-9_]*_)\$\{/g;
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const patterns = text.includes('Object.entries(env)') ? [...named, prefix] : named;
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.set(match[1] as string, file);
  }
  return found;
}

/** The help a command prints, with the texts added after commander's. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

const program = () => createProgram(() => async () => {});

describe('ckpt --help', () => {
  const help = helpOf(program());

  it('lists every environment variable src/ reads, and each of them is read somewhere', () => {
    const read = variablesRead();
    expect(read.size).toBeGreaterThanOrEqual(10);
    for (const [name, file] of read) {
      expect(help, `${name} (read in ${file})`).toContain(name);
      expect(README, `${name} (read in ${file})`).toContain(name);
    }
    for (const { name } of ENVIRONMENT) {
      expect(
        [...read.keys()].some((r) => name === r || name.startsWith(r)),
        `${name} is listed in --help but read nowhere in src/`,
      ).toBe(true);
    }
  });

  it('lists every exit code with its meaning, as the README does', () => {
    const words = help.replace(/\s+/g, ' ');
    for (const [name, code] of Object.entries(ExitCode)) {
      expect(words).toContain(` ${code} ${EXIT_CODE_MEANINGS[name as keyof typeof ExitCode]}`);
      expect(README).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    }
  });

  it('has examples, and so does every command', () => {
    expect(help).toContain('Examples:');
    const commands = allCommands(program());
    expect(commands.length).toBeGreaterThanOrEqual(12);
    for (const command of commands) {
      const text = helpOf(command);
      expect(text, command.name()).toMatch(/\nExamples:\n  # .+\n  ckpt /);
    }
  });

  it('shows the global options (-c, -C) under every command', () => {
    const reconcile = helpOf(allCommands(program()).find((c) => c.name() === 'reconcile') as Command);
    expect(reconcile).toContain('Global Options:');
    expect(reconcile).toMatch(/-c, --connection <name>/);
    expect(reconcile).toMatch(/-C, --directory <dir>/);
  });
});

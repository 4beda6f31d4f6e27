/**
 * How the daemon reads its file before trusting it (src/daemon/settle.ts): a snapshot (absent, or
 * size, mtime, bytes and their hash, bytes only for a regular file of at most 1 MiB), when two
 * snapshots are the same file, and whether bytes are what git has committed at HEAD (with the
 * repository's filters), null where git cannot say.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedAtHead, readSnapshot, sameSnapshot, type FileSnapshot } from '../../src/daemon/settle.js';
import { tempDir } from '../support/temp-dir.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('a snapshot of the file', () => {
  it('is absent, or the size, mtime, bytes and hash of a regular file', async () => {
    const dir = await tempDir('ckpt-snap-');
    const file = join(dir, 'checkpoints.yaml');
    expect(await readSnapshot(file)).toEqual({ present: false });
    await writeFile(file, 'version: 1\n');
    await utimes(file, 1_700_000_000, 1_700_000_000);
    expect(await readSnapshot(file)).toEqual({
      present: true,
      size: 11,
      mtimeMs: 1_700_000_000_000,
      bytes: Buffer.from('version: 1\n'),
      sha256: sha('version: 1\n'),
    });
  });

  it('has no bytes for a folder, or for a file over 1 MiB (its size and mtime still count)', async () => {
    const dir = await tempDir('ckpt-snap-');
    await mkdir(join(dir, 'folder'));
    expect(await readSnapshot(join(dir, 'folder'))).toMatchObject({ present: true, bytes: null, sha256: null });
    await writeFile(join(dir, 'big.yaml'), 'x'.repeat(1024 * 1024 + 1));
    expect(await readSnapshot(join(dir, 'big.yaml'))).toMatchObject({ present: true, size: 1024 * 1024 + 1, bytes: null, sha256: null });
  });
});

describe('two snapshots are the same file', () => {
  const at = (over: Partial<Extract<FileSnapshot, { present: true }>> = {}): FileSnapshot => ({
    present: true,
    size: 3,
    mtimeMs: 1000,
    bytes: Buffer.from('abc'),
    sha256: sha('abc'),
    ...over,
  });

  it('when both are absent, or size, mtime, hash and having bytes all agree', () => {
    expect(sameSnapshot({ present: false }, { present: false })).toBe(true);
    expect(sameSnapshot(at(), at())).toBe(true);
  });

  it('not when any of them differs', () => {
    expect(sameSnapshot({ present: false }, at())).toBe(false);
    expect(sameSnapshot(at(), { present: false })).toBe(false);
    expect(sameSnapshot(at(), at({ size: 4 }))).toBe(false);
    expect(sameSnapshot(at(), at({ mtimeMs: 1001 }))).toBe(false);
    expect(sameSnapshot(at(), at({ bytes: Buffer.from('abd'), sha256: sha('abd') }))).toBe(false);
    expect(sameSnapshot(at({ bytes: null, sha256: null }), at({ bytes: Buffer.from(''), sha256: null }))).toBe(false);
  });
});

describe('the bytes are what git has at HEAD', () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd, stdio: 'pipe' });

  it('true for the committed content (through the filters), false for other bytes, null outside git or before a commit', async () => {
    const dir = await tempDir('ckpt-git-');
    const file = join(dir, 'checkpoints.yaml');
    await writeFile(file, 'version: 1\n');
    expect(await committedAtHead(file, Buffer.from('version: 1\n'))).toBeNull();
    git(dir, 'init', '-q');
    expect(await committedAtHead(file, Buffer.from('version: 1\n'))).toBeNull();
    // Line endings normalised on commit: the working copy's CRLF bytes are the committed blob.
    await writeFile(join(dir, '.gitattributes'), '*.yaml text eol=crlf\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'config');
    expect(await committedAtHead(file, Buffer.from('version: 1\n'))).toBe(true);
    expect(await committedAtHead(file, Buffer.from('version: 1\r\n'))).toBe(true);
    expect(await committedAtHead(file, Buffer.from('version: 2\n'))).toBe(false);
    expect(await committedAtHead(join(dir, 'other.yaml'), Buffer.from('version: 1\n'))).toBeNull();
  });
});

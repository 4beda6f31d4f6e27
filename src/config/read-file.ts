/**
 * Reading a file a person names (the config, a SQL file, a saved plan) or ckpt keeps
 * (.ckpt/daemon.json): only a regular file, and at most a size limit, so that `-f /dev/zero`
 * cannot fill the memory and a named pipe cannot hang the command. The file is opened without
 * waiting (a FIFO would otherwise block until a writer comes), checked, then read in chunks.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The bytes of a file, or why they were not read (`message` is one sentence for a person). */
export type FileRead =
  { ok: true; bytes: Buffer } | { ok: false; reason: 'missing' | 'not-a-file' | 'too-large' | 'unreadable'; message: string };

/** A file's kind in words, for one that is not regular. */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** `1 MiB`, `64 MiB`, `64 KiB`: how a limit is said. */
export function sizeWords(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

/** Largest chunk read at once. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads `path` when it is a regular file of at most `limit` bytes; `what` names such files in
 * messages (`config files`, `SQL files`).
 */
export async function readRegularFile(path: string, limit: number, what: string): Promise<FileRead> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', message: `${path} does not exist` };
    return { ok: false, reason: 'unreadable', message: `cannot read ${path} (${code ?? String(cause)})` };
  }
  try {
    const info = await handle.stat();
    const limits = `ckpt reads ${what} of at most ${sizeWords(limit)}`;
    if (!info.isFile()) return { ok: false, reason: 'not-a-file', message: `${path} is ${kindOf(info)}, not a regular file; ${limits}` };
    const tooLarge = (size: string): FileRead => ({
      ok: false,
      reason: 'too-large',
      message: `${path} is ${size}; ${limits}, so check that this is the right file`,
    });
    if (info.size > limit) return tooLarge(`${info.size} bytes`);
    const bytes = await readAtMost(handle, limit + 1);
    return bytes.length > limit ? tooLarge(`over ${limit} bytes`) : { ok: true, bytes };
  } finally {
    await handle.close();
  }
}

/** Up to `most` bytes from the start of an open file (fewer at its end). */
async function readAtMost(handle: FileHandle, most: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < most) {
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, most - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Node's on-disk cache of compiled JavaScript (module.enableCompileCache, Node ≥ 22.1): a start
 * after the first reuses the code V8 compiled before instead of compiling every module again,
 * about a quarter of the CLI's start-up. The cache lives where Node puts it (NODE_COMPILE_CACHE,
 * else node-compile-cache in the OS temp folder) and NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 * Older Node has no such call, and then this does nothing.
 */
import nodeModule from 'node:module';

/** The call as Node ≥ 22.1 has it (absent before; @types/node follows the oldest Node the tests run on). */
type WithCompileCache = { enableCompileCache?: () => unknown };

/** Turns the compile cache on for every module loaded after this call, where Node has one. */
export function enableCompileCache(): void {
  const { enableCompileCache: enable } = nodeModule as WithCompileCache;
  if (typeof enable !== 'function') return;
  try {
    enable();
  } catch {
    // A cache that cannot be set up (an unwritable temp folder) only costs the speed it would have saved.
  }
}

/** Temporary folders for tests: real files, always cleaned up. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary folder and its removal. */
export interface TempDir {
  /** Absolute path of the folder (mode 0700). */
  path: string;
  /** Removes the folder and everything in it; safe to call twice. */
  cleanup: () => Promise<void>;
}

/**
 * Creates a fresh folder under the OS temp folder.
 *
 * @param prefix - start of the folder's name, to recognise leftovers.
 * @default prefix 'acmapi-test-'
 */
export async function makeTempDir(prefix = 'acmapi-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Runs `fn` with a fresh temporary folder and removes it afterwards, even when `fn` throws.
 *
 * @returns what `fn` returns.
 */
export async function withTempDir<T>(fn: (path: string) => Promise<T>, prefix?: string): Promise<T> {
  const dir = await makeTempDir(prefix);
  try {
    return await fn(dir.path);
  } finally {
    await dir.cleanup();
  }
}

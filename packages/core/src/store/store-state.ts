/**
 * `state.json`: the one file that says what a certificate's store folder means. It is the
 * commit point of every change: version folders are written complete first, then this file
 * is replaced atomically (temporary file, fsync, rename), and only then are the derived
 * `live` link and top-level files brought in line with it. A crash at any moment leaves
 * either the old or the new `state.json`, and both describe complete, matching files.
 */
import { readFile } from 'node:fs/promises';
import { escapeUnprintableJson } from '../text/display-text.js';
import type { StoreState, VersionEntry } from './store-state-schema.js';
import { writeFileAtomic } from './write-atomic.js';

export type { StoreState, VersionEntry, VersionStatus } from './store-state-schema.js';

/**
 * Reads `state.json`, or `undefined` when it does not exist.
 *
 * @throws {StoreError} `STORE_CORRUPT` when it exists but is not a valid state.
 */
export async function readStoreState(file: string, name: string): Promise<StoreState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // The schema (and zod) load with the first state.json read; see store-state-schema.ts.
  const { parseStoreState } = await import('./store-state-schema.js');
  return parseStoreState(text, file, name);
}

/**
 * Writes `state.json` atomically: this is the commit point of every store change. Control,
 * bidi and invisible characters in its strings (a CA's text in `lastError`) are written as
 * `\uXXXX` escapes, so that `cat state.json` shows them instead of obeying them.
 */
export async function writeStoreState(file: string, state: StoreState): Promise<void> {
  await writeFileAtomic(file, `${escapeUnprintableJson(JSON.stringify(state, null, 2))}\n`, { mode: 0o600 });
}

/** The entry of version `id`. */
export function findVersion(state: StoreState, id: string | undefined): VersionEntry | undefined {
  return id === undefined ? undefined : state.versions.find((entry) => entry.id === id);
}

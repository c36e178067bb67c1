/**
 * Checks of a certificate's store folder, made from the files themselves (and openssl for
 * key/certificate pairs): what the store promises after any run, also one killed midway.
 */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { publicKeyOfCertificate, publicKeyOfPrivateKey } from './pki-checks.js';

/** One version entry of `state.json`, as far as the tests look. */
export interface StateVersion {
  id: string;
  status: string;
  domains: string[];
  handleId?: string;
  endpoint?: string;
  pendingSince?: string;
  polls: number;
  reason?: string;
}

/** `state.json`, as far as the tests look. */
export interface StateJson {
  name: string;
  current?: string;
  attempt?: string;
  lastError?: { code: string; message: string };
  versions: StateVersion[];
}

/** Reads `DIR/state.json`. */
export async function readState(dir: string): Promise<StateJson> {
  return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as StateJson;
}

/** The version of the application in progress. */
export async function attemptOf(dir: string): Promise<StateVersion | undefined> {
  const state = await readState(dir);
  return state.versions.find((version) => version.id === state.attempt);
}

/** Every file under `dir` (recursively), relative. */
export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

/**
 * Asserts the store's promises for one certificate folder:
 * - no temporary file is left (unless `afterKill`);
 * - every version that holds or awaits a certificate (live, archived, pending, prepared) still has its private key;
 * - `live` points at `state.current` (unless `afterKill`), and whatever is live: the top-level cert.pem certifies the top-level privkey.pem (openssl).
 */
export async function expectStoreConsistent(dir: string, options: { afterKill?: boolean } = {}): Promise<StateJson> {
  const files = await listFiles(dir);
  // Right after a kill a temporary file may remain (never under a final name), and `live` may
  // still point at the previous, complete version; the next lock holder sweeps and re-points.
  const afterKill = options.afterKill === true;
  if (!afterKill) expect(files.filter((file) => file.endsWith('.tmp')), 'temporary files left behind').toEqual([]);
  const state = await readState(dir);
  for (const version of state.versions) {
    if (['live', 'archived', 'pending', 'prepared'].includes(version.status)) {
      expect(files, `the key of ${version.status} version ${version.id}`).toContain(join('versions', version.id, 'privkey.pem'));
    }
  }
  const live = await readlink(join(dir, 'live')).catch(() => undefined);
  if (!afterKill && state.current !== undefined) expect(live).toBe(`versions/${state.current}`);
  if (live !== undefined) {
    expect((await lstat(join(dir, 'cert.pem'))).isSymbolicLink()).toBe(true);
    expect(await publicKeyOfCertificate(join(dir, 'cert.pem'))).toBe(await publicKeyOfPrivateKey(join(dir, 'privkey.pem')));
  }
  return state;
}

/**
 * Everything under `dir`, byte for byte: each entry's relative path with its kind and
 * content (a file's bytes as base64, a link's target, a folder's mode). Two snapshots are
 * equal only when nothing was added, removed or changed.
 */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  for (const entry of await listFiles(dir)) {
    const path = join(dir, entry);
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) tree[entry] = `link -> ${await readlink(path)}`;
    else if (stats.isDirectory()) tree[entry] = `folder ${(stats.mode & 0o777).toString(8)}`;
    else tree[entry] = `file ${(stats.mode & 0o777).toString(8)} ${(await readFile(path)).toString('base64')}`;
  }
  return tree;
}

/**
 * Listing a store without opening it for changes: reads each certificate's `state.json`
 * only (no lock, no certificate parsing, no X.509 library). Kept apart from
 * `certificate-store.ts` so that a command that only lists (`acmapi list`) can import it
 * alone through `@acmapi/core/store-list` and start fast over a fleet of 1,000 certificates.
 *
 * @module @acmapi/core/store-list
 */
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StoreError } from '../errors/errors.js';
import { DEFAULT_KEY_TYPE } from '../pki/key-types.js';
import { toCertificateRecord, type CertificateRecord, type CertificateRecordOptions } from './certificate-record.js';
import { certificatePaths } from './store-layout.js';
import { readStoreState } from './store-state.js';
import { holdsCertificateFiles, unrecordedFilesError } from './unrecorded-files.js';

export { toCertificateRecord } from './certificate-record.js';
export type { CertificateFailures, CertificateRecord, CertificateRecordOptions, CertificateState, LastAttempt, RetiredApplicationInfo } from './certificate-record.js';
export type { CertificateSettings } from '../lifecycle/settings.js';

/**
 * Every certificate of the store at `storeDir`, sorted by name; `[]` when the folder does
 * not exist. A certificate whose `state.json` is damaged, or missing beside its files (see
 * `unrecorded-files.ts`), is listed as `failed` with `damaged` and `lastError` carrying
 * `STORE_CORRUPT`, so one bad folder neither hides the fleet nor is itself forgotten.
 *
 * @param options - `now` (default `new Date()`) and `days` of the renewal decision.
 */
export async function listCertificates(storeDir: string, options: CertificateRecordOptions = {}): Promise<CertificateRecord[]> {
  const dir = resolve(storeDir);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const names = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  const now = options.now ?? new Date();
  const records = await Promise.all(
    names.map(async (name): Promise<CertificateRecord | undefined> => {
      const paths = certificatePaths(dir, name);
      try {
        const state = await readStoreState(paths.state, name);
        if (state !== undefined) return toCertificateRecord(state, paths.dir, { ...options, now });
        if (!(await holdsCertificateFiles(paths))) return undefined;
        throw unrecordedFilesError(paths, name);
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        return {
          name,
          domains: [],
          keyType: DEFAULT_KEY_TYPE,
          state: 'failed',
          live: undefined,
          application: undefined,
          lastRetired: undefined,
          lastError: { code: error.code, message: error.message, at: now },
          damaged: { code: error.code, path: error.path ?? paths.state },
          dir: paths.dir,
        };
      }
    }),
  );
  return records.filter((record): record is CertificateRecord => record !== undefined);
}

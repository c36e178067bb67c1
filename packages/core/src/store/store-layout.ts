/**
 * Where things are in the store. One folder per certificate, named by its stable store name:
 *
 * ```
 * STORE/<name>/state.json              the truth (see store-state.ts), 0600
 * STORE/<name>/versions/<id>/          one per private key: privkey.pem (0600), csr.pem,
 *                                      and once issued cert.pem, chain.pem, fullchain.pem
 * STORE/<name>/live -> versions/<id>   the live version, switched by one atomic rename
 * STORE/<name>/{cert,chain,fullchain,privkey,csr}.pem -> live/<file>   what servers point at
 * STORE/<name>/.lock                   held while a process works on this certificate
 * ```
 * Folders are 0700.
 */
import { join } from 'node:path';

/** The files of an issued version, also exposed at the certificate folder's top level. */
export const LIVE_FILES = ['cert.pem', 'chain.pem', 'fullchain.pem', 'privkey.pem'] as const;
/** One of {@link LIVE_FILES}. */
export type LiveFile = (typeof LIVE_FILES)[number];
/**
 * The files linked at the certificate folder's top level through `live/`: the live files
 * plus the CSR they were issued for, so a user finds every file of the version in one place.
 */
export const LINKED_FILES = [...LIVE_FILES, 'csr.pem'] as const;

/** The PKCS#12 file of a version (see `LockedCertificate.exportPkcs12`), also linked at the top level. */
export const PKCS12_FILE = 'cert.pfx';

/** Paths inside one certificate's folder. */
export interface CertificatePaths {
  dir: string;
  state: string;
  lock: string;
  versions: string;
  live: string;
  version(id: string): string;
}

/** The paths of certificate `name` in the store at `storeDir`. */
export function certificatePaths(storeDir: string, name: string): CertificatePaths {
  const dir = join(storeDir, name);
  return {
    dir,
    state: join(dir, 'state.json'),
    lock: join(dir, '.lock'),
    versions: join(dir, 'versions'),
    live: join(dir, 'live'),
    version: (id: string) => join(dir, 'versions', id),
  };
}

/**
 * The certificate store: one folder per certificate under a stable name, every write atomic,
 * a new key and its certificate made live together, pending applications kept with their
 * keys, and one process at a time per certificate. See `README.md` beside this file for the
 * layout and the crash-safety argument.
 */
import { mkdir, rmdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkCertificateName } from './certificate-name.js';
import { toCertificateRecord, type CertificateRecord, type CertificateRecordOptions } from './certificate-record.js';
import { listCertificates } from './list-certificates.js';
import { acquireLock, DEFAULT_LOCK_WAIT_MS } from './lock-file.js';
import type { CertificateRepository, WithCertificateOptions } from '../lifecycle/repository.js';
import { LockedCertificate } from './locked-certificate.js';
import { certificatePaths } from './store-layout.js';
import { readStoreState } from './store-state.js';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * The clock: every timestamp the store writes and every renewal decision uses it.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * The source of the renewal time's randomness, in [0, 1) (see `lifecycle/renewal-time.ts`);
   * injectable for fleet simulations.
   * @default Math.random
   */
  random?: () => number;
}

/** Options of {@link CertificateStore.withCertificate}. */
export interface CertificateLockOptions extends WithCertificateOptions {
  /**
   * How often to look again while waiting, in milliseconds.
   * @default 100
   */
  retryMs?: number;
}

/** A certificate store folder. Made by {@link openStore}. */
export class CertificateStore implements CertificateRepository {
  /** The store keeps every certificate with its private key: a CSR alone cannot be stored. */
  readonly requiresPrivateKey = true;
  /** The store folder (absolute). */
  readonly dir: string;
  readonly #now: () => Date;
  readonly #random: () => number;

  constructor(dir: string, options: OpenStoreOptions = {}) {
    this.dir = resolve(dir);
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
  }

  /**
   * The record of certificate `name`, or `undefined` when the store has none. Reads only
   * `state.json` (no lock, no certificate parsing), so it is cheap for a fleet.
   *
   * @throws {StoreError} `STORE_NAME_INVALID`; `STORE_CORRUPT` when its `state.json` is damaged.
   */
  async get(name: string, options: CertificateRecordOptions = {}): Promise<CertificateRecord | undefined> {
    const paths = certificatePaths(this.dir, checkCertificateName(name));
    const state = await readStoreState(paths.state, name);
    return state === undefined ? undefined : toCertificateRecord(state, paths.dir, { now: this.#now(), ...options });
  }

  /**
   * Every certificate of the store, sorted by name. A certificate whose `state.json` is
   * damaged is listed as `failed` with `lastError.code` `STORE_CORRUPT`, so one bad folder
   * does not hide the fleet.
   */
  async list(options: CertificateRecordOptions = {}): Promise<CertificateRecord[]> {
    return listCertificates(this.dir, { ...options, now: options.now ?? this.#now() });
  }

  /**
   * Runs `fn` while holding certificate `name`'s lock; every change to a certificate goes
   * through the {@link LockedCertificate} it receives. On taking the lock, the folder is first
   * repaired from any crash (see {@link LockedCertificate.repair}). The lock is released when
   * `fn` settles, also when it throws.
   *
   * @throws {StoreError} `STORE_NAME_INVALID`; `STORE_LOCKED` when another process still
   *   holds the lock after `waitMs` (the message names its pid); whatever `fn` throws.
   */
  async withCertificate<T>(
    name: string,
    fn: (certificate: LockedCertificate) => Promise<T>,
    options: CertificateLockOptions = {},
  ): Promise<T> {
    const paths = certificatePaths(this.dir, checkCertificateName(name));
    const created = (await mkdir(paths.dir, { recursive: true, mode: 0o700 })) !== undefined;
    const lock = await acquireLock(paths.lock, {
      waitMs: options.waitMs ?? DEFAULT_LOCK_WAIT_MS,
      ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
      certificate: name,
      now: this.#now,
    });
    try {
      const certificate = new LockedCertificate(name, paths, this.#now, this.#random);
      await certificate.repair();
      return await fn(certificate);
    } finally {
      await lock.release();
      // A run that wrote nothing (e.g. a failed strict preflight) leaves no empty folder behind.
      if (created) await rmdir(paths.dir).catch(() => undefined);
    }
  }
}

/**
 * Opens (and creates, mode 0700) the certificate store at `dir`.
 *
 * @param dir - the store folder, e.g. `defaults.storeDir` of `acmapi.json` resolved against its folder.
 */
export async function openStore(dir: string, options: OpenStoreOptions = {}): Promise<CertificateStore> {
  const store = new CertificateStore(dir, options);
  await mkdir(store.dir, { recursive: true, mode: 0o700 });
  return store;
}

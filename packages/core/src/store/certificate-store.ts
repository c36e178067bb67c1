/**
 * The certificate store: one folder per certificate under a stable name, every write atomic,
 * a new key and its certificate made live together, pending applications kept with their
 * keys, and one process at a time per certificate. See `README.md` beside this file for the
 * layout and the crash-safety argument.
 */
import { readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { makeDirectory } from './fs-errors.js';
import { join, resolve } from 'node:path';
import { StoreError } from '../errors/errors.js';
import { checkCertificateName } from './certificate-name.js';
import { toCertificateRecord, type CertificateRecord, type CertificateRecordOptions } from './certificate-record.js';
import { listCertificates } from './list-certificates.js';
import { acquireLock, DEFAULT_LOCK_WAIT_MS } from './lock-file.js';
import type { CertificateRepository, WithCertificateOptions } from '../lifecycle/repository.js';
import { LockedCertificate } from './locked-certificate.js';
import { certificatePaths } from './store-layout.js';
import { ensureKeyGitignore } from './key-gitignore.js';
import { readStoreState } from './store-state.js';
import { DELETING_MARKER } from './unrecorded-files.js';

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

/** Options of {@link CertificateStore.delete}. */
export interface DeleteCertificateOptions extends CertificateLockOptions {
  /**
   * Asked once the certificate is known to exist, with its record (`undefined` when its
   * `state.json` is missing or damaged), BEFORE its lock is taken, so that a person can
   * take their time without blocking other processes; `false` keeps it. @default always delete
   */
  confirm?: ((record: CertificateRecord | undefined) => boolean | Promise<boolean>) | undefined;
}

/** What {@link CertificateStore.delete} did. */
export interface DeleteCertificateResult {
  /** The certificate's store name. */
  name: string;
  /** Its folder (absolute), which no longer exists when `deleted`. */
  dir: string;
  /** `false` only when `confirm` answered no: nothing was changed. */
  deleted: boolean;
  /**
   * Its record as it was just before: domains, state, live certificate, application in
   * progress. `undefined` when its `state.json` was missing (a delete interrupted earlier)
   * or damaged.
   */
  record: CertificateRecord | undefined;
}

/** Names in a certificate folder that belong to its lock, not to the certificate. */
const LOCK_ENTRIES = new Set(['.lock', '.lock.break']);

/** The entries of a certificate folder other than its lock; none when it does not exist. */
async function certificateEntries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((entry) => !LOCK_ENTRIES.has(entry));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new StoreError('STORE_IO', `The certificate folder ${dir} cannot be read.`, { path: dir, cause: error });
  }
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
    const created = (await makeDirectory(paths.dir, 0o700)) !== undefined;
    // Before any key can be written: also for a store made with `new CertificateStore` (no openStore).
    await ensureKeyGitignore(this.dir);
    const lock = await acquireLock(paths.lock, {
      waitMs: options.waitMs ?? DEFAULT_LOCK_WAIT_MS,
      ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
      certificate: name,
      now: this.#now,
      signal: options.signal,
      onWait: options.onWait,
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

  /**
   * Removes certificate `name` from the store, under its lock: its `state.json`, every
   * version folder with its private key (the live one, archived, refused and abandoned ones,
   * and an application in progress), the links and the PKCS#12 file. This is the only way the
   * store ever removes a private key; the CA is not told (a pending application stays with
   * the CA, a live certificate stays valid).
   *
   * `state.json` goes first: it is the commit point, so once it is gone the certificate is
   * gone for {@link get}, {@link list} and the lifecycle, even if a crash leaves the rest.
   * Such a remnant (a folder without `state.json`, marked `.deleting` so that `list` does not
   * report it damaged) is still found by this method, which finishes the removal.
   *
   * @param options - `confirm`, asked before anything is changed; `waitMs` for a lock held
   *   by another process (default 10 s), `retryMs`.
   * @returns the name, the folder, whether it was deleted, and the record as it was.
   * @throws {StoreError} `STORE_NAME_INVALID`; `STORE_NOT_FOUND` when the store has no such
   *   certificate; `STORE_LOCKED` when another process holds it past `waitMs`; `STORE_IO` when
   *   a file cannot be removed (what was removed stays removed; running it again finishes).
   */
  async delete(name: string, options: DeleteCertificateOptions = {}): Promise<DeleteCertificateResult> {
    const paths = certificatePaths(this.dir, checkCertificateName(name));
    const notFound = (): StoreError =>
      new StoreError('STORE_NOT_FOUND', `The store ${this.dir} has no certificate "${name}".`, {
        certificate: name,
        path: paths.dir,
        hint: "Check the certificate's name against the store's listing, and that this is its store folder.",
      });
    // A damaged state.json must not prevent removing the certificate it describes.
    const readRecord = (): Promise<CertificateRecord | undefined> =>
      this.get(name).catch((error: unknown) => {
        if (error instanceof StoreError && error.code === 'STORE_CORRUPT') return undefined;
        throw error;
      });
    if ((await certificateEntries(paths.dir)).length === 0) throw notFound();
    if (options.confirm !== undefined) {
      const before = await readRecord();
      if (!(await options.confirm(before))) return { name, dir: paths.dir, deleted: false, record: before };
    }
    const lock = await acquireLock(paths.lock, {
      waitMs: options.waitMs ?? DEFAULT_LOCK_WAIT_MS,
      ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
      certificate: name,
      now: this.#now,
      signal: options.signal,
      onWait: options.onWait,
    });
    let record: CertificateRecord | undefined;
    try {
      // Another delete may have finished while this one waited for the lock (or for `confirm`).
      const entries = await certificateEntries(paths.dir);
      if (entries.length === 0) throw notFound();
      record = await readRecord();
      try {
        // The marker first: a crash from here on leaves a remnant `list` skips, not a damaged certificate.
        const marker = join(paths.dir, DELETING_MARKER);
        await writeFile(marker, '', { mode: 0o600 });
        await rm(paths.state, { force: true });
        for (const entry of entries) if (entry !== DELETING_MARKER) await rm(join(paths.dir, entry), { recursive: true, force: true });
        await rm(marker, { force: true });
      } catch (error) {
        throw new StoreError('STORE_IO', `Certificate "${name}" could not be removed completely from ${paths.dir}.`, {
          certificate: name,
          path: paths.dir,
          cause: error,
          hint: 'Check the permissions of the store folder, then delete it again: what was removed stays removed.',
        });
      }
    } finally {
      await lock.release();
    }
    // Another process may have taken the name meanwhile (its lock is in the folder): then the folder stays.
    await rmdir(paths.dir).catch(() => undefined);
    return { name, dir: paths.dir, deleted: true, record };
  }
}

/**
 * Opens (and creates, mode 0700) the certificate store at `dir`, with a `.gitignore` for its
 * private keys unless the folder has one (see `key-gitignore.ts`).
 *
 * @param dir - the store folder, e.g. `defaults.storeDir` of `acmapi.json` resolved against its folder.
 */
export async function openStore(dir: string, options: OpenStoreOptions = {}): Promise<CertificateStore> {
  const store = new CertificateStore(dir, options);
  await makeDirectory(store.dir, 0o700);
  await ensureKeyGitignore(store.dir);
  return store;
}

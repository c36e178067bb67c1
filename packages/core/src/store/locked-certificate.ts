/**
 * The changes to one certificate, available only while its lock is held (see
 * {@link CertificateStore.withCertificate}), so two processes can never interleave them.
 *
 * Order of an issue or renewal, and what a crash at each point leaves:
 * 1. {@link LockedCertificate.prepareApplication}: the new private key and CSR are written to
 *    a new version folder, then `state.json` records the application as `prepared`. Crash
 *    before the commit: an unused folder, no application was sent. Crash after: the key is
 *    kept; the application may or may not have reached the CA, and the next run sends the
 *    SAME key and CSR again (`resume`), which is idempotent for the user.
 * 2. {@link LockedCertificate.recordPending}: the handle is saved; the live files stay
 *    untouched; `retrieve`/`renew` pick it up later.
 * 3. {@link LockedCertificate.installCertificate}: the certificate is verified against the CSR,
 *    the domains and the private key, written into the version folder, committed in
 *    `state.json`, and `live` is switched in one rename. Crash after the files are written
 *    but before the commit: the next lock holder finds the verified certificate beside its
 *    key and finishes the install without asking the CA again.
 */
import { readFile, readlink, rename, rm, stat, symlink, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { certificateMatchesPrivateKey, parseCertificateChain, verifyCertificate } from '../pki/certificate.js';
import { checkKeyMatchesCsr } from '../pki/csr.js';
import { toPkcs12 } from '../pki/pkcs12.js';
import { normalizeDomains } from '../domains/domains.js';
import { recordableEndpoint } from '../client/endpoint.js';
import { CertificateError, CsrError, StoreError, isAcmApiError } from '../errors/errors.js';
import { publishStep } from '../lifecycle/steps.js';
import { nextAttemptAt } from '../lifecycle/backoff.js';
import { chooseRenewalTime } from '../lifecycle/renewal-time.js';
import { sameSettings, type CertificateSettings } from '../lifecycle/settings.js';
import type {
  CertificateSession,
  InstallCertificateOptions,
  InstallCertificateResult,
  LiveFiles,
  PrepareApplicationInput,
  PrepareApplicationOptions,
  StoredApplication,
} from '../lifecycle/repository.js';
import { writeFileAtomic } from './write-atomic.js';
import { makeDirectory } from './fs-errors.js';
import { toCertificateRecord, type CertificateRecord, type CertificateRecordOptions } from './certificate-record.js';
import { switchLive, sweepTemporaryFiles, liveVersion } from './live-link.js';
import { PKCS12_FILE, type CertificatePaths } from './store-layout.js';
import { findVersion, readStoreState, writeStoreState, type StoreState, type VersionEntry } from './store-state.js';
import { holdsCertificateFiles, unrecordedFilesError } from './unrecorded-files.js';


function newVersionId(now: Date): string {
  // Sortable by time, unique even when two versions are made in the same millisecond.
  return `${now.toISOString().replace(/[-:.]/g, '').replace('T', '-')}-${randomBytes(3).toString('hex')}`;
}

/** One certificate, locked by this process. Made by {@link CertificateStore.withCertificate}. */
export class LockedCertificate implements CertificateSession {
  /** The certificate's store name. */
  readonly name: string;
  /** Its folder. */
  readonly dir: string;
  readonly #paths: CertificatePaths;
  readonly #now: () => Date;
  readonly #random: () => number;
  /** `state.json` as last read or committed under this lock; see {@link state}. */
  #state: { value: StoreState | undefined } | undefined;

  /** @param random - the source of the renewal time's randomness, in [0, 1). */
  constructor(name: string, paths: CertificatePaths, now: () => Date, random: () => number = Math.random) {
    this.name = name;
    this.dir = paths.dir;
    this.#paths = paths;
    this.#now = now;
    this.#random = random;
  }

  /** The raw state, or `undefined` before the first application. @throws {StoreError} `STORE_CORRUPT` */
  async state(): Promise<StoreState | undefined> {
    // While the lock is held nobody else writes state.json: after the first read (or a
    // commit) the state in memory is the file's. A run that creates a certificate thus never
    // parses state.json (nor loads its schema) at all.
    if (this.#state === undefined) this.#state = { value: await readStoreState(this.#paths.state, this.name) };
    return this.#state.value;
  }

  /** The record (as `acmapi list` shows it), or `undefined` before the first application. */
  async record(options: CertificateRecordOptions = {}): Promise<CertificateRecord | undefined> {
    const state = await this.state();
    return state === undefined ? undefined : toCertificateRecord(state, this.dir, { now: this.#now(), ...options });
  }

  /**
   * Throws when the folder has no `state.json` but holds files the store wrote for a
   * certificate (see `unrecorded-files.ts`): the damage `list` reports.
   *
   * @throws {StoreError} `STORE_CORRUPT` with the state file's path.
   */
  async checkNoUnrecordedFiles(): Promise<void> {
    if ((await this.state()) === undefined && (await holdsCertificateFiles(this.#paths))) throw unrecordedFilesError(this.#paths, this.name);
  }

  /** The application in progress with its private key and CSR, or `undefined`. */
  async readApplication(): Promise<StoredApplication | undefined> {
    const state = await this.state();
    const entry = state === undefined ? undefined : findVersion(state, state.attempt);
    if (entry === undefined || (entry.status !== 'prepared' && entry.status !== 'pending')) return undefined;
    const dir = this.#paths.version(entry.id);
    return {
      version: entry.id,
      status: entry.status,
      domains: entry.domains,
      keyType: entry.keyType,
      handleId: entry.handleId,
      endpoint: entry.endpoint,
      privateKeyPem: await readFile(join(dir, 'privkey.pem'), 'utf8'),
      csrPem: await readFile(join(dir, 'csr.pem'), 'utf8'),
    };
  }

  /** The live version's files, or `undefined` before the first install. */
  async readLive(): Promise<LiveFiles | undefined> {
    const state = await this.state();
    if (state?.current === undefined) return undefined;
    const dir = this.#paths.version(state.current);
    const read = (file: string) => readFile(join(dir, file), 'utf8');
    return {
      version: state.current,
      privateKeyPem: await read('privkey.pem'),
      certPem: await read('cert.pem'),
      chainPem: await read('chain.pem'),
      fullchainPem: await read('fullchain.pem'),
    };
  }

  /**
   * Saves a new private key and CSR in a new version folder BEFORE the application is sent,
   * and records the application as `prepared`. The live files are not touched.
   *
   * @returns the new version's id.
   * @throws {StoreError} `STORE_PENDING_EXISTS` when an application is already in progress
   *   (prepared or pending) and `force` is not set.
   * @throws {CsrError} `KEY_CSR_MISMATCH`/`KEY_INVALID`/`CSR_INVALID` when the key and CSR do not belong together.
   */
  async prepareApplication(input: PrepareApplicationInput, options: PrepareApplicationOptions = {}): Promise<string> {
    const domains = normalizeDomains(input.domains);
    if (input.privateKeyPem === undefined) {
      throw new CsrError('KEY_REQUIRED', `The certificate store keeps every certificate with its private key; "${this.name}" was given a CSR without one.`);
    }
    checkKeyMatchesCsr(input.privateKeyPem, input.csrPem);
    const now = this.#now();
    const state = (await this.state()) ?? this.#emptyState(now);
    const previous = findVersion(state, state.attempt);
    if (previous !== undefined && !options.force) {
      throw new StoreError(
        'STORE_PENDING_EXISTS',
        previous.handleId === undefined
          ? `Certificate "${this.name}" already has an application that was prepared and may have reached the CA.`
          : `Certificate "${this.name}" already has application ${previous.handleId} pending at the CA.`,
        {
          certificate: this.name,
          handleId: previous.handleId,
          hint:
            previous.handleId === undefined
              ? 'Send the prepared application again, or apply anew (its key is kept in the store).'
              : 'Retrieve the pending certificate by its handle, or apply anew (the pending key is kept in the store).',
        },
      );
    }
    const endpoint = input.endpoint === undefined ? undefined : recordableEndpoint(input.endpoint);
    const id = newVersionId(now);
    const dir = this.#paths.version(id);
    try {
      await makeDirectory(dir, 0o700);
      await this.#writeKey(join(dir, 'privkey.pem'), input.privateKeyPem, state.current === undefined ? undefined : join(this.#paths.version(state.current), 'privkey.pem'));
      await this.#write(join(dir, 'csr.pem'), input.csrPem, 0o644);
    } catch (error) {
      // Not yet named in state.json, the folder is nobody's: a full disk must not leave one per
      // run. (Only before the commit: once state.json may name it, its key is never removed.)
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    const versions = state.versions.map((entry) =>
      entry.id === previous?.id ? { ...entry, status: 'abandoned' as const, retiredAt: now.toISOString(), reason: 'replaced by a forced new application' } : entry,
    );
    const entry: VersionEntry = {
      id,
      status: 'prepared',
      domains,
      keyType: input.keyType,
      preparedAt: now.toISOString(),
      polls: 0,
      // Never a URL's user info or query, where credentials may sit (issue 11, finding 14).
      ...(endpoint === undefined ? {} : { endpoint }),
    };
    const settings = input.settings === undefined ? {} : { settings: plainSettings(input.settings) };
    await this.#commit({ ...state, ...settings, attempt: id, versions: [...versions, entry] });
    this.#step('prepared');
    return id;
  }

  /**
   * Records that the CA answered pending (status 1) with `handleId`. The key stays in the
   * application's version folder; the live files are not touched.
   *
   * @throws {StoreError} `STORE_NO_APPLICATION` when no application is in progress.
   */
  async recordPending(handleId: string): Promise<void> {
    const { state, entry } = await this.#attempt();
    const now = this.#now().toISOString();
    // The CA holds the application: the certificate is no longer failing.
    const next = this.#replace(state, { ...entry, status: 'pending', handleId, pendingSince: entry.pendingSince ?? now });
    delete next.failures;
    await this.#commit({ ...next, lastAttempt: { at: now, result: 'pending' } });
    this.#step('pending');
  }

  /** Records one more poll of a pending application (for `acmapi list`). @throws {StoreError} `STORE_NO_APPLICATION` */
  async recordPoll(): Promise<void> {
    const { state, entry } = await this.#attempt();
    const now = this.#now().toISOString();
    await this.#commit({ ...this.#replace(state, { ...entry, polls: entry.polls + 1, lastPolledAt: now }), lastAttempt: { at: now, result: 'pending' } });
  }

  /**
   * Makes a certificate from the CA live, together with the application's key.
   * Checks first (nothing is written when one fails): the chain links, the leaf's key is the
   * CSR's and the private key's, it names every domain, and it is valid now (spec §3).
   * Then writes cert.pem, chain.pem, fullchain.pem beside the key, commits `state.json`
   * (the old live version becomes `archived`) and switches `live` in one rename.
   *
   * @param bundle - the certificate as the CA sent it (PEM, PEM bundle, or base64 DER).
   * @throws {StoreError} `STORE_NO_APPLICATION` when no application is in progress.
   * @throws {CertificateError} `CERT_KEY_MISMATCH`, `CERT_DOMAINS_MISSING`, `CERT_EXPIRED`,
   *   `CERT_NOT_YET_VALID`, `CERT_CHAIN_INVALID`, `CERT_INVALID`.
   */
  async installCertificate(bundle: string, options: InstallCertificateOptions = {}): Promise<InstallCertificateResult> {
    const { state, entry } = await this.#attempt();
    const application = await this.readApplication();
    if (application === undefined) throw this.#noApplication();
    const chain = parseCertificateChain(bundle);
    verifyCertificate(chain, { csrPem: application.csrPem, domains: entry.domains, now: options.now ?? this.#now() });
    if (application.privateKeyPem === undefined || !certificateMatchesPrivateKey(chain.certPem, application.privateKeyPem)) {
      throw new CertificateError('CERT_KEY_MISMATCH', `The certificate for "${this.name}" does not match its private key; it was not saved.`, {
        certificate: this.name,
        hint: 'Apply again, and report this to the CA if it repeats.',
      });
    }
    const dir = this.#paths.version(entry.id);
    await this.#write(join(dir, 'cert.pem'), chain.certPem, 0o644);
    await this.#write(join(dir, 'chain.pem'), chain.chainPem, 0o644);
    // fullchain.pem last: its presence marks the version's files as complete (see repair()).
    await this.#write(join(dir, 'fullchain.pem'), chain.fullchainPem, 0o644);
    const now = this.#now().toISOString();
    const previousVersion = state.current;
    const versions = state.versions.map((version): VersionEntry => {
      if (version.id === entry.id) {
        return {
          ...entry,
          status: 'live',
          installedAt: now,
          certificate: {
            fingerprintSha256: chain.leaf.fingerprintSha256,
            serialNumber: chain.leaf.serialNumber,
            issuer: chain.leaf.issuer,
            notBefore: chain.leaf.notBefore.toISOString(),
            notAfter: chain.leaf.notAfter.toISOString(),
          },
        };
      }
      if (version.id === previousVersion) return { ...version, status: 'archived', retiredAt: now, reason: `replaced by ${entry.id}` };
      return version;
    });
    // The renewal time of this certificate, chosen once (see renewal-time.ts).
    const renewalAt = chooseRenewalTime({ notBefore: chain.leaf.notBefore, notAfter: chain.leaf.notAfter }, this.#random);
    const next: StoreState = {
      ...state,
      current: entry.id,
      versions,
      renewal: { at: renewalAt.toISOString(), forFingerprint: chain.leaf.fingerprintSha256 },
      lastAttempt: { at: now, result: 'issued' },
    };
    delete next.attempt;
    delete next.lastError;
    delete next.failures;
    await this.#commit(next);
    this.#step('installed');
    await switchLive(this.#paths, entry.id);
    this.#step('live-switched');
    return { version: entry.id, leaf: chain.leaf, previousVersion };
  }

  /**
   * Records that the CA refused the application (status 109): its version becomes
   * `refused` (the key is retired into the archive, never deleted) and `lastError` is set.
   *
   * @throws {StoreError} `STORE_NO_APPLICATION` when no application is in progress.
   */
  async recordRefused(error: unknown): Promise<void> {
    const { state, entry } = await this.#attempt();
    const now = this.#now().toISOString();
    const { code, message } = describe(error);
    const next = this.#replace(state, { ...entry, status: 'refused', retiredAt: now, reason: `${code}: ${message}` });
    delete next.attempt;
    await this.#commit(this.#failed(next, code, message));
  }

  /**
   * Records a failure as the certificate's `lastError` (shown by `acmapi list`) and counts it
   * in `failures` (the backoff of `renew`); the application, if any, is kept.
   */
  async recordError(error: unknown): Promise<void> {
    const state = await this.state();
    if (state === undefined) return;
    const { code, message } = describe(error);
    await this.#commit(this.#failed(state, code, message));
  }

  /**
   * Remembers how the certificate is obtained (see `lifecycle/settings.ts`); writes only when
   * they differ from those stored. A certificate without a state gets one (no version yet),
   * so `renew` knows it even before its first application was prepared.
   */
  async recordSettings(settings: CertificateSettings): Promise<void> {
    const state = await this.state();
    if (state !== undefined && sameSettings(state.settings, settings)) return;
    await this.#commit({ ...(state ?? this.#emptyState(this.#now())), settings: plainSettings(settings) });
  }

  /** `state` with one more failure: `lastError`, `failures` (with the next attempt of the backoff) and `lastAttempt`. */
  #failed(state: StoreState, code: string, message: string): StoreState {
    const now = this.#now();
    const at = now.toISOString();
    const count = (state.failures?.count ?? 0) + 1;
    const notAfter = findVersion(state, state.current)?.certificate?.notAfter;
    const next = nextAttemptAt(count, now, notAfter === undefined ? undefined : new Date(notAfter)).toISOString();
    return {
      ...state,
      lastError: { code, message, at },
      failures: { count, firstAt: state.failures?.firstAt ?? at, lastAt: at, nextAttemptAt: next, code },
      lastAttempt: { at, result: 'failed', code },
    };
  }

  #emptyState(now: Date): StoreState {
    return { format: 1, name: this.name, createdAt: now.toISOString(), updatedAt: now.toISOString(), versions: [] };
  }

  /**
   * Keeps a PKCS#12 file (`.pfx`, for IIS and Java) of the live version: written into the
   * version's folder (`versions/<id>/cert.pfx`, mode 0600) and reached through
   * `<name>/cert.pfx -> live/cert.pfx`, like the PEM files, so a `.pfx` can never pair a new
   * certificate with an old key. An existing file is kept (with its passphrase).
   *
   * @returns the top-level path, or `undefined` when nothing is live yet.
   * @throws {StoreError} `STORE_IO` when a file or link cannot be written.
   */
  async exportPkcs12(passphrase: string): Promise<string | undefined> {
    const live = await this.readLive();
    if (live?.privateKeyPem === undefined) return undefined;
    const versionFile = join(this.#paths.version(live.version), PKCS12_FILE);
    const top = join(this.dir, PKCS12_FILE);
    try {
      if (!(await exists(versionFile))) {
        const bytes = await toPkcs12({ privateKeyPem: live.privateKeyPem, certPem: live.certPem, chainPem: live.chainPem, passphrase, friendlyName: this.name });
        publishStep(`write:${PKCS12_FILE}`, { certificate: this.name, path: versionFile });
        await writeFileAtomic(versionFile, bytes, { mode: 0o600 });
      }
      await linkAtomically(top, `live/${PKCS12_FILE}`, this.dir);
    } catch (error) {
      throw new StoreError('STORE_IO', `The PKCS#12 file of "${this.name}" could not be written at ${top}.`, { certificate: this.name, cause: error });
    }
    return top;
  }

  /**
   * Brings the folder back in line with `state.json` after a crash: removes temporary files,
   * finishes an install whose verified certificate was written but not committed, and points
   * `live` at the committed version. Called on every lock acquisition; idempotent.
   *
   * @returns what was done, for logs.
   */
  async repair(): Promise<string[]> {
    const done: string[] = [];
    const swept = await sweepTemporaryFiles(this.#paths);
    if (swept > 0) done.push(`removed ${swept} temporary file(s)`);
    let state = await this.state();
    if (state === undefined) return done;
    const attempt = findVersion(state, state.attempt);
    if (attempt !== undefined) {
      const fullchain = await readFile(join(this.#paths.version(attempt.id), 'fullchain.pem'), 'utf8').catch(() => undefined);
      if (fullchain !== undefined) {
        try {
          const result = await this.installCertificate(fullchain);
          done.push(`finished installing version ${result.version}`);
          state = await this.state();
        } catch {
          // Not installable (e.g. expired meanwhile): leave the application as it is.
        }
      }
    }
    if (state?.current !== undefined) {
      const before = await liveVersion(this.#paths);
      // Also restores any top-level link a crash left missing.
      await switchLive(this.#paths, state.current);
      if (before !== state.current) done.push(`switched live to version ${state.current}`);
    }
    return done;
  }

  async #write(path: string, data: string, mode: number): Promise<void> {
    publishStep(`write:${basename(path)}`, { certificate: this.name, path });
    await writeFileAtomic(path, data, { mode });
  }

  /**
   * Writes a new private key 0600, keeping the group and the group-read bit of the live
   * version's key as certbot does since 0.29, so a service reading the key through a group
   * (e.g. ssl-cert) keeps reading it after a renewal. When this process may not give that
   * group (not root, not a member), the key gets neither.
   */
  async #writeKey(path: string, pem: string, previousKey: string | undefined): Promise<void> {
    const previous = previousKey === undefined ? undefined : await stat(previousKey).catch(() => undefined);
    if (previous === undefined) return this.#write(path, pem, 0o600);
    publishStep(`write:${basename(path)}`, { certificate: this.name, path });
    try {
      await writeFileAtomic(path, pem, { mode: 0o600 | (previous.mode & 0o040), gid: previous.gid });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EACCES') throw error;
      await writeFileAtomic(path, pem, { mode: 0o600 });
    }
  }

  #step(step: string): void {
    publishStep(step, { certificate: this.name });
  }

  async #attempt(): Promise<{ state: StoreState; entry: VersionEntry }> {
    const state = await this.state();
    const entry = state === undefined ? undefined : findVersion(state, state.attempt);
    if (state === undefined || entry === undefined) throw this.#noApplication();
    return { state, entry };
  }

  #noApplication(): StoreError {
    return new StoreError('STORE_NO_APPLICATION', `Certificate "${this.name}" has no application in progress.`, {
      certificate: this.name,
    });
  }

  #replace(state: StoreState, entry: VersionEntry): StoreState {
    return { ...state, versions: state.versions.map((version) => (version.id === entry.id ? entry : version)) };
  }

  async #commit(state: StoreState): Promise<void> {
    publishStep('write:state.json', { certificate: this.name, path: this.#paths.state });
    const next = { ...state, updatedAt: this.#now().toISOString() };
    await writeStoreState(this.#paths.state, next);
    // What the file now holds, as a later read would parse it (JSON drops undefined fields).
    this.#state = { value: JSON.parse(JSON.stringify(next)) as StoreState };
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Points the link `path` at `target` by one rename; the temporary name is one that crash repair sweeps (`.NAME.HEX.tmp`). */
async function linkAtomically(path: string, target: string, dir: string): Promise<void> {
  if ((await readlink(path).catch(() => undefined)) === target) return;
  const temp = join(dir, `.link.${randomBytes(6).toString('hex')}.tmp`);
  await symlink(target, temp);
  await rename(temp, path).catch(async (error: unknown) => {
    await unlink(temp).catch(() => undefined);
    throw error;
  });
}

/** The longest `lastError.message` kept, in characters: a message quoting a megabyte of a CA's text is cut. */
export const LAST_ERROR_MESSAGE_MAX = 2000;

function capped(message: string): string {
  const chars = Array.from(message);
  return chars.length <= LAST_ERROR_MESSAGE_MAX ? message : `${chars.slice(0, LAST_ERROR_MESSAGE_MAX).join('')}… (${chars.length - LAST_ERROR_MESSAGE_MAX} more characters)`;
}

function describe(error: unknown): { code: string; message: string } {
  if (isAcmApiError(error)) return { code: error.code, message: capped(error.message) };
  if (error instanceof Error) return { code: 'UNEXPECTED', message: capped(error.message) };
  return { code: 'UNEXPECTED', message: capped(String(error)) };
}

/** Settings as `state.json` reads them back: no `undefined` fields. */
function plainSettings(settings: CertificateSettings): CertificateSettings {
  return JSON.parse(JSON.stringify(settings)) as CertificateSettings;
}

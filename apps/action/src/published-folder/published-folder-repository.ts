/**
 * The GitHub Action's {@link CertificateRepository}: the published folder, `PATH/<name>/`,
 * made to be committed or uploaded (see {@link OutputFolder}, which records every change and
 * refuses a plaintext key):
 *
 * | file | what |
 * | --- | --- |
 * | `cert.pem`, `chain.pem`, `fullchain.pem` | the live certificate (spec §3) |
 * | `privkey.enc.pem` | the live key, encrypted with `key-passphrase`, when the Action has the key and a passphrase |
 * | `acmapi-state.json` | the application in progress, the last error and the last retired application (see published-state.ts) |
 *
 * Unlike core's filesystem store, it accepts a CSR without its private key
 * (`requiresPrivateKey` false): the user's key stays with the user. A key the user gives
 * (the `private-key` input, a config entry's `key`) is used but never stored, not even
 * encrypted. The plaintext key of the current run is only held in memory, and left for later
 * steps of the job at `RUNNER_TEMP/acmapi/<name>/privkey.pem` (mode 0600) — never in the folder.
 *
 * It never loses a key (issue 10): a key it generates is kept, encrypted, or not applied with
 * at all — `prepareApplication` refuses it without a passphrase (`STORE_KEY_NOT_KEPT`), before
 * anything reaches the CA, since a pending answer would outlive the runner's temporary folder.
 * An application or live certificate whose key is nowhere (left by a release before this
 * rule) is reported as `STORE_KEY_MISSING` instead of being published without its key.
 *
 * The runner is the only writer of its workspace, so holding a certificate is an in-process
 * mutex; each run reads the files afresh.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CertificateError,
  certificateMatchesPrivateKey,
  checkKeyMatchesCsr,
  DEFAULT_KEY_TYPE,
  isAcmApiError,
  isKeyType,
  needsRenewal,
  normalizeDomains,
  parseCertificateChain,
  parseCsr,
  StoreError,
  verifyCertificate,
} from '@acmapi/core';
import type {
  CertificateInfo,
  CertificateRecord,
  CertificateRecordOptions,
  CertificateRepository,
  CertificateSession,
  InstallCertificateOptions,
  InstallCertificateResult,
  KeyType,
  LiveCertificateInfo,
  LiveFiles,
  PrepareApplicationInput,
  PrepareApplicationOptions,
  StoredApplication,
  WithCertificateOptions,
} from '@acmapi/core';
import { certificateNameProblem, composeCertificateRecord, writeFileAtomic } from '@acmapi/core/store';
import type { OutputFolder } from '../output-folder.js';
import { decryptPrivateKey, encryptPrivateKey, needsReEncryption } from './key-encryption.js';
import { formatState, isEmptyState, parseState, STATE_FILE, STATE_VERSION, StateError } from './published-state.js';
import type { PublishedApplication, PublishedState } from './published-state.js';

/** The files of a certificate's folder. */
export const PUBLISHED_FILES = {
  cert: 'cert.pem',
  chain: 'chain.pem',
  fullchain: 'fullchain.pem',
  encryptedKey: 'privkey.enc.pem',
  state: STATE_FILE,
} as const;

/** Options of {@link PublishedFolderRepository}. */
export interface PublishedFolderOptions {
  /** The certificates folder (`path` input). */
  readonly folder: OutputFolder;
  /** Encrypts a key the Action holds before it is stored (`key-passphrase`); without it such a key is not stored. */
  readonly keyPassphrase?: string | undefined;
  /** Private keys the user gives (PEM): used to apply and to check certificates, never stored. */
  readonly givenPrivateKeys?: readonly string[] | undefined;
  /** CSRs the user gives (PEM): an application or certificate for one of them has its key with the user. */
  readonly givenCsrs?: readonly string[] | undefined;
  /** Where the plaintext key of this run is left for later steps of the job, outside the repository (`RUNNER_TEMP/acmapi`). */
  readonly jobKeyDir: string;
  /** Masks a secret in the runner's log (every plaintext key the repository sees). */
  readonly maskSecret: (secret: string) => void;
  /** The clock of timestamps and renewal decisions. @default () => new Date() */
  readonly now?: (() => Date) | undefined;
}

/** What the sessions of one repository share. */
interface Shared {
  readonly options: PublishedFolderOptions;
  readonly now: () => Date;
  /** The plaintext key of each certificate's application or live certificate in this run. */
  readonly runKeys: Map<string, string>;
  /** Where each certificate's key was left for later job steps. */
  readonly jobKeyPaths: Map<string, string>;
}

/** The published folder; see the module comment. */
export class PublishedFolderRepository implements CertificateRepository {
  /** A CSR alone may be applied with: the user keeps the key. */
  readonly requiresPrivateKey = false;
  readonly #shared: Shared;
  readonly #queues = new Map<string, Promise<void>>();

  constructor(options: PublishedFolderOptions) {
    this.#shared = { options, now: options.now ?? (() => new Date()), runKeys: new Map(), jobKeyPaths: new Map() };
  }

  /**
   * The record of certificate `name`, read without holding it.
   * @throws {StoreError} `STORE_NAME_INVALID`; {StateError} for a damaged `acmapi-state.json`.
   */
  async get(name: string, options: CertificateRecordOptions = {}): Promise<CertificateRecord | undefined> {
    return new PublishedCertificate(checkName(name), this.#shared).record(options);
  }

  /**
   * Runs `fn` holding certificate `name` (in this process; released when `fn` settles).
   * @throws {StoreError} `STORE_NAME_INVALID`; `STORE_LOCKED` when this run still holds it after `waitMs`.
   */
  async withCertificate<T>(name: string, fn: (certificate: CertificateSession) => Promise<T>, options: WithCertificateOptions = {}): Promise<T> {
    checkName(name);
    const previous = this.#queues.get(name) ?? Promise.resolve();
    let release = (): void => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#queues.set(name, tail);
    try {
      await waitFor(previous, options.waitMs ?? 10_000, name);
      return await fn(new PublishedCertificate(name, this.#shared));
    } finally {
      release();
      if (this.#queues.get(name) === tail) this.#queues.delete(name);
    }
  }

  /** Where the plaintext key of certificate `name` was left for later job steps in this run, if it was. */
  jobKeyPath(name: string): string | undefined {
    return this.#shared.jobKeyPaths.get(name);
  }

  /**
   * Checks that the live certificate of `name`, if any, has a private key the Action can
   * provide: its `privkey.enc.pem`, or a key or CSR the user gives. Call it only where the
   * Action is the keeper of the key (a generated key): a CSR's key is with the user.
   * @throws {StoreError} `STORE_KEY_MISSING` (with `path`: its cert.pem) when the key is nowhere;
   *   `STORE_NAME_INVALID`.
   */
  async assertLiveKeyKept(name: string): Promise<void> {
    await new PublishedCertificate(checkName(name), this.#shared).assertLiveKeyKept();
  }
}

function checkName(name: string): string {
  // The name becomes a folder of the repository: never a path.
  const problem = certificateNameProblem(name);
  if (problem !== undefined) throw new StoreError('STORE_NAME_INVALID', `Certificate name ${JSON.stringify(name)} ${problem}.`, { certificate: name });
  return name;
}

async function waitFor(previous: Promise<void>, waitMs: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new StoreError('STORE_LOCKED', `Certificate "${name}" is still being handled by this run after ${waitMs} ms.`, { certificate: name }));
    }, waitMs);
  });
  try {
    await Promise.race([previous, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): { code: string; message: string } {
  if (isAcmApiError(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: error.name === 'Error' ? 'UNEXPECTED' : error.name, message: error.message };
  return { code: 'UNEXPECTED', message: String(error) };
}

function keyMatchesCsr(privateKeyPem: string, csrPem: string): boolean {
  try {
    checkKeyMatchesCsr(privateKeyPem, csrPem);
    return true;
  } catch {
    return false;
  }
}

function keyMatchesCertificate(privateKeyPem: string, certPem: string): boolean {
  try {
    return certificateMatchesPrivateKey(certPem, privateKeyPem);
  } catch {
    return false;
  }
}

/** The key type of a certificate's public key; a type acmapi does not generate counts as the default (the Action asks for a key type only for a key it generates, see certificate-run.ts). */
function keyTypeOfCertificate(certPem: string): KeyType {
  const key = new X509Certificate(certPem).publicKey;
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') {
    if (details?.namedCurve === 'prime256v1') return 'ec-p256';
    if (details?.namedCurve === 'secp384r1') return 'ec-p384';
  }
  const rsa = `rsa-${String(details?.modulusLength)}`;
  if (key.asymmetricKeyType === 'rsa' && isKeyType(rsa)) return rsa;
  return DEFAULT_KEY_TYPE;
}

function withoutApplication(state: PublishedState): PublishedState {
  return {
    version: state.version,
    ...(state.lastError === undefined ? {} : { lastError: state.lastError }),
    ...(state.lastRetired === undefined ? {} : { lastRetired: state.lastRetired }),
  };
}

/** The live version's id: its fingerprint, shortened (the folder keeps one version). */
function versionOf(leaf: CertificateInfo): string {
  return leaf.fingerprintSha256.replaceAll(':', '').slice(0, 16).toLowerCase();
}

/** One certificate of the published folder, held by the caller. */
class PublishedCertificate implements CertificateSession {
  readonly name: string;
  readonly dir: string;
  readonly #shared: Shared;

  constructor(name: string, shared: Shared) {
    this.name = name;
    this.#shared = shared;
    this.dir = shared.options.folder.absolute(name);
  }

  get #folder(): OutputFolder {
    return this.#shared.options.folder;
  }

  #file(file: string): string {
    return `${this.name}/${file}`;
  }

  #now(): string {
    return this.#shared.now().toISOString();
  }

  async #state(): Promise<PublishedState | undefined> {
    const text = await this.#folder.read(this.#file(STATE_FILE));
    const saved =
      text === undefined
        ? undefined
        : parseState(text, { where: this.#folder.repoPath(this.#file(STATE_FILE)), isKeyType, csrKeyType: (csr) => parseCsr(csr).keyType });
    return saved;
  }

  /** Writes the state, or removes the file when nothing is left in it. */
  async #save(state: PublishedState, bookkeeping = false): Promise<void> {
    const path = this.#file(STATE_FILE);
    if (isEmptyState(state)) await this.#folder.remove(path);
    else await this.#folder.write(path, formatState(state), { bookkeeping });
  }

  #isGivenCsr(csrPem: string): boolean {
    const csr = csrPem.trim();
    return (this.#shared.options.givenCsrs ?? []).some((given) => given.trim() === csr);
  }

  /** Whether a CSR the user gives has the public key of `certPem`: its key is then with the user. */
  #certificateOfGivenCsr(certPem: string): boolean {
    const given = this.#shared.options.givenCsrs ?? [];
    if (given.length === 0) return false;
    const publicKey = new X509Certificate(certPem).publicKey;
    return given.some((csr) => {
      try {
        return publicKey.equals(parseCsr(csr).publicKey);
      } catch {
        return false;
      }
    });
  }

  /** @see PublishedFolderRepository.assertLiveKeyKept */
  async assertLiveKeyKept(): Promise<void> {
    const certPem = await this.#folder.read(this.#file(PUBLISHED_FILES.cert));
    if (certPem === undefined || (await this.#liveInfo({})) === undefined) return;
    if ((await this.#folder.read(this.#file(PUBLISHED_FILES.encryptedKey))) !== undefined) return;
    if (this.#shared.runKeys.has(this.name)) return;
    if ((this.#shared.options.givenPrivateKeys ?? []).some((key) => keyMatchesCertificate(key, certPem))) return;
    if (this.#certificateOfGivenCsr(certPem)) return;
    const where = this.#folder.repoPath(this.#file(PUBLISHED_FILES.cert));
    throw new StoreError('STORE_KEY_MISSING', `The live certificate of "${this.name}" (${where}) has no private key here: no ${PUBLISHED_FILES.encryptedKey} beside it, and no key or CSR given matches it.`, {
      certificate: this.name,
      path: where,
      hint: 'Apply for a new certificate whose private key is kept, or give the private key of this one.',
    });
  }

  #isGiven(privateKeyPem: string | undefined): boolean {
    if (privateKeyPem === undefined) return false;
    const key = privateKeyPem.trim();
    return (this.#shared.options.givenPrivateKeys ?? []).some((given) => given.trim() === key);
  }

  /** The plaintext key that belongs to `matches`: this run's, the saved encrypted one, or one the user gave. */
  #findKey(matches: (privateKeyPem: string) => boolean, encrypted: string | undefined, where: string): string | undefined {
    const inMemory = this.#shared.runKeys.get(this.name);
    if (inMemory !== undefined && matches(inMemory)) return inMemory;
    if (encrypted !== undefined) {
      const passphrase = this.#shared.options.keyPassphrase;
      if (passphrase === undefined) {
        throw new StateError(`The private key in ${where} is saved encrypted; give the same key-passphrase as the run that saved it.`);
      }
      const key = decryptPrivateKey(encrypted, passphrase, where);
      this.#shared.options.maskSecret(key);
      return key;
    }
    return this.#shared.options.givenPrivateKeys?.find((given) => matches(given));
  }

  async record(options: CertificateRecordOptions = {}): Promise<CertificateRecord | undefined> {
    const state = await this.#state();
    const live = await this.#liveInfo(options);
    if (state === undefined && live === undefined) return undefined;
    const application = state?.application;
    const applicationInfo: CertificateRecord['application'] =
      application === undefined
        ? undefined
        : {
            version: application.preparedAt,
            status: application.status,
            domains: [...application.domains],
            keyType: application.keyType,
            preparedAt: new Date(application.preparedAt),
            handleId: application.handleId,
            since: application.pendingSince === undefined ? undefined : new Date(application.pendingSince),
            lastPolledAt: application.lastPolledAt === undefined ? undefined : new Date(application.lastPolledAt),
            polls: application.polls,
            endpoint: application.endpoint,
          };
    const retired = state?.lastRetired;
    const lastError = state?.lastError === undefined ? undefined : { code: state.lastError.code, message: state.lastError.message, at: new Date(state.lastError.at) };
    return composeCertificateRecord({
      name: this.name,
      live,
      application: applicationInfo,
      lastRetired:
        retired === undefined
          ? undefined
          : {
              version: retired.retiredAt,
              status: retired.status,
              domains: [...retired.domains],
              keyType: retired.keyType,
              handleId: retired.handleId,
              retiredAt: new Date(retired.retiredAt),
              reason: retired.reason,
            },
      lastError,
      dir: this.dir,
    });
  }

  /** The live certificate from `cert.pem`; one that does not parse counts as none (a new one is applied for). */
  async #liveInfo(options: CertificateRecordOptions): Promise<LiveCertificateInfo | undefined> {
    const certPem = await this.#folder.read(this.#file(PUBLISHED_FILES.cert));
    if (certPem === undefined) return undefined;
    let leaf: CertificateInfo;
    let keyType: KeyType;
    try {
      leaf = parseCertificateChain(certPem).leaf;
      keyType = keyTypeOfCertificate(leaf.pem);
    } catch {
      return undefined;
    }
    return {
      version: versionOf(leaf),
      domains: leaf.sans,
      keyType,
      fingerprintSha256: leaf.fingerprintSha256,
      serialNumber: leaf.serialNumber,
      issuer: leaf.issuer,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      installedAt: undefined,
      handleId: undefined,
      // The fingerprint seeds the jitter, as in core's store, so a fleet issued at once does not renew at once.
      renewal: needsRenewal(leaf, { now: options.now ?? this.#shared.now(), jitterSeed: leaf.fingerprintSha256, ...(options.days === undefined ? {} : { days: options.days }) }),
    };
  }

  /** @throws {StateError} when the application's key is saved encrypted and key-passphrase is missing or wrong. */
  async readApplication(): Promise<StoredApplication | undefined> {
    const application = (await this.#state())?.application;
    if (application === undefined) return undefined;
    const where = this.#folder.repoPath(this.#file(STATE_FILE));
    const privateKeyPem = this.#findKey((key) => keyMatchesCsr(key, application.csr), application.encryptedPrivateKey, where);
    // Without its key, the certificate the CA signs for this CSR is of no use to anyone; unless the user holds the key of a CSR they gave.
    if (privateKeyPem === undefined && application.keyWithUser !== true && !this.#isGivenCsr(application.csr)) {
      const what = application.handleId === undefined ? 'The prepared application' : `The application ${application.handleId}`;
      throw new StoreError('STORE_KEY_MISSING', `${what} of "${this.name}" (${where}) has no private key: none is saved with it, and no key or CSR given matches its CSR.`, {
        certificate: this.name,
        handleId: application.handleId,
        path: where,
        hint: 'Remove the application and apply anew with a private key that is kept, or give the private key of its CSR.',
      });
    }
    return {
      version: application.preparedAt,
      status: application.status,
      domains: [...application.domains],
      keyType: application.keyType,
      handleId: application.handleId,
      endpoint: application.endpoint,
      privateKeyPem,
      csrPem: application.csr,
    };
  }

  async prepareApplication(input: PrepareApplicationInput, options: PrepareApplicationOptions = {}): Promise<string> {
    const state = (await this.#state()) ?? { version: STATE_VERSION };
    const previous = state.application;
    if (previous !== undefined && options.force !== true) {
      const what = previous.handleId === undefined ? 'a prepared application that may have reached the CA' : `application ${previous.handleId} pending at the CA`;
      throw new StoreError('STORE_PENDING_EXISTS', `Certificate "${this.name}" already has ${what}.`, { certificate: this.name });
    }
    const domains = normalizeDomains(input.domains);
    const key = input.privateKeyPem;
    const passphrase = this.#shared.options.keyPassphrase;
    if (key !== undefined && !this.#isGiven(key) && passphrase === undefined) {
      // A pending answer outlives the runner's temporary folder: the key would be lost with it.
      throw new StoreError(
        'STORE_KEY_NOT_KEPT',
        `The private key generated for "${this.name}" cannot be kept: the certificates folder keeps a generated key only encrypted, and no passphrase was given. Nothing was sent to the CA.`,
        { certificate: this.name, hint: 'Give a passphrase to keep the generated private key encrypted, or give your own private key or CSR.' },
      );
    }
    if (key !== undefined) {
      checkKeyMatchesCsr(key, input.csrPem);
      this.#shared.options.maskSecret(key);
      this.#shared.runKeys.set(this.name, key);
    } else {
      this.#shared.runKeys.delete(this.name);
    }
    const encrypted = key !== undefined && !this.#isGiven(key) && passphrase !== undefined ? encryptPrivateKey(key, passphrase) : undefined;
    const now = this.#now();
    const application: PublishedApplication = {
      status: 'prepared',
      domains,
      keyType: input.keyType,
      csr: input.csrPem,
      ...(encrypted === undefined ? {} : { encryptedPrivateKey: encrypted }),
      ...(key === undefined || this.#isGiven(key) ? { keyWithUser: true as const } : {}),
      ...(input.endpoint === undefined ? {} : { endpoint: input.endpoint }),
      preparedAt: now,
      polls: 0,
    };
    const lastRetired =
      previous === undefined
        ? state.lastRetired
        : {
            status: 'abandoned' as const,
            domains: previous.domains,
            keyType: previous.keyType,
            ...(previous.handleId === undefined ? {} : { handleId: previous.handleId }),
            retiredAt: now,
            reason: 'replaced by a forced new application',
          };
    await this.#save({ ...state, application, ...(lastRetired === undefined ? {} : { lastRetired }) });
    return application.preparedAt;
  }

  async #application(): Promise<{ state: PublishedState; application: PublishedApplication }> {
    const state = await this.#state();
    if (state?.application === undefined) {
      throw new StoreError('STORE_NO_APPLICATION', `Certificate "${this.name}" has no application in progress.`, { certificate: this.name });
    }
    return { state, application: state.application };
  }

  async recordPending(handleId: string): Promise<void> {
    const { state, application } = await this.#application();
    await this.#save({ ...state, application: { ...application, status: 'pending', handleId, pendingSince: application.pendingSince ?? this.#now() } });
  }

  async recordPoll(): Promise<void> {
    const { state, application } = await this.#application();
    // Bookkeeping: a run that only polled commits nothing.
    await this.#save({ ...state, application: { ...application, polls: application.polls + 1, lastPolledAt: this.#now() } }, true);
  }

  /**
   * Checks the CA's certificate against the saved CSR and domains (core's verifyCertificate)
   * and, when the key is known, against the key; then writes cert.pem, chain.pem,
   * fullchain.pem and privkey.enc.pem (removed when this certificate's key is not stored).
   * Nothing is written when a check fails.
   * @throws {CertificateError} `CERT_*`; {StoreError} `STORE_NO_APPLICATION`.
   */
  async installCertificate(bundle: string, options: InstallCertificateOptions = {}): Promise<InstallCertificateResult> {
    const { state, application } = await this.#application();
    const stored = await this.readApplication();
    const chain = parseCertificateChain(bundle);
    verifyCertificate(chain, { csrPem: application.csr, domains: application.domains, now: options.now ?? this.#shared.now() });
    const key = stored?.privateKeyPem;
    if (key !== undefined && !certificateMatchesPrivateKey(chain.certPem, key)) {
      throw new CertificateError('CERT_KEY_MISMATCH', `The certificate for "${this.name}" does not match its private key; it was not saved.`);
    }
    const previous = await this.#liveInfo({});
    const passphrase = this.#shared.options.keyPassphrase;
    // A key saved by an older release (2,048 PBKDF2 iterations) is encrypted anew now that it is written again.
    const saved = application.encryptedPrivateKey;
    const canEncrypt = key !== undefined && !this.#isGiven(key) && passphrase !== undefined;
    const encrypted = saved !== undefined && !(canEncrypt && needsReEncryption(saved)) ? saved : canEncrypt ? encryptPrivateKey(key, passphrase) : undefined;
    await this.#folder.write(this.#file(PUBLISHED_FILES.cert), chain.certPem);
    await this.#folder.write(this.#file(PUBLISHED_FILES.chain), chain.chainPem);
    await this.#folder.write(this.#file(PUBLISHED_FILES.fullchain), chain.fullchainPem);
    // An older key beside a new certificate would be a trap: it goes when this key is not stored.
    if (encrypted === undefined) await this.#folder.remove(this.#file(PUBLISHED_FILES.encryptedKey));
    else await this.#folder.write(this.#file(PUBLISHED_FILES.encryptedKey), encrypted);
    await this.#save({ version: STATE_VERSION, ...(state.lastRetired === undefined ? {} : { lastRetired: state.lastRetired }) });
    if (key !== undefined) {
      this.#shared.runKeys.set(this.name, key);
      await this.#leaveKeyForJob(key);
    }
    return { version: versionOf(chain.leaf), leaf: chain.leaf, previousVersion: previous?.version };
  }

  async #leaveKeyForJob(privateKeyPem: string): Promise<void> {
    const dir = join(this.#shared.options.jobKeyDir, this.name);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, 'privkey.pem');
    await writeFileAtomic(file, privateKeyPem, { mode: 0o600 });
    this.#shared.jobKeyPaths.set(this.name, file);
  }

  async recordRefused(error: unknown): Promise<void> {
    const { state, application } = await this.#application();
    const { code, message } = describe(error);
    const now = this.#now();
    await this.#save({
      ...withoutApplication(state),
      lastRetired: {
        status: 'refused',
        domains: application.domains,
        keyType: application.keyType,
        ...(application.handleId === undefined ? {} : { handleId: application.handleId }),
        retiredAt: now,
        reason: `${code}: ${message}`,
      },
      lastError: { code, message, at: now },
    });
  }

  async recordError(error: unknown): Promise<void> {
    const state = await this.#state();
    // Nothing applied for and nothing live: there is no certificate to note it on.
    if (state === undefined && (await this.#folder.read(this.#file(PUBLISHED_FILES.cert))) === undefined) return;
    const { code, message } = describe(error);
    await this.#save({ ...(state ?? { version: STATE_VERSION }), lastError: { code, message, at: this.#now() } });
  }

  /** The live files; the key when this run holds it, the passphrase decrypts it, or the user gave it. */
  async readLive(): Promise<LiveFiles | undefined> {
    const read = (file: string): Promise<string | undefined> => this.#folder.read(this.#file(file));
    const [certPem, chainPem, fullchainPem, encrypted] = await Promise.all([read(PUBLISHED_FILES.cert), read(PUBLISHED_FILES.chain), read(PUBLISHED_FILES.fullchain), read(PUBLISHED_FILES.encryptedKey)]);
    if (certPem === undefined || fullchainPem === undefined) return undefined;
    let leaf: CertificateInfo;
    try {
      leaf = parseCertificateChain(certPem).leaf;
    } catch {
      return undefined;
    }
    const canDecrypt = encrypted !== undefined && this.#shared.options.keyPassphrase !== undefined;
    const privateKeyPem = this.#findKey((key) => keyMatchesCertificate(key, certPem), canDecrypt ? encrypted : undefined, this.#folder.repoPath(this.#file(PUBLISHED_FILES.encryptedKey)));
    return { version: versionOf(leaf), privateKeyPem, certPem, chainPem: chainPem ?? '', fullchainPem };
  }
}

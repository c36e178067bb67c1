/**
 * Where the lifecycle keeps certificates: one interface, two implementations — the
 * crash-safe filesystem store (`@acmapi/core/store`, used by the CLI and the extension) and
 * the GitHub Action's published folder (encrypted key, state committed or uploaded).
 *
 * The lifecycle ({@link runCertificate}) only ever changes a certificate through the
 * {@link CertificateSession} it is handed while it holds that certificate exclusively, and in
 * this order: prepare (key and CSR saved BEFORE sending) → pending (handle saved BEFORE
 * polling) → install (checked, then made live) — or record the failure. A repository decides
 * how each step is made durable; the rules about when to take each step live in the lifecycle.
 */
import type { CertificateInfo } from '../pki/certificate.js';
import type { KeyType } from '../pki/key-types.js';
import type { CertificateRecord, CertificateRecordOptions } from '../store/certificate-record.js';
import type { CertificateSettings } from './settings.js';

/** What {@link CertificateSession.prepareApplication} saves. */
export interface PrepareApplicationInput {
  /** The requested domains (spec §4); normalised before saving. */
  domains: readonly string[];
  keyType: KeyType;
  /**
   * The private key, PEM; `undefined` only for a CSR-only application, which a repository
   * with {@link CertificateRepository.requiresPrivateKey} `false` accepts. Never logged.
   */
  privateKeyPem: string | undefined;
  /** The CSR, PEM. */
  csrPem: string;
  /**
   * The endpoint the application goes to, recorded so that retrieval asks the same CA:
   * scheme, host, port and path only. A URL's user info, query and fragment (where some
   * gateways take credentials) are never recorded: the lifecycle passes the endpoint through
   * `recordableEndpoint` (client/endpoint.ts), and the filesystem store strips them again.
   */
  endpoint?: string;
  /**
   * The run's settings, remembered in the same durable step where the repository keeps
   * settings (see {@link CertificateSession.recordSettings}); ignored elsewhere.
   */
  settings?: CertificateSettings | undefined;
}

/** Options of {@link CertificateSession.prepareApplication}. */
export interface PrepareApplicationOptions {
  /**
   * Replace an application in progress (it is retired as `abandoned`; its key is kept).
   * @default false
   */
  force?: boolean;
}

/** An application in progress with its key material, to send again or to retrieve with. */
export interface StoredApplication {
  /** The repository's id of the application (the store's version folder). */
  version: string;
  /** `prepared`: saved, no answer known; `pending`: the CA gave a handle (spec §3 status 1). */
  status: 'prepared' | 'pending';
  domains: string[];
  keyType: KeyType;
  handleId: string | undefined;
  endpoint: string | undefined;
  /** `undefined` for a CSR-only application. */
  privateKeyPem: string | undefined;
  csrPem: string;
}

/** The live version's files (PEM), e.g. for a PKCS#12 export. */
export interface LiveFiles {
  version: string;
  /** `undefined` when the repository does not hold the key (CSR-only). */
  privateKeyPem: string | undefined;
  certPem: string;
  chainPem: string;
  fullchainPem: string;
}

/** What {@link CertificateSession.installCertificate} returns. */
export interface InstallCertificateResult {
  /** The version that is now live. */
  version: string;
  /** The installed leaf. */
  leaf: CertificateInfo;
  /** The version that was live before, now archived. */
  previousVersion: string | undefined;
}

/** Options of {@link CertificateSession.installCertificate}. */
export interface InstallCertificateOptions {
  /** Time at which validity is checked. @default the repository's clock */
  now?: Date;
}

/**
 * One certificate, held exclusively by the caller (see {@link CertificateRepository.withCertificate}).
 * Every method is durable when its promise settles.
 */
export interface CertificateSession {
  /** The certificate's name in its repository. */
  readonly name: string;
  /** Where its files are (a folder), for messages and results. */
  readonly dir: string;
  /** The record, or `undefined` before the first application. @throws {StoreError} `STORE_CORRUPT` */
  record(options?: CertificateRecordOptions): Promise<CertificateRecord | undefined>;
  /**
   * Called by a renewal when {@link CertificateSession.record} is `undefined`: throws when the
   * repository still holds files of this certificate that no record describes (its record was
   * lost, or its first application was cut short before its first commit), because renewing
   * would start anew beside keys and handles nothing tracks. `issue` does not ask: it starts
   * anew beside them, and nothing is removed. Repositories that cannot tell leave it out.
   *
   * @throws {StoreError} `STORE_CORRUPT` with the missing record's `path`.
   */
  checkNoUnrecordedFiles?(): Promise<void>;
  /** The application in progress with its key material, or `undefined`. */
  readApplication(): Promise<StoredApplication | undefined>;
  /**
   * Saves a new key and CSR and records the application as `prepared`. Live files untouched.
   * @returns the application's version id.
   * @throws {StoreError} `STORE_PENDING_EXISTS` over an application in progress without `force`.
   * @throws {CsrError} when key and CSR do not belong together.
   */
  prepareApplication(input: PrepareApplicationInput, options?: PrepareApplicationOptions): Promise<string>;
  /** Records the handle of a pending answer. @throws {StoreError} `STORE_NO_APPLICATION` */
  recordPending(handleId: string): Promise<void>;
  /** Records one more poll of the pending application. @throws {StoreError} `STORE_NO_APPLICATION` */
  recordPoll(): Promise<void>;
  /**
   * Checks the CA's certificate (chain links, key is the CSR's and the private key's, names
   * every domain, valid now — spec §3) and makes it live with the application's key.
   * Nothing is written when a check fails.
   * @param bundle - the certificate as the CA sent it, PEM (leaf first, then its chain).
   * @throws {CertificateError} `CERT_*`; {StoreError} `STORE_NO_APPLICATION`.
   */
  installCertificate(bundle: string, options?: InstallCertificateOptions): Promise<InstallCertificateResult>;
  /** Retires the application as `refused` (its key is kept) and records the error. */
  recordRefused(error: unknown): Promise<void>;
  /** Records the error as the certificate's last error; the application, if any, is kept. */
  recordError(error: unknown): Promise<void>;
  /**
   * Remembers how the certificate is obtained (see {@link CertificateSettings}), when the
   * repository can; writes only when they differ from those stored. Never holds a secret.
   */
  recordSettings?(settings: CertificateSettings): Promise<void>;
  /** The live files, or `undefined` before the first install. */
  readLive(): Promise<LiveFiles | undefined>;
  /**
   * Keeps a PKCS#12 file of the live version (for IIS and Java), when the repository can.
   * @returns its path, or `undefined` when nothing is live.
   */
  exportPkcs12?(passphrase: string): Promise<string | undefined>;
}

/** Options of {@link CertificateRepository.withCertificate}. */
export interface WithCertificateOptions {
  /**
   * How long to wait for another process holding the certificate, in milliseconds; 0 fails at once.
   * @default 10_000
   */
  waitMs?: number;
  /**
   * Ends that wait (Ctrl-C, SIGTERM) with the error of an aborted run, `TransportError`
   * `TRANSPORT_ABORTED`; nothing was done.
   */
  signal?: AbortSignal | undefined;
  /** Called once when another process holds the certificate and the wait begins: who holds it (pid, host, since) and the wait, in milliseconds. */
  onWait?: ((holder: string, waitMs: number) => void) | undefined;
}

/** A place that keeps certificates. See the module comment. */
export interface CertificateRepository {
  /**
   * Whether every application must come with its private key. The filesystem store keeps
   * every certificate with its key, so a CSR alone cannot go there (`true`); the Action's
   * published folder accepts a CSR whose key stays with the user (`false`).
   */
  readonly requiresPrivateKey: boolean;
  /** The record of certificate `name`, read without taking it, or `undefined`. */
  get(name: string, options?: CertificateRecordOptions): Promise<CertificateRecord | undefined>;
  /**
   * Runs `fn` with certificate `name` held exclusively; released when `fn` settles.
   * @throws {StoreError} `STORE_LOCKED` when another process keeps it past `waitMs`; `STORE_NAME_INVALID`.
   */
  withCertificate<T>(name: string, fn: (certificate: CertificateSession) => Promise<T>, options?: WithCertificateOptions): Promise<T>;
}

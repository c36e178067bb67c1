/**
 * One certificate's run through the store, the same in every front end (the CLI's `issue`,
 * `renew`, `retrieve`, the VS Code extension, …): take the certificate's lock, read its
 * record, plan ({@link planApplication}), and act — skip (not yet due), refuse (an
 * application is pending), retrieve the pending application, resend a prepared one, or apply
 * with a new key saved BEFORE it is sent; record the handle BEFORE polling; install, or
 * record the failure. Every change goes through {@link LockedCertificate} (see the store's
 * README for why a crash at any step loses nothing and never mixes a key with another key's
 * certificate). Printing is the caller's: it is told what happens through hooks.
 */
import type { CertificateInfo } from '../pki/certificate.js';
import type { AcmApiClient, CertificateResult } from '../client/client.js';
import { generateKeyAndCsr } from '../pki/csr.js';
import { CaError, InternalError, OptionsError } from '../errors/errors.js';
import { DEFAULT_KEY_TYPE, type KeyType } from '../pki/key-types.js';
import { planApplication, type ApplicationPlan } from './plan-application.js';
import type { CertificateRecord } from '../store/certificate-record.js';
import type { CertificateStore } from '../store/certificate-store.js';
import type { LockedCertificate, StoreStepHook, StoredApplication } from '../store/locked-certificate.js';

/** A private key and the CSR made with it (PEM), to apply with. */
export interface KeyAndCsr {
  privateKeyPem: string;
  csrPem: string;
  keyType: KeyType;
}

/** What {@link runCertificate} tells its caller while it works (all optional; for progress and logs). */
export interface RunCertificateHooks {
  /** The plan decided under the lock (not called for `retrieve`). */
  onPlan?: ((plan: ApplicationPlan, record: CertificateRecord | undefined) => void) | undefined;
  /** A new private key and CSR of `keyType` are being generated. */
  onGeneratingKey?: ((keyType: KeyType) => void) | undefined;
  /**
   * The run's own durable-step marks, beside the store's: `key-generated` (key and CSR in
   * memory, nothing saved) and `applied` (the CA's answer is in memory, nothing recorded
   * yet). For crash tests, like `OpenStoreOptions.onStep`.
   */
  onStep?: StoreStepHook | undefined;
  /** A prepared application whose answer was lost is sent again with its saved key and CSR. */
  onResend?: ((application: StoredApplication) => void) | undefined;
  /** The application was saved for (or sent to) `recorded`, but the client now talks to `current`. */
  onEndpointChanged?: ((change: { recorded: string; current: string; action: 'resend' | 'retrieve' }) => void) | undefined;
  /** The application is being sent (and, with `waitMs`, polled). */
  onApplying?: ((domains: readonly string[]) => void) | undefined;
  /** A pending application is being asked for by its handle. */
  onRetrieving?: ((handleId: string) => void) | undefined;
  /** The CA answered (issued or still pending); installing follows. */
  onAnswered?: (() => void) | undefined;
  /**
   * The CA answered pending and the handle is saved (`recordPending`); `waiting` is true when
   * polling follows (`waitMs` > 0): the moment to start listening for an interruption.
   */
  onPending?: ((handleId: string, waiting: boolean) => void | Promise<void>) | undefined;
  /**
   * Called while the lock is still held once a certificate is live and current (`issued` or
   * `not-due`), e.g. to export a PKCS#12 file beside the live files.
   */
  onLive?: ((certificate: LockedCertificate) => Promise<void>) | undefined;
}

/** Options of {@link runCertificate}. */
export interface RunCertificateOptions {
  store: CertificateStore;
  /** The certificate's store name. */
  name: string;
  /**
   * `issue` refuses over a pending application (result `already-pending`); `renew` retrieves
   * it; `retrieve` only asks the CA for the application with `handleId`.
   */
  command: 'issue' | 'renew' | 'retrieve';
  /** The domains wanted (spec §4); required for `issue`/`renew`. A change from the live certificate's means a new application. */
  domains?: readonly string[] | undefined;
  /** For `retrieve`: the handle of the pending application. */
  handleId?: string | undefined;
  /** The key type wanted. @default the live certificate's, else `ec-p256` */
  keyType?: KeyType | undefined;
  /** Makes the key and CSR of a new application (the user's own, already checked). @default a generated key of `keyType` and its CSR */
  keyAndCsr?: (() => Promise<KeyAndCsr>) | undefined;
  /** Apply even when not due, or over an application in progress (its key is kept, `abandoned`). @default false */
  force?: boolean | undefined;
  /** Renew when fewer than this many days are left. @default a third of the lifetime */
  days?: number | undefined;
  /**
   * Makes the client, called only when the CA is contacted (a not-due run needs no
   * credentials) and BEFORE a new key is saved, so a refused client option leaves nothing
   * behind. The run closes it. Its `endpoint` is recorded with the application.
   */
  client: () => AcmApiClient | Promise<AcmApiClient>;
  /** How long to poll a pending application, in milliseconds; 0 saves the handle and returns. @default 0 */
  waitMs?: number | undefined;
  /** How long to wait for another process holding the certificate, in milliseconds. @default 10_000 */
  lockWaitMs?: number | undefined;
  /** Aborts the CA calls; an abort while polling a saved handle returns `pending` with `interrupted: true`. */
  signal?: AbortSignal | undefined;
  /** Wraps each sending of an application, new or resent (e.g. a signfile deployment and preflight). */
  aroundApply?: (<T>(apply: () => Promise<T>, domains: string[]) => Promise<T>) | undefined;
  hooks?: RunCertificateHooks | undefined;
}

/** What {@link runCertificate} led to. */
export type RunCertificateResult =
  /** A certificate is live now; `chainMissing` when the CA sent the leaf without its chain. */
  | {
      status: 'issued';
      name: string;
      dir: string;
      domains: string[];
      /** The application's handle (spec §3). */
      handleId: string;
      version: string;
      leaf: CertificateInfo;
      chainMissing: boolean;
      /** Why the chain could not be completed (see `IssuedCertificate.warnings`); empty when it was, or when it came with the certificate. */
      chainWarnings: readonly string[];
    }
  /** Not due yet: nothing was sent. */
  | { status: 'not-due'; record: CertificateRecord }
  /** The CA holds the application for review; its handle is saved. `interrupted`: `signal` ended the wait. */
  | { status: 'pending'; name: string; dir: string; domains: string[]; handleId: string; version: string; interrupted: boolean }
  /** `issue` without `force` over a pending application: nothing was sent. */
  | { status: 'already-pending'; name: string; handleId: string }
  /** `retrieve` of a handle whose certificate is live already: nothing was asked. */
  | { status: 'already-installed'; record: CertificateRecord; handleId: string }
  /** `retrieve` of a handle the certificate has no application for (retired, or never there). */
  | { status: 'not-found'; record: CertificateRecord | undefined; handleId: string };

/** The pending and issued results share these. */
type Answered = Extract<RunCertificateResult, { status: 'issued' | 'pending' }>;

/**
 * Runs one certificate. See the module comment.
 *
 * @returns see {@link RunCertificateResult}.
 * @throws {OptionsError} `OPTIONS_INVALID` without `domains` (`issue`/`renew`) or `handleId` (`retrieve`).
 * @throws {StoreError} `STORE_LOCKED` (another process kept the lock past `lockWaitMs`),
 *   `STORE_NAME_INVALID`, `STORE_CORRUPT`.
 * @throws {CaError}, {TransportError}, {ProtocolError}, {CertificateError} from the CA call
 *   or the install; the failure is recorded first (as `lastError`): a CA error 101–110 to a
 *   new application retires its key as `refused`; while pending only 109 does; anything else
 *   keeps the application for the next run.
 * @throws {DomainError}/{CsrError} when the request cannot succeed (nothing sent); whatever
 *   `client` or a hook throws.
 */
export async function runCertificate(options: RunCertificateOptions): Promise<RunCertificateResult> {
  const { command } = options;
  if (command === 'retrieve' ? options.handleId === undefined : options.domains === undefined) {
    throw new OptionsError(command === 'retrieve' ? 'runCertificate() needs handleId to retrieve.' : `runCertificate() needs domains to ${command}.`);
  }
  return options.store.withCertificateLock(
    options.name,
    (certificate) => (command === 'retrieve' ? retrieveLocked(certificate, options.handleId ?? '', options) : planAndAct(certificate, command, options)),
    options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs },
  );
}

async function planAndAct(certificate: LockedCertificate, command: 'issue' | 'renew', options: RunCertificateOptions): Promise<RunCertificateResult> {
  const domains = [...(options.domains ?? [])];
  const record = await certificate.record(options.days === undefined ? {} : { days: options.days });
  const plan = planApplication(record, {
    command,
    force: options.force ?? false,
    domains,
    ...(options.keyType === undefined ? {} : { keyType: options.keyType }),
  });
  options.hooks?.onPlan?.(plan, record);
  switch (plan.action) {
    case 'skip': {
      if (record === undefined) throw new InternalError('planApplication skipped a certificate without a record.');
      await options.hooks?.onLive?.(certificate);
      return { status: 'not-due', record };
    }
    case 'refuse':
      return { status: 'already-pending', name: certificate.name, handleId: plan.handleId };
    case 'retrieve': {
      const application = await certificate.readApplication();
      if (application?.handleId === undefined) throw new InternalError('planApplication retrieves an application without a handle.');
      return withClient(options, (client) => retrieve(certificate, { ...application, handleId: application.handleId ?? '' }, client, options));
    }
    case 'resume': {
      const application = await certificate.readApplication();
      if (application === undefined) throw new InternalError('planApplication resumes an application that is not there.');
      options.hooks?.onResend?.(application);
      return withClient(options, (client) => {
        noteEndpoint(application, client, 'resend', options);
        return send(certificate, application, client, options);
      });
    }
    case 'apply':
      return withClient(options, (client) => prepareAndSend(certificate, record, domains, plan.replacesApplication, client, options));
  }
}

/** Makes the client (before anything is written), runs `fn` with it, and closes it. */
async function withClient<T>(options: RunCertificateOptions, fn: (client: AcmApiClient) => Promise<T>): Promise<T> {
  const client = await options.client();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function noteEndpoint(application: StoredApplication, client: AcmApiClient, action: 'resend' | 'retrieve', options: RunCertificateOptions): void {
  const current = client.endpoint.href;
  if (application.endpoint !== undefined && application.endpoint !== current) {
    options.hooks?.onEndpointChanged?.({ recorded: application.endpoint, current, action });
  }
}

async function prepareAndSend(
  certificate: LockedCertificate,
  record: CertificateRecord | undefined,
  domains: string[],
  replacesApplication: boolean,
  client: AcmApiClient,
  options: RunCertificateOptions,
): Promise<Answered> {
  const keyType = options.keyType ?? record?.live?.keyType ?? DEFAULT_KEY_TYPE;
  let keys: KeyAndCsr;
  if (options.keyAndCsr === undefined) {
    options.hooks?.onGeneratingKey?.(keyType);
    keys = await generateKeyAndCsr({ domains, keyType });
  } else {
    keys = await options.keyAndCsr();
  }
  await options.hooks?.onStep?.('key-generated', {});
  const endpoint = client.endpoint.href;
  // Saved BEFORE the application is sent: if the CA signs and this process dies, the key is on disk.
  const version = await certificate.prepareApplication(
    { domains, keyType: keys.keyType, privateKeyPem: keys.privateKeyPem, csrPem: keys.csrPem, endpoint },
    { force: replacesApplication },
  );
  const application: StoredApplication = {
    version,
    status: 'prepared',
    domains,
    keyType: keys.keyType,
    handleId: undefined,
    endpoint,
    privateKeyPem: keys.privateKeyPem,
    csrPem: keys.csrPem,
  };
  return send(certificate, application, client, options);
}

/** Sends a prepared application, polls up to `waitMs`, and records what the CA answered. */
async function send(certificate: LockedCertificate, application: StoredApplication, client: AcmApiClient, options: RunCertificateOptions): Promise<Answered> {
  const { hooks } = options;
  const waitMs = options.waitMs ?? 0;
  let pendingHandle: string | undefined;
  let answered = false;
  const applied = async (): Promise<void> => {
    if (answered) return;
    answered = true;
    await hooks?.onStep?.('applied', {});
  };
  const pending = (handleId: string, interrupted: boolean): Answered => ({
    status: 'pending',
    name: certificate.name,
    dir: certificate.dir,
    domains: application.domains,
    handleId,
    version: application.version,
    interrupted,
  });
  hooks?.onApplying?.(application.domains);
  try {
    const call = (): Promise<CertificateResult> =>
      client.issue(
        { domains: application.domains, csr: application.csrPem },
        {
          waitMs,
          signal: options.signal,
          onPending: async (handleId: string) => {
            await applied();
            // The handle is on disk before any polling starts.
            await certificate.recordPending(handleId);
            pendingHandle = handleId;
            await hooks?.onPending?.(handleId, waitMs > 0);
          },
        },
      );
    const answer = options.aroundApply !== undefined ? await options.aroundApply(call, application.domains) : await call();
    await applied();
    hooks?.onAnswered?.();
    if (answer.status === 'pending') return pending(answer.handleId, false);
    return await install(certificate, application.domains, answer, options);
  } catch (error) {
    // An abort while polling a saved handle ends the wait, not the application.
    if (options.signal?.aborted === true && pendingHandle !== undefined) return pending(pendingHandle, true);
    // 101–110 to the application itself: the CA holds nothing for this key, retire it.
    // During polling only 109 ends the application (a 108 may be a wrong customer id).
    const ended = error instanceof CaError && (pendingHandle === undefined ? error.status !== 111 : error.status === 109);
    await recordFailure(certificate, error, ended);
    throw error;
  }
}

/** `retrieve`: the application with `handleId`, looked at under the lock (another run may have fetched it meanwhile). */
async function retrieveLocked(certificate: LockedCertificate, handleId: string, options: RunCertificateOptions): Promise<RunCertificateResult> {
  const application = await certificate.readApplication();
  if (application?.handleId !== handleId) {
    const record = await certificate.record(options.days === undefined ? {} : { days: options.days });
    if (record?.live?.handleId === handleId) return { status: 'already-installed', record, handleId };
    return { status: 'not-found', record, handleId };
  }
  return withClient(options, (client) => retrieve(certificate, { ...application, handleId }, client, options));
}

/** Asks the CA once for a pending application's certificate and installs it. */
async function retrieve(
  certificate: LockedCertificate,
  application: StoredApplication & { handleId: string },
  client: AcmApiClient,
  options: RunCertificateOptions,
): Promise<Answered> {
  noteEndpoint(application, client, 'retrieve', options);
  options.hooks?.onRetrieving?.(application.handleId);
  try {
    await certificate.recordPoll();
    const answer = await client.retrieve(application.handleId, { csr: application.csrPem, signal: options.signal });
    options.hooks?.onAnswered?.();
    if (answer.status === 'pending') {
      return { status: 'pending', name: certificate.name, dir: certificate.dir, domains: application.domains, handleId: application.handleId, version: application.version, interrupted: false };
    }
    return await install(certificate, application.domains, answer, options);
  } catch (error) {
    await recordFailure(certificate, error, error instanceof CaError && error.status === 109);
    throw error;
  }
}

async function install(
  certificate: LockedCertificate,
  domains: string[],
  answer: Extract<CertificateResult, { status: 'issued' }>,
  options: RunCertificateOptions,
): Promise<Answered> {
  // The store checks again, against the saved CSR and private key, before writing anything.
  const installed = await certificate.installCertificate(answer.certificate.fullchainPem);
  await options.hooks?.onLive?.(certificate);
  return {
    status: 'issued',
    name: certificate.name,
    dir: certificate.dir,
    domains,
    handleId: answer.handleId,
    version: installed.version,
    leaf: installed.leaf,
    chainMissing: answer.certificate.chainPem === '',
    chainWarnings: answer.certificate.warnings,
  };
}

/** Records a failure (shown by `acmapi list`); never hides the original error. */
async function recordFailure(certificate: LockedCertificate, error: unknown, ended: boolean): Promise<void> {
  try {
    if (ended) await certificate.recordRefused(error);
    else await certificate.recordError(error);
  } catch {
    // The original error matters more than a failure to note it.
  }
}

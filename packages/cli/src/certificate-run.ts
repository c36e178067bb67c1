/**
 * One certificate's run through the store, shared by `issue`, `renew`, `retrieve` and
 * `demo`: take the certificate's lock, read its record, plan (core's `planApplication`),
 * and act: skip ("not yet due"), refuse (an application is pending), retrieve the pending
 * application, resend a prepared one, or apply with a new key saved BEFORE it is sent.
 * Every change goes through the store (see `@acmapi/core`'s store README for why a crash at
 * any step loses nothing and never mixes a key with another key's certificate).
 */
import {
  CaError,
  DEFAULT_KEY_TYPE,
  generateKeyAndCsr,
  planApplication,
  StoreError,
} from '@acmapi/core';
import type {
  AcmApiClient,
  CertificateRecord,
  CertificateStore,
  CertificateResult,
  KeyType,
  LockedCertificate,
  StoreStepHook,
  StoredApplication,
} from '@acmapi/core';
import { interruptedResult, issuedResult, notDueResult, pendingResult } from './certificate-results.js';
import { InterruptWatch } from './interrupt-watch.js';
import { createClient } from './client-factory.js';
import type { ClientFlags } from './client-factory.js';
import type { Credentials } from './credentials.js';
import type { Output } from './output.js';
import { ensurePfx } from './pfx-export.js';
import type { ResultJson } from './present.js';

/** A private key and its CSR, to apply with. */
export interface KeyAndCsr {
  privateKeyPem: string;
  csrPem: string;
  keyType: KeyType;
}

/** Which certificate, and what it should be. */
export interface CertificateTarget {
  /** The store name. */
  name: string;
  /** The domains wanted, normalised (spec §4); a change from the live certificate's means a new application. */
  domains: string[];
  /** The key type asked for (flag or acmapi.json); `undefined` keeps the live one's (new keys: `ec-p256`). */
  keyType: KeyType | undefined;
  /**
   * Makes the key and CSR of a new application: the user's own (`--csr`/`--key`), already
   * checked. @default a generated key of `keyType` and its CSR
   */
  makeKeys?: (() => Promise<KeyAndCsr>) | undefined;
}

/** Options of {@link runCertificate}. */
export interface RunCertificateOptions extends ClientFlags {
  store: CertificateStore;
  /** `issue` refuses over a pending application; `renew` retrieves it. */
  command: 'issue' | 'renew';
  target: CertificateTarget;
  /** Apply even when not due, or over a pending application (its key is kept, `abandoned`). */
  force: boolean;
  /** Renew when fewer than this many days are left; `undefined`: a third of the lifetime. */
  days: number | undefined;
  /** How long to poll a pending application, milliseconds; 0 = save the handle and return. */
  waitMs: number;
  /** How long to wait for another process holding the certificate, milliseconds. */
  lockWaitMs: number;
  /** The credentials; called only when the CA is contacted (a not-due run needs none). */
  credentials: () => Promise<Credentials>;
  output: Output;
  /** `--pfx`: the passphrase of the `.pfx` to keep beside the live files. */
  pfxPassphrase: string | undefined;
  /** Wraps the sending of an application, new or resent (the signfile deployment and preflight of `renew`). */
  aroundApply?: (<T>(apply: () => Promise<T>, domains: string[]) => Promise<T>) | undefined;
  /** The command's own steps (`key-generated`, `applied`), for the test-only crash hook. */
  onStep?: StoreStepHook | undefined;
}

/**
 * Runs one certificate. See the module comment.
 *
 * @returns `issued` (exit 0), `not-due` (exit 0) or `pending` (exit 3).
 * @throws {StoreError} `STORE_LOCKED` (another process kept the lock past `lockWaitMs`),
 *   `STORE_PENDING_EXISTS` (`issue` over a pending application without `force`), `STORE_CORRUPT`.
 * @throws {CaError}, {TransportError}, {ProtocolError}, {CertificateError} from the CA call;
 *   the failure is recorded first (`acmapi list` shows it): a CA error (101–110) to a new
 *   application retires its key as `refused`; 109 to a pending one too; anything else keeps
 *   the application for the next run.
 * @throws {DomainError}/{CsrError} when the request cannot succeed (nothing sent).
 */
export async function runCertificate(options: RunCertificateOptions): Promise<ResultJson> {
  const { target } = options;
  return options.store.withCertificateLock(
    target.name,
    async (certificate) => {
      const record = await certificate.record(options.days === undefined ? {} : { days: options.days });
      const plan = planApplication(record, {
        command: options.command,
        force: options.force,
        domains: target.domains,
        ...(target.keyType === undefined ? {} : { keyType: target.keyType }),
      });
      switch (plan.action) {
        case 'skip': {
          if (record === undefined) throw new Error('planApplication skipped a certificate without a record');
          const pfxPath = options.pfxPassphrase === undefined ? undefined : await ensurePfx(certificate, options.pfxPassphrase);
          return notDueResult(record, pfxPath);
        }
        case 'refuse':
          throw new StoreError(
            'STORE_PENDING_EXISTS',
            `Certificate "${target.name}" has application ${plan.handleId} pending at the CA; a new application now would leave its key behind.`,
            { certificate: target.name },
          );
        case 'retrieve': {
          const application = await certificate.readApplication();
          const handleId = application?.handleId;
          if (application === undefined || handleId === undefined) throw new Error('planApplication retrieves an application without a handle');
          return retrieveApplication(certificate, { ...application, handleId }, options);
        }
        case 'resume': {
          const application = await certificate.readApplication();
          if (application === undefined) throw new Error('planApplication resumes an application that is not there');
          options.output.warn(`Certificate "${target.name}": an application was prepared by an earlier run that ended before the CA's answer was saved; sending the same key and CSR again.`);
          return resend(certificate, application, options);
        }
        case 'apply':
          return applyAnew(certificate, record, plan.replacesApplication, options);
      }
    },
    { waitMs: options.lockWaitMs },
  );
}

async function applyAnew(
  certificate: LockedCertificate,
  record: CertificateRecord | undefined,
  replacesApplication: boolean,
  options: RunCertificateOptions,
): Promise<ResultJson> {
  const { output } = options;
  const credentials = await options.credentials();
  // Made (and its options checked) BEFORE the key is saved: a client option core refuses
  // must not leave a prepared application behind.
  const client = createClient(credentials, options, output);
  try {
    return await prepareAndSend(certificate, record, replacesApplication, credentials, client, options);
  } finally {
    await client.close();
  }
}

async function prepareAndSend(
  certificate: LockedCertificate,
  record: CertificateRecord | undefined,
  replacesApplication: boolean,
  credentials: Credentials,
  client: AcmApiClient,
  options: RunCertificateOptions,
): Promise<ResultJson> {
  const { target, output } = options;
  const keyType = target.keyType ?? record?.live?.keyType ?? DEFAULT_KEY_TYPE;
  let keys: KeyAndCsr;
  if (target.makeKeys === undefined) {
    const progress = output.progress(`Generating a ${keyType} private key and CSR`);
    keys = await generateKeyAndCsr({ domains: target.domains, keyType });
    progress.stop();
  } else {
    keys = await target.makeKeys();
  }
  await options.onStep?.('key-generated', {});
  // Saved BEFORE the application is sent: if the CA signs and this process dies, the key is on disk.
  const version = await certificate.prepareApplication(
    { domains: target.domains, keyType: keys.keyType, privateKeyPem: keys.privateKeyPem, csrPem: keys.csrPem, endpoint: credentials.endpoint },
    { force: replacesApplication },
  );
  const application: StoredApplication = {
    version,
    status: 'prepared',
    domains: target.domains,
    keyType: keys.keyType,
    handleId: undefined,
    endpoint: credentials.endpoint,
    privateKeyPem: keys.privateKeyPem,
    csrPem: keys.csrPem,
  };
  return send(certificate, application, client, options);
}

/** Resends an application prepared by an earlier run (its answer was lost). */
async function resend(certificate: LockedCertificate, application: StoredApplication, options: RunCertificateOptions): Promise<ResultJson> {
  const credentials = await options.credentials();
  if (application.endpoint !== undefined && application.endpoint !== credentials.endpoint) {
    options.output.warn(`Note: this application was prepared for ${application.endpoint}, but the endpoint now is ${credentials.endpoint}.`);
  }
  const client = createClient(credentials, options, options.output);
  try {
    return await send(certificate, application, client, options);
  } finally {
    await client.close();
  }
}

/** Sends a prepared application and records what the CA answered. The caller closes `client`. */
async function send(certificate: LockedCertificate, application: StoredApplication, client: AcmApiClient, options: RunCertificateOptions): Promise<ResultJson> {
  const { output } = options;
  let pendingHandle: string | undefined;
  let answered = false;
  const applied = async (): Promise<void> => {
    if (answered) return;
    answered = true;
    await options.onStep?.('applied', {});
  };
  // Ctrl-C or SIGTERM while waiting for a pending application ends the wait, not the process:
  // the handle is saved already, so the run unwinds (lock released) and says how to go on.
  const interrupt = new InterruptWatch();
  const progress = output.progress(`Applying for a certificate for ${application.domains.join(', ')}`);
  try {
    const call = (): Promise<CertificateResult> =>
      client.issue(
        { domains: application.domains, csr: application.csrPem },
        {
          waitMs: options.waitMs,
          signal: interrupt.signal,
          onPending: async (handleId: string) => {
            await applied();
            // The handle is on disk before any polling starts.
            await certificate.recordPending(handleId);
            pendingHandle = handleId;
            if (options.waitMs > 0) {
              interrupt.start();
              output.warn(`The application is pending at the CA (handle ${handleId}); waiting up to ${Math.round(options.waitMs / 1000)} s.`);
            }
          },
        },
      );
    const answer = options.aroundApply !== undefined ? await options.aroundApply(call, application.domains) : await call();
    await applied();
    progress.stop();
    if (answer.status === 'pending') return pendingResult(certificate.name, application.domains, answer.handleId, certificate.dir, application.version);
    return await install(certificate, application.domains, answer, options);
  } catch (error) {
    if (interrupt.received !== undefined && pendingHandle !== undefined) {
      progress.stop();
      return interruptedResult(pendingResult(certificate.name, application.domains, pendingHandle, certificate.dir, application.version), interrupt.received);
    }
    progress.fail('The application failed');
    // 101–110 to the application itself: the CA holds nothing for this key, retire it.
    // During polling only 109 ends the application (a 108 may be a wrong customer id).
    const ended = error instanceof CaError && (pendingHandle === undefined ? error.status !== 111 : error.status === 109);
    await recordFailure(certificate, error, ended);
    throw error;
  } finally {
    interrupt.stop();
  }
}

/**
 * Asks the CA for a pending application's certificate by its handle and installs it.
 * Call only while holding the certificate's lock.
 *
 * @returns `issued`, or `pending` again (exit 3).
 * @throws like {@link runCertificate}; a 109 retires the application's key as `refused`.
 */
export async function retrieveApplication(
  certificate: LockedCertificate,
  application: StoredApplication & { handleId: string },
  options: Pick<RunCertificateOptions, 'credentials' | 'output' | 'pfxPassphrase' | 'timeoutMs' | 'retries'>,
): Promise<ResultJson> {
  const { output } = options;
  const credentials = await options.credentials();
  if (application.endpoint !== undefined && application.endpoint !== credentials.endpoint) {
    output.warn(`Note: this application was sent to ${application.endpoint}, but the endpoint now is ${credentials.endpoint}.`);
  }
  const client = createClient(credentials, options, output);
  const progress = output.progress(`Asking the CA for handle ${application.handleId}`);
  try {
    await certificate.recordPoll();
    const answer = await client.retrieve(application.handleId, { csr: application.csrPem });
    progress.stop();
    if (answer.status === 'pending') return pendingResult(certificate.name, application.domains, application.handleId, certificate.dir, application.version);
    return await install(certificate, application.domains, answer, options);
  } catch (error) {
    progress.fail('Retrieving failed');
    await recordFailure(certificate, error, error instanceof CaError && error.status === 109);
    throw error;
  } finally {
    await client.close();
  }
}

async function install(
  certificate: LockedCertificate,
  domains: string[],
  answer: Extract<CertificateResult, { status: 'issued' }>,
  options: Pick<RunCertificateOptions, 'output' | 'pfxPassphrase'>,
): Promise<ResultJson> {
  // The store checks again, against the saved CSR and private key, before writing anything.
  const installed = await certificate.installCertificate(answer.certificate.fullchainPem);
  if (answer.certificate.chainPem === '') {
    options.output.warn(
      `Note: the CA returned the certificate without its chain, so ${certificate.dir}/chain.pem is empty and fullchain.pem holds the leaf only. Add the CA's intermediate certificate before serving it.`,
    );
  }
  const pfxPath = options.pfxPassphrase === undefined ? undefined : await ensurePfx(certificate, options.pfxPassphrase);
  return issuedResult({ name: certificate.name, domains, handleId: answer.handleId, dir: certificate.dir, leaf: installed.leaf, pfxPath });
}

/** Records a failure for `acmapi list`; never hides the original error. */
async function recordFailure(certificate: LockedCertificate, error: unknown, ended: boolean): Promise<void> {
  try {
    if (ended) await certificate.recordRefused(error);
    else await certificate.recordError(error);
  } catch {
    // The original error matters more than a failure to note it.
  }
}

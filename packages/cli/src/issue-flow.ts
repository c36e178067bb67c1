/**
 * The whole `issue` flow, shared by `acmapi issue` and `acmapi demo`: check the request
 * locally, open the store, choose the certificate's store name, and run it through the
 * store (see `certificate-run.ts`).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkCsr, checkKeyMatchesCsr, listCertificates, loadPrivateKey, normalizeDomains, openStore, planApplication } from '@acmapi/core';
import type { KeyType, StoreStepHook } from '@acmapi/core';
import { localIo, UsageError } from './cli-errors.js';
import { runCertificate } from './certificate-run.js';
import type { KeyAndCsr } from './certificate-run.js';
import type { ClientFlags } from './client-factory.js';
import type { Credentials } from './credentials.js';
import type { Output } from './output.js';
import type { ResultJson, TargetFacts } from './present.js';
import { DEFAULT_LOCK_WAIT_MS } from './store-flags.js';
import { storeNameFor } from './store-name.js';

/** Options of {@link issueToFolder}. */
export interface IssueToFolderOptions extends ClientFlags {
  /** Domains as the user typed them (or as acmapi.json lists them); normalised here (spec §4). */
  domains: readonly string[];
  /**
   * The store name: an acmapi.json certificate's `name`, or `--name`.
   * @default the stored certificate with the same domains, else the first domain (see `store-name.ts`)
   */
  name?: string | undefined;
  /** Key type asked for; `undefined` keeps the live certificate's (new keys: `ec-p256`). */
  keyType?: KeyType | undefined;
  /** `--csr`: a CSR of the user's; checked against the domains. Needs `keyPath`. */
  csrPath?: string | undefined;
  /** `--key`: the private key of `csrPath`; must match it. */
  keyPath?: string | undefined;
  /** The store folder; the certificate lives in `outDir/<name>/`. */
  outDir: string;
  /** How long to poll a pending application, in milliseconds; 0 = not at all. */
  waitMs: number;
  /** Apply even when the certificate is valid and not due, or over a pending application. @default false */
  force?: boolean | undefined;
  /** Due when fewer than this many days are left. @default a third of the lifetime */
  days?: number | undefined;
  /** How long to wait for another process holding the certificate, milliseconds. @default 10_000 */
  lockWaitMs?: number | undefined;
  /** The credentials, or a function giving them when the CA is first contacted. */
  credentials: Credentials | (() => Promise<Credentials>);
  output: Output;
  /** `--pfx`: keep a PKCS#12 file with this passphrase beside the live files. */
  pfxPassphrase?: string | undefined;
  /**
   * Wraps the whole locked run when the certificate's record, read before taking the lock,
   * says an application will be sent (new or resent): the signfile deployment and preflight
   * of `issue`. So a strict preflight fails before anything is written, and a certificate not
   * yet due needs no signfile at all.
   */
  aroundApplication?: (<T>(run: () => Promise<T>) => Promise<T>) | undefined;
  /** The store's clock. @default the system's */
  now?: (() => Date) | undefined;
  /** Step hook (test-only crash injection). */
  onStep?: StoreStepHook | undefined;
  /** Told the certificate's name, domains and folder as soon as they are known (for the `--json` result of an error). */
  onTarget?: ((target: TargetFacts) => void) | undefined;
}

/**
 * Reads and checks `--csr`/`--key` before anything is written or sent.
 *
 * @throws {UsageError} `USAGE_KEY_REQUIRED` for `--csr` without `--key`: the store keeps
 *   every certificate with its private key, so it cannot hold one it has no key for.
 * @throws {CsrError}/{DomainError} when the CSR or key cannot succeed; {LocalIoError}.
 */
export async function ownKeys(domains: readonly string[], csrPath: string | undefined, keyPath: string | undefined): Promise<(() => Promise<KeyAndCsr>) | undefined> {
  if (csrPath === undefined) {
    if (keyPath !== undefined) {
      throw new UsageError('--key was given without --csr.', {
        code: 'USAGE_KEY_WITHOUT_CSR',
        hint: 'Pass --key only together with the --csr it belongs to; without --csr, acmapi generates both.',
      });
    }
    return undefined;
  }
  const csrPem = await localIo('read the CSR', csrPath, () => readFile(csrPath, 'utf8'));
  checkCsr(csrPem, { domains });
  if (keyPath === undefined) {
    throw new UsageError('--csr needs --key: the certificate store keeps every certificate together with its private key.', {
      code: 'USAGE_KEY_REQUIRED',
      hint: 'Pass the private key of the CSR with --key FILE (it is stored with mode 0600), or omit --csr to let acmapi generate both.',
    });
  }
  const privateKeyPem = await localIo('read the private key', keyPath, () => readFile(keyPath, 'utf8'));
  const { keyType } = loadPrivateKey(privateKeyPem);
  checkKeyMatchesCsr(privateKeyPem, csrPem);
  return () => Promise.resolve({ privateKeyPem, csrPem, keyType });
}

/**
 * Issues (or keeps, when not yet due) the certificate for `domains` in the store at `outDir`.
 *
 * @returns the `--json` result: `issued` (exit 0), `not-due` (exit 0) or `pending` (exit 3).
 * @throws {DomainError}/{CsrError}/{UsageError} before any call when the request cannot succeed;
 *   {StoreError} `STORE_PENDING_EXISTS` when an application is pending (without `force`),
 *   `STORE_LOCKED`; the CA and certificate errors of the client; {LocalIoError}.
 */
export async function issueToFolder(options: IssueToFolderOptions): Promise<ResultJson> {
  const domains = normalizeDomains(options.domains);
  options.onTarget?.({ domains });
  const makeKeys = await ownKeys(domains, options.csrPath, options.keyPath);
  const storeDir = resolve(options.outDir);
  // Read without writing anything (a missing store folder lists as empty).
  const records = await localIo('read the store', storeDir, () =>
    listCertificates(storeDir, { ...(options.now === undefined ? {} : { now: options.now() }), ...(options.days === undefined ? {} : { days: options.days }) }),
  );
  const name = storeNameFor(records, domains, options.name);
  options.onTarget?.({ name, domains, dir: join(storeDir, name) });
  const keyType = makeKeys === undefined ? options.keyType : undefined;
  // A first look without the lock, only to decide whether the signfile is needed; the locked run decides again.
  const peek = planApplication(
    records.find((candidate) => candidate.name === name),
    { command: 'issue', force: options.force ?? false, domains, ...(keyType === undefined ? {} : { keyType }) },
  );
  const given = options.credentials;
  const credentials = typeof given === 'function' ? given : () => Promise.resolve(given);
  const run = async (): Promise<ResultJson> => {
    const store = await localIo('create the store folder', storeDir, () =>
      openStore(storeDir, { ...(options.now === undefined ? {} : { now: options.now }), ...(options.onStep === undefined ? {} : { onStep: options.onStep }) }),
    );
    return runCertificate({
      store,
      command: 'issue',
      target: { name, domains, keyType, makeKeys },
      force: options.force ?? false,
      days: options.days,
      waitMs: options.waitMs,
      lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      credentials,
      output: options.output,
      pfxPassphrase: options.pfxPassphrase,
      onStep: options.onStep,
      timeoutMs: options.timeoutMs,
      retries: options.retries,
    });
  };
  const sends = peek.action === 'apply' || peek.action === 'resume';
  return sends && options.aroundApplication !== undefined ? options.aroundApplication(run) : run();
}

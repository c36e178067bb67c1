/**
 * The `retrieve` flow: find the certificate whose pending application has the handle (by
 * scanning the store, or `--name`), and ask the CA for it with the key and CSR saved when it
 * was sent; the certificate is installed only after checks against them.
 */
import { basename, dirname, resolve } from 'node:path';
import { certificatePaths, findVersion, listCertificates, openStore, readStoreState } from '@acmapi/core';
import type { CertificateRecord, StoreStepHook } from '@acmapi/core';
import { alreadyInstalledResult } from './certificate-results.js';
import { localIo, UsageError } from './cli-errors.js';
import { retrieveApplication } from './certificate-run.js';
import type { ClientFlags } from './client-factory.js';
import type { Credentials } from './credentials.js';
import { DEFAULT_LOCK_WAIT_MS } from './store-flags.js';
import type { Output } from './output.js';
import type { ResultJson, TargetFacts } from './present.js';

/** Options of {@link retrieveToFolder}. */
export interface RetrieveToFolderOptions extends ClientFlags {
  handleId: string;
  /** The store folder (`--out`, or acmapi.json's). */
  outDir: string;
  /** The certificate's store name, when known (`--name`). */
  name?: string | undefined;
  /** The certificate folder itself (`--dir`): `STORE/<name>`. */
  dir?: string | undefined;
  credentials: Credentials | (() => Promise<Credentials>);
  output: Output;
  /** `--pfx`: keep a PKCS#12 file with this passphrase beside the live files. */
  pfxPassphrase?: string | undefined;
  /** @default 10_000 */
  lockWaitMs?: number | undefined;
  /** The store's clock. @default the system's */
  now?: (() => Date) | undefined;
  /** Step hook (test-only crash injection). */
  onStep?: StoreStepHook | undefined;
  /** Told the certificate's name, folder and domains as soon as they are known (for the `--json` result of an error). */
  onTarget?: ((target: TargetFacts) => void) | undefined;
}

function notFound(handleId: string, where: string): UsageError {
  return new UsageError(`No pending application with handle ${JSON.stringify(handleId)} in ${where}.`, {
    code: 'USAGE_PENDING_NOT_FOUND',
    hint: 'acmapi retrieve looks in the certificate store where acmapi issue saved the key, CSR and handle: pass --out with the same folder as for issue (or run where its acmapi.json is), --name with the certificate\'s name, or --dir with its folder.',
  });
}

/** Whether the live certificate of `record` came from the application with `handleId` (a retrieve that already succeeded). */
async function liveFromHandle(storeDir: string, record: CertificateRecord | undefined, handleId: string): Promise<boolean> {
  if (record?.live === undefined) return false;
  const state = await readStoreState(certificatePaths(storeDir, record.name).state, record.name);
  return state !== undefined && findVersion(state, state.current)?.handleId === handleId;
}

/**
 * Retrieves a pending application's certificate into its store folder.
 *
 * @returns `issued` (exit 0) or `pending` again (exit 3); `issued` with `alreadyInstalled: true`
 *   (exit 0, nothing asked of the CA) when the live certificate is already the one of `handleId`.
 * @throws {UsageError} `USAGE_PENDING_NOT_FOUND` when no certificate of the store waits for that handle;
 *   {StoreError} `STORE_LOCKED`; the CA and certificate errors of the client; {LocalIoError}.
 */
export async function retrieveToFolder(options: RetrieveToFolderOptions): Promise<ResultJson> {
  const storeDir = options.dir === undefined ? resolve(options.outDir) : dirname(resolve(options.dir));
  let name = options.dir === undefined ? options.name : basename(resolve(options.dir));
  const where = options.dir ?? (name === undefined ? storeDir : resolve(storeDir, name));
  if (name === undefined) {
    const records = await localIo('read the store', storeDir, () => listCertificates(storeDir));
    name = records.find((record) => record.application?.handleId === options.handleId)?.name;
    if (name === undefined) {
      // Run again after it succeeded: the handle's certificate is live, nothing to ask.
      for (const record of records) {
        if (await localIo('read the store', storeDir, () => liveFromHandle(storeDir, record, options.handleId))) {
          name = record.name;
          break;
        }
      }
    }
    if (name === undefined) throw notFound(options.handleId, `the store ${storeDir}`);
  }
  options.onTarget?.({ name, dir: certificatePaths(storeDir, name).dir });
  const store = await localIo('open the store', storeDir, () =>
    openStore(storeDir, { ...(options.now === undefined ? {} : { now: options.now }), ...(options.onStep === undefined ? {} : { onStep: options.onStep }) }),
  );
  const given = options.credentials;
  const credentials = typeof given === 'function' ? given : () => Promise.resolve(given);
  const known = await store.get(name);
  if (known === undefined) throw notFound(options.handleId, where);
  options.onTarget?.({ name, dir: known.dir, domains: known.domains });
  return store.withCertificateLock(
    name,
    async (certificate) => {
      const application = await certificate.readApplication();
      // Looked at again under the lock: another run may have fetched it meanwhile.
      if (application?.handleId !== options.handleId) {
        const record = await certificate.record();
        if (record !== undefined && (await liveFromHandle(storeDir, record, options.handleId))) return alreadyInstalledResult(record, options.handleId);
        throw notFound(options.handleId, where);
      }
      return retrieveApplication(certificate, { ...application, handleId: application.handleId }, {
        credentials,
        output: options.output,
        pfxPassphrase: options.pfxPassphrase,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
      });
    },
    { waitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS },
  );
}

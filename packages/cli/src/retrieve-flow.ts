/**
 * The `retrieve` flow: find the certificate whose pending application has the handle (by
 * scanning the store, or `--name`), and ask the CA for it with the key and CSR saved when it
 * was sent; the certificate is installed only after checks against them.
 */
import { basename, dirname, resolve } from 'node:path';
import { certificatePaths, listCertificates, openStore, runCertificate } from '@acmapi/core';
import type { StoreStepHook } from '@acmapi/core';
import { localIo, UsageError } from './cli-errors.js';
import { createClient } from './client-factory.js';
import { TerminalHooks, toResultJson } from './certificate-run.js';
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
    // Run again after it succeeded: the handle's certificate is live, nothing to ask.
    name ??= records.find((record) => record.live?.handleId === options.handleId)?.name;
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
  const terminal = new TerminalHooks(name, { output: options.output, pfxPassphrase: options.pfxPassphrase });
  try {
    const result = await runCertificate({
      store,
      name,
      command: 'retrieve',
      handleId: options.handleId,
      client: async () => createClient(await credentials(), options, options.output),
      lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
      hooks: terminal.hooks,
    });
    terminal.succeeded(result, options.output);
    if (result.status === 'not-found') throw notFound(options.handleId, where);
    return toResultJson(result, terminal.pfxPath);
  } catch (error) {
    terminal.failed();
    throw error;
  }
}

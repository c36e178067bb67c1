/**
 * The `retrieve` flow: find the folder where `issue` saved the private key, CSR and
 * handle, ask the CA, and install the certificate after checking it against them.
 */
import { join } from 'node:path';
import { UsageError } from './cli-errors.js';
import { findPendingFolder, keyFileNames, readIfExists, savePending } from './cert-folder.js';
import { createClient } from './client-factory.js';
import type { ClientFlags } from './client-factory.js';
import type { Credentials } from './credentials.js';
import { installCertificate, missingChainWarning, pendingResult } from './install.js';
import type { Output } from './output.js';
import type { ResultJson } from './present.js';

/** Options of {@link retrieveToFolder}. */
export interface RetrieveToFolderOptions extends ClientFlags {
  handleId: string;
  /** Where `issue` wrote: its `--out`. */
  outDir: string;
  /** The certificate folder itself, when known (`--dir`). */
  dir?: string | undefined;
  credentials: Credentials;
  output: Output;
  signal?: AbortSignal | undefined;
}

/**
 * Retrieves a pending application's certificate into its folder.
 *
 * @returns `issued` (exit 0; `pending.json` removed) or `pending` again (exit 3).
 * @throws {UsageError} `USAGE_PENDING_NOT_FOUND` / `USAGE_PENDING_FILE` when the folder is not found or broken;
 *   the CA and certificate errors of the client; {LocalIoError}.
 */
export async function retrieveToFolder(options: RetrieveToFolderOptions): Promise<ResultJson> {
  const { output } = options;
  const { dir, record } = await findPendingFolder(options.handleId, { outDir: options.outDir, dir: options.dir });
  const staged = record.staged === true;
  const names = keyFileNames(staged);
  const csrPem = await readIfExists(join(dir, names.csr));
  if (csrPem === undefined) {
    throw new UsageError(`${join(dir, names.csr)} is missing: the certificate cannot be checked without the CSR that was sent.`, {
      code: 'USAGE_PENDING_FILE',
      hint: `Restore ${names.csr} (and ${names.privateKey}) in that folder from a backup.`,
    });
  }
  const privateKeyPem = await readIfExists(join(dir, names.privateKey));
  if (record.endpoint !== options.credentials.endpoint) {
    output.warn(`Note: this application was sent to ${record.endpoint}, but the endpoint now is ${options.credentials.endpoint}.`);
  }
  const files: NonNullable<ResultJson['files']> = { csr: join(dir, names.csr) };
  if (privateKeyPem !== undefined) files.privateKey = join(dir, names.privateKey);

  const client = createClient(options.credentials, options, output);
  const progress = output.progress(`Asking the CA for handle ${record.handleId}`);
  try {
    const answer = await client.retrieve(record.handleId, {
      csr: csrPem,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    progress.stop();
    if (answer.status === 'pending') {
      files.pending = await savePending(dir, { ...record, checkedAt: new Date().toISOString() });
      return pendingResult(record.domains, record.handleId, dir, files);
    }
    const installed = await installCertificate({
      domains: record.domains,
      handleId: record.handleId,
      dir,
      files,
      chain: answer.certificate,
      csrPem,
      privateKeyPem,
      staged,
    });
    const note = missingChainWarning(answer.certificate, dir);
    if (note !== undefined) output.warn(note);
    return installed;
  } catch (error) {
    progress.fail('Retrieving failed');
    throw error;
  } finally {
    await client.close();
  }
}

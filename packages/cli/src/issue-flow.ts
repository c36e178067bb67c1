/**
 * The whole `issue` flow, shared by `acmapi issue` and `acmapi demo`: check the
 * request locally, save the private key and CSR, apply, save the handle when
 * pending, and write the certificate only once it has passed every check.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkCsr,
  checkKeyMatchesCsr,
  DEFAULT_KEY_TYPE,
  generateKeyAndCsr,
  loadPrivateKey,
  normalizeDomains,
} from '@acmapi/core';
import type { KeyType } from '@acmapi/core';
import { localIo, UsageError } from './cli-errors.js';
import { certFolder, ensureFolder, fileExists, FILES, keyFileNames, readPending, savePending, writeInFolder } from './cert-folder.js';
import { createClient } from './client-factory.js';
import type { ClientFlags } from './client-factory.js';
import type { Credentials } from './credentials.js';
import type { Output } from './output.js';
import type { ResultJson } from './present.js';
import { installCertificate, missingChainWarning, pendingResult } from './install.js';

/** Options of {@link issueToFolder}. */
export interface IssueToFolderOptions extends ClientFlags {
  /** Domains as the user typed them; normalised here (spec §4). */
  domains: readonly string[];
  /** Key type of a generated key. @default 'ec-p256' */
  keyType?: KeyType | undefined;
  /** `--csr`: a CSR of the user's; checked against the domains. */
  csrPath?: string | undefined;
  /** `--key`: the private key of `csrPath`; must match it. */
  keyPath?: string | undefined;
  /** The output folder; files go to `outDir/<first domain>/`. */
  outDir: string;
  /** How long to poll a pending application, in milliseconds; 0 = not at all. */
  waitMs: number;
  credentials: Credentials;
  output: Output;
  signal?: AbortSignal | undefined;
}

/**
 * Issues a certificate into `outDir/<first domain>/`.
 *
 * @returns the `--json` result: `issued` (exit 0) or `pending` (exit 3, key and handle saved).
 * @throws {DomainError}/{CsrError} before any call when the request cannot succeed;
 *   {@link UsageError} `USAGE_PENDING_EXISTS` when the folder holds an unfinished application;
 *   {CaError}, {TransportError}, {ProtocolError}, {CertificateError} from the CA call;
 *   {LocalIoError} when a file cannot be read or written.
 */
export async function issueToFolder(options: IssueToFolderOptions): Promise<ResultJson> {
  const { output } = options;
  const domains = normalizeDomains(options.domains);
  const dir = certFolder(options.outDir, domains);

  // Everything that can be checked locally is checked before anything is written or sent.
  let privateKeyPem: string | undefined;
  let csrPem: string;
  if (options.csrPath !== undefined) {
    const csrPath = options.csrPath;
    csrPem = await localIo('read the CSR', csrPath, () => readFile(csrPath, 'utf8'));
    checkCsr(csrPem, { domains });
    if (options.keyPath !== undefined) {
      const keyPath = options.keyPath;
      privateKeyPem = await localIo('read the private key', keyPath, () => readFile(keyPath, 'utf8'));
      loadPrivateKey(privateKeyPem);
      checkKeyMatchesCsr(privateKeyPem, csrPem);
    }
  } else {
    const progress = output.progress(`Generating a ${options.keyType ?? DEFAULT_KEY_TYPE} private key and CSR`);
    const generated = await generateKeyAndCsr({ domains, keyType: options.keyType ?? DEFAULT_KEY_TYPE });
    progress.stop();
    privateKeyPem = generated.privateKeyPem;
    csrPem = generated.csrPem;
  }

  await ensureFolder(dir);
  const unfinished = await readPending(dir);
  if (unfinished !== undefined) {
    // Writing a new key now would orphan the key of the application still waiting at the CA.
    throw new UsageError(`${dir} holds an application still pending at the CA (handle ${unfinished.handleId}).`, {
      code: 'USAGE_PENDING_EXISTS',
      hint: `Fetch it with: acmapi retrieve ${unfinished.handleId} --dir ${dir}  (or delete ${FILES.pending} there to give it up).`,
    });
  }

  // The private key and CSR are saved BEFORE the application: if the CA signs and the
  // process dies right after, the certificate must still have its key on disk. On a
  // renewal they are staged beside the live pair, which a failed application must not break.
  const staged = await fileExists(join(dir, FILES.cert));
  const names = keyFileNames(staged);
  const files: NonNullable<ResultJson['files']> = {};
  if (privateKeyPem !== undefined) files.privateKey = await writeInFolder(dir, names.privateKey, privateKeyPem, true);
  files.csr = await writeInFolder(dir, names.csr, csrPem);

  const client = createClient(options.credentials, options, output);
  const createdAt = new Date().toISOString();
  let pendingSaved: Promise<string> | undefined;
  const savePendingOnce = (handleId: string): Promise<string> =>
    (pendingSaved ??= savePending(dir, {
      version: 1,
      handleId,
      domains,
      endpoint: options.credentials.endpoint,
      createdAt,
      checkedAt: new Date().toISOString(),
      ...(staged ? { staged } : {}),
    }));
  const progress = output.progress(`Applying for a certificate for ${domains.join(', ')}`);
  try {
    const answer = await client.issue(
      { domains, csr: csrPem },
      {
        waitMs: options.waitMs,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        onPending: async (handleId: string) => {
          // The handle is on disk before the client starts waiting.
          await savePendingOnce(handleId);
          if (options.waitMs > 0) output.warn(`The application is pending at the CA (handle ${handleId}); waiting up to ${Math.round(options.waitMs / 1000)} s.`);
        },
      },
    );
    if (answer.status === 'pending') {
      files.pending = await savePendingOnce(answer.handleId);
      progress.stop();
      return pendingResult(domains, answer.handleId, dir, files);
    }
    if (pendingSaved !== undefined) await pendingSaved;
    progress.stop();
    const installed = await installCertificate({ domains, handleId: answer.handleId, dir, files, chain: answer.certificate, csrPem, privateKeyPem, staged });
    const note = missingChainWarning(answer.certificate, dir);
    if (note !== undefined) output.warn(note);
    return installed;
  } catch (error) {
    progress.fail('The application failed');
    throw error;
  } finally {
    await client.close();
  }
}

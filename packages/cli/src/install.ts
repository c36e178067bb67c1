/**
 * The last step of `issue` and `retrieve`: check the certificate once more against
 * what is on disk, then write it. A certificate that fails a check is never written.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { certificateMatchesPrivateKey, CertificateError, verifyCertificate } from '@acmapi/core';
import type { CertificateChain } from '@acmapi/core';
import { localIo } from './cli-errors.js';
import { FILES, removePending, writeInFolder } from './cert-folder.js';
import { EXIT_CODES } from './exit-codes.js';
import { certificateJson } from './present.js';
import type { ResultJson } from './present.js';

/** What {@link installCertificate} needs. */
export interface InstallCertificateOptions {
  domains: string[];
  handleId: string;
  dir: string;
  /** Files already written (private key, CSR); the certificate files are added. */
  files: NonNullable<ResultJson['files']>;
  chain: CertificateChain;
  csrPem: string;
  /** Absent when the user gave a CSR without its key. */
  privateKeyPem: string | undefined;
  /** Whether the key and CSR are staged as `.next` files, to be moved over the live ones now. */
  staged?: boolean;
}

/**
 * Verifies the certificate (its key is the CSR's and the private key's, it names every
 * domain, it is within its validity, its chain links) and writes `cert.pem`,
 * `chain.pem` and `fullchain.pem`, then removes `pending.json`.
 *
 * @throws {CertificateError} `CERT_KEY_MISMATCH`, `CERT_DOMAINS_MISSING`, … — nothing is written then.
 * @throws {LocalIoError} when a file cannot be written.
 */
export async function installCertificate(options: InstallCertificateOptions): Promise<ResultJson> {
  const { chain, dir, files } = options;
  // The client checked this already; checking again here, against the files on disk,
  // keeps "never write a bad certificate" true whatever the client does.
  verifyCertificate(chain, { csrPem: options.csrPem, domains: options.domains });
  if (options.privateKeyPem !== undefined && !certificateMatchesPrivateKey(chain.certPem, options.privateKeyPem)) {
    throw new CertificateError(
      'CERT_KEY_MISMATCH',
      `The certificate the CA returned does not certify the private key in ${dir}; it was not written.`,
    );
  }
  if (options.staged === true) {
    // The renewal's key and CSR replace the live ones only now that their certificate
    // passed every check; rename() is atomic within the folder.
    if (files.privateKey !== undefined) files.privateKey = await promote(dir, FILES.nextPrivateKey, FILES.privateKey);
    files.csr = await promote(dir, FILES.nextCsr, FILES.csr);
  }
  files.cert = await writeInFolder(dir, FILES.cert, chain.certPem);
  files.chain = await writeInFolder(dir, FILES.chain, chain.chainPem);
  files.fullchain = await writeInFolder(dir, FILES.fullchain, chain.fullchainPem);
  await removePending(dir);
  delete files.pending;
  return {
    status: 'issued',
    domains: options.domains,
    handleId: options.handleId,
    dir,
    files,
    certificate: certificateJson(chain),
    exitCode: EXIT_CODES.OK,
  };
}

/** Moves a staged file over its live name. */
async function promote(dir: string, from: string, to: string): Promise<string> {
  const target = join(dir, to);
  await localIo('replace', target, () => rename(join(dir, from), target));
  return target;
}

/** Warning printed when the CA sent the leaf alone (spec §3 allows it): servers need the chain too. */
export function missingChainWarning(chain: CertificateChain, dir: string): string | undefined {
  return chain.chainPem === ''
    ? `Note: the CA returned the certificate without its chain, so ${dir}/${FILES.chain} is empty and ${FILES.fullchain} holds the leaf only. Add the CA's intermediate certificate before serving it.`
    : undefined;
}

/** The result of an application left pending at the CA (exit 3). */
export function pendingResult(
  domains: string[],
  handleId: string,
  dir: string,
  files: NonNullable<ResultJson['files']>,
): ResultJson {
  return { status: 'pending', domains, handleId, dir, files, exitCode: EXIT_CODES.PENDING };
}

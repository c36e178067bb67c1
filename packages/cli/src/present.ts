/**
 * The `--json` result shape and the human summary of a certificate. One shape for
 * every command (documented in README.md).
 */
import type { CertificateChain, PreflightResult } from '@acmapi/core';
import type { ErrorJson } from './describe-error.js';

/** The certificate facts of `--json` output. Dates are ISO 8601 (UTC). */
export interface CertificateJson {
  subject: string;
  sans: string[];
  issuer: string;
  /** Hex, lower-case, as `openssl x509 -serial` shows it (without the `serial=`). */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the DER, upper-case hex with colons, like `openssl x509 -fingerprint -sha256`. */
  fingerprintSha256: string;
}

/** The one JSON object `--json` prints on stdout. */
export interface ResultJson {
  status: 'issued' | 'pending' | 'error';
  /** The domains, normalised (spec §4). */
  domains?: string[];
  /** The CA's handle (issued or pending). */
  handleId?: string;
  /** The certificate folder. */
  dir?: string;
  /** Absolute paths of the files written, by role. */
  files?: Partial<Record<'privateKey' | 'csr' | 'cert' | 'chain' | 'fullchain' | 'pending' | 'sandboxRoot', string>>;
  certificate?: CertificateJson;
  /** `demo` only: the openssl command that verifies the certificate. */
  verifyCommand?: string;
  /** `issue` with a signfile and `--preflight warn|strict`: the preflight's result (see `acmapi check --json`). */
  preflight?: PreflightResult;
  /** `issue`: why no preflight ran (mode `warn` without `--signfile`). */
  preflightNote?: string;
  /** The exit code the command ends with. */
  exitCode: number;
  error?: ErrorJson;
}

/** The JSON facts of a certificate. */
export function certificateJson(chain: CertificateChain): CertificateJson {
  const { leaf } = chain;
  return {
    subject: leaf.subject,
    sans: leaf.sans,
    issuer: leaf.issuer,
    serialNumber: leaf.serialNumber,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    fingerprintSha256: leaf.fingerprintSha256,
  };
}

/** The human summary: aligned "label  value" lines. */
export function certificateLines(c: CertificateJson): string[] {
  return [
    `  Subject:      ${c.subject}`,
    `  SANs:         ${c.sans.join(', ')}`,
    `  Issuer:       ${c.issuer}`,
    `  Valid:        ${c.notBefore} to ${c.notAfter}`,
    `  Serial:       ${c.serialNumber}`,
    `  SHA-256:      ${c.fingerprintSha256}`,
  ];
}

/** The human list of written files. */
export function fileLines(files: ResultJson['files']): string[] {
  return Object.values(files ?? {}).map((path) => `  ${path}`);
}

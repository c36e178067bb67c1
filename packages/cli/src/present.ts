/**
 * The `--json` result shape and the human summary of a certificate. One shape for
 * every command (documented in README.md).
 */
import type { CertificateInfo, PreflightResult } from '@acmapi/core';
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

/** The roles of the files a result names. */
export type FileRole = 'privateKey' | 'csr' | 'cert' | 'chain' | 'fullchain' | 'pfx' | 'state' | 'sandboxRoot';

/**
 * The one JSON object `--json` prints on stdout for one certificate (`issue`, `retrieve`,
 * `demo`, and each entry of `renew`).
 * - `issued`: the certificate is live in `dir` (exit 0);
 * - `not-due`: a valid certificate not yet due for renewal was left alone (exit 0);
 * - `pending`: the CA holds the application; key, CSR and handle are in the store (exit 3);
 * - `error`: see `error` and `exitCode`.
 */
export interface ResultJson {
  status: 'issued' | 'not-due' | 'pending' | 'error';
  /** The certificate's store name (its folder under the store). */
  name?: string;
  /** The domains, normalised (spec §4). */
  domains?: string[];
  /** The CA's handle (issued or pending). */
  handleId?: string;
  /** The certificate folder, `STORE/<name>`. */
  dir?: string;
  /**
   * Absolute paths by role. For `issued`/`not-due` the top-level live files of `dir`; for
   * `pending` the application's private key and CSR in its version folder, and `state.json`.
   */
  files?: Partial<Record<FileRole, string>>;
  /** `not-due` (and `issued` with `alreadyInstalled`): whole days until the certificate expires. */
  daysLeft?: number;
  /** `not-due`: when it becomes due for renewal (ISO 8601). */
  renewAt?: string;
  certificate?: CertificateJson;
  /** `demo` only: the openssl command that verifies the certificate. */
  verifyCommand?: string;
  /** `issue` with a signfile and `--preflight warn|strict`: the preflight's result (see `acmapi check --json`). */
  preflight?: PreflightResult;
  /** `issue`: why no preflight ran (mode `warn` without `--signfile`). */
  preflightNote?: string;
  /**
   * `pending` only: the wait of `--wait` was ended by this signal (Ctrl-C is `SIGINT`); the
   * application is still pending with its handle saved. Exit 130 (SIGINT) or 143 (SIGTERM).
   */
  interrupted?: 'SIGINT' | 'SIGTERM';
  /**
   * `issued` from `retrieve` only: the certificate of this handle was installed by an earlier
   * run and is live; nothing was asked of the CA. `certificate` is then absent.
   */
  alreadyInstalled?: boolean;
  /** The exit code the command ends with. */
  exitCode: number;
  error?: ErrorJson;
}

/** The JSON facts of a certificate (its leaf). */
export function certificateJson(leaf: CertificateInfo): CertificateJson {
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

/** What is known of the certificate a command works on, for the `--json` result of an error (each field only when known). */
export type TargetFacts = Partial<Pick<ResultJson, 'name' | 'domains' | 'dir'>>;

/**
 * Turns any error into what the user reads: what happened, and what to do.
 * The same facts feed the human message and the `--json` `error` object.
 */
import { AcmApiError, CaError, CertificateError, ConfigError, CsrError, DeployError, DomainError, PreflightError, ProtocolError, StoreError, TransportError } from '@acmapi/core';
import { LocalIoError, UsageError } from './cli-errors.js';

/** The `error` object of `--json` output. */
export interface ErrorJson {
  /** Stable code: the CA's (`CA_REFUSED`…), the library's (`TRANSPORT_TIMEOUT`…) or the CLI's (`USAGE`, `LOCAL_IO`, `UNEXPECTED`). */
  code: string;
  /** The CA's status, 101–111, when the CA answered with an error. */
  status?: number;
  /** For 107: the domain whose signfile check failed. */
  domain?: string;
  /** What happened. */
  message: string;
  /** What to do about it. */
  hint?: string;
}

/** Describes `error` for the user; never includes key material or the token (the output redacts it too). */
export function describeError(error: unknown): ErrorJson {
  if (error instanceof CaError) {
    return {
      code: error.code,
      status: error.status,
      ...(error.domain === undefined ? {} : { domain: error.domain }),
      message: error.message.replace(` ${error.hint}`, ''),
      hint: error.hint,
    };
  }
  if (error instanceof UsageError) {
    return { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  }
  if (error instanceof LocalIoError) return { code: error.code, message: error.message, hint: error.hint };
  if (error instanceof AcmApiError) return { code: error.code, message: error.message, hint: hintFor(error) };
  if (isErrnoException(error)) {
    // A file operation of the store failed (permissions, disk full, not a folder).
    return {
      code: 'LOCAL_IO',
      message: `Could not ${error.syscall ?? 'access'} ${error.path ?? 'a file'} (${error.code ?? 'error'}).`,
      hint: 'Check the path, its permissions and the free disk space, or choose another folder with --out.',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'UNEXPECTED',
    message: `Unexpected error: ${message}`,
    hint: 'This is probably a bug in acmapi: please report it with the command you ran (without the token).',
  };
}

/** Whether `error` is a failed system call (`fs`), with its errno code. */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string' && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function storeHint(error: StoreError): string {
  switch (error.code) {
    case 'STORE_LOCKED':
      return 'Another acmapi run is working on this certificate: let it finish and run again, or wait longer with --lock-wait 2m.';
    case 'STORE_PENDING_EXISTS':
      return 'Fetch the pending certificate with acmapi retrieve HANDLE (or acmapi renew), see acmapi list; or apply anew with --force (the pending key is kept in the store).';
    case 'STORE_CORRUPT':
      return 'Restore the named file from a backup; the private keys in versions/ are untouched.';
    default:
      return 'Check the certificate name (acmapi list shows them) and --out.';
  }
}

/** Remediation for the library's non-CA errors, by class. */
function hintFor(error: AcmApiError): string {
  if (error instanceof StoreError) return storeHint(error);
  if (error instanceof ConfigError) return 'Fix acmapi.json as the message says (each problem names its JSON path).';
  if (error instanceof TransportError) {
    if (error.code === 'TRANSPORT_TLS') return 'Check the endpoint URL; for a private CA (like the sandbox), pass its root certificate with --ca-file or ACMAPI_CA_FILE.';
    // Core names its own option (deadlineMs); on the command line that is --timeout.
    if (error.code === 'TRANSPORT_TIMEOUT') return 'The CA did not answer within --timeout (default 10m): raise --timeout (e.g. --timeout 20m) if the CA is slow, or try again later; check the endpoint URL and the network.';
    return 'Check the endpoint URL and the network, then try again later; raise --timeout if the CA is slow.';
  }
  if (error instanceof ProtocolError) {
    return 'The endpoint did not answer like an ACMAPI server. Check --endpoint / ACMAPI_ENDPOINT; if it is right, report the answer to the CA.';
  }
  if (error instanceof CertificateError) {
    return 'The certificate was NOT written. Apply again; if it keeps happening, report it to the CA.';
  }
  if (error instanceof PreflightError) {
    return 'Fix what the preflight names above, check again with acmapi check, or apply anyway with --preflight warn (the CA\'s view can differ from this machine\'s).';
  }
  if (error instanceof DeployError) {
    return error.code === 'DEPLOY_LOCKED'
      ? 'Another acmapi run is deploying into this webroot; wait for it, or remove a stale .acmapi.lock in .well-known/pki-validation/.'
      : 'Check that --webroot is the site\'s document root and that this user may write into it.';
  }
  if (error instanceof DomainError) return 'Fix the domain list (-d): plain host names, at most five, no wildcards or IP addresses.';
  if (error instanceof CsrError) {
    return error.code.startsWith('KEY_')
      ? 'Pass the private key that belongs to the CSR with --key, or omit --key.'
      : 'Fix the CSR, or omit --csr to let acmapi generate the key and CSR.';
  }
  return 'Check the options you passed.';
}

/** The human rendering: `Error: what happened` then `What to do: …`. */
export function formatError(described: ErrorJson): string {
  const lines = [`Error: ${described.message}`];
  if (described.hint !== undefined) lines.push(`What to do: ${described.hint}`);
  return lines.join('\n');
}

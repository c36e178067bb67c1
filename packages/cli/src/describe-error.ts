/**
 * Turns any error into what the user reads: what happened, and what to do.
 * The same facts feed the human message and the `--json` `error` object.
 */
import { AcmApiError, CaError, CertificateError, CsrError, DeployError, DomainError, PreflightError, ProtocolError, TransportError } from '@acmapi/core';
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
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'UNEXPECTED',
    message: `Unexpected error: ${message}`,
    hint: 'This is probably a bug in acmapi: please report it with the command you ran (without the token).',
  };
}

/** Remediation for the library's non-CA errors, by class. */
function hintFor(error: AcmApiError): string {
  if (error instanceof TransportError) {
    return error.code === 'TRANSPORT_TLS'
      ? 'Check the endpoint URL; for a private CA (like the sandbox), pass its root certificate with --ca-file or ACMAPI_CA_FILE.'
      : 'Check the endpoint URL and the network, then try again later; raise --timeout if the CA is slow.';
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

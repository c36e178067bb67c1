/**
 * Turns any error into what the user reads: what happened (core's `message`: facts), and
 * what to do — the CLI's own advice per error `code`, in the command line's words (flags,
 * environment variables, commands), else the error's own neutral `hint`. The same facts feed
 * the human message and the `--json` `error` object.
 */
import { AcmApiError, CaError, OptionsError } from '@acmapi/core';
import { LocalIoError, UsageError } from '../flags/cli-errors.js';
import { flagForField } from '../flags/option-fields.js';

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

/** The CLI's advice for one code of core's errors. */
const ADVICE: Readonly<Record<string, string>> = {
  CA_CUSTOMER_ID_REJECTED: 'Check the customer id (--customer-id or ACMAPI_CUSTOMER_ID): it must be the id the CA issued to your platform.',
  CA_AUTH_TOKEN_REJECTED: 'Check the auth token (--auth-token or ACMAPI_AUTH_TOKEN): it must be the token issued with this customer id.',
  CA_REQ_TYPE_REJECTED: 'The CA did not accept req_type "cert_apply"; the endpoint may not speak ACMAPI. Check --endpoint / ACMAPI_ENDPOINT.',
  STORE_LOCKED: 'Another acmapi run is working on this certificate: let it finish and run again, or wait longer with --lock-wait 2m.',
  STORE_PENDING_EXISTS: 'Fetch the pending certificate with acmapi retrieve HANDLE (or acmapi renew), see acmapi list; or apply anew with --force (the pending key is kept in the store).',
  STORE_CORRUPT: 'Restore the named file from a backup; the private keys in versions/ are untouched.',
  STORE_IO: 'Check the permissions of the store folder and the free disk space, or choose another folder with --out.',
  TRANSPORT_TLS: 'Check the endpoint URL; for a private CA (like the sandbox), pass its root certificate with --ca-file or ACMAPI_CA_FILE.',
  // Core names its own option (deadlineMs); on the command line that is --timeout.
  TRANSPORT_TIMEOUT: 'The CA did not answer within --timeout (default 10m): raise --timeout (e.g. --timeout 20m) if the CA is slow, or try again later; check the endpoint URL and the network.',
  PREFLIGHT_FAILED: 'Fix what the preflight names above, check again with acmapi check, or apply anyway with --preflight warn (the CA\'s view can differ from this machine\'s).',
  DEPLOY_LOCKED: 'Another acmapi run is deploying into this webroot; wait for it, or remove a stale .acmapi.lock in .well-known/pki-validation/.',
  KEY_REQUIRED: 'Pass the CSR\'s private key with --key FILE (for a certificate of acmapi.json: its "key", or privkey.pem beside the CSR); or omit --csr to let acmapi generate both.',
};

/** The CLI's advice for a family of codes, by prefix. */
const ADVICE_BY_PREFIX: readonly (readonly [string, string])[] = [
  ['STORE_', 'Check the certificate name (acmapi list shows them) and --out.'],
  ['CONFIG_', 'Fix acmapi.json as the message says (each problem names its JSON path).'],
  ['TRANSPORT_', 'Check the endpoint URL and the network, then try again later; raise --timeout if the CA is slow.'],
  ['PROTOCOL_', 'The endpoint did not answer like an ACMAPI server. Check --endpoint / ACMAPI_ENDPOINT; if it is right, report the answer to the CA.'],
  ['CERT_', 'The certificate was NOT written. Apply again; if it keeps happening, report it to the CA.'],
  ['DEPLOY_', 'Check that --webroot is the site\'s document root and that this user may write into it.'],
  ['DOMAIN_', 'Fix the domain list (-d): plain host names, at most five, no wildcards or IP addresses.'],
  ['KEY_', 'Pass the private key that belongs to the CSR with --key, or omit --key.'],
  ['CSR_', 'Fix the CSR, or omit --csr to let acmapi generate the key and CSR.'],
];

/** The neutral hint an error of core carries, when it has one. */
function ownHint(error: AcmApiError): string | undefined {
  const hint: unknown = (error as { hint?: unknown }).hint;
  return typeof hint === 'string' && hint !== '' ? hint : undefined;
}

/** What to do about one of core's errors, in the CLI's words. */
export function adviceFor(error: AcmApiError): string {
  if (error instanceof OptionsError) {
    const flag = flagForField(error.field);
    if (flag === '--signfile') return 'Pass the signfile the CA issued with --signfile FILE (or ACMAPI_SIGNFILE=FILE).';
    return flag === undefined ? 'Check the options you passed.' : `Check ${flag}.`;
  }
  const advice = ADVICE[error.code] ?? ADVICE_BY_PREFIX.find(([prefix]) => error.code.startsWith(prefix))?.[1];
  return advice ?? ownHint(error) ?? 'Check the options you passed.';
}

/** Describes `error` for the user; never includes key material or the token (the output redacts it too). */
export function describeError(error: unknown): ErrorJson {
  if (error instanceof CaError) {
    return {
      code: error.code,
      status: error.status,
      ...(error.domain === undefined ? {} : { domain: error.domain }),
      // The advice is shown as the hint; a message that still ends with core's hint does not repeat it.
      message: error.message.replace(` ${error.hint}`, ''),
      hint: adviceFor(error),
    };
  }
  if (error instanceof UsageError) {
    return { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  }
  if (error instanceof LocalIoError) return { code: error.code, message: error.message, hint: error.hint };
  if (error instanceof AcmApiError) return { code: error.code, message: error.message, hint: adviceFor(error) };
  if (isErrnoException(error)) {
    // A file operation failed (permissions, disk full, not a folder).
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

/** Whether `error` is a failed system call (`fs`, `net`), with its errno code. */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === 'string' && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** The human rendering: `Error: what happened` then `What to do: …`. */
export function formatError(described: ErrorJson): string {
  const lines = [`Error: ${described.message}`];
  if (described.hint !== undefined) lines.push(`What to do: ${described.hint}`);
  return lines.join('\n');
}

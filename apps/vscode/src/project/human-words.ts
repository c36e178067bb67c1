/**
 * Short human phrases for the view's descriptions (issue 12: "failed: CA_AUTH_TOKEN_REJECTED"
 * and "signfile failing: dns-no-such-name" spoke machine). The codes stay in the tooltips and
 * the log, where a user searching for them finds them. Pure; `t` localises.
 */
import type { PreflightFailureKind } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';

/** Phrases for whole families of codes, by prefix; the first match wins. */
const FAMILIES: readonly (readonly [prefix: string, phrase: (t: Localize) => string])[] = [
  ['CA_DOMAIN_VERIFY', (t) => t('the CA could not fetch the signfile')],
  ['CA_DOMAIN', (t) => t('the CA refused the domains')],
  ['CA_CSR', (t) => t('the CA refused the CSR')],
  ['TRANSPORT_TLS', (t) => t('no trusted TLS connection to the CA')],
  ['TRANSPORT_ABORTED', (t) => t('cancelled')],
  ['TRANSPORT_', (t) => t('the CA could not be reached')],
  ['PROTOCOL_', (t) => t('an answer the CA should not give')],
  ['DOMAIN_', (t) => t('invalid domains')],
  ['CSR_', (t) => t('an unusable CSR')],
  ['KEY_', (t) => t('a problem with the private key')],
  ['CERT_EXPIRED', (t) => t('check this machine\'s clock')],
  ['CERT_NOT_YET_VALID', (t) => t('check this machine\'s clock')],
  ['CERT_', (t) => t('the certificate did not pass the checks')],
  ['STORE_LOCKED', (t) => t('busy in another window or terminal')],
  ['STORE_', (t) => t('a problem with the store folder')],
  ['CONFIG_', (t) => t('a problem in acmapi.json')],
  ['PREFLIGHT_', (t) => t('the signfile check failed')],
  ['OPTIONS_', (t) => t('a setting needs fixing')],
  ['DEPLOY_', (t) => t('installing the certificate failed')],
  ['METRICS_', (t) => t('a report could not be written')],
  ['NOTIFY_', (t) => t('a report could not be written')],
  ['INTERNAL', (t) => t('a bug in acmapi')],
];

const EXACT: Readonly<Record<string, (t: Localize) => string>> = {
  CA_CUSTOMER_ID_REJECTED: (t) => t('customer id not accepted'),
  CA_AUTH_TOKEN_REJECTED: (t) => t('auth token not accepted'),
  CA_REQ_TYPE_REJECTED: (t) => t('the endpoint does not speak ACMAPI'),
  CA_HANDLE_REJECTED: (t) => t('the CA does not know the handle'),
  CA_REFUSED: (t) => t('refused by the CA'),
  CA_IP_NOT_PERMITTED: (t) => t('this IP address is not registered'),
  CA_UNKNOWN_ERROR: (t) => t('an internal error of the CA'),
  AUTH_TOKEN_MISSING: (t) => t('no auth token set'),
  CUSTOMER_ID_MISSING: (t) => t('no customer id in acmapi.json'),
  CA_FILE_UNREADABLE: (t) => t('the CA file cannot be read'),
};

/** A short phrase for error `code` (core's or the extension's), e.g. "auth token not accepted". */
export function failurePhrase(code: string, t: Localize): string {
  const exact = EXACT[code];
  if (exact !== undefined) return exact(t);
  const family = FAMILIES.find(([prefix]) => code.startsWith(prefix));
  return family === undefined ? t('an unexpected error') : family[1](t);
}

const SIGNFILE: Readonly<Record<PreflightFailureKind, (t: Localize) => string>> = {
  'dns-no-such-name': (t) => t('the domain is not in DNS'),
  'dns-no-address': (t) => t('the domain has no address in DNS'),
  'dns-error': (t) => t('DNS did not answer'),
  'connection-refused': (t) => t('nothing listens there'),
  timeout: (t) => t('no answer in time'),
  'tls-handshake': (t) => t('the HTTPS handshake failed'),
  'connection-failed': (t) => t('the connection broke'),
  'http-status': (t) => t('the web server answered with an error'),
  'redirect-not-allowed': (t) => t('a redirect the CA does not follow'),
  'redirect-loop': (t) => t('a redirect loop'),
  'too-many-redirects': (t) => t('too many redirects'),
  'content-mismatch': (t) => t('another file is served there'),
  'body-too-large': (t) => t('the answer is too long'),
  aborted: (t) => t('the check was cancelled'),
  'dns-servfail': (t) => t('DNS answered with a server failure'),
  'dns-timeout': (t) => t('DNS did not answer in time'),
  'caa-forbids': (t) => t('a CAA record does not allow this CA'),
  'caa-critical-unknown-tag': (t) => t('a CAA record has a critical tag this CA does not know'),
  'caa-lookup-failed': (t) => t('the CAA lookup failed'),
  'signfile-name-contains-token': (t) => t('the signfile name contains its token'),
};

/** A short phrase for a preflight failure `kind` (spec §5), e.g. "the domain is not in DNS". */
export function signfileFailurePhrase(kind: string, t: Localize): string {
  const phrase = (SIGNFILE as Readonly<Record<string, ((t: Localize) => string) | undefined>>)[kind];
  return phrase === undefined ? t('the check failed') : phrase(t);
}

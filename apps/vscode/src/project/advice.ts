/**
 * The extension's own words for core's errors: what to do, naming its settings
 * (`acmapi.caFile`, `acmapi.preflight.resolve`, …), its commands ("acmapi: Set Auth Token")
 * and the fields of acmapi.json, localised through `t`. Core's errors carry facts (`code`,
 * context fields, `retryable`) and a neutral `hint`; the CLI and the Action have their own
 * maps, in their own words. No `vscode` import: the edge passes `vscode.l10n.t`.
 */
import { displayText, escapeUnprintable } from '@acmapi/core/text';
import { isAcmApiError, isConfigError, type AcmApiError, type AcmApiErrorCode, type PreflightFailure } from '@acmapi/core';
import type { Localize } from '../l10n/localize.js';
import { ExtensionError } from './extension-error.js';
import { configProblemText } from './config-issue-words.js';
import { failurePhrase } from './human-words.js';

/** Facts an advice may use; every field is optional, as on core's error classes. */
type ErrorFacts = AcmApiError & {
  readonly domain?: string | undefined;
  readonly handleId?: string | undefined;
  readonly path?: string | undefined;
  readonly option?: string | undefined;
  readonly proxy?: string | undefined;
};

/** What the project knows beyond the error (issue 12: 107 showed `<signfile name>` though acmapi.json names it). */
export interface ProjectFacts {
  /** `signfile.name` of acmapi.json. */
  readonly signfileName?: string | undefined;
}

type Advice = (t: Localize, error: ErrorFacts, project: ProjectFacts) => string;

const fixDomains: Advice = (t) => t('Fix the domains of the certificate in acmapi.json: plain host names, at most five, no wildcards or IP addresses.');
const fixCsr: Advice = (t) => t('Fix the CSR that "csr" in acmapi.json names, or make a new key and CSR with "acmapi: Create CSR".');
const fixKey: Advice = (t) => t('Check the private key named by "key" in acmapi.json (by default privkey.pem beside the CSR): it must be the key of the CSR. Or remove "csr" and "key" to let acmapi generate both.');
const notAcmApi: Advice = (t) => t('The endpoint did not answer like an ACMAPI server: check "endpoint" in acmapi.json; if it is right, report the answer to the CA.');
const notSaved: Advice = (t) => t('The certificate was not saved. Apply again; if it keeps happening, report it to the CA.');
const clock: Advice = (t) => t('Check this machine\'s clock. The certificate was not saved.');
const fixConfig: Advice = (t) =>
  t('Fix acmapi.json as the message says (each problem names its JSON path); the auth token never goes there: "acmapi: Set Auth Token" keeps it in VS Code\'s secret storage.');
/** Codes of core's webroot deployment, which the extension does not do: core's neutral hint is all there is to say. */
const coreHint: Advice = (t, error) => error.hint ?? t('See the acmapi output channel for details.');

const ADVICE: Readonly<Record<AcmApiErrorCode, Advice>> = {
  CA_CUSTOMER_ID_REJECTED: (t) => t('Check "customerId" in acmapi.json: it must be the id the CA issued to your platform.'),
  CA_AUTH_TOKEN_REJECTED: (t) => t('Run "acmapi: Set Auth Token" and enter the token the CA issued with this customer id.'),
  CA_REQ_TYPE_REJECTED: (t) => t('The endpoint may not speak ACMAPI: check "endpoint" in acmapi.json.'),
  CA_CSR_REJECTED: fixCsr,
  CA_DOMAIN_FORMAT: fixDomains,
  CA_DOMAIN_COUNT: (t) => t('At most five domains fit in one certificate: split them over several certificates in acmapi.json.'),
  CA_DOMAIN_VERIFY_FAILED: (t, error, project) =>
    error.domain !== undefined && project.signfileName !== undefined
      ? t(
          'It fetched {0}: run "acmapi: Check Signfile" to see what each address of {1} serves there, fix it, then apply again.',
          `http://${displayText(error.domain)}/.well-known/pki-validation/${encodeURIComponent(project.signfileName)}`,
          displayText(error.domain),
        )
      : t('The CA could not fetch the signfile of {0}: run "acmapi: Check Signfile" to see what each address serves, fix it, then apply again.', error.domain === undefined ? '?' : displayText(error.domain)),
  CA_HANDLE_REJECTED: (t) => t('The CA does not know this handle for this customer: check "customerId" in acmapi.json.'),
  CA_REFUSED: (t) => t('Contact the CA before applying for this certificate again.'),
  CA_IP_NOT_PERMITTED: (t) => t('This machine\'s IP address is not registered for the customer id: apply from a registered address, or ask the CA to add this one.'),
  CA_UNKNOWN_ERROR: (t) => t('The CA had an internal error: try again later; if it persists, contact the CA.'),

  TRANSPORT_TIMEOUT: (t) => t('The CA did not answer in time: try again later; check "endpoint" in acmapi.json and the network.'),
  TRANSPORT_REFUSED: (t) => t('Nothing listens there: check "endpoint" in acmapi.json and its port, and any proxy.'),
  TRANSPORT_DNS: (t) => t('Check the host name of "endpoint" in acmapi.json and this machine\'s DNS.'),
  TRANSPORT_TLS: (t, error) =>
    error.proxy === undefined
      ? t('For a private CA, set acmapi.caFile to its root certificate (PEM); check "endpoint" in acmapi.json and this machine\'s clock.')
      : t('The connection went through the proxy {0} (HTTPS_PROXY), which may inspect TLS and sign with its own CA: set acmapi.caFile to that CA\'s certificate (PEM; it is added to the default roots), or add the endpoint\'s host to NO_PROXY.', error.proxy),
  TRANSPORT_ABORTED: (t) => t('Cancelled; a pending application is retrieved later in the background.'),
  TRANSPORT_FAILED: (t) => t('Check "endpoint" in acmapi.json and the network, then try again.'),

  PROTOCOL_NOT_JSON: notAcmApi,
  PROTOCOL_BAD_SHAPE: notAcmApi,
  PROTOCOL_CONTRADICTION: (t) => t('Nothing was saved: ask the CA which answer holds, then run "acmapi: Retrieve Pending".'),
  PROTOCOL_BODY_TOO_LARGE: notAcmApi,
  PROTOCOL_HTTP_STATUS: notAcmApi,
  PROTOCOL_BAD_CERTIFICATE: (t) => t('Nothing was saved: run "acmapi: Retrieve Pending" to fetch it again; if it stays so, report it to the CA.'),

  DOMAIN_EMPTY: fixDomains,
  DOMAIN_INVALID: fixDomains,
  DOMAIN_WILDCARD: fixDomains,
  DOMAIN_IP_ADDRESS: fixDomains,
  DOMAIN_TOO_MANY: fixDomains,
  DOMAIN_NONE: fixDomains,

  CSR_INVALID: fixCsr,
  CSR_SIGNATURE_INVALID: fixCsr,
  CSR_KEY_NOT_ALLOWED: fixCsr,
  CSR_DOMAINS_MISMATCH: fixCsr,
  KEY_INVALID: fixKey,
  KEY_CSR_MISMATCH: fixKey,
  KEY_REQUIRED: (t) =>
    t(
      'A CSR in acmapi.json comes without its private key. Name the key file as "key" beside "csr" in acmapi.json (by default privkey.pem beside the CSR, as Create CSR writes them), or remove "csr" to let acmapi generate a key.',
    ),
  KEY_TYPE_UNKNOWN: (t) => t('Set "keyType" in acmapi.json to rsa-2048, rsa-3072, rsa-4096, ec-p256 or ec-p384.'),

  CERT_INVALID: notSaved,
  CERT_KEY_MISMATCH: notSaved,
  CERT_DOMAINS_MISSING: notSaved,
  CERT_EXPIRED: clock,
  CERT_NOT_YET_VALID: clock,
  CERT_CHAIN_INVALID: notSaved,

  OPTIONS_INVALID: (t, error) =>
    error.option === 'resolve'
      ? t('Fix the setting acmapi.preflight.resolve: each entry is DOMAIN:ADDRESS[,ADDRESS…], e.g. example.com:203.0.113.7.')
      : error.option === 'signfile'
        ? t('Set "signfile.path" in acmapi.json to the signfile the CA issued, or set acmapi.preflight.mode to warn or off.')
        : (error.hint ?? t('Check the acmapi settings.')),

  PREFLIGHT_FAILED: (t) =>
    t('Hover over the domains in the acmapi view for the reasons; fix them, or set acmapi.preflight.mode to warn if the CA sees the site differently from this machine.'),

  DEPLOY_LOCKED: coreHint,
  DEPLOY_WEB_CONFIG_EXISTS: coreHint,
  DEPLOY_FAILED: coreHint,
  DEPLOY_KEY_MISSING: coreHint,
  DEPLOY_OWNER_UNKNOWN: coreHint,
  DEPLOY_INSTALL_FAILED: coreHint,
  DEPLOY_HOOK_FAILED: coreHint,
  METRICS_WRITE_FAILED: coreHint,
  NOTIFY_REJECTED: coreHint,
  NOTIFY_FAILED: coreHint,
  NOTIFY_TIMEOUT: coreHint,
  NOTIFY_ABORTED: coreHint,

  STORE_LOCKED: (t) => t('Another acmapi process (a terminal, or another window) is working on this certificate: let it finish, then try again.'),
  STORE_PENDING_EXISTS: (t, error) =>
    error.handleId === undefined
      ? t('An application was prepared but no answer was recorded: Renew sends it again.')
      : t('Application {0} is pending at the CA: run "acmapi: Retrieve Pending", or wait for the background retrieval.', displayText(error.handleId)),
  STORE_CORRUPT: (t, error) => t('Restore {0} from a backup; the private keys in the version folders are untouched.', error.path ?? 'state.json'),
  STORE_NO_APPLICATION: (t) => t('The certificate has no application in progress: run "acmapi: Refresh".'),
  STORE_IO: (t, error) => t('Check that the store folder {0} is writable and the disk is not full, then try again.', error.path ?? ''),
  STORE_NAME_INVALID: (t) => t('Rename the certificate in acmapi.json: lower-case letters, digits, ".", "_" and "-", at most 64 characters.'),
  // The extension deletes nothing, and the store keeps every key it generates (these come from the Action's folder).
  STORE_NOT_FOUND: coreHint,
  STORE_KEY_NOT_KEPT: coreHint,
  STORE_KEY_MISSING: coreHint,

  CONFIG_INVALID: fixConfig,
  CONFIG_NOT_FOUND: (t) => t('Create it with "acmapi: Create acmapi.json".'),
  CONFIG_UNREADABLE: fixConfig,

  INTERNAL: (t) => t('This is a bug in acmapi: please report it with the steps that led to it.'),
};

/**
 * What the user of the extension should do about `error`, in the extension's words
 * (settings, commands, acmapi.json), localised by `t`. Falls back to core's neutral `hint`
 * (English) for a code this version does not know (a newer core), and to `undefined`
 * when there is neither.
 */
export function adviceFor(error: AcmApiError, t: Localize, project: ProjectFacts = {}): string | undefined {
  const advice = (ADVICE as Readonly<Record<string, Advice | undefined>>)[error.code];
  return advice === undefined ? error.hint : advice(t, error, project);
}

/**
 * What to do about one failing domain of the signfile check: the extension's words for
 * core's remedy (the setting acmapi.preflight.resolve for a DNS override), else core's hint.
 */
export function preflightFailureAdvice(failure: PreflightFailure, t: Localize): string {
  if (failure.remedy === 'dns-override') {
    return t('Create the A/AAAA records for the domain (or fix its spelling); for split-horizon DNS, give the addresses to check in the setting acmapi.preflight.resolve.');
  }
  // The extension does not deploy the signfile (no web.config to write): core's hint says what IIS needs.
  return failure.hint;
}

/** The longest description shown, in characters: a notification is no place for a CA's megabyte. */
const DESCRIPTION_MAX = 2000;

/**
 * One line, whatever the parts quote: every control, bidi or invisible character escaped
 * (line breaks too, `\n`), and cut at {@link DESCRIPTION_MAX}. Server strings are escaped
 * where they enter a message; this also catches an error whose message quotes one raw (a plain
 * `Error` from anywhere), found by the hostile-strings corpus.
 */
function oneLine(text: string): string {
  const line = escapeUnprintable(text).replaceAll('\n', '\\n');
  const chars = Array.from(line);
  return chars.length <= DESCRIPTION_MAX ? line : `${chars.slice(0, DESCRIPTION_MAX).join('')}… (${chars.length - DESCRIPTION_MAX} more characters)`;
}

/**
 * What happened, in the user's language. Core's message is English facts; for the CA's
 * answers (101-111, spec §3) every fact is in the error's fields (`status`, `code`, `domain`),
 * so the sentence is the extension's own. Other errors keep core's message (it names the URL,
 * path or option concerned).
 */
function whatHappened(error: AcmApiError & { readonly status?: unknown; readonly domain?: unknown }, t: Localize): string {
  if (error.name === 'CaError' && typeof error.status === 'number') {
    const reason = failurePhrase(error.code, t);
    return typeof error.domain === 'string' ? t('The CA answered {0} for {1}: {2}.', error.status, displayText(error.domain), reason) : t('The CA answered {0}: {1}.', error.status, reason);
  }
  // The problems of acmapi.json in the same words as the Problems panel, not core's English list.
  if (isConfigError(error) && error.code === 'CONFIG_INVALID' && error.issues.length > 0) {
    return t('acmapi.json is not valid: {0}', error.issues.map((issue) => configProblemText({ path: issue.path, message: issue.message, issue }, t)).join('; '));
  }
  return error.message;
}

/**
 * A one-line description of an error for the log and messages: what happened, what to do, and
 * the code; never a secret.
 *
 * @param project - facts of the project that make the advice concrete (the signfile name).
 */
export function describeError(error: unknown, t: Localize, project: ProjectFacts = {}): string {
  if (error instanceof ExtensionError) return oneLine(`${error.message} ${error.hint}`);
  if (isAcmApiError(error)) {
    const advice = adviceFor(error, t, project);
    return oneLine(`${whatHappened(error, t)}${advice === undefined ? '' : ` ${advice}`} [${error.code}]`);
  }
  return oneLine(error instanceof Error ? error.message : String(error));
}

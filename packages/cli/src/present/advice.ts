/**
 * The CLI's own words for core's errors: what to do, naming `acmapi`'s flags, environment
 * variables and commands. Core's errors carry facts (`code`, context fields, `retryable`)
 * and a neutral `hint`; this module maps each `code` to advice a user of the command line
 * can follow. The Action and the extension have their own maps, in their own words.
 */
import { displayText, shellQuote } from '@acmapi/core/text';
import type { AcmApiError, AcmApiErrorCode, PreflightFailure, PreflightRemedy } from '@acmapi/core';
import { flagForOption } from '../flags/option-fields.js';

/** Facts an advice may use; every field is optional, as on core's error classes. */
type ErrorFacts = AcmApiError & {
  readonly domain?: string | undefined;
  readonly handleId?: string | undefined;
  readonly certificate?: string | undefined;
  readonly path?: string | undefined;
  readonly phase?: string | undefined;
  readonly option?: string | undefined;
  readonly proxy?: string | undefined;
  readonly failures?: readonly { readonly domain: string; readonly failure?: PreflightFailure }[];
};

type Advice = string | ((error: ErrorFacts) => string);

const ENDPOINT = '--endpoint (or ACMAPI_ENDPOINT)';
const NOT_WRITTEN = 'The certificate was NOT written. Apply again; if it keeps happening, report it to the CA.';
const FIX_DOMAINS = 'Fix the domain list (-d/--domain): plain host names, at most five, no wildcards or IP addresses.';
const FIX_CSR = 'Fix the CSR given with --csr, or leave out --csr and --key to let acmapi generate the key and CSR.';
const FIX_KEY = 'Pass the private key that belongs to the CSR with --key, or leave out --csr and --key to let acmapi generate both.';
const NOT_ACMAPI = `The endpoint did not answer like an ACMAPI server. Check ${ENDPOINT}; if it is right, report the answer to the CA.`;

/** The CLI's words for a preflight remedy (spec §5). */
const REMEDIES: Readonly<Record<PreflightRemedy, (domain: string) => string>> = {
  'dns-override': () => 'Create the A/AAAA records for the domain (or fix its spelling); for split-horizon DNS pass --resolve DOMAIN:ADDRESS.',
  'iis-web-config': () =>
    'IIS serves no file without an extension by default: run with --iis (and --webroot) to write a web.config in pki-validation/ that maps the extensionless signfile to text/plain.',
};

/**
 * What to do about one preflight failure, in the CLI's words: the remedy's flag when the
 * failure has one, else core's hint.
 */
export function preflightFailureAdvice(domain: string, failure: PreflightFailure): string {
  return failure.remedy === undefined ? failure.hint : REMEDIES[failure.remedy](domain);
}

const ADVICE: Readonly<Record<AcmApiErrorCode, Advice>> = {
  CA_CUSTOMER_ID_REJECTED:
    'Check the customer id (--customer-id or ACMAPI_CUSTOMER_ID, or customerId in acmapi.json): it must be the id the CA issued to your platform.',
  CA_AUTH_TOKEN_REJECTED: 'Check the auth token (--auth-token or ACMAPI_AUTH_TOKEN): it must be the token the CA issued with this customer id.',
  CA_REQ_TYPE_REJECTED: `The CA did not accept req_type "cert_apply"; the endpoint may not speak ACMAPI. Check ${ENDPOINT}.`,
  CA_CSR_REJECTED: `The CA rejected the CSR: it must use an allowed key (RSA 2048+ or ECDSA P-256/P-384) and name exactly the requested domains. ${FIX_CSR}`,
  CA_DOMAIN_FORMAT: FIX_DOMAINS,
  CA_DOMAIN_COUNT: 'At most five domains (-d/--domain) fit in one certificate: split them over several certificates, each with its own --name.',
  CA_DOMAIN_VERIFY_FAILED: (error) => {
    // The domain is the CA's other_msg: shown escaped, and shell-quoted in the command to copy.
    const domain = error.domain === undefined ? 'DOMAIN' : displayText(error.domain);
    const domainArg = error.domain === undefined ? 'DOMAIN' : shellQuote(error.domain);
    return `The CA could not fetch the signfile. Make sure http://${domain}/.well-known/pki-validation/<signfile name> serves the signfile on every address of the domain (acmapi check -d ${domainArg} --signfile FILE shows what the CA will see), then apply again.`;
  },
  CA_HANDLE_REJECTED: (error) =>
    `Check the handle${error.handleId === undefined ? '' : ` ${displayText(error.handleId)}`} (acmapi list shows the pending ones) and that --customer-id / ACMAPI_CUSTOMER_ID is the customer id it was issued to.`,
  CA_REFUSED: 'Contact the CA before applying again (acmapi list shows the refused application; its key is kept in the store).',
  CA_IP_NOT_PERMITTED:
    "This machine's IP address is not registered for the customer id of --customer-id / ACMAPI_CUSTOMER_ID: run acmapi from a registered address, or ask the CA to add this one.",
  CA_UNKNOWN_ERROR: 'The CA had an internal error. Try again later (--retries retries it for you); if it persists, contact the CA.',

  TRANSPORT_TIMEOUT: (error) => {
    switch (error.phase) {
      case 'connect':
        return `Could not connect in time: check ${ENDPOINT}, the network, any proxy (HTTPS_PROXY/NO_PROXY) and firewall, then try again.`;
      case 'headers':
        return 'The CA may be slow (it checks every signfile before answering): try again later, or raise --timeout (e.g. --timeout 20m).';
      case 'body':
        return 'Try again later; if the CA answered pending before, fetch it with acmapi retrieve HANDLE (acmapi list shows it).';
      default:
        // Core names its own option (deadlineMs); on the command line that is --timeout.
        return `The CA did not answer within --timeout (default 10m): raise --timeout (e.g. --timeout 20m) if the CA is slow, or try again later; check ${ENDPOINT} and the network.`;
    }
  },
  TRANSPORT_REFUSED: `Nothing listens there: check ${ENDPOINT} and its port, or the proxy in HTTPS_PROXY.`,
  TRANSPORT_DNS: `Check the host name of ${ENDPOINT} and this machine's DNS; behind a proxy, set HTTPS_PROXY.`,
  TRANSPORT_TLS: (error) => {
    // What acmapi trusts, in one place: a user behind a TLS-inspecting proxy needs exactly this list.
    const trust = 'acmapi trusts Node\'s default roots plus NODE_EXTRA_CA_CERTS (a PEM file), or, with --ca-file FILE (or ACMAPI_CA_FILE), that file\'s certificates instead of the default roots (NODE_EXTRA_CA_CERTS is still added); npm\'s cafile and the system store are not read';
    if (error.proxy !== undefined) {
      return `The connection went through the proxy ${error.proxy} (HTTPS_PROXY), which may inspect TLS and sign with its own CA. ${trust}. Add the proxy's CA certificate (PEM, from your network team): e.g. NODE_EXTRA_CA_CERTS=/path/corp-ca.pem, or append it to the --ca-file bundle. Or list the endpoint's host in NO_PROXY to go around the proxy.`;
    }
    return `Check ${ENDPOINT}; for a private CA (like the sandbox), pass its root certificate with --ca-file or ACMAPI_CA_FILE. ${trust}. Check this machine's clock.`;
  },
  TRANSPORT_ABORTED: 'Run the command again when wanted; a pending application is fetched with acmapi retrieve HANDLE (acmapi list shows it).',
  TRANSPORT_FAILED: `Check ${ENDPOINT} and the network, then try again later; raise --timeout if the CA is slow.`,

  PROTOCOL_NOT_JSON: NOT_ACMAPI,
  PROTOCOL_BAD_SHAPE: NOT_ACMAPI,
  PROTOCOL_CONTRADICTION: 'Nothing was installed. Ask the CA which answer holds; a pending application is fetched with acmapi retrieve HANDLE.',
  PROTOCOL_BODY_TOO_LARGE: NOT_ACMAPI,
  PROTOCOL_HTTP_STATUS: `Check ${ENDPOINT} and any proxy (HTTPS_PROXY); ACMAPI calls are not redirected, so give the final URL.`,
  PROTOCOL_BAD_CERTIFICATE: 'Nothing was saved: fetch it again with acmapi retrieve HANDLE (acmapi list shows it); if it stays so, report it to the CA.',

  DOMAIN_EMPTY: FIX_DOMAINS,
  DOMAIN_INVALID: FIX_DOMAINS,
  DOMAIN_WILDCARD: FIX_DOMAINS,
  DOMAIN_IP_ADDRESS: FIX_DOMAINS,
  DOMAIN_TOO_MANY: FIX_DOMAINS,
  DOMAIN_NONE: 'Name at least one domain with -d/--domain, or a certificate of acmapi.json.',

  CSR_INVALID: FIX_CSR,
  CSR_SIGNATURE_INVALID: FIX_CSR,
  CSR_KEY_NOT_ALLOWED: FIX_CSR,
  CSR_DOMAINS_MISMATCH: `Make the CSR for exactly the domains given with -d/--domain. ${FIX_CSR}`,
  KEY_INVALID: FIX_KEY,
  KEY_CSR_MISMATCH: FIX_KEY,
  KEY_REQUIRED: 'Pass the CSR\'s private key with --key FILE (for a certificate of acmapi.json: its "key", or privkey.pem beside the CSR); or leave out --csr to let acmapi generate both.',
  KEY_TYPE_UNKNOWN: 'Choose --key-type rsa-2048, rsa-3072, rsa-4096, ec-p256 or ec-p384 (or keyType in acmapi.json).',

  CERT_INVALID: NOT_WRITTEN,
  CERT_KEY_MISMATCH: NOT_WRITTEN,
  CERT_DOMAINS_MISSING: NOT_WRITTEN,
  CERT_EXPIRED: `Check this machine's clock. ${NOT_WRITTEN}`,
  CERT_NOT_YET_VALID: "Set this machine's clock right (NTP): it is more than 5 minutes behind the CA's. The certificate was NOT written, but the CA holds it and its handle is kept: `acmapi list` shows the handle, and `acmapi retrieve HANDLE` then fetches the same certificate without applying again.",
  CERT_CHAIN_INVALID: NOT_WRITTEN,

  OPTIONS_INVALID: (error) => {
    if (error.option === 'resolve') return 'Write --resolve DOMAIN:ADDRESS[,ADDRESS…], e.g. --resolve example.com:203.0.113.7,2001:db8::7.';
    if (error.option === 'signfile') return 'Pass the signfile the CA issued with --signfile FILE (or ACMAPI_SIGNFILE=FILE).';
    const flag = flagForOption(error.option);
    if (flag !== undefined) return `Check ${flag}${error.hint === undefined ? '' : `: ${error.hint}`}`;
    return error.hint ?? 'Check the options you passed (acmapi COMMAND --help lists them).';
  },

  PREFLIGHT_FAILED: (error) => {
    const lines = (error.failures ?? []).flatMap((entry) => (entry.failure === undefined ? [] : [`${entry.domain}: ${preflightFailureAdvice(entry.domain, entry.failure)}`]));
    return [
      ...new Set(lines),
      "Fix what the preflight names above, check again with acmapi check, or apply anyway with --preflight warn (the CA's view can differ from this machine's).",
    ].join('\n');
  },

  DEPLOY_LOCKED: (error) =>
    `Another acmapi run is deploying into this webroot: wait for it, or remove the stale lock ${error.path ?? '.acmapi.lock in .well-known/pki-validation/'} if none is running.`,
  DEPLOY_WEB_CONFIG_EXISTS: (error) => `${error.hint ?? 'Merge the mapping into the existing web.config yourself.'} Or run without --iis.`,
  DEPLOY_FAILED: "Check that --webroot is the site's document root and that this user may write into it.",
  DEPLOY_KEY_MISSING: 'This certificate was applied for with a CSR alone: drop --install-key and --install-combined, or apply with --key so the key is kept with the certificate.',
  DEPLOY_OWNER_UNKNOWN: 'Check --install-owner USER[:GROUP]: the user and group must exist on this machine (or give numeric ids).',
  DEPLOY_INSTALL_FAILED: (error) =>
    `${error.hint ?? 'Check the folder of the install target.'} The install target is ${error.path ?? 'named above'}; the certificate itself is live in the store.`,
  DEPLOY_HOOK_FAILED:
    'Run the hook command by hand to see why (acmapi show NAME prints it; its standard error is above). A certificate that went live stays live; a failing deploy hook runs again only when an install target changes, so reload the service yourself once fixed.',
  METRICS_WRITE_FAILED: 'Check that the folder of --metrics-file exists and that this user may write into it (node_exporter reads *.prom files there).',
  NOTIFY_REJECTED: 'Check --notify-url: the receiver refused the notification (a webhook URL that was revoked or mistyped answers 403 or 404).',
  NOTIFY_FAILED: 'The receiver of --notify-url did not accept the notification after retries; the certificates are unaffected. Check that it is up.',
  NOTIFY_TIMEOUT: 'The receiver of --notify-url did not answer in time; the certificates are unaffected. Check that it is up.',
  NOTIFY_ABORTED: 'The notification was cancelled with the run; the certificates are unaffected.',

  STORE_LOCKED: (error) =>
    `Another acmapi run is working on this certificate: let it finish and run again, or wait longer with --lock-wait 2m (a lock left by a run on another host, e.g. a killed container, is taken over once it has not been refreshed for 10 minutes)${error.path === undefined ? '' : `; if no acmapi process runs there, remove ${error.path}`}.`,
  STORE_PENDING_EXISTS: (error) =>
    error.handleId === undefined
      ? `Send the prepared application again with acmapi renew${error.certificate === undefined ? '' : ` ${error.certificate}`}, or apply anew with --force (its key is kept in the store).`
      : `Fetch the pending certificate with acmapi retrieve ${shellQuote(error.handleId)} (see acmapi list), or apply anew with --force (the pending key is kept in the store).`,
  STORE_CORRUPT: (error) =>
    `Restore ${error.path === undefined ? 'the named file' : displayText(error.path)} from a backup (the private keys in versions/ are untouched), or remove the certificate with its keys: acmapi delete ${error.certificate === undefined ? 'NAME' : shellQuote(error.certificate)}. Until then acmapi list shows it damaged and acmapi renew fails with exit 7.`,
  STORE_NO_APPLICATION: 'Check the certificate name and --out: acmapi list shows the certificates and their applications.',
  STORE_IO: 'Check the permissions of the store folder and the free disk space, or choose another folder with --out.',
  STORE_NAME_INVALID: 'A store name has lower-case letters, digits, ".", "_" and "-", at most 64 characters: give it as acmapi list shows it (issue -d chooses one with --name NAME).',
  STORE_NOT_FOUND: 'Check the certificate name and --out (or --config): acmapi list shows the certificates of the store.',
  // The filesystem store keeps every key it generates; these come from other repositories (the Action's).
  STORE_KEY_NOT_KEPT: (error) => error.hint ?? 'Keep the private key somewhere a later run can read it, or give your own key.',
  STORE_KEY_MISSING: (error) => error.hint ?? 'Give the private key of the certificate, or apply anew.',

  CONFIG_INVALID: 'Fix acmapi.json (or the file of --config / ACMAPI_CONFIG) as the message says: each problem names its JSON path. The auth token belongs in ACMAPI_AUTH_TOKEN, never in the file.',
  CONFIG_NOT_FOUND: 'Create acmapi.json, or pass --config FILE (or ACMAPI_CONFIG); without a project file, name the domains with -d.',
  CONFIG_UNREADABLE: 'Fix acmapi.json (or the file of --config / ACMAPI_CONFIG) as the message says, and check its permissions.',

  INTERNAL: 'This is a bug in acmapi: please report it with the command you ran (without the token).',
};

/**
 * What the user of `acmapi` should do about `error`, in the CLI's words (flags, environment
 * variables, commands). Falls back to core's neutral `hint` for a code this version of the
 * CLI does not know (a newer core), and to `undefined` when there is neither.
 */
export function adviceFor(error: AcmApiError): string | undefined {
  const advice = (ADVICE as Readonly<Record<string, Advice | undefined>>)[error.code];
  if (advice === undefined) return error.hint;
  return typeof advice === 'string' ? advice : advice(error);
}

/**
 * The Action's own words for core's errors: what to do, naming the Action's inputs
 * (`customer-id`, `auth-token`, `ca-file`, `preflight`, …) and the workflow. Core's errors
 * carry facts (`code`, context fields, `retryable`) and a neutral `hint`; the CLI and the
 * extension have their own maps, in their own words. Pure.
 */
import type { AcmApiError, AcmApiErrorCode, PreflightFailure, PreflightRemedy } from '@acmapi/core';

/** Facts an advice may use; every field is optional, as on core's error classes. */
type ErrorFacts = AcmApiError & {
  readonly domain?: string | undefined;
  readonly option?: string | undefined;
  readonly handleId?: string | undefined;
  readonly path?: string | undefined;
  readonly proxy?: string | undefined;
};

/** The Action's words for the options core names in an `OptionsError`. */
const OPTIONS: Readonly<Record<string, string>> = {
  signfile: 'Give the signfile input (its content) or signfile.path in acmapi.json, or use preflight: warn.',
  domains: 'Give the domains input, or domains in acmapi.json.',
  waitMs: 'Give the wait input as a duration with a unit, like 10m or 2h.',
};

type Advice = string | ((error: ErrorFacts) => string);

const ENDPOINT = 'the endpoint input (or endpoint in acmapi.json)';
const NOT_SAVED = 'The certificate was NOT saved. Re-run the workflow; if it keeps happening, report it to the CA.';
const FIX_DOMAINS = 'Fix the domains input (or the domains of the certificate in acmapi.json): plain host names, at most five, no wildcards or IP addresses.';
const FIX_CSR = 'Fix the csr input, or leave out csr and private-key to let the Action generate the key and CSR.';
const FIX_KEY = 'Give the private key that belongs to the CSR in the private-key input (from a secret), or leave out csr and private-key.';
const NOT_ACMAPI = `The endpoint did not answer like an ACMAPI server: check ${ENDPOINT}; if it is right, report the answer to the CA.`;
const FIX_CONFIG = 'Fix acmapi.json (the file of the config input) as the message says; the auth token belongs in the auth-token input, from a secret.';
/** Codes of core's webroot deployment, which the Action does not do: core's neutral hint is all there is to say. */
const CORE_HINT: Advice = (error) => error.hint ?? 'Re-run the workflow with debug logging for details.';

/** The Action's words for a preflight remedy (spec §5); `undefined` keeps core's hint. */
const REMEDIES: Readonly<Record<PreflightRemedy, string | undefined>> = {
  'dns-override':
    'The runner resolves the domain through public DNS: create its A/AAAA records; if the CA resolves it differently (split-horizon DNS), use the input preflight: warn.',
  // The Action does not deploy the signfile; core's hint says what the site's web.config needs.
  'iis-web-config': undefined,
};

/** What to do about one preflight failure, in the Action's words. */
export function preflightFailureAdvice(failure: PreflightFailure): string {
  return (failure.remedy === undefined ? undefined : REMEDIES[failure.remedy]) ?? failure.hint;
}

const ADVICE: Readonly<Record<AcmApiErrorCode, Advice>> = {
  CA_CUSTOMER_ID_REJECTED: 'Check the customer-id input (or customerId in acmapi.json): it must be the id the CA issued to your platform.',
  CA_AUTH_TOKEN_REJECTED: 'Check the auth-token input (pass it from a repository or environment secret): it must be the token the CA issued with this customer id.',
  CA_REQ_TYPE_REJECTED: `The CA did not accept req_type "cert_apply"; the endpoint may not speak ACMAPI. Check ${ENDPOINT}.`,
  CA_CSR_REJECTED: `The CA rejected the CSR: it must use an allowed key (RSA 2048+ or ECDSA P-256/P-384) and name exactly the requested domains. ${FIX_CSR}`,
  CA_DOMAIN_FORMAT: FIX_DOMAINS,
  CA_DOMAIN_COUNT: 'At most five domains fit in one certificate: split them over several certificates in acmapi.json (the certificates input picks some).',
  CA_DOMAIN_VERIFY_FAILED: (error) =>
    `The CA could not fetch the signfile: make sure http://${error.domain ?? 'DOMAIN'}/.well-known/pki-validation/<signfile-name> serves the signfile on every address of the domain (with the signfile input, the preflight input checks it from the runner first), then re-run the workflow.`,
  CA_HANDLE_REJECTED: 'The CA does not know the pending handle for this customer: check that the customer-id input is the customer id the application was made with.',
  CA_REFUSED: 'The CA refused this certificate: contact the CA before running the workflow for it again.',
  CA_IP_NOT_PERMITTED:
    "The runner's IP address is not registered for the customer id: GitHub-hosted runners change address, so use a self-hosted runner with a registered address, or ask the CA to add the runner's.",
  CA_UNKNOWN_ERROR: 'The CA had an internal error: re-run the workflow later; if it persists, contact the CA.',

  TRANSPORT_TIMEOUT: `The CA did not answer in time: re-run the workflow later; check ${ENDPOINT} and the runner's network.`,
  TRANSPORT_REFUSED: `Nothing listens there: check ${ENDPOINT} and its port; a self-hosted runner behind a proxy needs HTTPS_PROXY.`,
  TRANSPORT_DNS: `Check the host name in ${ENDPOINT} and the runner's DNS.`,
  TRANSPORT_TLS: (error) =>
    error.proxy === undefined
      ? `Check ${ENDPOINT}; for a private CA, give its root certificate in the ca-file input (a PEM file in the repository); check the runner's clock.`
      : `The connection went through the runner's proxy ${error.proxy} (HTTPS_PROXY), which may inspect TLS and sign with its own CA: give that CA's certificate (PEM) in the ca-file input (added to the default roots), or set NODE_EXTRA_CA_CERTS to it in the job's env (read when ca-file is empty); or add the endpoint's host to NO_PROXY.`,
  TRANSPORT_ABORTED: 'The run was cancelled; a pending application is kept for the next run.',
  TRANSPORT_FAILED: `Check ${ENDPOINT} and the runner's network, then re-run the workflow.`,

  PROTOCOL_NOT_JSON: NOT_ACMAPI,
  PROTOCOL_BAD_SHAPE: NOT_ACMAPI,
  PROTOCOL_CONTRADICTION: 'Nothing was saved. Ask the CA which answer holds, then re-run the workflow.',
  PROTOCOL_BODY_TOO_LARGE: NOT_ACMAPI,
  PROTOCOL_HTTP_STATUS: `Check ${ENDPOINT} and any proxy; ACMAPI calls are not redirected, so give the final URL.`,
  PROTOCOL_BAD_CERTIFICATE: 'Nothing was saved: re-run the workflow to retrieve it again; if it stays so, report it to the CA.',

  DOMAIN_EMPTY: FIX_DOMAINS,
  DOMAIN_INVALID: FIX_DOMAINS,
  DOMAIN_WILDCARD: FIX_DOMAINS,
  DOMAIN_IP_ADDRESS: FIX_DOMAINS,
  DOMAIN_TOO_MANY: FIX_DOMAINS,
  DOMAIN_NONE: 'Give the domains input, or certificates with domains in acmapi.json (the config input).',

  CSR_INVALID: FIX_CSR,
  CSR_SIGNATURE_INVALID: FIX_CSR,
  CSR_KEY_NOT_ALLOWED: FIX_CSR,
  CSR_DOMAINS_MISMATCH: `Make the CSR for exactly the domains input. ${FIX_CSR}`,
  KEY_INVALID: FIX_KEY,
  KEY_CSR_MISMATCH: FIX_KEY,
  KEY_REQUIRED: 'Give the private key of the CSR in the private-key input (from a secret), or leave out csr to let the Action generate both.',
  KEY_TYPE_UNKNOWN: 'Set the key-type input (or keyType in acmapi.json) to rsa-2048, rsa-3072, rsa-4096, ec-p256 or ec-p384.',

  CERT_INVALID: NOT_SAVED,
  CERT_KEY_MISMATCH: NOT_SAVED,
  CERT_DOMAINS_MISSING: NOT_SAVED,
  CERT_EXPIRED: `Check the runner's clock. ${NOT_SAVED}`,
  CERT_NOT_YET_VALID: "Check the runner's clock: it is more than 5 minutes behind the CA's. The certificate was NOT saved, but the CA holds it and its handle is kept in acmapi-state.json: a later run fetches the same certificate by its handle, without applying again.",
  CERT_CHAIN_INVALID: NOT_SAVED,

  OPTIONS_INVALID: (error) => (error.option === undefined ? undefined : OPTIONS[error.option]) ?? error.hint ?? "Check the Action's inputs (action.yml lists them).",

  PREFLIGHT_FAILED: 'Fix the annotated domains, or use the input preflight: warn if the CA sees the site differently from this runner.',

  DEPLOY_LOCKED: CORE_HINT,
  DEPLOY_WEB_CONFIG_EXISTS: CORE_HINT,
  DEPLOY_FAILED: CORE_HINT,
  DEPLOY_KEY_MISSING: CORE_HINT,
  DEPLOY_OWNER_UNKNOWN: CORE_HINT,
  DEPLOY_INSTALL_FAILED: CORE_HINT,
  DEPLOY_HOOK_FAILED: CORE_HINT,
  METRICS_WRITE_FAILED: CORE_HINT,
  NOTIFY_REJECTED: CORE_HINT,
  NOTIFY_FAILED: CORE_HINT,
  NOTIFY_TIMEOUT: CORE_HINT,
  NOTIFY_ABORTED: CORE_HINT,

  STORE_LOCKED: 'Another job works on this certificate: let it finish and re-run (a concurrency group for the workflow avoids this).',
  STORE_PENDING_EXISTS: 'An application is pending for this certificate: the next run retrieves it (the wait input waits for it in this run).',
  STORE_CORRUPT: "Restore the named file of the output folder (the path input) from the repository's history, or delete it to apply anew.",
  STORE_NO_APPLICATION: 'Re-run the workflow: it applies anew.',
  STORE_IO: 'Check that the path input names a folder of the workspace the runner may write, and the runner\'s free disk space.',
  STORE_NAME_INVALID: 'Choose another name input (or certificate name in acmapi.json): lower-case letters, digits, ".", "_" and "-", at most 64 characters.',
  STORE_NOT_FOUND: CORE_HINT,
  STORE_KEY_NOT_KEPT: `Set the key-passphrase input (from a secret: key-passphrase: \${{ secrets.KEY_PASSPHRASE }}): the Action then keeps the key it generates in privkey.enc.pem, encrypted, so that a later run can finish a pending application with it. Or give your own key in the private-key input, or a CSR in the csr input (csr and key in acmapi.json).`,
  STORE_KEY_MISSING: (error) =>
    error.handleId === undefined && error.path?.endsWith('/cert.pem') === true
      ? `This certificate cannot be used without its key, which an earlier run generated without key-passphrase and did not keep. Remove cert.pem, chain.pem and fullchain.pem from ${error.path.slice(0, -'/cert.pem'.length)} and re-run with the key-passphrase input set (from a secret): the Action applies anew and keeps the new key encrypted. If you still have the key, give it in the private-key input instead.`
      : `An earlier run generated this application's key without key-passphrase, and it is gone. Remove ${error.path ?? 'acmapi-state.json'} (the CA's certificate for it would be unusable) and re-run with the key-passphrase input set (from a secret): the Action applies anew and keeps the new key encrypted. If you still have the key, give it in the private-key input instead.`,

  CONFIG_INVALID: FIX_CONFIG,
  CONFIG_NOT_FOUND: 'Check the config input: it names acmapi.json relative to the repository; or give the domains input instead.',
  CONFIG_UNREADABLE: FIX_CONFIG,

  INTERNAL: 'This is a bug in acmapi: re-run with debug logging (the ACTIONS_STEP_DEBUG secret) and report it.',
};

/**
 * What the user of the Action should do about `error`, in the Action's words (its inputs,
 * the workflow, the runner). Falls back to core's neutral `hint` for a code this version
 * does not know (a newer core), and to `undefined` when there is neither.
 */
export function adviceFor(error: AcmApiError): string | undefined {
  const advice = (ADVICE as Readonly<Record<string, Advice | undefined>>)[error.code];
  if (advice === undefined) return error.hint;
  return typeof advice === 'string' ? advice : advice(error);
}

/** Core's message (what happened), then the Action's advice (what to do); on a new line after a message of several lines. */
export function describeAcmApiError(error: AcmApiError): string {
  const advice = adviceFor(error);
  if (advice === undefined) return error.message;
  return `${error.message}${error.message.includes('\n') ? '\n' : ' '}${advice}`;
}

/**
 * Typed errors of @acmapi/core.
 *
 * Every error thrown by this package is an {@link AcmApiError} with a stable
 * string `code`: match on `code` (or use the type guards), never on `message`.
 * Messages say what happened and what to do; they never contain the auth token
 * or key material.
 */

/** Options shared by every error constructor. */
export interface AcmApiErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/** Base class of every error this package throws. */
export class AcmApiError extends Error {
  override name = 'AcmApiError';
  /** Stable machine-readable code, e.g. `CA_DOMAIN_VERIFY_FAILED`, `TRANSPORT_TIMEOUT`. */
  readonly code: string;

  constructor(code: string, message: string, options: AcmApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** The CA's error statuses, spec §3 "Error codes". */
export type CaErrorStatus = 101 | 102 | 103 | 104 | 105 | 106 | 107 | 108 | 109 | 110 | 111;

/** Stable codes for the CA's error statuses. */
export type CaErrorCode =
  | 'CA_CUSTOMER_ID_REJECTED'
  | 'CA_AUTH_TOKEN_REJECTED'
  | 'CA_REQ_TYPE_REJECTED'
  | 'CA_CSR_REJECTED'
  | 'CA_DOMAIN_FORMAT'
  | 'CA_DOMAIN_COUNT'
  | 'CA_DOMAIN_VERIFY_FAILED'
  | 'CA_HANDLE_REJECTED'
  | 'CA_REFUSED'
  | 'CA_IP_NOT_PERMITTED'
  | 'CA_UNKNOWN_ERROR';

/** What is known about one CA error status: its code, the source's text, and what to do. */
export interface CaErrorInfo {
  readonly status: CaErrorStatus;
  readonly code: CaErrorCode;
  /** The source document's own description (spec §3). */
  readonly sourceText: string;
  /** Whether the same request may succeed when sent again unchanged. */
  readonly retryable: boolean;
  /** What the user should do about it. */
  readonly hint: string;
}

/** The eleven CA error statuses of spec §3, keyed by status. */
export const CA_ERRORS: Readonly<Record<CaErrorStatus, CaErrorInfo>> = {
  101: {
    status: 101,
    code: 'CA_CUSTOMER_ID_REJECTED',
    sourceText: 'customer_id error',
    retryable: false,
    hint: 'Check the customer id (--customer-id or ACMAPI_CUSTOMER_ID): it must be the id the CA issued to your platform.',
  },
  102: {
    status: 102,
    code: 'CA_AUTH_TOKEN_REJECTED',
    sourceText: 'auth_token error',
    retryable: false,
    hint: 'Check the auth token (--auth-token or ACMAPI_AUTH_TOKEN): it must be the token issued with this customer id.',
  },
  103: {
    status: 103,
    code: 'CA_REQ_TYPE_REJECTED',
    sourceText: 'req_type error',
    retryable: false,
    hint: 'The CA did not accept req_type "cert_apply"; the endpoint may not speak ACMAPI. Check the endpoint URL.',
  },
  104: {
    status: 104,
    code: 'CA_CSR_REJECTED',
    sourceText: 'csr error',
    retryable: false,
    hint: 'The CA rejected the CSR: it must be a valid PEM CSR with an allowed key (RSA 2048+ or ECDSA P-256/P-384) naming exactly the requested domains. Let acmapi generate the key and CSR, or fix the CSR.',
  },
  105: {
    status: 105,
    code: 'CA_DOMAIN_FORMAT',
    sourceText: 'domain format error',
    retryable: false,
    hint: 'A domain is not a valid host name for DV issuance (no wildcards, no IP addresses). Fix the domain list.',
  },
  106: {
    status: 106,
    code: 'CA_DOMAIN_COUNT',
    sourceText: 'domain number error>5',
    retryable: false,
    hint: 'At most five domains fit in one certificate. Split them over several certificates.',
  },
  107: {
    status: 107,
    code: 'CA_DOMAIN_VERIFY_FAILED',
    sourceText: 'domain verify error, other_msg is domain name',
    retryable: false,
    hint: 'The CA could not fetch the signfile for this domain. Make sure http://DOMAIN/.well-known/pki-validation/<signfile name> serves the signfile on every address of the domain, then apply again.',
  },
  108: {
    status: 108,
    code: 'CA_HANDLE_REJECTED',
    sourceText: 'handle_id error',
    retryable: false,
    hint: 'The CA does not know this handle for this customer. Check the handle and the customer id it was issued to.',
  },
  109: {
    status: 109,
    code: 'CA_REFUSED',
    sourceText: 'refused',
    retryable: false,
    hint: 'The CA refused to issue this certificate (policy, or a person declined the pending application). Contact the CA before applying again.',
  },
  110: {
    status: 110,
    code: 'CA_IP_NOT_PERMITTED',
    sourceText: 'IP is not permitted',
    retryable: false,
    hint: 'This machine\'s IP address is not registered for the customer id. Call from a registered address or ask the CA to add this one.',
  },
  111: {
    status: 111,
    code: 'CA_UNKNOWN_ERROR',
    sourceText: 'unknow error',
    retryable: true,
    hint: 'The CA had an internal error. Try again later; if it persists, contact the CA.',
  },
};

/** Whether `status` is one of the CA's error statuses 101–111. */
export function isCaErrorStatus(status: number): status is CaErrorStatus {
  return Number.isInteger(status) && status >= 101 && status <= 111;
}

/** An error answer of the CA (status 101–111), spec §3. */
export class CaError extends AcmApiError {
  override name = 'CaError';
  declare readonly code: CaErrorCode;
  /** The CA's numeric status, 101–111. */
  readonly status: CaErrorStatus;
  /** For 107: the domain that failed verification (`other_msg`). */
  readonly domain: string | undefined;
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean;
  /** What the user should do about it. */
  readonly hint: string;

  constructor(status: CaErrorStatus, domain?: string, options: AcmApiErrorOptions = {}) {
    const info = CA_ERRORS[status];
    const what = status === 107 && domain !== undefined ? `${info.sourceText.split(',')[0] ?? ''} for ${domain}` : info.sourceText;
    super(info.code, `The CA answered ${status} (${what}). ${info.hint}`, options);
    this.status = status;
    this.domain = domain;
    this.retryable = info.retryable;
    this.hint = info.hint;
  }
}

/** Codes of failures to reach the CA or to get a whole answer from it. */
export type TransportErrorCode =
  | 'TRANSPORT_TIMEOUT'
  | 'TRANSPORT_REFUSED'
  | 'TRANSPORT_DNS'
  | 'TRANSPORT_TLS'
  | 'TRANSPORT_ABORTED'
  | 'TRANSPORT_FAILED';

/** Which phase of a request a transport failure happened in. */
export type TransportPhase = 'connect' | 'headers' | 'body' | 'deadline';

/** The CA could not be reached, or stopped answering (timeout, refused, TLS, DNS, aborted). */
export class TransportError extends AcmApiError {
  override name = 'TransportError';
  declare readonly code: TransportErrorCode;
  /** The phase the failure happened in, when known. */
  readonly phase: TransportPhase | undefined;
  /** Whether any part of the CA's answer (status line or headers) had arrived. */
  readonly answered: boolean;

  constructor(
    code: TransportErrorCode,
    message: string,
    options: AcmApiErrorOptions & { phase?: TransportPhase; answered?: boolean } = {},
  ) {
    super(code, message, options);
    this.phase = options.phase;
    this.answered = options.answered ?? false;
  }
}

/** Codes of answers that are not the protocol of spec §3. */
export type ProtocolErrorCode =
  | 'PROTOCOL_NOT_JSON'
  | 'PROTOCOL_BAD_SHAPE'
  | 'PROTOCOL_CONTRADICTION'
  | 'PROTOCOL_BODY_TOO_LARGE'
  | 'PROTOCOL_HTTP_STATUS'
  | 'PROTOCOL_BAD_CERTIFICATE';

/** The CA answered, but not with a valid ACMAPI response (spec §3). */
export class ProtocolError extends AcmApiError {
  override name = 'ProtocolError';
  declare readonly code: ProtocolErrorCode;
  /** A short, printable excerpt of what came back, when useful. */
  readonly excerpt: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, options: AcmApiErrorOptions & { excerpt?: string } = {}) {
    super(code, message, options);
    this.excerpt = options.excerpt;
  }
}

/** Codes of domain names rejected by the rules of spec §4. */
export type DomainErrorCode =
  | 'DOMAIN_EMPTY'
  | 'DOMAIN_INVALID'
  | 'DOMAIN_WILDCARD'
  | 'DOMAIN_IP_ADDRESS'
  | 'DOMAIN_TOO_MANY'
  | 'DOMAIN_NONE';

/** A domain, or a list of domains, broke a rule of spec §4. Checked before any network call. */
export class DomainError extends AcmApiError {
  override name = 'DomainError';
  declare readonly code: DomainErrorCode;
  /** The offending input as the user gave it (absent for list-level errors). */
  readonly input: string | undefined;

  constructor(code: DomainErrorCode, message: string, options: AcmApiErrorOptions & { input?: string } = {}) {
    super(code, message, options);
    this.input = options.input;
  }
}

/** Codes of problems with a private key or a CSR. */
export type CsrErrorCode =
  | 'CSR_INVALID'
  | 'CSR_SIGNATURE_INVALID'
  | 'CSR_KEY_NOT_ALLOWED'
  | 'CSR_DOMAINS_MISMATCH'
  | 'KEY_INVALID'
  | 'KEY_CSR_MISMATCH'
  | 'KEY_TYPE_UNKNOWN'
  | 'KEY_REQUIRED';

/** A private key or CSR is unusable (unparsable, badly signed, disallowed key, wrong domains). */
export class CsrError extends AcmApiError {
  override name = 'CsrError';
  declare readonly code: CsrErrorCode;
}

/** Codes of certificates that fail the checks of spec §3 ("always checks…"). */
export type CertificateErrorCode =
  | 'CERT_INVALID'
  | 'CERT_KEY_MISMATCH'
  | 'CERT_DOMAINS_MISSING'
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_CHAIN_INVALID';

/** A certificate from the CA failed a check; it must never become the live certificate. */
export class CertificateError extends AcmApiError {
  override name = 'CertificateError';
  declare readonly code: CertificateErrorCode;
}

/** Codes of invalid options passed to this package. */
export type OptionsErrorCode = 'OPTIONS_INVALID';

/** An option passed to this package is invalid; thrown before any I/O. */
export class OptionsError extends AcmApiError {
  override name = 'OptionsError';
  declare readonly code: OptionsErrorCode;
  /** The option concerned (e.g. `signfile`, `waitMs`), when one is: front ends name their own flag, input or setting for it. */
  readonly field: string | undefined;

  constructor(message: string, options: AcmApiErrorOptions & { field?: string } = {}) {
    super('OPTIONS_INVALID', message, options);
    this.field = options.field;
  }
}

/** Whether `error` is any error of this package. */
export function isAcmApiError(error: unknown): error is AcmApiError {
  return error instanceof AcmApiError;
}

/** Whether `error` is a CA error answer (101–111). */
export function isCaError(error: unknown): error is CaError {
  return error instanceof CaError;
}

/** Whether `error` is a transport failure. */
export function isTransportError(error: unknown): error is TransportError {
  return error instanceof TransportError;
}

/** Whether `error` is a protocol failure. */
export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError;
}

/** Codes of a preflight that blocks an application (spec §5). */
export type PreflightErrorCode = 'PREFLIGHT_FAILED';

/**
 * The signfile preflight failed in `strict` mode, so no application is sent
 * (spec §5). `failedDomains` names the domains that would fail; the preflight
 * result itself carries the reasons per address and scheme.
 */
export class PreflightError extends AcmApiError {
  override name = 'PreflightError';
  declare readonly code: PreflightErrorCode;
  /** The domains whose signfile check failed. */
  readonly failedDomains: readonly string[];

  constructor(message: string, failedDomains: readonly string[], options: AcmApiErrorOptions = {}) {
    super('PREFLIGHT_FAILED', message, options);
    this.failedDomains = failedDomains;
  }
}

/** Codes of failures to put the signfile in place (spec §1). */
export type DeployErrorCode =
  | 'DEPLOY_LOCKED'
  | 'DEPLOY_WEB_CONFIG_EXISTS'
  | 'DEPLOY_FAILED';

/** The signfile could not be deployed into a webroot (lock held, foreign web.config, file system error). */
export class DeployError extends AcmApiError {
  override name = 'DeployError';
  declare readonly code: DeployErrorCode;
  /** The file or folder concerned. */
  readonly path: string | undefined;

  constructor(code: DeployErrorCode, message: string, options: AcmApiErrorOptions & { path?: string } = {}) {
    super(code, message, options);
    this.path = options.path;
  }
}

/** Codes of problems with the certificate store (issue 4). */
export type StoreErrorCode =
  | 'STORE_LOCKED'
  | 'STORE_CORRUPT'
  | 'STORE_PENDING_EXISTS'
  | 'STORE_NO_APPLICATION'
  | 'STORE_NAME_INVALID'
  | 'STORE_IO';

/**
 * The certificate store refused an operation or found something it cannot trust: another
 * process holds the certificate's lock, a pending application already exists, its files
 * are damaged. Nothing in the store was changed by the failed operation.
 */
export class StoreError extends AcmApiError {
  override name = 'StoreError';
  declare readonly code: StoreErrorCode;
  /** The certificate's store name, when the error concerns one certificate. */
  readonly certificate: string | undefined;

  constructor(code: StoreErrorCode, message: string, options: AcmApiErrorOptions & { certificate?: string } = {}) {
    super(code, message, options);
    this.certificate = options.certificate;
  }
}

/** Codes of problems with the project file `acmapi.json`. */
export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' | 'CONFIG_UNREADABLE';

/** One problem in the project file, with its JSON path (e.g. `certificates[2].domains[0]`). */
export interface ConfigIssue {
  /** JSON path of the offending value; the empty string for the whole file. */
  path: string;
  /** What is wrong and what to do. */
  message: string;
}

/** The project file `acmapi.json` is missing, unreadable, not JSON, or breaks its schema. */
export class ConfigError extends AcmApiError {
  override name = 'ConfigError';
  declare readonly code: ConfigErrorCode;
  /** Every problem found (for `CONFIG_INVALID`), each with its JSON path; empty otherwise. */
  readonly issues: readonly ConfigIssue[];
  /** The file concerned, when known. */
  readonly file: string | undefined;

  constructor(
    code: ConfigErrorCode,
    message: string,
    options: AcmApiErrorOptions & { issues?: readonly ConfigIssue[]; file?: string } = {},
  ) {
    super(code, message, options);
    this.issues = options.issues ?? [];
    this.file = options.file;
  }
}

/** Whether `error` is a certificate store error. */
export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

/** Whether `error` is a project file error. */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

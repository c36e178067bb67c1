/**
 * Typed errors of @acmapi/core.
 *
 * Every error thrown by this package is an {@link AcmApiError} with a stable
 * string `code`: match on `code` (or use the type guards), never on `message`.
 *
 * The words are split by purpose: `message` says what happened (facts only), `hint`
 * says what to do in neutral words ("the customer id", "an extra CA certificate for
 * the endpoint"), `retryable` says whether trying again unchanged may help, and the
 * context fields (`domain`, `certificate`, `path`, `handleId`, …) carry the facts a
 * front end needs to word its own advice. No message or hint names a flag, an
 * environment variable, an input, a setting or a command of any front end: each front
 * end maps `code` to its own words. Nothing here ever holds the auth token or key
 * material.
 */
import { displayText } from '../text/display-text.js';
import type { DomainPreflight } from '../preflight/types.js';
import type { ConfigIssue } from './config-issue.js';

/** Options shared by every error constructor. */
export interface AcmApiErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
  /** What to do about it, in neutral words (no flag, environment variable or command). */
  hint?: string | undefined;
  /**
   * Whether the same operation may succeed when tried again unchanged (later, or after a
   * passing condition such as a busy lock).
   * @default false
   */
  retryable?: boolean | undefined;
}

/**
 * The stable codes of every error class, keyed by the class's `name`. A code never
 * changes meaning and is never removed; front ends key their exit codes and advice on it.
 */
export const ERROR_CODES = {
  CaError: [
    'CA_CUSTOMER_ID_REJECTED',
    'CA_AUTH_TOKEN_REJECTED',
    'CA_REQ_TYPE_REJECTED',
    'CA_CSR_REJECTED',
    'CA_DOMAIN_FORMAT',
    'CA_DOMAIN_COUNT',
    'CA_DOMAIN_VERIFY_FAILED',
    'CA_HANDLE_REJECTED',
    'CA_REFUSED',
    'CA_IP_NOT_PERMITTED',
    'CA_UNKNOWN_ERROR',
  ],
  TransportError: ['TRANSPORT_TIMEOUT', 'TRANSPORT_REFUSED', 'TRANSPORT_DNS', 'TRANSPORT_TLS', 'TRANSPORT_ABORTED', 'TRANSPORT_FAILED'],
  ProtocolError: [
    'PROTOCOL_NOT_JSON',
    'PROTOCOL_BAD_SHAPE',
    'PROTOCOL_CONTRADICTION',
    'PROTOCOL_BODY_TOO_LARGE',
    'PROTOCOL_HTTP_STATUS',
    'PROTOCOL_BAD_CERTIFICATE',
  ],
  DomainError: ['DOMAIN_EMPTY', 'DOMAIN_INVALID', 'DOMAIN_WILDCARD', 'DOMAIN_IP_ADDRESS', 'DOMAIN_TOO_MANY', 'DOMAIN_NONE'],
  CsrError: ['CSR_INVALID', 'CSR_SIGNATURE_INVALID', 'CSR_KEY_NOT_ALLOWED', 'CSR_DOMAINS_MISMATCH', 'KEY_INVALID', 'KEY_CSR_MISMATCH', 'KEY_TYPE_UNKNOWN', 'KEY_REQUIRED'],
  CertificateError: ['CERT_INVALID', 'CERT_KEY_MISMATCH', 'CERT_DOMAINS_MISSING', 'CERT_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_CHAIN_INVALID'],
  OptionsError: ['OPTIONS_INVALID'],
  PreflightError: ['PREFLIGHT_FAILED'],
  DeployError: ['DEPLOY_LOCKED', 'DEPLOY_WEB_CONFIG_EXISTS', 'DEPLOY_FAILED', 'DEPLOY_KEY_MISSING', 'DEPLOY_OWNER_UNKNOWN', 'DEPLOY_INSTALL_FAILED', 'DEPLOY_HOOK_FAILED'],
  StoreError: [
    'STORE_LOCKED',
    'STORE_CORRUPT',
    'STORE_PENDING_EXISTS',
    'STORE_NO_APPLICATION',
    'STORE_NAME_INVALID',
    'STORE_IO',
    'STORE_NOT_FOUND',
    'STORE_KEY_NOT_KEPT',
    'STORE_KEY_MISSING',
  ],
  ConfigError: ['CONFIG_INVALID', 'CONFIG_NOT_FOUND', 'CONFIG_UNREADABLE'],
  ReportError: ['METRICS_WRITE_FAILED', 'NOTIFY_REJECTED', 'NOTIFY_FAILED', 'NOTIFY_TIMEOUT', 'NOTIFY_ABORTED'],
  InternalError: ['INTERNAL'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** The `name` of each error class of this package (the keys of {@link ERROR_CODES}). */
export type AcmApiErrorName = keyof typeof ERROR_CODES;

/** Any code of any error of this package. */
export type AcmApiErrorCode = (typeof ERROR_CODES)[AcmApiErrorName][number];

/** Base class of every error this package throws. */
export class AcmApiError extends Error {
  override name = 'AcmApiError';
  /** Stable machine-readable code, e.g. `CA_DOMAIN_VERIFY_FAILED`, `TRANSPORT_TIMEOUT`. */
  readonly code: string;
  /** What to do about it, in neutral words; `undefined` when there is nothing to add to the message. */
  readonly hint: string | undefined;
  /** Whether the same operation may succeed when tried again unchanged. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: AcmApiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
  }
}

/** The CA's error statuses, spec §3 "Error codes". */
export type CaErrorStatus = 101 | 102 | 103 | 104 | 105 | 106 | 107 | 108 | 109 | 110 | 111;

/** Stable codes for the CA's error statuses. */
export type CaErrorCode = (typeof ERROR_CODES.CaError)[number];

/** What is known about one CA error status: its code, the source's text, and what to do. */
export interface CaErrorInfo {
  readonly status: CaErrorStatus;
  readonly code: CaErrorCode;
  /** The source document's own description (spec §3). */
  readonly sourceText: string;
  /** Whether the same request may succeed when sent again unchanged. */
  readonly retryable: boolean;
  /** What the user should do about it, in neutral words. */
  readonly hint: string;
}

/** The eleven CA error statuses of spec §3, keyed by status. */
export const CA_ERRORS: Readonly<Record<CaErrorStatus, CaErrorInfo>> = {
  101: {
    status: 101,
    code: 'CA_CUSTOMER_ID_REJECTED',
    sourceText: 'customer_id error',
    retryable: false,
    hint: 'Check the customer id: it must be the id the CA issued to your platform.',
  },
  102: {
    status: 102,
    code: 'CA_AUTH_TOKEN_REJECTED',
    sourceText: 'auth_token error',
    retryable: false,
    hint: 'Check the auth token: it must be the token the CA issued with this customer id.',
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
    hint: 'The CSR must be a valid PEM CSR with an allowed key (RSA 2048+ or ECDSA P-256/P-384) naming exactly the requested domains. Fix the CSR, or have a new key and CSR generated.',
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

/**
 * An error answer of the CA (status 101–111), spec §3. `message` names the status and
 * the source's text; `hint` and `retryable` come from {@link CA_ERRORS}.
 */
export class CaError extends AcmApiError {
  override name = 'CaError';
  declare readonly code: CaErrorCode;
  declare readonly hint: string;
  /** The CA's numeric status, 101–111. */
  readonly status: CaErrorStatus;
  /** For 107: the domain that failed verification (`other_msg`). */
  readonly domain: string | undefined;
  /** The handle the request named (a retrieve), when there was one; with 108 it is the handle the CA does not know. */
  readonly handleId: string | undefined;

  constructor(status: CaErrorStatus, domain?: string, options: Pick<AcmApiErrorOptions, 'cause'> & { handleId?: string | undefined } = {}) {
    const info = CA_ERRORS[status];
    const what = status === 107 && domain !== undefined ? `${info.sourceText.split(',')[0] ?? ''} for ${displayText(domain)}` : info.sourceText;
    super(info.code, `The CA answered ${status} (${what}).`, { cause: options.cause, hint: info.hint, retryable: info.retryable });
    this.status = status;
    this.domain = domain;
    this.handleId = options.handleId;
  }
}

/** Codes of failures to reach the CA or to get a whole answer from it. */
export type TransportErrorCode = (typeof ERROR_CODES.TransportError)[number];

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
  /** For `TRANSPORT_TIMEOUT`: the limit that passed, in milliseconds, when known. */
  readonly limitMs: number | undefined;
  /**
   * For `TRANSPORT_FAILED` from an answer that says the CA is unavailable: its HTTP status,
   * 502, 503 or 504 (RFC 9110 §15.6.3–15.6.5), sent by the CA or a gateway before it.
   */
  readonly httpStatus: number | undefined;
  /**
   * The proxy the call went through, as its origin without credentials (from `HTTPS_PROXY`/
   * `HTTP_PROXY`, unless `NO_PROXY` names the host), when the client built its own transport;
   * `undefined` for a direct call or a dispatcher passed in. With `TRANSPORT_TLS` it is the
   * likely cause: a TLS-inspecting proxy presents certificates of its own CA.
   */
  readonly proxy: string | undefined;

  constructor(
    code: TransportErrorCode,
    message: string,
    options: AcmApiErrorOptions & { phase?: TransportPhase | undefined; answered?: boolean; limitMs?: number | undefined; httpStatus?: number | undefined; proxy?: string | undefined } = {},
  ) {
    super(code, message, options);
    this.phase = options.phase;
    this.answered = options.answered ?? false;
    this.limitMs = options.limitMs;
    this.httpStatus = options.httpStatus;
    this.proxy = options.proxy;
  }
}

/** Codes of answers that are not the protocol of spec §3. */
export type ProtocolErrorCode = (typeof ERROR_CODES.ProtocolError)[number];

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
export type DomainErrorCode = (typeof ERROR_CODES.DomainError)[number];

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
export type CsrErrorCode = (typeof ERROR_CODES.CsrError)[number];

/** A private key or CSR is unusable (unparsable, badly signed, disallowed key, wrong domains). */
export class CsrError extends AcmApiError {
  override name = 'CsrError';
  declare readonly code: CsrErrorCode;

  constructor(code: CsrErrorCode, message: string, options: AcmApiErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Codes of certificates that fail the checks of spec §3 ("always checks…"). */
export type CertificateErrorCode = (typeof ERROR_CODES.CertificateError)[number];

/** A certificate from the CA failed a check; it must never become the live certificate. */
export class CertificateError extends AcmApiError {
  override name = 'CertificateError';
  declare readonly code: CertificateErrorCode;
  /** The certificate's store name, when the check ran for a stored certificate. */
  readonly certificate: string | undefined;
  /**
   * The handle of the CA's answer that carried the certificate, when the check ran on an answer
   * (spec §3): the CA holds the certificate under it, so `retrieve` can fetch it again.
   */
  readonly handleId: string | undefined;

  constructor(code: CertificateErrorCode, message: string, options: AcmApiErrorOptions & { certificate?: string; handleId?: string | undefined } = {}) {
    super(code, message, options);
    this.certificate = options.certificate;
    this.handleId = options.handleId;
  }
}

/** Codes of invalid options passed to this package. */
export type OptionsErrorCode = (typeof ERROR_CODES.OptionsError)[number];

/** An option passed to this package is invalid; thrown before any I/O. */
export class OptionsError extends AcmApiError {
  override name = 'OptionsError';
  declare readonly code: OptionsErrorCode;
  /** The option concerned, by its name in this package's API (e.g. `deadlineMs`, `resolve`), when one is. */
  readonly option: string | undefined;

  constructor(message: string, options: AcmApiErrorOptions & { option?: string } = {}) {
    super('OPTIONS_INVALID', message, options);
    this.option = options.option;
  }
}

/** Codes of a preflight that blocks an application (spec §5). */
export type PreflightErrorCode = (typeof ERROR_CODES.PreflightError)[number];

/**
 * The signfile preflight failed in `strict` mode, so no application is sent
 * (spec §5). `failedDomains` names the domains that would fail; `failures` carries the
 * first failure of each (its kind, message, hint and remedy).
 */
export class PreflightError extends AcmApiError {
  override name = 'PreflightError';
  declare readonly code: PreflightErrorCode;
  /** The domains whose signfile check failed. */
  readonly failedDomains: readonly string[];
  /** Each failing domain with its first failure (absent when the result carried none). */
  readonly failures: readonly Pick<DomainPreflight, 'domain' | 'failure'>[];

  constructor(
    message: string,
    failedDomains: readonly string[],
    options: AcmApiErrorOptions & { failures?: readonly Pick<DomainPreflight, 'domain' | 'failure'>[] } = {},
  ) {
    super('PREFLIGHT_FAILED', message, options);
    this.failedDomains = failedDomains;
    this.failures = options.failures ?? [];
  }
}

/**
 * Codes of failures to deploy: putting the signfile in place (spec §1: `DEPLOY_LOCKED`,
 * `DEPLOY_WEB_CONFIG_EXISTS`, `DEPLOY_FAILED`) and installing a live certificate into its
 * install targets (`DEPLOY_KEY_MISSING`, `DEPLOY_OWNER_UNKNOWN`, `DEPLOY_INSTALL_FAILED`), or a
 * hook failed: it exited non-zero, was ended by a signal or its timeout, or could not start
 * (`DEPLOY_HOOK_FAILED`, see `deploy/hooks.ts`).
 */
export type DeployErrorCode = (typeof ERROR_CODES.DeployError)[number];

/**
 * A deployment failed: the signfile could not be put into a webroot (lock held, foreign
 * web.config, file system error), or a certificate could not be installed into an install
 * target (no private key for a key file, unknown owner, file system error).
 */
export class DeployError extends AcmApiError {
  override name = 'DeployError';
  declare readonly code: DeployErrorCode;
  /** The file or folder concerned. */
  readonly path: string | undefined;
  /**
   * `DEPLOY_INSTALL_FAILED` only: the install targets (paths as given) already changed when
   * the install stopped — empty when no target changed (the usual case: targets change all
   * together or not at all; only a rename failing midway leaves some changed).
   */
  readonly written: readonly string[];

  constructor(code: DeployErrorCode, message: string, options: AcmApiErrorOptions & { path?: string; written?: readonly string[] } = {}) {
    super(code, message, options);
    this.path = options.path;
    this.written = options.written ?? [];
  }
}

/** Codes of problems with the certificate store (issue 4). */
export type StoreErrorCode = (typeof ERROR_CODES.StoreError)[number];

/**
 * The certificate store refused an operation or found something it cannot trust: another
 * process holds the certificate's lock, a pending application already exists, its files
 * are damaged. Nothing in the store was changed by the failed operation.
 *
 * - `STORE_NOT_FOUND`: the store has no certificate of that name (e.g. to delete).
 * - `STORE_KEY_NOT_KEPT`: a repository was asked to save a generated private key it cannot
 *   keep for a later run (the Action's published folder without a passphrase); nothing was
 *   sent to the CA.
 * - `STORE_KEY_MISSING`: an application in progress, or the live certificate, whose private
 *   key the repository no longer has and nobody gave: its certificate would be unusable.
 */
export class StoreError extends AcmApiError {
  override name = 'StoreError';
  declare readonly code: StoreErrorCode;
  /** The certificate's store name, when the error concerns one certificate. */
  readonly certificate: string | undefined;
  /** For `STORE_PENDING_EXISTS`: the handle of the pending application (absent when it was prepared but never answered). */
  readonly handleId: string | undefined;
  /** The file concerned (`STORE_CORRUPT`: the damaged file; `STORE_LOCKED`: the lock file), when known. */
  readonly path: string | undefined;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: AcmApiErrorOptions & { certificate?: string | undefined; handleId?: string | undefined; path?: string | undefined } = {},
  ) {
    super(code, message, options);
    this.certificate = options.certificate;
    this.handleId = options.handleId;
    this.path = options.path;
  }
}

/** Codes of problems with the project file `acmapi.json`. */
export type ConfigErrorCode = (typeof ERROR_CODES.ConfigError)[number];

// One problem in the project file: its JSON path, a stable code with its facts, core's English.
export type { ConfigIssue } from './config-issue.js';

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

/** Codes of failures to report on a run: the metrics file, the notification receiver. */
export type ReportErrorCode = (typeof ERROR_CODES.ReportError)[number];

/**
 * A report on a run could not be delivered: the metrics file could not be written
 * (`METRICS_WRITE_FAILED`, with `path`), or the notification receiver refused the
 * notification (`NOTIFY_REJECTED`: an answer that retrying cannot change, such as 400, 403
 * or 404), kept failing until the retries ran out (`NOTIFY_FAILED`: 5xx, 429 or the
 * network), did not answer in time (`NOTIFY_TIMEOUT`) or was given up by the caller
 * (`NOTIFY_ABORTED`). A report never changes a certificate: the run it describes stands.
 */
export class ReportError extends AcmApiError {
  override name = 'ReportError';
  declare readonly code: ReportErrorCode;
  /** `METRICS_WRITE_FAILED`: the metrics file. */
  readonly path: string | undefined;
  /**
   * `NOTIFY_*`: the receiver's origin (scheme, host, port) only. Its path and query are
   * left out on purpose: a webhook URL's path is often its secret (Slack's is).
   */
  readonly endpoint: string | undefined;
  /** `NOTIFY_*`: the HTTP status of the last answer, when one arrived. */
  readonly statusCode: number | undefined;
  /** `NOTIFY_*`: how many times the notification was sent. */
  readonly attempts: number | undefined;

  constructor(
    code: ReportErrorCode,
    message: string,
    options: AcmApiErrorOptions & { path?: string | undefined; endpoint?: string | undefined; statusCode?: number | undefined; attempts?: number | undefined } = {},
  ) {
    super(code, message, options);
    this.path = options.path;
    this.endpoint = options.endpoint;
    this.statusCode = options.statusCode;
    this.attempts = options.attempts;
  }
}

/** Codes of broken invariants inside this package. */
export type InternalErrorCode = (typeof ERROR_CODES.InternalError)[number];

/**
 * Something this package relies on did not hold (an invariant between two of its own
 * parts): a bug in @acmapi/core, never a problem with the input. Nothing was changed
 * past the point where it was found.
 */
export class InternalError extends AcmApiError {
  override name = 'InternalError';
  declare readonly code: InternalErrorCode;

  constructor(message: string, options: AcmApiErrorOptions = {}) {
    super('INTERNAL', message, { hint: 'This is a bug in @acmapi/core: report it with what led to it.', ...options });
  }
}

/**
 * Whether `error` carries the `name` of one of `names` and a `code` of that class. This is
 * how an error of a second copy of this package (another version, or bundled twice) is
 * recognised, where `instanceof` fails.
 */
function hasNameAndCode(error: unknown, names: readonly AcmApiErrorName[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (typeof name !== 'string' || typeof code !== 'string') return false;
  return names.some((candidate) => candidate === name && (ERROR_CODES[candidate] as readonly string[]).includes(code));
}

const ALL_NAMES = Object.keys(ERROR_CODES) as AcmApiErrorName[];

/**
 * Whether `error` is any error of this package: an instance, or an object whose `name` is
 * one of this package's error classes and whose `code` is one of that class's codes.
 */
export function isAcmApiError(error: unknown): error is AcmApiError {
  return error instanceof AcmApiError || hasNameAndCode(error, ALL_NAMES);
}

/** Whether `error` is a CA error answer (101–111), also from another copy of this package. */
export function isCaError(error: unknown): error is CaError {
  return error instanceof CaError || hasNameAndCode(error, ['CaError']);
}

/** Whether `error` is a transport failure, also from another copy of this package. */
export function isTransportError(error: unknown): error is TransportError {
  return error instanceof TransportError || hasNameAndCode(error, ['TransportError']);
}

/** Whether `error` is a protocol failure, also from another copy of this package. */
export function isProtocolError(error: unknown): error is ProtocolError {
  return error instanceof ProtocolError || hasNameAndCode(error, ['ProtocolError']);
}

/** Whether `error` is a rejected domain (spec §4), also from another copy of this package. */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError || hasNameAndCode(error, ['DomainError']);
}

/** Whether `error` is an unusable key or CSR, also from another copy of this package. */
export function isCsrError(error: unknown): error is CsrError {
  return error instanceof CsrError || hasNameAndCode(error, ['CsrError']);
}

/** Whether `error` is a failed certificate check, also from another copy of this package. */
export function isCertificateError(error: unknown): error is CertificateError {
  return error instanceof CertificateError || hasNameAndCode(error, ['CertificateError']);
}

/** Whether `error` is an invalid option, also from another copy of this package. */
export function isOptionsError(error: unknown): error is OptionsError {
  return error instanceof OptionsError || hasNameAndCode(error, ['OptionsError']);
}

/** Whether `error` is a strict preflight that failed, also from another copy of this package. */
export function isPreflightError(error: unknown): error is PreflightError {
  return error instanceof PreflightError || hasNameAndCode(error, ['PreflightError']);
}

/** Whether `error` is a failed signfile deployment, also from another copy of this package. */
export function isDeployError(error: unknown): error is DeployError {
  return error instanceof DeployError || hasNameAndCode(error, ['DeployError']);
}

/** Whether `error` is a certificate store error, also from another copy of this package. */
export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError || hasNameAndCode(error, ['StoreError']);
}

/** Whether `error` is a project file error, also from another copy of this package. */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError || hasNameAndCode(error, ['ConfigError']);
}

/** Whether `error` is a report that could not be delivered (metrics file, notification), also from another copy of this package. */
export function isReportError(error: unknown): error is ReportError {
  return error instanceof ReportError || hasNameAndCode(error, ['ReportError']);
}

/** Whether `error` is a broken invariant of this package, also from another copy of it. */
export function isInternalError(error: unknown): error is InternalError {
  return error instanceof InternalError || hasNameAndCode(error, ['InternalError']);
}

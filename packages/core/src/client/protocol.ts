/**
 * The ACMAPI wire format (spec §2 requests, §3 responses) as pure functions:
 * no I/O here, so every quirk of the source document is unit-tested on data.
 */
import { CaError, isCaErrorStatus, ProtocolError } from '../errors/errors.js';
import { displayText } from '../text/display-text.js';

/** The only request type of the protocol (spec §2 `req_type`). */
export const REQ_TYPE = 'cert_apply';

/** What a platform was given by the CA (spec §1): its customer id and its auth token (a secret). */
export interface AcmApiCredentials {
  /** The customer id (`UID`) the CA issued to the platform, spec §2 `customer_id`. */
  readonly customerId: string;
  /** The auth token issued with the customer id, spec §2 `auth_token`. A secret: never logged. */
  readonly authToken: string;
}

/** The JSON body of an application (spec §2 "apply"): exactly these five fields. */
export interface ApplyRequestBody {
  customer_id: string;
  auth_token: string;
  req_type: typeof REQ_TYPE;
  /** 1 to 5 normalised domains (spec §4); the first is the CSR's CN. */
  domain_name: string[];
  /** The CSR, PEM. */
  csr: string;
}

/** The JSON body of a retrieval by handle (spec §2 "retrieve"): exactly these four fields. */
export interface RetrieveRequestBody {
  customer_id: string;
  auth_token: string;
  req_type: typeof REQ_TYPE;
  handle_id: string;
}

/**
 * Builds the body of an application (spec §2): strictly typed, unpadded values.
 * The caller normalises `domains` first (spec §4, `normalizeDomains`).
 *
 * @param credentials - customer id and auth token.
 * @param domains - normalised domains, 1 to 5.
 * @param csr - the CSR, PEM; surrounding white space is removed.
 * @returns `{customer_id, auth_token, req_type: "cert_apply", domain_name, csr}`.
 */
export function buildApplyRequest(
  credentials: AcmApiCredentials,
  domains: readonly string[],
  csr: string,
): ApplyRequestBody {
  return {
    customer_id: credentials.customerId,
    auth_token: credentials.authToken,
    req_type: REQ_TYPE,
    domain_name: [...domains],
    csr: csr.trim(),
  };
}

/**
 * Builds the body of a retrieval of a pending application by its handle (spec §2).
 * `req_type` is always sent, although the source's own example omits it.
 *
 * @param credentials - customer id and auth token.
 * @param handleId - the handle returned by a pending (status 1) answer; trimmed.
 * @returns `{customer_id, auth_token, req_type: "cert_apply", handle_id}`.
 */
export function buildRetrieveRequest(credentials: AcmApiCredentials, handleId: string): RetrieveRequestBody {
  return {
    customer_id: credentials.customerId,
    auth_token: credentials.authToken,
    req_type: REQ_TYPE,
    handle_id: handleId.trim(),
  };
}

/**
 * A good answer of the CA (spec §3): issued at once (status 0) or pending (status 1).
 * Error answers (101–111) are thrown as {@link CaError}, never returned.
 */
export type AcmApiResponse =
  | {
      readonly result: 'success';
      readonly status: 0;
      /** The application's handle, trimmed. */
      readonly handleId: string;
      /** The `certificate` field as sent (trimmed): PEM, PEM bundle or bare base64 DER; see `certificateFieldToPem`. */
      readonly certificate: string;
    }
  | {
      readonly result: 'pending';
      readonly status: 1;
      /** The handle to retrieve the certificate with later, trimmed. */
      readonly handleId: string;
    };

/** Options of {@link parseResponse} and {@link bodyExcerpt}. */
export interface ParseResponseOptions {
  /**
   * Strings that must never appear in an error (the auth token): replaced by
   * `[redacted]` in excerpts, since a broken endpoint may echo the request.
   * @default []
   */
  readonly secrets?: readonly string[];
  /**
   * The handle the request named (a retrieve): kept as `handleId` on a {@link CaError}, so
   * that a 108 says which handle the CA does not know.
   * @default undefined
   */
  readonly handleId?: string | undefined;
}

/** How many characters of an unexpected body an error quotes. */
export const EXCERPT_LENGTH = 80;

/**
 * A short, printable excerpt of a body for an error message: secrets replaced by
 * `[redacted]`, then the first `length` characters, control characters escaped
 * (`\n`, `\t`, `\u{7}`…) by {@link displayText}.
 *
 * @param text - the body as decoded.
 * @param options - secrets to redact.
 * @param length - characters kept. @default 80
 */
export function bodyExcerpt(text: string, options: ParseResponseOptions = {}, length = EXCERPT_LENGTH): string {
  let redacted = text;
  // Longest first: a form that contains another (the JSON-escaped token holds the raw one's
  // pieces) must go whole, not leave a remainder around a `[redacted]`.
  const forms = (options.secrets ?? []).flatMap(secretForms).sort((a, b) => b.length - a.length);
  for (const form of forms) redacted = redacted.split(form).join('[redacted]');
  const chars = Array.from(redacted);
  return displayText(chars.slice(0, length).join(''), { maxLength: Number.MAX_SAFE_INTEGER }) + (chars.length > length ? '…' : '');
}

/**
 * The forms in which a secret can come back in a body that echoes the request: as it is, as
 * JSON encodes it inside a string (RFC 8259 §7: quotation mark and backslash escaped, as our
 * request body carries it), with `/` escaped too and non-ASCII as `\uXXXX` (what PHP's json_encode writes
 * by default, in either hex case), and percent-encoded (RFC 3986 §2.1, a proxy's log of a form).
 */
function secretForms(secret: string): string[] {
  if (secret === '') return [];
  const json = JSON.stringify(secret).slice(1, -1);
  const php = json.replaceAll('/', '\\/').replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const phpUpper = php.replace(/\\u([0-9a-f]{4})/g, (_match, hex: string) => `\\u${hex.toUpperCase()}`);
  return [...new Set([secret, json, php, phpUpper, encodeURIComponent(secret)])];
}

/**
 * The handles acmapi accepts (spec §3 `handle_id`, whose format the source leaves open):
 * 1 to 128 characters of letters, digits and `. _ - ~ + = : /`, starting with a letter or
 * digit. A handle is stored, printed and typed back into `acmapi retrieve`, so anything
 * else (control characters, white space, shell or workflow-command syntax) is refused as a
 * protocol error rather than carried around.
 */
export const HANDLE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~+=:/-]{0,127}$/;

/**
 * Longest `other_msg` kept (a 107's domain): a domain name has at most 253 characters
 * (RFC 1035 §2.3.4); a longer one is cut to this, with `…`, so that no CA fills a log line.
 */
export const OTHER_MSG_MAX = 253;

/** Whether `value` is a handle acmapi accepts ({@link HANDLE_PATTERN}). */
export function isValidHandle(value: string): boolean {
  return HANDLE_PATTERN.test(value);
}

function badShape(what: string, bodyText: string, options: ParseResponseOptions): ProtocolError {
  const quoted = bodyExcerpt(bodyText, options);
  return new ProtocolError(
    'PROTOCOL_BAD_SHAPE',
    `The endpoint's answer is JSON but not an ACMAPI response (spec §3): ${what}. It starts with "${quoted}".`,
    { excerpt: quoted, hint: "Check that the endpoint URL is the CA's ACMAPI endpoint." },
  );
}

/** Reads `status`: an integer, or a string of digits (the source sends `"0"`). */
function readStatus(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^[0-9]{1,4}$/.test(value)) return Number(value);
  return undefined;
}

/** The object's fields with keys and string values trimmed (spec §3 quirks). */
function trimFields(
  json: Record<string, unknown>,
  bodyText: string,
  options: ParseResponseOptions,
): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [rawKey, rawValue] of Object.entries(json)) {
    const key = rawKey.trim();
    const value = typeof rawValue === 'string' ? rawValue.trim() : rawValue;
    // `"status"` and `"status "` both present: which one the CA meant is a guess.
    if (fields.has(key) && fields.get(key) !== value) {
      throw badShape(`field "${key}" appears twice with different values`, bodyText, options);
    }
    fields.set(key, value);
  }
  return fields;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Parses the body of an answer of the CA (spec §3), accepting the quirks the
 * source document shows: keys and string values with surrounding white space
 * (`"customer_id "`, `" pending"`), and `status` as a number or a numeric string
 * (`"0"`). Anything else is rejected, never guessed at.
 *
 * @param bodyText - the response body, decoded as UTF-8.
 * @param options - secrets to keep out of error messages.
 * @returns the issued (status 0, with `certificate` and `handle_id`) or pending
 *   (status 1, with `handle_id`) answer.
 * @throws {CaError} for status 101–111 (`domain` is `other_msg` for 107, when present).
 * @throws {ProtocolError} `PROTOCOL_NOT_JSON` when the body is not JSON (the message
 *   quotes its first 80 characters, sanitised); `PROTOCOL_BAD_SHAPE` when it is not an
 *   object, lacks `result` or `status`, has an unknown `result` or `status`, status 0
 *   without `certificate` or `handle_id`, status 1 without `handle_id`, or a `handle_id`
 *   outside {@link HANDLE_PATTERN} (`other_msg` is cut to {@link OTHER_MSG_MAX} characters);
 *   `PROTOCOL_CONTRADICTION` when `result` and `status` disagree (e.g. `success` with 107).
 */
export function parseResponse(bodyText: string, options: ParseResponseOptions = {}): AcmApiResponse {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch (error) {
    const quoted = bodyExcerpt(bodyText, options);
    throw new ProtocolError(
      'PROTOCOL_NOT_JSON',
      `The endpoint's answer is not JSON (spec §3); it starts with "${quoted}".`,
      { excerpt: quoted, cause: error, hint: "Check that the endpoint URL is the CA's ACMAPI endpoint and that no proxy or portal answers in its place." },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw badShape('it is not a JSON object', bodyText, options);
  }
  const fields = trimFields(json as Record<string, unknown>, bodyText, options);

  const result = fields.get('result');
  if (result === undefined) throw badShape('field "result" is missing', bodyText, options);
  if (result !== 'success' && result !== 'pending' && result !== 'error') {
    throw badShape('field "result" is not "success", "pending" or "error"', bodyText, options);
  }
  const rawStatus = fields.get('status');
  if (rawStatus === undefined) throw badShape('field "status" is missing', bodyText, options);
  const status = readStatus(rawStatus);
  if (status === undefined || (status !== 0 && status !== 1 && !isCaErrorStatus(status))) {
    throw badShape('field "status" is not 0, 1 or an error code 101–111', bodyText, options);
  }

  const expected = status === 0 ? 'success' : status === 1 ? 'pending' : 'error';
  if (result !== expected) {
    throw new ProtocolError(
      'PROTOCOL_CONTRADICTION',
      `The CA's answer contradicts itself (spec §3): result "${result}" with status ${status}. Nothing was assumed.`,
      {
        excerpt: bodyExcerpt(bodyText, options),
        hint: `Ask the CA which one holds${status === 0 || status === 1 ? ' (retrieve by handle if one was given)' : ''}.`,
      },
    );
  }

  if (isCaErrorStatus(status)) {
    const otherMsg = status === 107 ? nonEmptyString(fields.get('other_msg')) : undefined;
    const domain = otherMsg === undefined || otherMsg.length <= OTHER_MSG_MAX ? otherMsg : `${otherMsg.slice(0, OTHER_MSG_MAX)}…`;
    throw new CaError(status, domain, { handleId: options.handleId });
  }
  const handleId = nonEmptyString(fields.get('handle_id'));
  if (handleId === undefined) {
    throw badShape(`status ${status} comes without a "handle_id"`, bodyText, options);
  }
  if (!isValidHandle(handleId)) {
    throw badShape(
      `its "handle_id" is not 1 to 128 letters, digits or ". _ - ~ + = : /" (it starts with "${displayText(handleId, { maxLength: 40 })}")`,
      bodyText,
      options,
    );
  }
  if (status === 1) return { result: 'pending', status: 1, handleId };
  const certificate = nonEmptyString(fields.get('certificate'));
  if (certificate === undefined) {
    throw badShape('status 0 comes without a "certificate"', bodyText, options);
  }
  return { result: 'success', status: 0, handleId, certificate };
}

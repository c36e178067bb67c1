/**
 * The HTTP layer: one POST of a JSON body, its answer read within limits, and
 * every failure mapped to a {@link TransportError} code. Knows nothing of ACMAPI.
 */
import { createSecureContext, rootCertificates } from 'node:tls';
import { buildConnector, EnvHttpProxyAgent, Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { dispatchUnderSignal, signalBoundConnector } from './connect-signal.js';
import { interimTolerantConnector } from './interim-answers.js';
import { ProtocolError, TransportError } from '../errors/errors.js';
import type { TransportErrorCode, TransportPhase } from '../errors/errors.js';

/** Largest header block of an answer, bytes (Node's default `--max-http-header-size`). */
const MAX_HEADER_BYTES = 16 * 1024;

/** How {@link createDispatcher} builds the default transport. */
export interface CreateDispatcherOptions {
  /** PEM CA certificates trusted for the endpoint (besides or instead of the default roots). */
  readonly ca: readonly string[] | undefined;
  /** Whether Node's default roots are trusted too when `ca` is given. */
  readonly trustDefaultRoots: boolean;
  /** Time to set up TCP (and TLS), milliseconds. */
  readonly connectTimeoutMs: number;
  /** Time to wait for the answer's headers, milliseconds. */
  readonly headersTimeoutMs: number;
  /** Longest pause while the answer's body arrives, milliseconds. */
  readonly bodyTimeoutMs: number;
}

/**
 * Builds the default transport: an undici `EnvHttpProxyAgent`, which honours
 * `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (read when it is built). With `ca`, the
 * TLS trust is Node's default roots (`tls.rootCertificates`) plus `ca`, or `ca` alone
 * when `trustDefaultRoots` is false, both for direct connections (`connect`) and through
 * a proxy's tunnel (`requestTls`). `NODE_EXTRA_CA_CERTS` is not part of either list
 * (Node 20 cannot enumerate it; Node itself ignores it wherever a `ca` is given).
 * Every connection, direct or tunnelled, drops interim 1xx answers before undici's parser
 * sees them ({@link interimTolerantConnector}; RFC 9110 §15.2).
 *
 * @returns a dispatcher the caller owns and must `close()`.
 */
export function createDispatcher(options: CreateDispatcherOptions): Dispatcher {
  // One TLS context, built once per dispatcher: handing `ca` to every connection instead
  // would parse the list again for each one.
  const secureContext = options.ca === undefined ? undefined : createSecureContext({ ca: trustedCertificates(options.ca, options.trustDefaultRoots) });
  const tls = secureContext === undefined ? {} : { secureContext };
  return new EnvHttpProxyAgent({
    connect: { timeout: options.connectTimeoutMs, ...tls },
    requestTls: { timeout: options.connectTimeoutMs, ...tls },
    proxyTls: { timeout: options.connectTimeoutMs },
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    // An answer's header block is capped at Node's default (16 KiB), given here so that the
    // cap does not depend on NODE_OPTIONS, and so that undici does not load node:http at
    // start to read Node's default (a few ms of every `acmapi issue`, issue 9).
    maxHeaderSize: MAX_HEADER_BYTES,
    factory: interimTolerantPool,
  });
}

/**
 * The pool the agents (direct, and each proxy's) build per origin, as undici's default
 * factory does, with its connector wrapped (interim answers dropped; the call's signal
 * bounds the connection, {@link signalBoundConnector}). The agents hand over `connect` as given (an
 * object of TLS and timeout options) or, for a proxy's tunnel, as their own function.
 */
function interimTolerantPool(origin: string | URL, options: object): Dispatcher {
  const { connect, ...rest } = options as Pool.Options;
  const connector = typeof connect === 'function' ? connect : buildConnector({ ...connect });
  return new Pool(origin, { ...rest, connect: interimTolerantConnector(signalBoundConnector(connector)) });
}

/**
 * The PEM certificates a dispatcher's TLS context trusts: Node's default roots
 * (`tls.rootCertificates`) then `ca` when `withDefaultRoots`, else `ca` alone. OpenSSL
 * parses every one of them when the context is built: ~145 default roots cost 40 ms of
 * CPU or more on a small machine, which is why a caller may leave them out. OpenSSL
 * skips a block it cannot decode, so no string here makes the context throw.
 */
export function trustedCertificates(ca: readonly string[], withDefaultRoots: boolean): string[] {
  return withDefaultRoots ? [...rootCertificates, ...ca] : [...ca];
}

/** One POST of {@link postJson}. */
export interface PostJsonOptions {
  /** The endpoint. */
  readonly url: URL;
  /** The JSON text to send. */
  readonly body: string;
  /** The undici transport to send through. */
  readonly dispatcher: Dispatcher;
  /** Milliseconds; used for messages (the dispatcher enforces it). */
  readonly connectTimeoutMs: number;
  /** Milliseconds until the answer's headers must have arrived. */
  readonly headersTimeoutMs: number;
  /** Longest pause while the body arrives, milliseconds. */
  readonly bodyTimeoutMs: number;
  /** Largest body read, bytes; larger answers stop the download. */
  readonly maxBodyBytes: number;
  /** The caller's signal: its abort is `TRANSPORT_ABORTED`. */
  readonly signal?: AbortSignal | undefined;
  /** The overall deadline's signal: its abort is `TRANSPORT_TIMEOUT` phase `deadline`. */
  readonly deadlineSignal?: AbortSignal | undefined;
  /** Milliseconds; used for messages. */
  readonly deadlineMs?: number | undefined;
  /** The proxy the dispatcher sends this call through, for messages and {@link TransportError.proxy}. */
  readonly proxy?: string | undefined;
}

/** The answer of {@link postJson}. */
export interface PostJsonResult {
  /** The HTTP status code. */
  readonly statusCode: number;
  /** The response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body decoded as UTF-8 (a BOM removed). */
  readonly bodyText: string;
}

/** The endpoint for messages: no credentials that a URL may carry, no query. */
export function describeEndpoint(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** The first value of a header. */
export function headerValue(headers: PostJsonResult['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
  'UND_ERR_PRX_TLS',
]);

/** The `code`s along an error's `cause` chain (undici wraps socket errors). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    // AggregateError from happy-eyeballs: look at its first member.
    current = cause ?? (Array.isArray(errors) ? (errors[0] as unknown) : undefined);
  }
  return codes;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Drops the answer's raw bytes that undici keeps on a parser error (`HTTPParserError.data`)
 * from `error`'s cause chain, in place: they are whatever the server sent, and a server that
 * echoes the request sends the auth token back (found by the client-answers fuzz suite), which
 * a front end showing the cause (`--debug`, `util.inspect`) would then print. The error stays
 * the same object, so its class, code, message and stack still say what failed.
 */
function dropAnswerBytes(error: unknown): void {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (Object.hasOwn(current, 'data')) {
      const data: unknown = Reflect.get(current, 'data');
      const size = typeof data === 'string' || data instanceof Uint8Array ? data.length : undefined;
      Reflect.set(current, 'data', size === undefined ? '[answer bytes not kept]' : `[${size} bytes of the answer, not kept]`);
    }
    current = (current as { cause?: unknown }).cause;
  }
}

interface FailureContext {
  readonly options: PostJsonOptions;
  readonly answered: boolean;
}

/**
 * Maps a failure of undici (or of an abort) to a {@link TransportError}: `message` says
 * what failed, `hint` what to do in neutral words, `limitMs` which limit passed for a
 * timeout. The caller's abort wins over the deadline, which wins over what undici reports.
 */
export function toTransportError(error: unknown, context: FailureContext): TransportError {
  const { options, answered } = context;
  dropAnswerBytes(error);
  const where = describeEndpoint(options.url);
  const make = (
    code: TransportErrorCode,
    message: string,
    more: { phase?: TransportPhase; hint: string; retryable: boolean; limitMs?: number | undefined },
  ): TransportError => new TransportError(code, message, { cause: error, answered, proxy: options.proxy, ...more });

  if (options.signal?.aborted === true) {
    return make('TRANSPORT_ABORTED', `The call to ${where} was aborted by the caller.`, {
      hint: 'Nothing more was sent; run it again when wanted (a pending application can be retrieved later by its handle).',
      retryable: true,
    });
  }
  if (options.deadlineSignal?.aborted === true) {
    return make('TRANSPORT_TIMEOUT', `The call to ${where} did not finish within its deadline of ${options.deadlineMs ?? '?'} ms, retries included.`, {
      phase: 'deadline',
      limitMs: options.deadlineMs,
      hint: 'Try again later, or allow the call more time.',
      retryable: true,
    });
  }
  const codes = codesOf(error);
  const has = (code: string): boolean => codes.includes(code);
  if (has('UND_ERR_CONNECT_TIMEOUT') || has('ETIMEDOUT')) {
    return make('TRANSPORT_TIMEOUT', `Could not connect to ${where} within ${options.connectTimeoutMs} ms.`, {
      phase: 'connect',
      limitMs: options.connectTimeoutMs,
      hint: 'Check the endpoint URL, the network, any proxy and firewall, or allow more time to connect.',
      retryable: true,
    });
  }
  if (has('UND_ERR_HEADERS_TIMEOUT')) {
    return make('TRANSPORT_TIMEOUT', `${where} took the request but sent no answer within ${options.headersTimeoutMs} ms.`, {
      phase: 'headers',
      limitMs: options.headersTimeoutMs,
      hint: 'The CA may be slow (it checks every signfile before answering): try again later, or allow more time for its answer.',
      retryable: true,
    });
  }
  if (has('UND_ERR_BODY_TIMEOUT')) {
    return make('TRANSPORT_TIMEOUT', `${where} stopped sending its answer for ${options.bodyTimeoutMs} ms.`, {
      phase: 'body',
      limitMs: options.bodyTimeoutMs,
      hint: 'Try again later; if the CA answered "pending" before, retrieve the certificate by its handle.',
      retryable: true,
    });
  }
  if (has('ECONNREFUSED')) {
    return make('TRANSPORT_REFUSED', `${where} refused the connection (ECONNREFUSED): nothing listens there.`, {
      phase: 'connect',
      hint: 'Check the endpoint URL and its port, and any proxy.',
      retryable: true,
    });
  }
  if (has('ENOTFOUND') || has('EAI_AGAIN') || has('EAI_FAIL') || has('EAI_NODATA')) {
    const dnsCode = codes.find((c) => c.startsWith('E')) ?? 'DNS';
    return make('TRANSPORT_DNS', `The host of ${where} could not be resolved (${dnsCode}).`, {
      phase: 'connect',
      hint: 'Check the endpoint URL and this machine\'s DNS; behind a proxy, make sure it is used for this endpoint.',
      // A resolver that did not answer (EAI_AGAIN) may answer later; a name that does not exist will not.
      retryable: dnsCode === 'EAI_AGAIN',
    });
  }
  const tlsCode = codes.find((c) => TLS_CODES.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_'));
  if (tlsCode !== undefined) {
    if (options.proxy !== undefined) {
      return make('TRANSPORT_TLS', `The TLS connection to ${where} through the proxy ${options.proxy} failed (${tlsCode}: ${reasonOf(error)}).`, {
        phase: 'connect',
        hint: 'A proxy that inspects TLS presents certificates signed by its own CA: trust that CA\'s certificate for the endpoint (ask whoever runs the proxy for it), or reach the endpoint without the proxy.',
        retryable: false,
      });
    }
    return make('TRANSPORT_TLS', `The TLS connection to ${where} failed (${tlsCode}: ${reasonOf(error)}).`, {
      phase: 'connect',
      hint: 'If the endpoint uses a private CA, trust an extra CA certificate for the endpoint (its root); check the endpoint\'s host name and this machine\'s clock.',
      retryable: false,
    });
  }
  return make('TRANSPORT_FAILED', `The call to ${where} failed${answered ? ' while its answer arrived' : ''} (${codes[0] ?? 'error'}: ${reasonOf(error)}).`, {
    ...(answered ? { phase: 'body' as const } : {}),
    hint: 'Check the network and the endpoint, then try again.',
    retryable: true,
  });
}

function tooLarge(options: PostJsonOptions, what: string): ProtocolError {
  return new ProtocolError(
    'PROTOCOL_BODY_TOO_LARGE',
    `The answer of ${describeEndpoint(options.url)} is ${what}, more than the ${options.maxBodyBytes} bytes an ACMAPI answer needs; reading stopped.`,
    { hint: 'Check the endpoint URL: an ACMAPI endpoint answers with a small JSON object.' },
  );
}

/**
 * POSTs `body` as `application/json; charset=utf-8` and reads the answer, whatever
 * its HTTP status, stopping (and destroying the stream) once it passes
 * `maxBodyBytes`: the body is never buffered beyond the cap.
 *
 * @throws {TransportError} any code of {@link toTransportError}; `answered` is true
 *   when the status line and headers had arrived.
 * @throws {ProtocolError} `PROTOCOL_BODY_TOO_LARGE` from `Content-Length` or while reading.
 */
export async function postJson(options: PostJsonOptions): Promise<PostJsonResult> {
  const signals = [options.signal, options.deadlineSignal].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  let answer: Dispatcher.ResponseData;
  try {
    // The dispatcher's own request() (what undici's top-level request() calls): no need of
    // undici's root module, whose fetch, WebSocket and cookie code a bundle can then leave out.
    // Under the call's signal: undici would not end a connection, TLS handshake included,
    // that the signal aborts while it is being set up (connect-signal.ts).
    answer = await dispatchUnderSignal(signal, () => options.dispatcher.request({
      origin: options.url.origin,
      path: `${options.url.pathname}${options.url.search}`,
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body: options.body,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      ...(signal === undefined ? {} : { signal }),
    }));
  } catch (error) {
    throw toTransportError(error, { options, answered: false });
  }

  const { statusCode, headers, body } = answer;
  const declared = Number(headerValue(headers, 'content-length'));
  if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
    body.destroy();
    throw tooLarge(options, `declared as ${declared} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        body.destroy();
        throw tooLarge(options, `over ${options.maxBodyBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw toTransportError(error, { options, answered: true });
  }
  const bodyText = new TextDecoder('utf-8').decode(Buffer.concat(chunks));
  return { statusCode, headers, bodyText };
}

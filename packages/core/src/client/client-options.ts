/**
 * The options of {@link AcmApiClient}: one documented type, defaults in one
 * constant, one function that validates and merges them before any I/O.
 */
import type { Dispatcher } from 'undici';
import { OptionsError } from '../errors/errors.js';
import type { TransportError, CaError } from '../errors/errors.js';

/** Time and waiting, injectable so that tests need no real clock. */
export interface AcmApiClock {
  /** The current time, milliseconds since the epoch. */
  now(): number;
  /**
   * Waits `ms` milliseconds.
   * @throws the signal's reason when `signal` aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now` and an abortable `setTimeout`. */
export const systemClock: AcmApiClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** What {@link AcmApiClientOptions.onRetry} is told before a retry. */
export interface RetryEvent {
  /** The retry's number, from 1. */
  readonly retry: number;
  /** How long the client waits before it, milliseconds. */
  readonly delayMs: number;
  /** Why: CA error 111 or a transport failure before any answer. */
  readonly error: CaError | TransportError;
}

/**
 * Options of {@link AcmApiClient}. Timeouts and delays are in milliseconds.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` from `resolveClientOptions` (the constructor's check) when a
 *   field has the wrong type or range, an unknown field is given, or `dispatcher` is
 *   combined with `ca`, `trustDefaultRoots` or `connectTimeoutMs` (configure those on the
 *   dispatcher), or `trustDefaultRoots` is `false` without `ca`.
 */
export interface AcmApiClientOptions {
  /** The customer id the CA issued to the platform (spec §1, §2 `customer_id`). Trimmed; required. */
  customerId: string;
  /** The auth token issued with the customer id (spec §2 `auth_token`). A secret. Trimmed; required. */
  authToken: string;
  /**
   * The ACMAPI endpoint, `http:` or `https:` (spec §1).
   * @default "https://acmapi.wosign.com/"
   */
  endpoint?: string | URL;
  /**
   * CA certificates (PEM, one or several per string) trusted for the endpoint, for
   * private endpoints (e.g. the sandbox): added to Node's default roots, or in their
   * place with `trustDefaultRoots: false`.
   * @default undefined (Node's default roots only)
   */
  ca?: string | readonly string[];
  /**
   * Whether the endpoint's TLS also trusts Node's default roots (`tls.rootCertificates`,
   * Mozilla's list) besides `ca`. `false` trusts `ca` alone (as curl's `--cacert` does)
   * and needs `ca`. Why one may want it: adding `ca` to the ~140 default roots makes
   * OpenSSL parse all of them when the client is built (tens of milliseconds of CPU on a
   * small machine), replacing them parses only `ca`. `NODE_EXTRA_CA_CERTS` is in neither
   * list (Node uses it only where no `ca` is given): to keep trusting it, put it in `ca`.
   * @default true
   */
  trustDefaultRoots?: boolean;
  /**
   * The undici transport. When absent the client builds an `EnvHttpProxyAgent`
   * (honouring `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`, the proxies as they are when the
   * client is built) and closes it in `close()`.
   * @default undefined (built by the client)
   */
  dispatcher?: Dispatcher;
  /**
   * Time to set up TCP and TLS. Applies to the dispatcher the client builds.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Time from sending the request to the answer's headers; the CA checks signfiles first.
   * @default 120000
   */
  headersTimeoutMs?: number;
  /**
   * Longest pause while the answer's body arrives.
   * @default 60000
   */
  bodyTimeoutMs?: number;
  /**
   * Overall time of one `apply` or `retrieve` call, retries and their delays included.
   * @default 600000
   */
  deadlineMs?: number;
  /**
   * Largest answer body read, in bytes; larger ones are `PROTOCOL_BODY_TOO_LARGE`.
   * @default 1048576
   */
  maxBodyBytes?: number;
  /**
   * Retries after CA error 111 or a transport failure before any answer.
   * @default 3
   */
  retries?: number;
  /**
   * Delay before the first retry, before jitter; doubles with each retry.
   * @default 1000
   */
  minRetryDelayMs?: number;
  /**
   * Longest delay between retries, a server's `Retry-After` included.
   * @default 30000
   */
  maxRetryDelayMs?: number;
  /**
   * Called before each retry (e.g. to log "CA busy, retrying in 2 s").
   * @default undefined
   */
  onRetry?: (event: RetryEvent) => void;
  /**
   * When the CA sends the leaf alone (spec §3 allows it), fetch its issuer from the leaf's
   * AIA caIssuers URL (RFC 5280 §4.2.2.1) through this client's transport, so that the chain
   * is not empty. Failing to is not an error: the leaf-only certificate is returned with
   * `warnings` saying why.
   * @default true
   */
  completeChain?: boolean;
  /**
   * Time and waiting for retries and for `issue()`'s polling.
   * @default systemClock
   */
  clock?: AcmApiClock;
  /**
   * Source of jitter, numbers in [0, 1).
   * @default Math.random
   */
  random?: () => number;
}

/** Every default of {@link AcmApiClientOptions}, in one place. */
export const ACMAPI_CLIENT_DEFAULTS = {
  endpoint: 'https://acmapi.wosign.com/',
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 120_000,
  bodyTimeoutMs: 60_000,
  deadlineMs: 600_000,
  maxBodyBytes: 1_048_576,
  retries: 3,
  minRetryDelayMs: 1_000,
  maxRetryDelayMs: 30_000,
  completeChain: true,
  trustDefaultRoots: true,
} as const;

/** {@link AcmApiClientOptions} validated, with defaults applied. */
export interface ResolvedClientOptions {
  readonly customerId: string;
  readonly authToken: string;
  readonly endpoint: URL;
  readonly ca: readonly string[] | undefined;
  readonly trustDefaultRoots: boolean;
  readonly dispatcher: Dispatcher | undefined;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly deadlineMs: number;
  readonly maxBodyBytes: number;
  readonly retries: number;
  readonly minRetryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
  readonly completeChain: boolean;
  readonly clock: AcmApiClock;
  readonly random: () => number;
}

const KNOWN = new Set<string>([
  'customerId',
  'authToken',
  'endpoint',
  'ca',
  'trustDefaultRoots',
  'dispatcher',
  'connectTimeoutMs',
  'headersTimeoutMs',
  'bodyTimeoutMs',
  'deadlineMs',
  'maxBodyBytes',
  'retries',
  'minRetryDelayMs',
  'maxRetryDelayMs',
  'onRetry',
  'completeChain',
  'clock',
  'random',
]);

// setTimeout's largest delay; longer ones fire at once.
const MAX_TIMER_MS = 2_147_483_647;

function integer(name: string, value: unknown, fallback: number, min: number, max = MAX_TIMER_MS): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(`Option ${name} must be an integer from ${min} to ${max}, got ${typeof value === 'number' ? String(value) : typeof value}.`, { option: name });
  }
  return value;
}

function secretOrId(name: string, value: unknown): string {
  // Never echo the value: it may be the auth token.
  if (typeof value !== 'string') throw new OptionsError(`Option ${name} is required and must be a string, got ${typeof value}.`, { option: name });
  const trimmed = value.trim();
  if (trimmed === '') throw new OptionsError(`Option ${name} is empty.`, { option: name, hint: 'Give the value the CA issued to your platform (spec §1).' });
  return trimmed;
}

function endpointOf(value: unknown): URL {
  if (value === undefined) return new URL(ACMAPI_CLIENT_DEFAULTS.endpoint);
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new OptionsError(`Option endpoint must be a URL string, got ${typeof value}.`, { option: 'endpoint' });
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new OptionsError(`Option endpoint ${JSON.stringify(String(value))} is not a URL.`, { cause: error, option: 'endpoint', hint: 'Give a full URL, e.g. "https://acmapi.example/".' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OptionsError(`Option endpoint must be an http: or https: URL, got ${url.protocol}.`, { option: 'endpoint' });
  }
  return url;
}

function caOf(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0) throw new OptionsError('Option ca is an empty list.', { option: 'ca', hint: 'Give PEM CA certificates, or leave the option out.' });
  return list.map((pem, index) => {
    if (typeof pem !== 'string' || !/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(pem)) {
      throw new OptionsError(`Option ca[${index}] is not a PEM certificate (it needs a "-----BEGIN CERTIFICATE-----" block).`, { option: 'ca' });
    }
    return pem;
  });
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new OptionsError(`Option ${name} must be true or false, got ${typeof value}.`, { option: name });
  return value;
}

function fn<T extends (...args: never[]) => unknown>(name: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new OptionsError(`Option ${name} must be a function, got ${typeof value}.`, { option: name });
  return value;
}

/**
 * Validates `options` and merges them with {@link ACMAPI_CLIENT_DEFAULTS}.
 *
 * @throws {OptionsError} `OPTIONS_INVALID`, naming the option and what it must be
 *   (never quoting `authToken`).
 */
export function resolveClientOptions(options: AcmApiClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new OptionsError('AcmApiClient needs an options object with at least customerId and authToken.');
  }
  const unknown = Object.keys(options).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) {
    throw new OptionsError(`Unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${[...KNOWN].join(', ')}.`);
  }
  const dispatcher = options.dispatcher as unknown;
  if (dispatcher !== undefined && (typeof dispatcher !== 'object' || dispatcher === null || typeof (dispatcher as { dispatch?: unknown }).dispatch !== 'function')) {
    throw new OptionsError('Option dispatcher must be an undici Dispatcher (an object with dispatch()).', { option: 'dispatcher' });
  }
  if (dispatcher !== undefined && (options.ca !== undefined || options.trustDefaultRoots !== undefined || options.connectTimeoutMs !== undefined)) {
    throw new OptionsError('Options ca, trustDefaultRoots and connectTimeoutMs configure the dispatcher the client builds, and a dispatcher was given too.', {
      option: 'dispatcher',
      hint: 'With your own dispatcher, set the CA certificates and the connect timeout on it instead.',
    });
  }
  const d = ACMAPI_CLIENT_DEFAULTS;
  const ca = caOf(options.ca);
  const trustDefaultRoots = flag('trustDefaultRoots', options.trustDefaultRoots, d.trustDefaultRoots);
  if (!trustDefaultRoots && ca === undefined) {
    throw new OptionsError('Option trustDefaultRoots is false but no ca is given: the endpoint\'s TLS would trust nothing.', {
      option: 'trustDefaultRoots',
      hint: 'Give the CA certificates to trust in ca, or leave trustDefaultRoots out.',
    });
  }
  const minRetryDelayMs = integer('minRetryDelayMs', options.minRetryDelayMs, d.minRetryDelayMs, 0);
  const maxRetryDelayMs = integer('maxRetryDelayMs', options.maxRetryDelayMs, Math.max(d.maxRetryDelayMs, minRetryDelayMs), 0);
  if (maxRetryDelayMs < minRetryDelayMs) {
    throw new OptionsError(`Option maxRetryDelayMs (${maxRetryDelayMs}) is less than minRetryDelayMs (${minRetryDelayMs}).`, { option: 'maxRetryDelayMs' });
  }
  const clock = options.clock as unknown;
  if (clock !== undefined && (typeof clock !== 'object' || clock === null || typeof (clock as AcmApiClock).now !== 'function' || typeof (clock as AcmApiClock).sleep !== 'function')) {
    throw new OptionsError('Option clock must have now() and sleep(ms, signal).', { option: 'clock' });
  }
  return {
    customerId: secretOrId('customerId', options.customerId),
    authToken: secretOrId('authToken', options.authToken),
    endpoint: endpointOf(options.endpoint),
    ca,
    trustDefaultRoots,
    dispatcher: options.dispatcher,
    connectTimeoutMs: integer('connectTimeoutMs', options.connectTimeoutMs, d.connectTimeoutMs, 1),
    headersTimeoutMs: integer('headersTimeoutMs', options.headersTimeoutMs, d.headersTimeoutMs, 1),
    bodyTimeoutMs: integer('bodyTimeoutMs', options.bodyTimeoutMs, d.bodyTimeoutMs, 1),
    deadlineMs: integer('deadlineMs', options.deadlineMs, d.deadlineMs, 1),
    maxBodyBytes: integer('maxBodyBytes', options.maxBodyBytes, d.maxBodyBytes, 1, Number.MAX_SAFE_INTEGER),
    retries: integer('retries', options.retries, d.retries, 0, 100),
    minRetryDelayMs,
    maxRetryDelayMs,
    onRetry: fn('onRetry', options.onRetry),
    completeChain: flag('completeChain', options.completeChain, d.completeChain),
    clock: options.clock ?? systemClock,
    random: fn('random', options.random) ?? Math.random,
  };
}

/**
 * The public ACMAPI client: `apply`, `retrieve` and the whole `issue` flow over
 * the transport (transport.ts) and the pure protocol (protocol.ts).
 */
import pRetry from 'p-retry';
import type { Dispatcher } from 'undici';
import { parseCertificateChain, verifyCertificate } from '../pki/certificate.js';
import type { CertificateChain } from '../pki/certificate.js';
import { certificateFieldToPem } from './certificate-field.js';
import { completeChain } from '../pki/chain-completion.js';
import { resolveClientOptions } from './client-options.js';
import type { AcmApiClientOptions, ResolvedClientOptions } from './client-options.js';
import { parseCsr } from '../pki/csr.js';
import { normalizeDomains } from '../domains/domains.js';
import { AcmApiError, CertificateError, OptionsError, ProtocolError, TransportError } from '../errors/errors.js';
import type { CaError } from '../errors/errors.js';
import { bodyExcerpt, buildApplyRequest, buildRetrieveRequest, parseResponse } from './protocol.js';
import type { AcmApiResponse } from './protocol.js';
import { computePollDelay, computeRetryDelay, isRetryableError, ISSUE_POLL_DEFAULTS, parseRetryAfter, UNAVAILABLE_HTTP_STATUSES } from './retry.js';
import { proxyFor } from './proxy-env.js';
import { createDispatcher, describeEndpoint, headerValue, postJson, toTransportError } from './transport.js';
import type { PostJsonOptions, PostJsonResult } from './transport.js';

/**
 * A certificate the CA issued, parsed and (when its CSR is known) verified: leaf, chain, PEM
 * forms. When the CA sent the leaf alone, the chain was completed from the leaf's AIA
 * caIssuers URL (option `completeChain`).
 */
export interface IssuedCertificate extends CertificateChain {
  /**
   * Why `chainPem` is still empty (the CA sent the leaf alone and its issuer could not be
   * fetched from its URL, with the reason), or why a fetched certificate was dropped.
   * Empty when nothing went wrong. For front ends to show; never an error.
   */
  readonly warnings: readonly string[];
}

/**
 * The outcome of `apply`, `retrieve` and `issue` (spec §3): the certificate, or
 * `pending` with the handle to retrieve it by later. Errors are thrown instead.
 */
export type CertificateResult =
  | {
      readonly status: 'issued';
      /** The application's handle (spec §3 `handle_id`). */
      readonly handleId: string;
      readonly certificate: IssuedCertificate;
    }
  | {
      readonly status: 'pending';
      /** Keep it (and the private key): `retrieve(handleId)` fetches the certificate later. */
      readonly handleId: string;
    };

/** What to apply for (spec §2 "apply"). */
export interface ApplyInput {
  /** 1 to 5 domains; normalised by `normalizeDomains` (spec §4) before anything is sent. */
  readonly domains: readonly string[];
  /** The CSR, PEM, naming exactly these domains. */
  readonly csr: string;
}

/** Per-call options of `apply`. */
export interface AcmApiCallOptions {
  /** Aborts the call (retries included): `TRANSPORT_ABORTED`. @default undefined */
  readonly signal?: AbortSignal | undefined;
}

/** Per-call options of `retrieve`. */
export interface RetrieveOptions extends AcmApiCallOptions {
  /**
   * The application's CSR, PEM. When given, the certificate is verified against it:
   * its key, and every domain the CSR names. Without it the certificate is only parsed.
   * @default undefined
   */
  readonly csr?: string | undefined;
}

/** Options of `issue`. */
export interface IssueOptions extends AcmApiCallOptions {
  /** How long to keep polling a pending application, milliseconds; 0 returns at once. */
  readonly waitMs: number;
  /**
   * The first delay between polls, milliseconds; it doubles up to 5 minutes, with jitter.
   * @default 5000
   */
  readonly pollIntervalMs?: number | undefined;
  /**
   * Called once with the handle when the CA answers pending, before any polling, so
   * that the caller can save the handle; awaited. A throw ends `issue` with that error.
   * @default undefined
   */
  readonly onPending?: ((handleId: string) => void | Promise<void>) | undefined;
}

interface Expected {
  readonly csrPem: string;
  readonly domains: readonly string[];
}

function nonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new OptionsError(`${name} must be a non-empty string, got ${typeof value === 'string' ? 'an empty one' : typeof value}.`, { option: name });
  }
  return value.trim();
}

/**
 * A client of one ACMAPI endpoint for one customer (spec §1–§3).
 *
 * The auth token is kept in a private field: it is sent in request bodies only,
 * never in a message, an error, `util.inspect` or `JSON.stringify` of the client.
 *
 * @example
 * const client = new AcmApiClient({ customerId, authToken, endpoint, ca });
 * const result = await client.issue({ domains: ['example.com'], csr }, { waitMs: 600_000, onPending: save });
 * await client.close();
 */
/** Options of {@link AcmApiClient.waitFor}. */
export interface WaitForOptions extends AcmApiCallOptions {
  /** How long to keep polling, milliseconds; 0 returns `pending` at once. */
  readonly waitMs: number;
  /** The application's CSR, PEM: an issued certificate is verified against it (key and domains). */
  readonly csr?: string | undefined;
  /** The first delay between polls, milliseconds; it doubles up to 5 minutes, with jitter. @default 5000 */
  readonly pollIntervalMs?: number | undefined;
  /** Called after each poll that answered pending: its number (from 1) and about how long until the next, milliseconds. */
  readonly onPoll?: ((poll: number, nextPollMs: number) => void | Promise<void>) | undefined;
}

function checkWaitMs(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new OptionsError('waitMs must be a whole number of milliseconds from 0.', { option: 'waitMs' });
  }
  return value;
}

export class AcmApiClient {
  /** The endpoint the client POSTs to. */
  readonly endpoint: URL;
  /** The customer id sent with every request. */
  readonly customerId: string;
  readonly #authToken: string;
  readonly #options: ResolvedClientOptions;
  readonly #dispatcher: Dispatcher;
  readonly #proxy: string | undefined;
  readonly #ownsDispatcher: boolean;

  /**
   * @param options - see {@link AcmApiClientOptions}.
   * @throws {OptionsError} `OPTIONS_INVALID` (see `resolveClientOptions`); nothing is sent.
   */
  constructor(options: AcmApiClientOptions) {
    const resolved = resolveClientOptions(options);
    this.#options = resolved;
    this.#authToken = resolved.authToken;
    this.endpoint = resolved.endpoint;
    this.customerId = resolved.customerId;
    this.#ownsDispatcher = resolved.dispatcher === undefined;
    this.#dispatcher = resolved.dispatcher ?? createDispatcher(resolved);
    // The proxy undici's EnvHttpProxyAgent picks (it reads the variables as it is built), named in errors.
    this.#proxy = this.#ownsDispatcher ? proxyFor(resolved.endpoint, process.env) : undefined;
  }

  /**
   * Applies for a certificate (spec §2 "apply"). Domains are normalised first, so a
   * bad domain fails before any network call. An issued certificate is always
   * verified against `csr` and the domains before it is returned.
   *
   * @returns `issued` with the verified certificate, or `pending` with the handle.
   * @throws {DomainError} for domains that break spec §4 (nothing sent).
   * @throws {CaError} for the CA's statuses 101–111 (111 after the retries).
   * @throws {TransportError} `TRANSPORT_*` when the CA cannot be reached or stops answering.
   * @throws {ProtocolError} `PROTOCOL_*` when the answer is not ACMAPI (spec §3).
   * @throws {CertificateError} `CERT_*` when the certificate fails a check: it is never returned as
   *   good; its `handleId` is the answer's, under which the CA still holds the certificate.
   */
  async apply(input: ApplyInput, options: AcmApiCallOptions = {}): Promise<CertificateResult> {
    const domains = normalizeDomains(input.domains);
    const csr = nonEmpty('csr', input.csr);
    const response = await this.#call(buildApplyRequest(this.#credentials(), domains, csr), options.signal);
    return this.#outcome(response, { csrPem: csr, domains }, options.signal);
  }

  /**
   * Retrieves the certificate of a pending application by its handle (spec §2 "retrieve").
   * With `csr`, the certificate is verified against it (key and the CSR's domains).
   *
   * @returns `issued` (verified when `csr` was given), or still `pending`.
   * @throws {OptionsError} for an empty handle; {@link CsrError} for an unusable `csr` (nothing sent).
   * @throws {CaError} e.g. 108 (unknown handle) or 109 (refused), and every error of {@link apply}.
   */
  async retrieve(handleId: string, options: RetrieveOptions = {}): Promise<CertificateResult> {
    const handle = nonEmpty('handleId', handleId);
    const expected = options.csr === undefined ? undefined : { csrPem: options.csr, domains: parseCsr(options.csr).domains };
    return this.#retrieve(handle, expected, options.signal);
  }

  /**
   * The whole flow: apply; when pending, call `onPending(handleId)` (save the handle!),
   * then poll `retrieve` with backoff (from `pollIntervalMs`, doubling, capped at 5
   * minutes, jittered) until issued, a CA error, or `waitMs` has passed.
   *
   * @returns `issued` with the verified certificate, or `pending` with the handle when
   *   `waitMs` passed first.
   * @throws every error of {@link apply} and {@link retrieve}; {@link TransportError}
   *   `TRANSPORT_ABORTED` when `signal` aborts while waiting.
   */
  async issue(input: ApplyInput, options: IssueOptions): Promise<CertificateResult> {
    const waitMs = checkWaitMs(options.waitMs);
    const domains = normalizeDomains(input.domains);
    const csr = nonEmpty('csr', input.csr);
    const first = await this.apply({ domains, csr }, options);
    if (first.status === 'issued') return first;
    await options.onPending?.(first.handleId);
    return this.waitFor(first.handleId, { ...options, waitMs, csr });
  }

  /**
   * Polls a pending application (spec §3 status 1) until the CA issues it, answers an error,
   * or `waitMs` has passed: `retrieve` after `pollIntervalMs`, then at doubling delays capped
   * at 5 minutes, jittered (the one schedule of every front end). The first request is sent
   * after the first delay: call {@link retrieve} first to ask at once.
   *
   * @returns `issued` (verified against `csr` when given), or `pending` when `waitMs` passed first.
   * @throws {OptionsError} for a bad `waitMs`/`pollIntervalMs` or an empty handle (nothing sent).
   * @throws every error of {@link retrieve}; {@link TransportError} `TRANSPORT_ABORTED` when
   *   `signal` aborts while waiting.
   */
  async waitFor(handleId: string, options: WaitForOptions): Promise<CertificateResult> {
    const { clock, random } = this.#options;
    const handle = nonEmpty('handleId', handleId);
    const waitMs = checkWaitMs(options.waitMs);
    const pollIntervalMs = options.pollIntervalMs ?? ISSUE_POLL_DEFAULTS.pollIntervalMs;
    if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 1) {
      throw new OptionsError('pollIntervalMs must be a whole number of milliseconds from 1.', { option: 'pollIntervalMs' });
    }
    const expected = options.csr === undefined ? undefined : { csrPem: options.csr, domains: parseCsr(options.csr).domains };
    const deadline = clock.now() + waitMs;
    let last: CertificateResult = { status: 'pending', handleId: handle };
    for (let poll = 1; ; poll++) {
      const remaining = deadline - clock.now();
      if (remaining <= 0) return last;
      const delay = Math.min(computePollDelay(poll, { ...ISSUE_POLL_DEFAULTS, pollIntervalMs }, random), remaining);
      try {
        await clock.sleep(delay, options.signal);
      } catch (error) {
        throw new TransportError('TRANSPORT_ABORTED', `Waiting for the pending application ${handle} was aborted by the caller.`, { cause: error });
      }
      last = await this.#retrieve(handle, expected, options.signal);
      if (last.status === 'issued') return last;
      await options.onPoll?.(poll, Math.min(computePollDelay(poll + 1, { ...ISSUE_POLL_DEFAULTS, pollIntervalMs }, () => 0.5), Math.max(0, deadline - clock.now())));
    }
  }

  /** Closes the transport the client built (not a `dispatcher` passed in). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** What `JSON.stringify` shows: never the auth token. */
  toJSON(): { endpoint: string; customerId: string } {
    return { endpoint: this.endpoint.href, customerId: this.customerId };
  }

  #credentials(): { customerId: string; authToken: string } {
    return { customerId: this.customerId, authToken: this.#authToken };
  }

  async #retrieve(handleId: string, expected: Expected | undefined, signal: AbortSignal | undefined): Promise<CertificateResult> {
    const response = await this.#call(buildRetrieveRequest(this.#credentials(), handleId), signal, handleId);
    return this.#outcome(response, expected, signal);
  }

  async #outcome(response: AcmApiResponse, expected: Expected | undefined, signal: AbortSignal | undefined): Promise<CertificateResult> {
    if (response.status === 1) return { status: 'pending', handleId: response.handleId };
    let parsed: CertificateChain;
    try {
      parsed = parseCertificateChain(certificateFieldToPem(response.certificate));
      if (expected !== undefined) {
        verifyCertificate(parsed, { ...expected, now: new Date(this.#options.clock.now()) });
      }
    } catch (error) {
      // The CA holds this certificate under the handle: without it the caller could only apply again.
      if (error instanceof CertificateError && error.handleId === undefined) {
        throw new CertificateError(error.code, error.message, { cause: error, hint: error.hint, handleId: response.handleId });
      }
      throw error;
    }
    // Only a leaf that passed its checks is worth completing; a bundle with a chain is kept as sent.
    if (!this.#options.completeChain || parsed.chain.length > 0) {
      return { status: 'issued', handleId: response.handleId, certificate: { ...parsed, warnings: [] } };
    }
    const completed = await completeChain(parsed, { dispatcher: this.#dispatcher, signal });
    return { status: 'issued', handleId: response.handleId, certificate: { ...completed.chain, warnings: completed.warnings } };
  }

  /** One protocol call: POST, parse, with retries bounded by `deadlineMs` and the caller's signal. */
  async #call(body: object, signal: AbortSignal | undefined, handleId?: string): Promise<AcmApiResponse> {
    const o = this.#options;
    const deadline = new AbortController();
    const timer = setTimeout(() => {
      deadline.abort();
    }, o.deadlineMs);
    // hrtime, not performance.now(): the global `performance` loads perf_hooks and seven
    // more built-in modules on first use, a few ms of every command's start on Node 20.
    const started = process.hrtime.bigint();
    const both = signal === undefined ? deadline.signal : AbortSignal.any([signal, deadline.signal]);
    const post: PostJsonOptions = {
      url: o.endpoint,
      body: JSON.stringify(body),
      dispatcher: this.#dispatcher,
      connectTimeoutMs: o.connectTimeoutMs,
      headersTimeoutMs: o.headersTimeoutMs,
      bodyTimeoutMs: o.bodyTimeoutMs,
      maxBodyBytes: o.maxBodyBytes,
      signal,
      deadlineSignal: deadline.signal,
      deadlineMs: o.deadlineMs,
      proxy: this.#proxy,
    };
    let retryAfter: string | undefined;
    const attempt = async (): Promise<AcmApiResponse> => {
      retryAfter = undefined;
      const answer = await postJson(post);
      retryAfter = headerValue(answer.headers, 'retry-after');
      return this.#parse(answer, handleId);
    };
    try {
      return await pRetry(attempt, {
        retries: o.retries,
        minTimeout: 0,
        maxTimeout: 0,
        signal: both,
        // The delay is ours (Retry-After, cap, jitter): p-retry only counts.
        shouldRetry: async ({ error, retriesConsumed }) => {
          if (!isRetryableError(error)) return false;
          const retry = retriesConsumed + 1;
          const delayMs = computeRetryDelay(retry, retryAfter, o.clock.now(), o, o.random);
          // Sleeping into the deadline would hide the real error behind a timeout.
          if (Number(process.hrtime.bigint() - started) / 1e6 + delayMs >= o.deadlineMs) return false;
          o.onRetry?.({ retry, delayMs, error: error as CaError | TransportError });
          await o.clock.sleep(delayMs, both);
          return true;
        },
      });
    } catch (error) {
      if (error instanceof AcmApiError) throw error;
      // An abort while waiting between retries surfaces as the signal's reason;
      // anything else (an onRetry that threw) is the caller's own error.
      if (both.aborted) throw toTransportError(error, { options: post, answered: false });
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A 502, 503 or 504 without an ACMAPI body: the CA, or a gateway before it, is unavailable
   * (RFC 9110 §15.6.3–15.6.5). A transport failure, retried by `#call` within its policy (its
   * delay honours `Retry-After`, capped at `maxRetryDelayMs`), not a protocol error.
   */
  #unavailable(answer: PostJsonResult, cause: ProtocolError): TransportError {
    const wait = parseRetryAfter(headerValue(answer.headers, 'retry-after'), this.#options.clock.now());
    const later = wait === undefined ? '' : `; it asks to try again in ${Math.ceil(wait / 1000)} s`;
    return new TransportError(
      'TRANSPORT_FAILED',
      `${describeEndpoint(this.endpoint)} is unavailable: it (or a gateway before it) answered HTTP ${answer.statusCode}${later}.`,
      { cause, answered: true, phase: 'headers', httpStatus: answer.statusCode, retryable: true, hint: 'The CA is unavailable for now: try again later.' },
    );
  }

  #parse(answer: PostJsonResult, handleId: string | undefined): AcmApiResponse {
    const secrets = { secrets: [this.#authToken] };
    try {
      return parseResponse(answer.bodyText, { ...secrets, handleId });
    } catch (error) {
      const ok = answer.statusCode >= 200 && answer.statusCode < 300;
      if (ok || !(error instanceof ProtocolError)) throw error;
      if (UNAVAILABLE_HTTP_STATUSES.has(answer.statusCode)) throw this.#unavailable(answer, error);
      const location = headerValue(answer.headers, 'location');
      const target = location === undefined ? undefined : bodyExcerpt(location, secrets);
      const redirect = target === undefined ? '' : ` (a redirect to "${target}", which ACMAPI calls do not follow)`;
      const quoted = bodyExcerpt(answer.bodyText, secrets);
      throw new ProtocolError(
        'PROTOCOL_HTTP_STATUS',
        `${describeEndpoint(this.endpoint)} answered HTTP ${answer.statusCode}${redirect} with a body that is not an ACMAPI response; it starts with "${quoted}".`,
        {
          excerpt: quoted,
          cause: error,
          hint: target === undefined ? 'Check the endpoint URL and any proxy.' : 'Check the endpoint URL and any proxy; if you trust the redirect target, make it the endpoint.',
        },
      );
    }
  }
}

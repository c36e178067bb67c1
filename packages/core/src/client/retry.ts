/**
 * When to retry a call to the CA, and how long to wait first: pure functions,
 * unit-tested on data. The client runs them through p-retry.
 */
import { CaError, TransportError } from '../errors/errors.js';

/** The delays of {@link computeRetryDelay}, in milliseconds. */
export interface RetryDelayOptions {
  /** The delay before the first retry, before jitter. */
  readonly minRetryDelayMs: number;
  /** No delay is longer, Retry-After included. */
  readonly maxRetryDelayMs: number;
}

/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3): delta-seconds or an HTTP-date.
 *
 * @param header - the header's value (the first, when repeated); `undefined` when absent.
 * @param now - the current time, milliseconds since the epoch.
 * @returns the wait in milliseconds (0 for a date in the past), or `undefined` when
 *   the header is absent or malformed.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^[0-9]+$/.test(value)) return Number(value) * 1000;
  // Only a date-like text: Date.parse would also read "1" or "2025" as dates.
  if (!/[A-Za-z]/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The delay before retry number `attempt` (1 for the first retry).
 *
 * With a valid `Retry-After`, the server's wait is used, capped at `maxRetryDelayMs`.
 * Otherwise capped exponential backoff with jitter:
 * `min(maxRetryDelayMs, minRetryDelayMs × 2^(attempt−1) × (1 + random()))`,
 * so the delay lies in `[base, min(2 × base, max)]` with `base = min(max, min × 2^(attempt−1))`.
 *
 * @param attempt - the retry's number, from 1.
 * @param retryAfterHeader - the failed answer's `Retry-After`, if any.
 * @param now - the current time, milliseconds since the epoch.
 * @param options - minimum and maximum delay.
 * @param random - a source of numbers in [0, 1). @default Math.random
 * @returns the delay in whole milliseconds.
 */
export function computeRetryDelay(
  attempt: number,
  retryAfterHeader: string | undefined,
  now: number,
  options: RetryDelayOptions,
  random: () => number = Math.random,
): number {
  const retryAfter = parseRetryAfter(retryAfterHeader, now);
  if (retryAfter !== undefined) return Math.min(retryAfter, options.maxRetryDelayMs);
  const base = options.minRetryDelayMs * 2 ** Math.max(0, attempt - 1);
  const jitter = 1 + Math.min(Math.max(random(), 0), 1);
  return Math.round(Math.min(options.maxRetryDelayMs, base * jitter));
}

/**
 * The HTTP statuses that say the CA is unavailable for now (RFC 9110 §15.6.3–15.6.5: 502 Bad
 * Gateway, 503 Service Unavailable, 504 Gateway Timeout), when they come without an ACMAPI body.
 */
export const UNAVAILABLE_HTTP_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * Whether a failed call may be sent again unchanged: CA error 111 ("unknow error",
 * spec §3); an answer with HTTP 502, 503 or 504 that is not ACMAPI (the CA, or a gateway
 * before it, is unavailable: issue 11, finding 13); and transport failures that happened
 * before any answer arrived and were neither the caller's abort, the deadline, nor a TLS
 * failure. Never 101–110 (the same request gets the same answer), never protocol errors,
 * never another failure after the CA answered (it may have acted on the request). A 502 or
 * 504 to an apply may hide an application the CA went on to handle, as a 111 may: a retry
 * then files a second application, which costs less than failing the run.
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof CaError) return error.status === 111;
  if (error instanceof TransportError) {
    if (error.httpStatus !== undefined && UNAVAILABLE_HTTP_STATUSES.has(error.httpStatus)) return true;
    // A TLS failure (untrusted or wrong certificate) does not heal in seconds.
    return !error.answered && error.code !== 'TRANSPORT_ABORTED' && error.code !== 'TRANSPORT_TLS' && error.phase !== 'deadline';
  }
  return false;
}

/** How `issue()` polls a pending application (spec §3 "pending": it can take hours). */
export interface PollDelayOptions {
  /** The first delay, milliseconds. */
  readonly pollIntervalMs: number;
  /** Each delay is this many times the one before. */
  readonly factor: number;
  /** No delay is longer, milliseconds. */
  readonly maxPollIntervalMs: number;
}

/** The defaults of {@link PollDelayOptions}: from 5 s, doubling, at most 5 minutes. */
export const ISSUE_POLL_DEFAULTS: PollDelayOptions = {
  pollIntervalMs: 5_000,
  factor: 2,
  maxPollIntervalMs: 300_000,
};

/**
 * The delay before poll number `poll` (from 1) of a pending application:
 * `min(max, interval × factor^(poll−1))`, jittered by ±20 % so that many clients
 * do not poll in step, and never above `maxPollIntervalMs`.
 *
 * @param random - a source of numbers in [0, 1). @default Math.random
 * @returns the delay in whole milliseconds, at least 1.
 */
export function computePollDelay(poll: number, options: PollDelayOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxPollIntervalMs, options.pollIntervalMs * options.factor ** Math.max(0, poll - 1));
  const jitter = 0.8 + 0.4 * Math.min(Math.max(random(), 0), 1);
  return Math.max(1, Math.round(Math.min(options.maxPollIntervalMs, base * jitter)));
}

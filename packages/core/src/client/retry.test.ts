import { describe, expect, it } from 'vitest';
import { CaError, ProtocolError, TransportError } from '../errors/errors.js';
import { computePollDelay, computeRetryDelay, isRetryableError, ISSUE_POLL_DEFAULTS, parseRetryAfter } from './retry.js';

const now = Date.UTC(2026, 0, 15, 12, 0, 0);
const delays = { minRetryDelayMs: 1000, maxRetryDelayMs: 30_000 };

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Thu, 15 Jan 2026 12:00:45 GMT', now)).toBe(45_000);
  });

  it('treats an HTTP-date in the past as no wait', () => {
    expect(parseRetryAfter('Thu, 15 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', '-5', '1.5', 'soon', '2026-01-15', 'Foo, 99 Bar 2026'])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('computeRetryDelay', () => {
  it('uses Retry-After seconds without jitter', () => {
    expect(computeRetryDelay(1, '7', now, delays, () => 0.9)).toBe(7000);
  });

  it('uses a Retry-After HTTP-date', () => {
    expect(computeRetryDelay(2, 'Thu, 15 Jan 2026 12:00:10 GMT', now, delays, () => 0.5)).toBe(10_000);
  });

  it('caps Retry-After at maxRetryDelayMs', () => {
    expect(computeRetryDelay(1, '3600', now, delays, () => 0)).toBe(30_000);
  });

  it('falls back to backoff when Retry-After is malformed', () => {
    expect(computeRetryDelay(1, 'later', now, delays, () => 0)).toBe(1000);
  });

  it('doubles per retry, jittered within [base, 2 × base]', () => {
    expect(computeRetryDelay(1, undefined, now, delays, () => 0)).toBe(1000);
    expect(computeRetryDelay(1, undefined, now, delays, () => 0.999)).toBe(1999);
    expect(computeRetryDelay(3, undefined, now, delays, () => 0)).toBe(4000);
    expect(computeRetryDelay(3, undefined, now, delays, () => 0.5)).toBe(6000);
  });

  it('never exceeds maxRetryDelayMs, whatever the attempt and the random source', () => {
    expect(computeRetryDelay(6, undefined, now, delays, () => 0.999)).toBe(30_000);
    expect(computeRetryDelay(60, undefined, now, delays, () => 0)).toBe(30_000);
    expect(computeRetryDelay(2, undefined, now, delays, () => 7)).toBe(4000);
  });
});

describe('isRetryableError', () => {
  it('retries CA error 111 only among CA errors', () => {
    expect(isRetryableError(new CaError(111))).toBe(true);
    for (const status of [101, 102, 103, 104, 105, 106, 107, 108, 109, 110] as const) {
      expect(isRetryableError(new CaError(status))).toBe(false);
    }
  });

  it('retries transport failures only before any answer, and not aborts or the deadline', () => {
    expect(isRetryableError(new TransportError('TRANSPORT_REFUSED', 'x'))).toBe(true);
    expect(isRetryableError(new TransportError('TRANSPORT_TIMEOUT', 'x', { phase: 'headers' }))).toBe(true);
    expect(isRetryableError(new TransportError('TRANSPORT_TIMEOUT', 'x', { phase: 'body', answered: true }))).toBe(false);
    expect(isRetryableError(new TransportError('TRANSPORT_TIMEOUT', 'x', { phase: 'deadline' }))).toBe(false);
    expect(isRetryableError(new TransportError('TRANSPORT_ABORTED', 'x'))).toBe(false);
    expect(isRetryableError(new TransportError('TRANSPORT_TLS', 'x', { phase: 'connect' }))).toBe(false);
  });

  it('finding 13: retries an answered 502, 503 or 504 (CA unavailable), not another answered status', () => {
    for (const httpStatus of [502, 503, 504]) {
      expect(isRetryableError(new TransportError('TRANSPORT_FAILED', 'x', { phase: 'headers', answered: true, httpStatus }))).toBe(true);
    }
    expect(isRetryableError(new TransportError('TRANSPORT_FAILED', 'x', { phase: 'headers', answered: true, httpStatus: 500 }))).toBe(false);
  });

  it('never retries protocol errors or foreign errors', () => {
    expect(isRetryableError(new ProtocolError('PROTOCOL_NOT_JSON', 'x'))).toBe(false);
    expect(isRetryableError(new Error('x'))).toBe(false);
  });
});

describe('computePollDelay', () => {
  it('starts at the interval, doubles, and caps at five minutes, jitter ±20 %', () => {
    expect(computePollDelay(1, ISSUE_POLL_DEFAULTS, () => 0.5)).toBe(5000);
    expect(computePollDelay(1, ISSUE_POLL_DEFAULTS, () => 0)).toBe(4000);
    expect(computePollDelay(2, ISSUE_POLL_DEFAULTS, () => 0.999)).toBeLessThanOrEqual(12_000);
    expect(computePollDelay(2, ISSUE_POLL_DEFAULTS, () => 0.999)).toBeGreaterThan(11_900);
    expect(computePollDelay(7, ISSUE_POLL_DEFAULTS, () => 0.5)).toBe(300_000);
    expect(computePollDelay(20, ISSUE_POLL_DEFAULTS, () => 0.999)).toBe(300_000);
    expect(computePollDelay(20, ISSUE_POLL_DEFAULTS, () => 0)).toBe(240_000);
  });
});

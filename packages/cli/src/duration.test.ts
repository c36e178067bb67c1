import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { MAX_TIMEOUT_MS, MAX_WAIT_MS, parseDuration, parseTimeout, parseWait } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['2d', 172_800_000],
    ['0', 0],
  ])('reads %s as %d ms', (text, expected) => {
    expect(parseDuration(text, '--wait')).toBe(expected);
  });

  it.each(['30', '', 'soon', '-5m', '5 parsecs', 'm', '1e3s', '1y', '2w', '5 minutes', '5M'])('rejects %j with a usage error naming the flag', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(UsageError);
    expect(() => parseDuration(text, '--timeout')).toThrow(/--timeout/);
  });
});

describe('duration flags with a maximum', () => {
  it('--timeout: up to 2^31-1 ms; over it (or 1y) is a usage error naming --timeout and the maximum', () => {
    expect(parseTimeout('24d')).toBe(24 * 86_400_000);
    expect(parseTimeout(`${MAX_TIMEOUT_MS}ms`)).toBe(MAX_TIMEOUT_MS);
    expect(parseTimeout(undefined)).toBeUndefined();
    for (const text of ['25d', `${MAX_TIMEOUT_MS + 1}ms`, '1y']) {
      expect(() => parseTimeout(text)).toThrow(UsageError);
      try {
        parseTimeout(text);
      } catch (error) {
        const usage = error as UsageError;
        expect(usage.code).toBe('USAGE_DURATION');
        expect(`${usage.message} ${usage.hint ?? ''}`).toContain('--timeout');
        expect(`${usage.message} ${usage.hint ?? ''}`).toContain(String(MAX_TIMEOUT_MS));
      }
    }
    expect(() => parseTimeout('0')).toThrow(/--timeout 0/);
  });

  it('--wait: 0 by default, up to 30 days; more is a usage error naming --wait and 30d', () => {
    expect(parseWait(undefined)).toBe(0);
    expect(parseWait('30d')).toBe(MAX_WAIT_MS);
    expect(() => parseWait('31d')).toThrow(/--wait "31d" is over the maximum of 30d/);
  });
});

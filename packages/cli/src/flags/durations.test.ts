import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { DEFAULT_LOCK_WAIT_MS, MAX_TIMEOUT_MS, MAX_WAIT_MS, parseLockWait, parseTimeout, parseWait } from './durations.js';

function usageOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('no usage error');
}

describe('duration flags (core\'s parseDuration, in the flags\' words)', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['2d', 172_800_000],
    ['0', 0],
  ])('--wait %s is %d ms', (text, expected) => {
    expect(parseWait(text)).toBe(expected);
  });

  it.each(['30', '', 'soon', '-5m', '5 parsecs', 'm', '1e3s', '1y', '2w', '5 minutes', '5M'])('--wait %j is a usage error naming --wait', (text) => {
    const error = usageOf(() => parseWait(text));
    expect(error.code).toBe('USAGE_DURATION');
    expect(error.message).toMatch(/^--wait /);
    expect(error.hint).toContain('--wait 30s');
  });

  it('--timeout: up to 2^31-1 ms; over it (or 1y) is a usage error naming --timeout and the maximum; 0 is refused', () => {
    expect(parseTimeout('24d')).toBe(24 * 86_400_000);
    expect(parseTimeout(`${MAX_TIMEOUT_MS}ms`)).toBe(MAX_TIMEOUT_MS);
    expect(parseTimeout(undefined)).toBeUndefined();
    for (const text of ['25d', `${MAX_TIMEOUT_MS + 1}ms`, '1y']) {
      const error = usageOf(() => parseTimeout(text));
      expect(error.code).toBe('USAGE_DURATION');
      expect(`${error.message} ${error.hint ?? ''}`).toContain('--timeout');
      expect(`${error.message} ${error.hint ?? ''}`).toContain(String(MAX_TIMEOUT_MS));
    }
    expect(() => parseTimeout('0')).toThrow(/--timeout 0/);
  });

  it('--wait: 0 by default, up to 30 days; more is a usage error naming --wait and 30d', () => {
    expect(parseWait(undefined)).toBe(0);
    expect(parseWait('30d')).toBe(MAX_WAIT_MS);
    const error = usageOf(() => parseWait('31d'));
    expect(error.message).toContain('--wait "31d" is over the maximum');
    expect(error.hint).toContain('at most 30d');
  });

  it('--lock-wait: 10 s by default, 0 allowed, up to 30 days', () => {
    expect(parseLockWait(undefined)).toBe(DEFAULT_LOCK_WAIT_MS);
    expect(parseLockWait('0')).toBe(0);
    expect(parseLockWait('30d')).toBe(MAX_WAIT_MS);
    expect(usageOf(() => parseLockWait('60d')).message).toMatch(/^--lock-wait "60d"/);
  });
});

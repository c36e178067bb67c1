import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['0', 0],
  ])('reads %s as %d ms', (text, expected) => {
    expect(parseDuration(text, '--wait')).toBe(expected);
  });

  it.each(['30', '', 'soon', '-5m', '5 parsecs', 'm', '1e3s'])('rejects %j with a usage error naming the flag', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(UsageError);
    expect(() => parseDuration(text, '--timeout')).toThrow(/--timeout/);
  });
});

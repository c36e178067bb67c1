import { describe, expect, it } from 'vitest';
import { UsageError } from './cli-errors.js';
import { clockFrom } from './clock.js';

describe('ACMAPI_NOW', () => {
  it('moves the clock to that date (and on with real time); absent, the clock is the system\'s', () => {
    const clock = clockFrom({ ACMAPI_NOW: '2031-05-06T07:08:09Z' });
    expect(Math.abs(clock().getTime() - Date.parse('2031-05-06T07:08:09Z'))).toBeLessThan(60_000);
    expect(Math.abs(clockFrom({})().getTime() - Date.now())).toBeLessThan(60_000);
    expect(() => clockFrom({ ACMAPI_NOW: 'tomorrow-ish' })).toThrow(UsageError);
  });
});

import { describe, expect, it } from 'vitest';
import { isOptionsError } from '../errors/errors.js';
import { BACKOFF_STEPS_MS, nextAttemptAt } from './backoff.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const now = new Date('2030-03-01T06:00:00Z');
const after = (at: Date) => (at.getTime() - now.getTime()) / HOUR_MS;

describe('nextAttemptAt', () => {
  it('waits 1 h, 6 h, then 24 h for every later failure', () => {
    expect(BACKOFF_STEPS_MS).toEqual([HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS]);
    expect([1, 2, 3, 4, 50].map((count) => after(nextAttemptAt(count, now)))).toEqual([1, 6, 24, 24, 24]);
  });

  it('uses the steps while a tenth of the time left is longer (90 days left)', () => {
    const notAfter = new Date(now.getTime() + 90 * DAY_MS);
    expect([1, 2, 3, 7].map((count) => after(nextAttemptAt(count, now, notAfter)))).toEqual([1, 6, 24, 24]);
  });

  it('never waits more than a tenth of the time left before notAfter', () => {
    // 2 days left: at most 4.8 h; 30 hours left: at most 3 h, so the 6 h step is cut too.
    expect(after(nextAttemptAt(3, now, new Date(now.getTime() + 2 * DAY_MS)))).toBeCloseTo(4.8, 9);
    expect(after(nextAttemptAt(2, now, new Date(now.getTime() + 30 * HOUR_MS)))).toBeCloseTo(3, 9);
    expect(after(nextAttemptAt(1, now, new Date(now.getTime() + 30 * HOUR_MS)))).toBe(1);
  });

  it('never waits less than 1 hour, close to expiry or past it', () => {
    expect(after(nextAttemptAt(3, now, new Date(now.getTime() + 5 * HOUR_MS)))).toBe(1);
    expect(after(nextAttemptAt(3, now, new Date(now.getTime() - DAY_MS)))).toBe(1);
  });

  it('never returns a delay outside 1 h to 24 h, whatever the time left', () => {
    for (let hoursLeft = -48; hoursLeft <= 24 * 400; hoursLeft += 23) {
      for (const count of [1, 2, 3, 9]) {
        const delay = after(nextAttemptAt(count, now, new Date(now.getTime() + hoursLeft * HOUR_MS)));
        expect(delay).toBeGreaterThanOrEqual(1);
        expect(delay).toBeLessThanOrEqual([1, 6, 24, 24][Math.min(count, 4) - 1] ?? 24);
      }
    }
  });

  it('rejects a failure count below 1 or not whole, and invalid dates, with OPTIONS_INVALID', () => {
    for (const count of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => nextAttemptAt(count, now)).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID', option: 'failureCount' }));
    }
    expect(() => nextAttemptAt(1, new Date(Number.NaN))).toThrow(expect.objectContaining({ option: 'now' }));
    let caught: unknown;
    try {
      nextAttemptAt(1, now, new Date('not a date'));
    } catch (error) {
      caught = error;
    }
    expect(isOptionsError(caught) && caught.option).toBe('notAfter');
  });
});

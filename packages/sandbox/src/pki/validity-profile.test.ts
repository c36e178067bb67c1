import { describe, expect, it } from 'vitest';
import { maximumValidityDays, profileValidityMs } from './validity-profile.js';

const DAY = 86_400_000;
const at = (iso: string): Date => new Date(iso);

describe('validity profiles (ballot SC-081)', () => {
  it('follows the schedule by issuance date, switching at 00:00 UTC on each step', () => {
    expect(maximumValidityDays(at('2026-03-14T23:59:59Z'))).toBe(398);
    expect(maximumValidityDays(at('2026-03-15T00:00:00Z'))).toBe(200);
    expect(maximumValidityDays(at('2027-03-14T12:00:00Z'))).toBe(200);
    expect(maximumValidityDays(at('2027-03-15T00:00:00Z'))).toBe(100);
    expect(maximumValidityDays(at('2029-03-14T23:59:59Z'))).toBe(100);
    expect(maximumValidityDays(at('2029-03-15T00:00:00Z'))).toBe(47);
    expect(maximumValidityDays(at('2035-01-01T00:00:00Z'))).toBe(47);
  });

  it('default is the maximum minus one day; short is 6 days whatever the date', () => {
    expect(profileValidityMs('default', at('2026-12-02T08:00:00Z'))).toBe(199 * DAY);
    expect(profileValidityMs('default', at('2027-06-01T00:00:00Z'))).toBe(99 * DAY);
    expect(profileValidityMs('default', at('2029-06-01T00:00:00Z'))).toBe(46 * DAY);
    expect(profileValidityMs('short', at('2026-12-02T08:00:00Z'))).toBe(6 * DAY);
    expect(profileValidityMs('short', at('2025-01-01T00:00:00Z'))).toBe(6 * DAY);
  });
});

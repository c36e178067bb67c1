import { describe, expect, it } from 'vitest';
import { DAY_MS, needsRenewal, renewalJitterMs } from './needs-renewal.js';

const notBefore = new Date('2030-01-01T00:00:00Z');
const notAfter = new Date(notBefore.getTime() + 90 * DAY_MS);
const at = (days: number) => new Date(notBefore.getTime() + days * DAY_MS);

describe('needsRenewal', () => {
  it('is due when less than a third of the lifetime is left (day 60 of 90)', () => {
    expect(needsRenewal({ notBefore, notAfter }, { now: at(59.9) })).toMatchObject({ due: false, reason: 'not-due', daysLeft: 30 });
    expect(needsRenewal({ notBefore, notAfter }, { now: at(60) })).toMatchObject({ due: true, reason: 'lifetime', daysLeft: 30 });
    expect(needsRenewal({ notBefore, notAfter }, { now: at(60) }).renewAt).toEqual(at(60));
  });

  it('uses --days instead when given', () => {
    expect(needsRenewal({ notBefore, notAfter }, { now: at(60), days: 10 }).due).toBe(false);
    expect(needsRenewal({ notBefore, notAfter }, { now: at(80), days: 10 })).toMatchObject({ due: true, reason: 'days' });
  });

  it('is expired past notAfter', () => {
    expect(needsRenewal({ notBefore, notAfter }, { now: at(91) })).toMatchObject({ due: true, reason: 'expired', daysLeft: -1 });
  });

  it('works for short-lived certificates (a 3-hour lifetime renews after 2 hours)', () => {
    const end = new Date(notBefore.getTime() + 3 * 3_600_000);
    expect(needsRenewal({ notBefore, notAfter: end }, { now: new Date(notBefore.getTime() + 119 * 60_000) }).due).toBe(false);
    expect(needsRenewal({ notBefore, notAfter: end }, { now: new Date(notBefore.getTime() + 120 * 60_000) }).due).toBe(true);
  });

  it('jitter moves renewal earlier by a deterministic amount, at most 1% of the lifetime and 6 hours', () => {
    const seeds = Array.from({ length: 50 }, (_, index) => `AA:${index}`);
    const jitters = seeds.map((seed) => needsRenewal({ notBefore, notAfter }, { now: at(10), jitterSeed: seed }).jitterMs);
    expect(new Set(jitters).size).toBeGreaterThan(40);
    for (const jitter of jitters) {
      expect(jitter).toBeGreaterThanOrEqual(0);
      expect(jitter).toBeLessThan(6 * 3_600_000);
    }
    expect(renewalJitterMs('AA:1', 90 * DAY_MS)).toBe(renewalJitterMs('AA:1', 90 * DAY_MS));
    expect(renewalJitterMs('AA:1', 100_000)).toBeLessThan(1000);
    const seed = seeds[jitters.indexOf(Math.max(...jitters))] ?? '';
    const jitterMs = Math.max(...jitters);
    const justBefore = new Date(at(60).getTime() - jitterMs - 1);
    expect(needsRenewal({ notBefore, notAfter }, { now: justBefore, jitterSeed: seed }).due).toBe(false);
    expect(needsRenewal({ notBefore, notAfter }, { now: new Date(justBefore.getTime() + 1), jitterSeed: seed }).due).toBe(true);
  });

  it('rejects a negative days as an OptionsError', () => {
    expect(() => needsRenewal({ notBefore, notAfter }, { days: -1 })).toThrow(expect.objectContaining({ name: 'OptionsError', code: 'OPTIONS_INVALID', option: 'days' }));
  });
});

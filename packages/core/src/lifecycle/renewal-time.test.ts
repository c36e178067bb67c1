import { describe, expect, it } from 'vitest';
import { chooseRenewalTime, renewalWindow } from './renewal-time.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const notBefore = new Date('2030-01-01T00:00:00Z');
const lifetime = (ms: number) => ({ notBefore, notAfter: new Date(notBefore.getTime() + ms) });
const offset = (at: Date | number) => (typeof at === 'number' ? at : at.getTime()) - notBefore.getTime();

describe('renewalWindow', () => {
  it('is two thirds of the lifetime ± 2 % of it: 90 days → [58.2 d, 61.8 d)', () => {
    const { start, end } = renewalWindow(lifetime(90 * DAY_MS));
    expect(offset(start) / DAY_MS).toBeCloseTo(58.2, 9);
    expect(offset(end) / DAY_MS).toBeCloseTo(61.8, 9);
  });

  it('is half the lifetime ± 2 % below 10 days (6 days → 3 d ± 2.88 h), two thirds from 10 days on', () => {
    const short = renewalWindow(lifetime(6 * DAY_MS));
    expect(offset(short.start) / HOUR_MS).toBeCloseTo(72 - 2.88, 9);
    expect(offset(short.end) / HOUR_MS).toBeCloseTo(72 + 2.88, 9);
    expect(offset(renewalWindow(lifetime(10 * DAY_MS - 1000)).end) / DAY_MS).toBeCloseTo(5.2, 4);
    expect(offset(renewalWindow(lifetime(10 * DAY_MS)).end) / DAY_MS).toBeCloseTo(20 / 3 + 0.2, 9);
  });

  it('rejects an empty or invalid validity window', () => {
    expect(() => renewalWindow({ notBefore, notAfter: notBefore })).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID', option: 'validity' }));
    expect(() => renewalWindow({ notBefore: new Date(Number.NaN), notAfter: notBefore })).toThrow(expect.objectContaining({ option: 'validity' }));
  });
});

describe('chooseRenewalTime', () => {
  const validity = lifetime(47 * DAY_MS);
  const window = renewalWindow(validity);

  it('maps random 0 to the window start and random just below 1 to the window end, in whole seconds', () => {
    expect(chooseRenewalTime(validity, () => 0).getTime()).toBe(window.start);
    const last = chooseRenewalTime(validity, () => 1 - 2 ** -40).getTime();
    expect(last).toBeLessThan(window.end);
    expect(window.end - last).toBeLessThanOrEqual(1000);
    expect(last % 1000).toBe(0);
  });

  it('stays inside the window when rounding to the second would leave it (a lifetime of 30.5 s)', () => {
    const tiny = { notBefore: new Date(notBefore.getTime() + 250), notAfter: new Date(notBefore.getTime() + 30_750) };
    const { start, end } = renewalWindow(tiny);
    for (const draw of [0, 0.01, 0.5, 0.999]) {
      const at = chooseRenewalTime(tiny, () => draw).getTime();
      expect(at).toBeGreaterThanOrEqual(start);
      expect(at).toBeLessThan(end);
    }
  });

  it('is uniform over the window: 20,000 draws fill ten equal bins evenly', () => {
    let state = 12_345;
    const random = () => ((state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
    const bins = Array.from({ length: 10 }, () => 0);
    for (let index = 0; index < 20_000; index++) {
      const at = chooseRenewalTime(validity, random).getTime();
      const bin = Math.floor(((at - window.start) / (window.end - window.start)) * 10);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    for (const count of bins) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('uses Math.random by default and rejects a random source outside [0, 1)', () => {
    const at = chooseRenewalTime(validity).getTime();
    expect(at).toBeGreaterThanOrEqual(window.start);
    expect(at).toBeLessThan(window.end);
    for (const bad of [1, -0.1, Number.NaN]) {
      expect(() => chooseRenewalTime(validity, () => bad)).toThrow(expect.objectContaining({ code: 'OPTIONS_INVALID', option: 'random' }));
    }
  });
});

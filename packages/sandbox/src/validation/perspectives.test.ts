import { describe, expect, it } from 'vitest';
import { allowedNonCorroborations, perspectiveSource, quorumHolds } from './perspectives.js';

describe('BR §3.2.2.9 quorum', () => {
  it('allows 0 of 1, 1 of 2–5 and 2 of 6 or more remote perspectives to disagree', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(allowedNonCorroborations)).toEqual([0, 0, 1, 1, 1, 1, 2, 2, 2]);
  });

  it('needs the primary to pass', () => {
    expect(quorumHolds(false, [true, true, true, true, true])).toBe(false);
    expect(quorumHolds(true, [])).toBe(true);
  });

  it('holds with 1 failure of 5 but not 2; with 2 of 6 but not 3', () => {
    expect(quorumHolds(true, [true, true, true, true, false])).toBe(true);
    expect(quorumHolds(true, [true, true, true, false, false])).toBe(false);
    expect(quorumHolds(true, [true, true, true, true, false, false])).toBe(true);
    expect(quorumHolds(true, [true, true, true, false, false, false])).toBe(false);
    expect(quorumHolds(true, [false])).toBe(false);
  });

  it('gives remote perspective i the source address 127.0.0.(10+i)', () => {
    expect([0, 4, 63].map(perspectiveSource)).toEqual(['127.0.0.10', '127.0.0.14', '127.0.0.73']);
  });
});

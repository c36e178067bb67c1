/**
 * The dice of the sandbox's shares (pending, fault injection). A seed makes runs
 * repeatable for tests; handles, serials and keys never come from here, they always
 * come from the CSPRNG so that they stay unguessable.
 */

/** A source of numbers in [0, 1). */
export type RandomSource = () => number;

/** A small, fast seeded generator (mulberry32): repeatable, not for secrets. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Rolls a die: true with probability `share` (0 never, 1 always, without consuming a number). */
export function roll(random: RandomSource, share: number): boolean {
  if (share <= 0) return false;
  if (share >= 1) return true;
  return random() < share;
}

/**
 * The renewal time of one certificate, chosen once when it goes live and stored (issue 10:
 * "a uniformly random moment in a window around two thirds of its lifetime"). Pure.
 *
 * Placeholder of the settings helper; the renewal-time helper's version replaces it.
 */

/**
 * A moment uniform in [2/3 − 1/18, 2/3 + 1/18] of the lifetime after notBefore.
 *
 * @param random - a source of numbers in [0, 1). @default Math.random
 */
export function chooseRenewalTime(validity: { notBefore: Date; notAfter: Date }, random: () => number = Math.random): Date {
  const start = validity.notBefore.getTime();
  const lifetime = Math.max(0, validity.notAfter.getTime() - start);
  return new Date(start + (2 / 3) * lifetime + (random() * 2 - 1) * (lifetime / 18));
}

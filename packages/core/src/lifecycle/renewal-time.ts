/**
 * The renewal time of a certificate: one moment, chosen once when the certificate goes live
 * and stored with it, so that a fleet issued in one second does not come back to the CA in
 * one second (issue 10, "Fleet timing"). Pure; the random source is injectable.
 *
 * ## The window
 *
 * Uniform in `[c − w, c + w)` where, for the lifetime `L = notAfter − notBefore`:
 *
 * - `c = 2/3·L` (a third of the lifetime left): certbot's rule (renew with a third of the
 *   lifetime left, 30 days of a 90-day certificate) and the centre of the window Let's Encrypt
 *   serves over ARI (boulder `core.RenewalInfoSimple`, draft-ietf-acme-ari).
 * - `c = 1/2·L` when `L < 10 days`, as boulder does for short-lived certificates: a third of a
 *   6-day lifetime (2 days) is about one CA outage.
 * - `w = L/50` (the window is 4 % of the lifetime wide; boulder's is 2 %, ±1 %). Twice as wide
 *   spreads a fleet twice as thin, and the upper edge still leaves room for the worst case
 *   below. 47 days: ±22.6 h; 90 days: ±43.2 h; 200 days: ±4 days; 6 days: ±2.9 h.
 *
 * ## Why not wider: the 80 % bound
 *
 * With `renew` run by Debian's certbot timer (`OnCalendar=*-*-* 00,12:00:00`,
 * `RandomizedDelaySec=43200`, the delay drawn anew at each run, so two runs can be up to 24 h
 * apart), retries after a failure spaced by {@link nextAttemptAt} (at most 24 h), and a 48 h CA
 * outage that begins exactly at the first run after the renewal time, the worst renewal comes
 * 24 h (first run) + 48 h (outage) + 24 h (backoff after the last failed run) + 24 h (the next
 * run) = 120 h = 5 days after the renewal time. The issue asks every certificate to renew
 * before 80 % of its lifetime in that case; for the shortest lifetime the CA/Browser Forum's
 * Baseline Requirements will allow (SC-081: 200 days from 2026-03-15, 100 days from 2027-03-15,
 * 47 days from 2029-03-15) that needs `c + w + 5 d ≤ 0.8·L`, i.e. `w ≤ 2.7 %` of 47 days.
 * `w = 2 %` gives 47-day certificates 8 hours to spare and longer ones more (90 days: 5.2 days,
 * 200 days: 17.7 days). The fleet simulation in `fleet-simulation.test.ts` checks this.
 *
 * The same arithmetic gives the limits. With twice-daily runs the 80 % bound holds for every
 * lifetime of 44 days or more (`0.8·L − (2/3 + 1/50)·L ≥ 5 d`). Below 10 days renewal is around
 * half the lifetime, and the latest certificates (52 %) plus a 48 h outage pass 80 % for every
 * lifetime under 171 h (7.1 days), whatever the schedule. Such short-lived certificates need
 * `renew` run hourly: then they renew before expiry through a 48 h outage (at 88 % of a 6-day
 * lifetime at worst in the simulation), where twice-daily runs let some expire.
 */
import { OptionsError } from '../errors/errors.js';
import type { CertificateValidity } from './needs-renewal.js';

/** Lifetimes shorter than this (10 days, in milliseconds) renew around half of the lifetime instead of two thirds. */
export const SHORT_LIFETIME_MS = 10 * 86_400_000;

/** Half the width of the renewal window, as a fraction of the lifetime (see the module's docstring). */
export const RENEWAL_WINDOW_HALF_WIDTH = 1 / 50;

/** The window {@link chooseRenewalTime} draws from: `start` inclusive, `end` exclusive, both in milliseconds since the epoch. */
export interface RenewalWindow {
  start: number;
  end: number;
}

/**
 * The renewal window of a certificate: `[c − L/50, c + L/50)` with `c` two thirds of the lifetime
 * `L` after notBefore (half of it when `L` is under 10 days). Pure.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` (option `validity`) when a date is invalid or notAfter is not after notBefore.
 */
export function renewalWindow(validity: CertificateValidity): RenewalWindow {
  const notBefore = validity.notBefore.getTime();
  const notAfter = validity.notAfter.getTime();
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter) || notAfter <= notBefore) {
    throw new OptionsError('A validity window needs valid dates with notAfter after notBefore.', { option: 'validity' });
  }
  const lifetime = notAfter - notBefore;
  const centre = notBefore + (lifetime < SHORT_LIFETIME_MS ? lifetime / 2 : (2 * lifetime) / 3);
  const halfWidth = lifetime * RENEWAL_WINDOW_HALF_WIDTH;
  return { start: centre - halfWidth, end: centre + halfWidth };
}

/**
 * Chooses the moment a certificate becomes due for renewal: uniformly random in its
 * `renewalWindow` (two thirds of the lifetime ± 2 % of it; half of it ± 2 % below 10 days),
 * rounded down to the whole second. Call it once, when the certificate goes live, and store
 * the result: a new draw on every run would renew at the earliest draw, not uniformly.
 *
 * @param validity notBefore and notAfter of the certificate (RFC 5280 §4.1.2.5).
 * @param random a source of numbers in [0, 1); tests inject a seeded one. Not a security
 *   purpose, so `Math.random` is enough.
 * @returns a Date in `[window start, window end)`, a whole second unless the window's first second would leave it.
 * @throws {OptionsError} `OPTIONS_INVALID` (option `validity`) for an invalid or empty validity
 *   window; (option `random`) when `random` returns a value outside [0, 1).
 */
export function chooseRenewalTime(validity: CertificateValidity, random: () => number = Math.random): Date {
  const { start, end } = renewalWindow(validity);
  const draw = random();
  if (!(draw >= 0 && draw < 1)) throw new OptionsError(`random() must return a number in [0, 1), got ${draw}.`, { option: 'random' });
  // Rounded down to the second, as boulder truncates its window: stored times read cleanly. A
  // rounding that would leave the window (its first second, of a lifetime of a few seconds) is skipped.
  const at = start + draw * (end - start);
  const rounded = Math.floor(at / 1000) * 1000;
  return new Date(rounded >= start ? rounded : at);
}

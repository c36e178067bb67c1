/**
 * When a failing certificate is tried again (issue 10, "Remembered settings and recovery"):
 * a schedule recorded in the store, so that `renew` from cron every 12 hours neither gives up
 * nor hammers the CA. Pure.
 *
 * ## The rule
 *
 * After the n-th failure in a row the next attempt waits
 *
 *     delay = max(1 h, min(step(n), (notAfter − now) / 10))
 *
 * - `step(n)` is {@link BACKOFF_STEPS_MS}: 1 h after the first failure, 6 h after the second,
 *   24 h after the third and every later one. A run every 12 h (cron, or Debian's certbot timer)
 *   therefore retries at its next run after a first failure, and at least once a day after that:
 *   a transient fault (a 111, a web server restarting) costs one run, a lasting one (a 107 from a
 *   broken site, a CA outage) costs the CA one request per certificate per day.
 * - Never more than a tenth of the time left before notAfter: the closer to expiry, the more
 *   often it is tried, so a backoff never makes a certificate expire that an attempt could still
 *   save. With 10 days left the cap (1 day) equals the longest step; with 2 days left the
 *   delay is at most 4.8 h; in its last 10 hours a certificate may be tried every hour (how
 *   often it is tried then depends on how often `renew` runs).
 * - Never less than 1 h (the first step), also for an expired certificate: that is the floor
 *   that keeps a fleet of broken sites from hammering the CA when `renew` runs often.
 *
 * Without notAfter (a first application that never produced a certificate) only the steps apply.
 */
import { OptionsError } from '../errors/errors.js';

const HOUR_MS = 3_600_000;

/** Delays after the 1st, 2nd and 3rd (and every later) failure in a row, in milliseconds: 1 h, 6 h, 24 h. */
export const BACKOFF_STEPS_MS: readonly number[] = Object.freeze([HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS]);

/** The delay is never more than the time left before notAfter divided by this (see the module's docstring). */
export const BACKOFF_TIME_LEFT_DIVISOR = 10;

/**
 * The earliest moment a certificate that has just failed may be tried again. Pure.
 *
 * `delay = max(1 h, min(step, (notAfter − now) / 10))` where `step` is
 * `BACKOFF_STEPS_MS[min(failureCount, 3) − 1]` (1 h, 6 h, then 24 h); see the module's docstring.
 *
 * @param failureCount failures in a row, this one included (1 after the first failure).
 * @param now the time of this failure (an injected clock in tests).
 * @param notAfter the end of the live certificate's validity, when there is one: the delay is
 *   then never more than a tenth of the time left.
 * @returns `now + delay`, delay between 1 h and 24 h.
 * @throws {OptionsError} `OPTIONS_INVALID` (option `failureCount`) unless it is an integer ≥ 1;
 *   (option `now` / `notAfter`) for an invalid Date.
 */
export function nextAttemptAt(failureCount: number, now: Date, notAfter?: Date): Date {
  if (!Number.isInteger(failureCount) || failureCount < 1) {
    throw new OptionsError(`failureCount must be an integer of at least 1, got ${failureCount}.`, { option: 'failureCount' });
  }
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new OptionsError('now must be a valid Date.', { option: 'now' });
  const step = BACKOFF_STEPS_MS[Math.min(failureCount, BACKOFF_STEPS_MS.length) - 1] ?? HOUR_MS;
  if (notAfter === undefined) return new Date(nowMs + step);
  const notAfterMs = notAfter.getTime();
  if (!Number.isFinite(notAfterMs)) throw new OptionsError('notAfter must be a valid Date.', { option: 'notAfter' });
  const floor = BACKOFF_STEPS_MS[0] ?? HOUR_MS;
  const delay = Math.max(floor, Math.min(step, Math.floor((notAfterMs - nowMs) / BACKOFF_TIME_LEFT_DIVISOR)));
  return new Date(nowMs + delay);
}

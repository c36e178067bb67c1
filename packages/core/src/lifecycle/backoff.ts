/**
 * When a failing certificate is tried again (issue 10: "retried on later runs with a backoff
 * recorded in the store, e.g. 1 h, 6 h, 24 h"). Pure.
 *
 * Placeholder of the settings helper; the renewal-time helper's version replaces it.
 */

const HOUR_MS = 3_600_000;

/** The waits after the 1st, 2nd and 3rd (and every later) failure, in milliseconds. */
export const BACKOFF_STEPS_MS: readonly number[] = [HOUR_MS, 6 * HOUR_MS, 24 * HOUR_MS];

/**
 * The earliest next attempt after `failureCount` failures (≥ 1), at `now`: the step of that
 * count (the last step for every later failure). Never later than halfway from `now` to
 * `notAfter`, so the backoff cannot itself let a live certificate expire.
 */
export function nextAttemptAt(failureCount: number, now: Date, notAfter?: Date): Date {
  const step = BACKOFF_STEPS_MS[Math.min(Math.max(failureCount, 1), BACKOFF_STEPS_MS.length) - 1] ?? HOUR_MS;
  let at = now.getTime() + step;
  if (notAfter !== undefined && notAfter.getTime() > now.getTime()) at = Math.min(at, now.getTime() + (notAfter.getTime() - now.getTime()) / 2);
  return new Date(at);
}

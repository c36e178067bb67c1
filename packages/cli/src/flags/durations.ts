/**
 * The duration flags (`--wait`, `--timeout`, `--lock-wait`), parsed with core's one duration
 * syntax (`parseDuration`: a number with `ms`, `s`, `m`, `h` or `d`, or `0`), each with its
 * maximum, all while the flags are parsed: a bad value is a usage error (exit 2) naming the
 * flag, before anything is read, written or sent.
 */
import { DURATION_UNITS, OptionsError, parseDuration } from '@acmapi/core';
import { UsageError } from './cli-errors.js';
import { flagForOption } from './option-fields.js';

/** The largest `--timeout`: setTimeout's largest delay, 2^31−1 ms (about 24.8 days); core refuses more. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** The largest `--wait` and `--lock-wait`: 30 days. Longer waits belong to `acmapi renew` from cron. */
export const MAX_WAIT_MS = 30 * 24 * 60 * 60 * 1000;

/** How long a command waits for another process holding a certificate, by default: 10 s. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;

/** Core's option of each duration flag, and its maximum as the README writes it. */
const LIMITS = {
  deadlineMs: { maxMs: MAX_TIMEOUT_MS, maxText: `${MAX_TIMEOUT_MS}ms (about 24.8 days)` },
  waitMs: { maxMs: MAX_WAIT_MS, maxText: '30d' },
  lockWaitMs: { maxMs: MAX_WAIT_MS, maxText: '30d' },
} as const;

/**
 * Parses the value of a duration flag with core's parser; core's {@link OptionsError} becomes
 * a {@link UsageError} in the flag's words.
 *
 * @returns milliseconds, a whole number from 0 to the flag's maximum.
 * @throws {UsageError} `USAGE_DURATION` naming the flag, its maximum and the units.
 */
function parseDurationFlag(text: string, option: keyof typeof LIMITS): number {
  const { maxMs, maxText } = LIMITS[option];
  try {
    return parseDuration(text, { option, maxMs });
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    const flag = flagForOption(error.option ?? option) ?? option;
    throw new UsageError(`${flag} ${error.message}`, {
      code: 'USAGE_DURATION',
      hint: `Give a number with a unit (${DURATION_UNITS.join(', ')}) of at most ${maxText}, like ${flag} 30s, ${flag} 5m or ${flag} 2h.`,
    });
  }
}

/**
 * Parses `--timeout`: positive, at most {@link MAX_TIMEOUT_MS}.
 *
 * @returns milliseconds, or `undefined` when not given (the client's default, 10 minutes).
 * @throws {UsageError} `USAGE_DURATION` for a bad duration, 0, or more than 2^31−1 ms.
 */
export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const timeoutMs = parseDurationFlag(text, 'deadlineMs');
  if (timeoutMs === 0) throw new UsageError('--timeout 0 would fail every call.', { code: 'USAGE_DURATION', hint: 'Give a positive duration like --timeout 2m.' });
  return timeoutMs;
}

/**
 * Parses `--wait`: from 0 to {@link MAX_WAIT_MS}.
 *
 * @returns milliseconds; 0 when not given (save the handle and exit 3).
 * @throws {UsageError} `USAGE_DURATION` for a bad duration or more than 30 days.
 */
export function parseWait(text: string | undefined): number {
  return text === undefined ? 0 : parseDurationFlag(text, 'waitMs');
}

/**
 * Parses `--lock-wait`: from 0 (fail at once) to {@link MAX_WAIT_MS}.
 *
 * @returns milliseconds; {@link DEFAULT_LOCK_WAIT_MS} when not given.
 * @throws {UsageError} `USAGE_DURATION` for a bad duration or more than 30 days.
 */
export function parseLockWait(text: string | undefined): number {
  return text === undefined ? DEFAULT_LOCK_WAIT_MS : parseDurationFlag(text, 'lockWaitMs');
}

/**
 * Durations on the command line: a number and one of the units `ms`, `s`, `m`, `h`, `d`
 * (`30s`, `5m`, `1.5h`, `2d`), each flag with its maximum, all checked while the flags are
 * parsed, so a bad value is a usage error before anything is read, written or sent.
 */
import ms from 'ms';
import { UsageError } from './cli-errors.js';

/**
 * A number with one of the accepted units. Bare numbers are ambiguous (seconds?
 * milliseconds?) and refused; so are `w` and `y` and long words (`5 minutes`): one short
 * list of units, the one the README gives. Lower-case only: `5M` could be read as months.
 */
const WITH_UNIT = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/;

/** The units accepted, for messages and the README. */
export const DURATION_UNITS = ['ms', 's', 'm', 'h', 'd'] as const;

/** The largest `--timeout`: setTimeout's largest delay, 2^31−1 ms (about 24.8 days); core refuses more. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** The largest `--wait` and `--lock-wait`: 30 days. Longer waits belong to `acmapi renew` from cron. */
export const MAX_WAIT_MS = 30 * 24 * 60 * 60 * 1000;

/** Options of {@link parseDuration}. */
export interface ParseDurationOptions {
  /** The largest value accepted, milliseconds. @default unbounded */
  maxMs?: number | undefined;
  /** How the maximum is written in the message, e.g. `30d`. @default `${maxMs}ms` */
  maxText?: string | undefined;
}

/**
 * Parses a duration flag into milliseconds. `0` alone is accepted (it means "not at all").
 *
 * @param text - e.g. `30s`, `5m`, `2h`, `1.5h`, `2d`, `250ms`, `0`.
 * @param flag - the flag's name, for the message, e.g. `--wait`.
 * @returns milliseconds, a whole number from 0 to `maxMs`.
 * @throws {UsageError} `USAGE_DURATION` for bare numbers other than 0, other units, and
 *   values over `maxMs` (the message names the flag and its maximum).
 */
export function parseDuration(text: string, flag: string, options: ParseDurationOptions = {}): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const value = WITH_UNIT.test(trimmed) ? ms(trimmed as ms.StringValue) : Number.NaN;
  const maxText = options.maxMs === undefined ? undefined : (options.maxText ?? `${options.maxMs}ms`);
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration.`, {
      code: 'USAGE_DURATION',
      hint: `Give a number with a unit (${DURATION_UNITS.join(', ')})${maxText === undefined ? '' : ` of at most ${maxText}`}, like ${flag} 30s, ${flag} 5m or ${flag} 2h.`,
    });
  }
  const rounded = Math.round(value);
  if (maxText !== undefined && options.maxMs !== undefined && rounded > options.maxMs) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is over the maximum of ${maxText}.`, {
      code: 'USAGE_DURATION',
      hint: `Give at most ${flag} ${maxText.split(' ')[0] ?? maxText}.`,
    });
  }
  return rounded;
}

/**
 * Parses `--timeout`: positive, at most {@link MAX_TIMEOUT_MS}.
 *
 * @returns milliseconds, or `undefined` when not given (the client's default, 10 minutes).
 * @throws {UsageError} `USAGE_DURATION` for a bad duration, 0, or more than 2^31−1 ms.
 */
export function parseTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const timeoutMs = parseDuration(text, '--timeout', { maxMs: MAX_TIMEOUT_MS, maxText: `${MAX_TIMEOUT_MS}ms (about 24.8 days)` });
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
  return text === undefined ? 0 : parseDuration(text, '--wait', { maxMs: MAX_WAIT_MS, maxText: '30d' });
}

/**
 * The one duration syntax of acmapi, for CLI flags (`--wait 10m`), Action inputs
 * (`wait: 10m`) and extension settings alike: a number with a unit — `ms`, `s`, `m`, `h`, `d`
 * — or `0`. Parsed with the `ms` library; a bare number other than 0 is refused, because
 * "10" could mean seconds as well as milliseconds.
 */
import ms from 'ms';
import { OptionsError } from '../errors/errors.js';

/** The units accepted. */
export const DURATION_UNITS = ['ms', 's', 'm', 'h', 'd'] as const;

const WITH_UNIT = /^\d+(?:\.\d+)?(?:ms|s|m|h|d)$/;

/** Options of {@link parseDuration}. */
export interface ParseDurationOptions {
  /** The option, flag, input or setting being parsed, for the error's `option`. */
  readonly option?: string | undefined;
  /** The largest value accepted, in milliseconds. @default unbounded */
  readonly maxMs?: number | undefined;
}

/**
 * Parses a duration such as `30s`, `5m`, `2h`, `1.5d` or `0`.
 *
 * @returns milliseconds, rounded to a whole number.
 * @throws {OptionsError} `OPTIONS_INVALID` (with `option`) for text that is not a duration, or over `maxMs`.
 */
export function parseDuration(text: string, options: ParseDurationOptions = {}): number {
  const trimmed = text.trim();
  const option = options.option === undefined ? {} : { option: options.option };
  if (trimmed === '0') return 0;
  const value = WITH_UNIT.test(trimmed) ? ms(trimmed as ms.StringValue) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new OptionsError(`${JSON.stringify(text)} is not a duration: a number with a unit (${DURATION_UNITS.join(', ')}) is expected.`, option);
  }
  const rounded = Math.round(value);
  if (options.maxMs !== undefined && rounded > options.maxMs) {
    throw new OptionsError(`${JSON.stringify(text)} is over the maximum of ${ms(options.maxMs, { long: true })}.`, option);
  }
  return rounded;
}

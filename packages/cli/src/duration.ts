/** Durations on the command line: `30s`, `5m`, `2h` (parsed by `ms`). */
import ms from 'ms';
import { UsageError } from './cli-errors.js';

/** A number with a unit: bare numbers are ambiguous (seconds? milliseconds?) and refused. */
const WITH_UNIT = /^\d+(?:\.\d+)?\s*[a-z]+$/i;

/**
 * Parses a duration flag into milliseconds. `0` alone is accepted (it means "not at all").
 *
 * @param text - e.g. `30s`, `5m`, `2h`, `1.5h`, `0`.
 * @param flag - the flag's name, for the message, e.g. `--wait`.
 * @returns milliseconds, a whole number ≥ 0.
 * @throws {UsageError} `USAGE_DURATION` for bare numbers other than 0 and anything `ms` cannot read.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const value = WITH_UNIT.test(trimmed) ? ms(trimmed as ms.StringValue) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration.`, {
      code: 'USAGE_DURATION',
      hint: `Give a number with a unit, like ${flag} 30s, ${flag} 5m or ${flag} 2h.`,
    });
  }
  return Math.round(value);
}

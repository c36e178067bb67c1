/**
 * The clock of a run: `ACMAPI_NOW` (an ISO 8601 date) when set, else the system's. Documented
 * in README.md under "Testing hooks": tests move time forward with it without waiting, and an
 * operator can ask "what would be due next month?" with `renew --dry-run`. It moves the store's
 * clock and renewal decisions only; the CA's answers are still checked against real time by
 * the client. A run without it is unchanged.
 */
import { UsageError } from './cli-errors.js';

/** The clock of a run. */
export type Clock = () => Date;

/**
 * The clock: `ACMAPI_NOW` when set, else the system's.
 *
 * @throws {UsageError} `USAGE_NOW` when `ACMAPI_NOW` is not a date.
 */
export function clockFrom(env: NodeJS.ProcessEnv): Clock {
  const text = env['ACMAPI_NOW'];
  if (text === undefined || text.trim() === '') return () => new Date();
  const fixed = Date.parse(text);
  if (Number.isNaN(fixed)) {
    throw new UsageError(`ACMAPI_NOW=${JSON.stringify(text)} is not a date.`, { code: 'USAGE_NOW', hint: 'Give an ISO 8601 date like 2030-01-31T12:00:00Z, or unset ACMAPI_NOW.' });
  }
  // The injected time moves on with the real one, so durations inside a run stay real.
  const offset = fixed - Date.now();
  return () => new Date(Date.now() + offset);
}

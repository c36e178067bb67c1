/** Port flags (`--port`, `--http-port`, `--https-port`). */
import { UsageError } from './cli-errors.js';

/**
 * Parses a port flag.
 *
 * @throws {UsageError} `USAGE_PORT` unless it is a whole number 0–65535.
 */
export function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65_535) {
    throw new UsageError(`${flag} ${JSON.stringify(text)} is not a port.`, { code: 'USAGE_PORT', hint: `Give a whole number from 0 to 65535, e.g. ${flag} 8443.` });
  }
  return port;
}

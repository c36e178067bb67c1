/**
 * The package version, read from package.json: kept apart from the program so that
 * `acmapi --version` loads nothing else.
 */
import { readFileSync } from 'node:fs';

/** The package version, for `--version`: `version` of package.json, else `0.0.0`. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}

/**
 * The package version, read from package.json: kept apart from the program so that
 * `acmapi --version` loads nothing else.
 */
import { readFileSync } from 'node:fs';

/**
 * Where package.json is from this module: beside `dist/` when it runs as `dist/version.js`
 * (the library), or as part of the bundled command in `dist/bin.cjs` or `dist/programs/*.cjs`.
 */
const PACKAGE_JSON_CANDIDATES = ['../package.json', '../../package.json'];

/**
 * The package version, for `--version`: `version` of the @acmapi/cli package.json, else `0.0.0`.
 *
 * @param moduleUrl - this module's file URL; bin.cjs gives its real one when Node runs it by a link's path.
 */
export function cliVersion(moduleUrl: string = import.meta.url): string {
  for (const candidate of PACKAGE_JSON_CANDIDATES) {
    let pkg: { name?: unknown; version?: unknown };
    try {
      pkg = JSON.parse(readFileSync(new URL(candidate, moduleUrl), 'utf8')) as { name?: unknown; version?: unknown };
    } catch {
      continue;
    }
    if (pkg.name === '@acmapi/cli') return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  }
  return '0.0.0';
}

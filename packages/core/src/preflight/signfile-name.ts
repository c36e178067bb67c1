/**
 * The signfile's file name and where it lives: `/.well-known/pki-validation/NAME`
 * (spec §1: the source names it `signfile`; the project makes the name
 * configurable). Pure.
 */
import { OptionsError } from '../errors/errors.js';
import { SIGNFILE_PATH_PREFIX } from '../deploy/signfile-server.js';

/**
 * Checks that `name` is one plain path segment, so it can neither escape the
 * `pki-validation` folder on disk nor change the URL's path.
 *
 * @throws {OptionsError} `OPTIONS_INVALID` for an empty name, `.`/`..`, a slash,
 *   a backslash or a control character.
 */
export function assertSignfileName(name: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (name === '' || name === '.' || name === '..' || /[/\\\u0000-\u001f\u007f]/.test(name)) {
    throw new OptionsError(`The signfile name ${JSON.stringify(name)} must be a plain file name (no slash, not "." or "..").`, { option: 'signfileName' });
  }
}

/** The URL path the CA fetches, `/.well-known/pki-validation/NAME` (percent-encoded). */
export function signfileUrlPath(name: string): string {
  return SIGNFILE_PATH_PREFIX + encodeURIComponent(name);
}

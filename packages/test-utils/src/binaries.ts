/**
 * Locating the real tools the suites use as independent peers (nginx, openssl),
 * with an error that says how to install a missing one.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A tool a test needs is not installed. */
export class MissingBinaryError extends Error {
  override name = 'MissingBinaryError';
  readonly code = 'TEST_BINARY_MISSING';
}

/**
 * Finds an executable: the first of `candidates` (absolute paths) that exists,
 * else `name` on `PATH`.
 *
 * @param name - the command, e.g. `nginx`.
 * @param aptPackage - the Debian package that provides it, named in the error.
 * @param candidates - absolute paths tried first, e.g. `/usr/sbin/nginx`.
 * @returns the absolute path of the executable.
 * @throws {MissingBinaryError} `TEST_BINARY_MISSING` with "install it: apt-get install PACKAGE".
 */
export function findBinary(name: string, aptPackage: string, candidates: readonly string[] = []): string {
  const path = process.env['PATH'] ?? '';
  // /usr/sbin is not on every user's PATH, yet that is where Debian puts nginx.
  const tries = [...candidates, ...path.split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, name))];
  for (const file of tries) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // try the next one
    }
  }
  throw new MissingBinaryError(
    `${name} is needed by this test suite but was not found (tried ${candidates.join(', ') || 'PATH'} and PATH); install it: apt-get install ${aptPackage}`,
  );
}

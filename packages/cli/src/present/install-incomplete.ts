/**
 * A file of acmapi's own installation is gone: the build keeps some libraries in files of
 * their own, loaded on first use (`dist/programs/lazy/NAME.cjs`, see scripts/bundle-bin.mjs),
 * and its loader throws an error with code `INSTALL_INCOMPLETE` and the file's `path` when one
 * is missing. Core may wrap it (a transport or deploy error with it as `cause`), so the whole
 * cause chain is searched: the user is told to reinstall, not that the network or a write failed.
 */

import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The lazy files of the bundled programs (`dist/programs/lazy/`), written in by scripts/bundle-bin.mjs; absent where the source runs unbundled. */
declare const __ACMAPI_LAZY_FILES__: readonly string[] | undefined;

/** What to do about a missing file of the installation (the program's words, and bin.cjs's when the program itself is gone). */
export const INSTALL_INCOMPLETE_HINT = 'Reinstall acmapi (npm install -g @acmapi/cli); in a clone, build it again (pnpm build).';

/** A file of the installation is missing: reinstall. `code` `INSTALL_INCOMPLETE`, exit 7. */
export class InstallIncompleteError extends Error {
  override name = 'InstallIncompleteError';
  readonly code = 'INSTALL_INCOMPLETE';
  readonly path: string;
  constructor(path: string) {
    super(`acmapi's installation is incomplete: ${path} is missing.`);
    this.path = path;
  }
}

/**
 * Checks, before a command does anything, that the files the bundled program may load later
 * are there: a command that needs one of them only after it has sent an application (a
 * `.pfx` after the certificate arrived) or inside a retried CA call (llhttp) would otherwise
 * spend an issuance or record a failure first. Three `stat`s. Unbundled (the source under
 * test), nothing was split off and there is nothing to check.
 *
 * @throws {InstallIncompleteError} naming the first missing file.
 */
export function checkInstallComplete(): void {
  if (typeof __ACMAPI_LAZY_FILES__ === 'undefined') return;
  for (const name of __ACMAPI_LAZY_FILES__) {
    const path = join(__dirname, 'lazy', name);
    if (!existsSync(path)) throw new InstallIncompleteError(path);
  }
}

/** What a missing file of the installation says. */
export interface InstallIncomplete {
  message: string;
  path: string;
}

/** Deep enough for core's wrappers; a cycle of causes ends there too. */
const MAX_CAUSES = 8;

/** The `INSTALL_INCOMPLETE` error in `error`'s cause chain, if any. */
export function installIncomplete(error: unknown): InstallIncomplete | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSES && typeof current === 'object' && current !== null; depth++) {
    const { code, path, message, cause } = current as { code?: unknown; path?: unknown; message?: unknown; cause?: unknown };
    if (code === 'INSTALL_INCOMPLETE' && typeof path === 'string' && typeof message === 'string') return { message, path };
    current = cause;
  }
  return undefined;
}

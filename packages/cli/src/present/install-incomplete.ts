/**
 * A file of acmapi's own installation is gone: the build keeps some libraries in files of
 * their own, loaded on first use (`dist/programs/lazy/NAME.cjs`, see scripts/bundle-bin.mjs),
 * and its loader throws an error with code `INSTALL_INCOMPLETE` and the file's `path` when one
 * is missing. Core may wrap it (a transport or deploy error with it as `cause`), so the whole
 * cause chain is searched: the user is told to reinstall, not that the network or a write failed.
 */

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

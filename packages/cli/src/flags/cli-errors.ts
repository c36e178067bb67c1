/** Errors the command itself raises (the library's errors come from @acmapi/core). */
import { fileTooLargeDetail } from '@acmapi/core/store';
import type { InterruptSignal } from '../present/exit-codes.js';

/** The command line is wrong; the message says which flag and what to write instead. Exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly code: string;
  readonly hint: string | undefined;
  constructor(message: string, options: { code?: string; hint?: string } = {}) {
    super(message);
    this.code = options.code ?? 'USAGE';
    this.hint = options.hint;
  }
}

/**
 * A signal (Ctrl-C, SIGTERM) stopped a certificate's run before the CA answered; the run
 * cleaned up as after an error (signfile, locks) and kept what the store must keep. Exit
 * 130/143 (`INTERRUPT_EXIT_CODES`). `cause`: what the aborted lifecycle threw.
 */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
  readonly code = 'INTERRUPTED';
  readonly hint = 'Run the command again when wanted; an application left unsent is sent again with its saved key and CSR, a pending one is retrieved by its handle.';
  readonly signal: InterruptSignal;
  constructor(signal: InterruptSignal, cause: unknown) {
    super(`Interrupted by ${signal} before any answer of the CA; the run cleaned up after itself (a signfile it placed, its locks).`, { cause });
    this.signal = signal;
  }
}

/** A local file could not be read or written. Exit 7. */
export class LocalIoError extends Error {
  override name = 'LocalIoError';
  readonly code = 'LOCAL_IO';
  /** The errno code (`EACCES`, `ENOENT`, `ENOSPC`…), when known. */
  readonly errno: string | undefined;
  readonly hint: string;
  /** @param elsewhere - where else the user could write, for a file acmapi writes (e.g. {@link STORE_ELSEWHERE}); none for a file the user names to be read. */
  constructor(action: string, path: string, cause: unknown, elsewhere?: string) {
    const errno = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    super(`Could not ${action} ${path}${errno === undefined ? '' : ` (${errno})`}${fileTooLargeDetail(cause)}.`, { cause });
    this.errno = errno;
    this.hint = localIoHint(errno, elsewhere);
  }
}

/** The other place for a file operation in the certificate store: another store folder. */
export const STORE_ELSEWHERE = 'choose another folder with --out';

/**
 * What to do about a failed file operation, by its errno code: each names the one cause
 * it means (a read-only file system is not a missing path, a full disk not a permission).
 *
 * @param elsewhere - the other place the user could choose (e.g. {@link STORE_ELSEWHERE}), for a
 *   file acmapi writes; none for a file the user named (a signfile, a key, the CA file).
 */
export function localIoHint(errno: string | undefined, elsewhere?: string): string {
  const or = elsewhere === undefined ? '' : `, or ${elsewhere}`;
  switch (errno) {
    case 'ENOENT':
      return 'Check that the path exists.';
    case 'EISDIR':
      return `It is a folder: name the file itself${or}.`;
    case 'ENOTDIR':
      return `A part of the path is a file, not a folder: check the path${or}.`;
    case 'EACCES':
    case 'EPERM':
      return `Check the permissions of the file and its folder${or}.`;
    case 'EROFS':
      return `The file system is mounted read-only: mount it read-write${or}.`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The disk (or your quota) is full: free some space and run the command again.';
    case 'EFBIG':
      return 'Name the file itself, not a device, a pipe or a larger file.';
    case 'EILSEQ':
      return 'Save the file as UTF-8 (in PowerShell: Get-Content FILE | Set-Content -Encoding utf8 NEW), then run the command again.';
    default:
      return `Check the path, its permissions and the free disk space${or}.`;
  }
}

/**
 * Runs a file operation and turns its failure into a {@link LocalIoError} naming the path.
 * `elsewhere`: see {@link LocalIoError}.
 *
 * @throws {LocalIoError} when `fn` throws.
 */
export async function localIo<T>(action: string, path: string, fn: () => Promise<T>, elsewhere?: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new LocalIoError(action, path, error, elsewhere);
  }
}

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
    super(`Interrupted by ${signal} before the CA answered; the run cleaned up after itself (a signfile it placed, its locks).`, { cause });
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
  constructor(action: string, path: string, cause: unknown) {
    const errno = typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    super(`Could not ${action} ${path}${errno === undefined ? '' : ` (${errno})`}${fileTooLargeDetail(cause)}.`, { cause });
    this.errno = errno;
    this.hint = localIoHint(errno);
  }
}

/**
 * What to do about a failed file operation, by its errno code: each names the one cause
 * it means (a read-only file system is not a missing path, a full disk not a permission).
 */
export function localIoHint(errno: string | undefined): string {
  switch (errno) {
    case 'ENOENT':
      return 'Check that the path exists.';
    case 'EACCES':
    case 'EPERM':
      return 'Check the permissions of the file and its folder, or choose another folder with --out.';
    case 'EROFS':
      return 'The file system is mounted read-only: mount it read-write, or choose another folder with --out.';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The disk (or your quota) is full: free some space and run the command again.';
    case 'EFBIG':
      return 'Name the file itself, not a device, a pipe or a larger file.';
    case 'EILSEQ':
      return 'Save the file as UTF-8 (in PowerShell: Get-Content FILE | Set-Content -Encoding utf8 NEW), then run the command again.';
    default:
      return 'Check the path, its permissions and the free disk space, or choose another folder with --out.';
  }
}

/**
 * Runs a file operation and turns its failure into a {@link LocalIoError} naming the path.
 *
 * @throws {LocalIoError} when `fn` throws.
 */
export async function localIo<T>(action: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new LocalIoError(action, path, error);
  }
}

/**
 * Reads of files a person names (signfile, project file, CSR, key, passphrase, CA file,
 * sandbox configuration), capped: `--signfile /dev/zero` or a FIFO fed forever must end in an
 * error, not in memory growing until the process is killed. The cap is checked on the bytes
 * actually read, not on `stat` (a device or pipe reports size 0).
 */
import { open } from 'node:fs/promises';

/** 1 MiB: the default cap, far above any real signfile, CSR, key or `acmapi.json`. */
export const MAX_LOCAL_FILE_BYTES = 1024 * 1024;

/** 4 MiB: the cap for CA bundles, which hold a whole trust store (~0.2 MiB on Debian). */
export const MAX_CA_FILE_BYTES = 4 * 1024 * 1024;

/** 64 KiB: the cap for a passphrase file. */
export const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;

/**
 * A file named by the user is larger than the cap for its kind. Shaped like a Node file
 * error (`code` `EFBIG`, `path`) so that every wrapper of read failures takes it as one;
 * its message names the file and the cap.
 */
export class LocalFileTooLargeError extends Error {
  override name = 'LocalFileTooLargeError';
  /** `EFBIG`, as POSIX names "file too large". */
  readonly code = 'EFBIG';
  /** The file, as given. */
  readonly path: string;
  /** The cap, in bytes. */
  readonly maxBytes: number;

  constructor(path: string, maxBytes: number) {
    super(`${path} is larger than ${formatBytes(maxBytes)}, the most acmapi reads from such a file.`);
    this.path = path;
    this.maxBytes = maxBytes;
  }
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Options of {@link readLocalFile}. */
export interface ReadLocalFileOptions {
  /** The most bytes to accept. @default {@link MAX_LOCAL_FILE_BYTES} */
  readonly maxBytes?: number | undefined;
}

/**
 * Reads a whole file named by the user, at most `maxBytes` of it.
 *
 * @returns the file's bytes.
 * @throws {LocalFileTooLargeError} (`code` `EFBIG`) when the file holds more than `maxBytes`
 *   bytes (an endless file included); the Node file error (`ENOENT`, `EACCES`, `EISDIR`…)
 *   when it cannot be opened or read.
 */
export async function readLocalFile(path: string, options: ReadLocalFileOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? MAX_LOCAL_FILE_BYTES;
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    // Read one byte past the cap, so a file of exactly the cap is accepted.
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new LocalFileTooLargeError(path, maxBytes);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** {@link readLocalFile} as UTF-8 text. */
export async function readLocalTextFile(path: string, options: ReadLocalFileOptions = {}): Promise<string> {
  return (await readLocalFile(path, options)).toString('utf8');
}

/**
 * For a wrapper's message: `": it is larger than 1 MiB, …"` when `error` is a
 * {@link LocalFileTooLargeError}, else the empty string (the cause carries the rest).
 */
export function fileTooLargeDetail(error: unknown): string {
  return error instanceof LocalFileTooLargeError ? ` (larger than ${formatBytes(error.maxBytes)}, the most acmapi reads from such a file)` : '';
}

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

/**
 * A text file named by the user is in UTF-16 (it starts with a UTF-16 byte-order mark), as
 * Windows PowerShell 5's `>` and `Out-File`, and Notepad's "Unicode", save text. Read as
 * UTF-8 it would be garbage (a CSR that does not parse, a token that does not match), so it
 * is refused. Shaped like a Node file error (`code` `EILSEQ`, `path`) as
 * {@link LocalFileTooLargeError} is.
 */
export class LocalFileEncodingError extends Error {
  override name = 'LocalFileEncodingError';
  /** `EILSEQ`, as POSIX names "illegal byte sequence". */
  readonly code = 'EILSEQ';
  /** The file, as given. */
  readonly path: string;
  /** The encoding its byte-order mark declares. */
  readonly encoding: 'UTF-16LE' | 'UTF-16BE';

  constructor(path: string, encoding: 'UTF-16LE' | 'UTF-16BE') {
    super(`${path} is saved as ${encoding}; acmapi reads text files as UTF-8.`);
    this.path = path;
    this.encoding = encoding;
  }
}

/** The UTF-16 encoding a leading byte-order mark declares, or `undefined`. */
export function utf16ByteOrderMark(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE';
  return undefined;
}

/**
 * {@link readLocalFile} as UTF-8 text, less a leading UTF-8 byte-order mark: Windows editors
 * (Notepad before Windows 10 1903, Visual Studio, PowerShell's `-Encoding UTF8`) write one,
 * and no file acmapi reads as text (JSON, PEM, passphrase) means it. CRLF line ends are kept:
 * JSON and PEM parsers accept them.
 *
 * @throws {LocalFileEncodingError} (`code` `EILSEQ`) for a file that starts with a UTF-16
 *   byte-order mark; else as {@link readLocalFile}.
 */
export async function readLocalTextFile(path: string, options: ReadLocalFileOptions = {}): Promise<string> {
  const bytes = await readLocalFile(path, options);
  const utf16 = utf16ByteOrderMark(bytes);
  if (utf16 !== undefined) throw new LocalFileEncodingError(path, utf16);
  return stripByteOrderMark(bytes.toString('utf8'));
}

/** The text less one leading U+FEFF (a UTF-8 byte-order mark, decoded). */
export function stripByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * For a wrapper's message: `" (larger than 1 MiB, …)"` when `error` is a
 * {@link LocalFileTooLargeError}, `" (saved as UTF-16LE; save it as UTF-8)"` when it is a
 * {@link LocalFileEncodingError}, else the empty string (the cause carries the rest).
 */
export function fileTooLargeDetail(error: unknown): string {
  if (error instanceof LocalFileTooLargeError) return ` (larger than ${formatBytes(error.maxBytes)}, the most acmapi reads from such a file)`;
  if (error instanceof LocalFileEncodingError) return ` (saved as ${error.encoding}: save it as UTF-8, e.g. Set-Content -Encoding utf8, or "Save with Encoding" in the editor)`;
  return '';
}

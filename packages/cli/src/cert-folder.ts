/**
 * The certificate folder `OUT/<first domain>/`: file names, the pending record,
 * and finding a pending folder by its handle. Every write is atomic.
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@acmapi/core';
import { LocalIoError, localIo, UsageError } from './cli-errors.js';

/** File names inside a certificate folder. */
export const FILES = {
  privateKey: 'privkey.pem',
  csr: 'csr.pem',
  cert: 'cert.pem',
  chain: 'chain.pem',
  fullchain: 'fullchain.pem',
  pending: 'pending.json',
  /** A renewal's new private key, until its certificate is installed (the live pair stays intact). */
  nextPrivateKey: 'privkey.next.pem',
  /** A renewal's new CSR, until its certificate is installed. */
  nextCsr: 'csr.next.pem',
} as const;

/** What `pending.json` holds: enough to retrieve later. Never the auth token. */
export interface PendingRecord {
  /** Format version of this file. */
  version: 1;
  handleId: string;
  domains: string[];
  /** The endpoint the application went to; retrieve must ask the same CA. */
  endpoint: string;
  /** ISO 8601 time of the application. */
  createdAt: string;
  /** ISO 8601 time of the last answer "pending". */
  checkedAt: string;
  /**
   * Whether the key and CSR of this application are staged as `privkey.next.pem` /
   * `csr.next.pem` because the folder already held an installed certificate.
   */
  staged?: boolean;
}

/** The folder of a certificate: `OUT/<first domain>`. */
export function certFolder(outDir: string, domains: readonly string[]): string {
  const first = domains[0];
  if (first === undefined) throw new UsageError('No domain given.', { hint: 'Name at least one domain with -d.' });
  return join(outDir, first);
}

/** Creates the folder (and parents); 0755 since the private key itself is 0600. */
export async function ensureFolder(dir: string): Promise<void> {
  await localIo('create the folder', dir, () => mkdir(dir, { recursive: true }));
}

/** Writes one file of the folder atomically; `secret` files get mode 0600. */
export async function writeInFolder(dir: string, name: string, data: string, secret = false): Promise<string> {
  const path = join(dir, name);
  await localIo('write', path, () => writeFileAtomic(path, data, secret ? { mode: 0o600 } : {}));
  return path;
}

/** Reads a UTF-8 file, or `undefined` when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw new LocalIoError('read', path, error);
  }
}

/** Whether a file exists (any error but "not found" counts as existing: never overwrite blindly). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    return !isErrno(error, 'ENOENT');
  }
}

/**
 * Names of the key and CSR files of an application: the live names, or the staged
 * `.next` names while a renewal's certificate is not yet installed.
 */
export function keyFileNames(staged: boolean): { privateKey: string; csr: string } {
  return staged ? { privateKey: FILES.nextPrivateKey, csr: FILES.nextCsr } : { privateKey: FILES.privateKey, csr: FILES.csr };
}

/** Saves `pending.json` (0600: it names the handle of someone's application). */
export async function savePending(dir: string, record: PendingRecord): Promise<string> {
  return writeInFolder(dir, FILES.pending, `${JSON.stringify(record, null, 2)}\n`, true);
}

/** Removes `pending.json` once the certificate is written. */
export async function removePending(dir: string): Promise<void> {
  const path = join(dir, FILES.pending);
  await localIo('remove', path, () => rm(path, { force: true }));
}

/**
 * Reads and checks a folder's `pending.json`.
 *
 * @returns the record, or `undefined` when the folder has none.
 * @throws {UsageError} `USAGE_PENDING_FILE` when it is not a pending record.
 */
export async function readPending(dir: string): Promise<PendingRecord | undefined> {
  const path = join(dir, FILES.pending);
  const text = await readIfExists(path);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isPendingRecord(value)) {
    throw new UsageError(`${path} is not a pending record written by acmapi.`, {
      code: 'USAGE_PENDING_FILE',
      hint: 'Restore the file from a backup, or remove it and apply again with acmapi issue.',
    });
  }
  return value;
}

/**
 * Finds the folder whose `pending.json` names `handleId`: `dir` itself when given,
 * else each folder directly under `outDir`.
 *
 * @throws {UsageError} `USAGE_PENDING_NOT_FOUND` naming where it looked and what to pass.
 */
export async function findPendingFolder(
  handleId: string,
  where: { outDir: string; dir?: string | undefined },
): Promise<{ dir: string; record: PendingRecord }> {
  const candidates: string[] = [];
  if (where.dir !== undefined) {
    candidates.push(where.dir);
  } else {
    let entries: string[] = [];
    try {
      entries = (await readdir(where.outDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw new LocalIoError('list', where.outDir, error);
    }
    candidates.push(...entries.sort().map((name) => join(where.outDir, name)));
  }
  for (const dir of candidates) {
    const record = await readPending(dir);
    if (record?.handleId === handleId) return { dir, record };
  }
  const place = where.dir ?? `${where.outDir}/*`;
  throw new UsageError(`No pending application with handle ${JSON.stringify(handleId)} in ${place}.`, {
    code: 'USAGE_PENDING_NOT_FOUND',
    hint: 'acmapi retrieve needs the folder where acmapi issue saved the private key, CSR and pending.json: pass --out with the same folder as for issue, or --dir with the certificate folder.',
  });
}

function isPendingRecord(value: unknown): value is PendingRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    r['version'] === 1 &&
    typeof r['handleId'] === 'string' &&
    r['handleId'] !== '' &&
    Array.isArray(r['domains']) &&
    r['domains'].every((d) => typeof d === 'string') &&
    typeof r['endpoint'] === 'string' &&
    typeof r['createdAt'] === 'string' &&
    typeof r['checkedAt'] === 'string' &&
    (r['staged'] === undefined || typeof r['staged'] === 'boolean')
  );
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

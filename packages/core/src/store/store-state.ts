/**
 * `state.json`: the one file that says what a certificate's store folder means. It is the
 * commit point of every change: version folders are written complete first, then this file
 * is replaced atomically (temporary file, fsync, rename), and only then are the derived
 * `live` link and top-level files brought in line with it. A crash at any moment leaves
 * either the old or the new `state.json`, and both describe complete, matching files.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { StoreError } from '../errors/errors.js';
import { KEY_TYPES, type KeyType } from '../pki/key-types.js';
import { writeFileAtomic } from './write-atomic.js';

const isoDate = z.iso.datetime();

/** The certificate a version holds, once installed. */
const versionCertificate = z.object({
  fingerprintSha256: z.string(),
  serialNumber: z.string(),
  issuer: z.string(),
  notBefore: isoDate,
  notAfter: isoDate,
});

/**
 * The life of one version folder (one private key):
 * `prepared` (key and CSR saved; the application may or may not have reached the CA) →
 * `pending` (the CA gave a handle) → `live` → `archived` (replaced by a newer live one);
 * or `refused` (the CA answered 109: key retired), or `abandoned` (replaced by a forced new
 * application). No status deletes the folder: a private key is never removed by the store.
 */
export const VERSION_STATUSES = ['prepared', 'pending', 'live', 'archived', 'refused', 'abandoned'] as const;
/** See {@link VERSION_STATUSES}. */
export type VersionStatus = (typeof VERSION_STATUSES)[number];

const versionEntry = z.object({
  id: z.string().regex(/^[0-9A-Za-z-]+$/),
  status: z.enum(VERSION_STATUSES),
  domains: z.array(z.string()).min(1),
  keyType: z.enum(KEY_TYPES as readonly [KeyType, ...KeyType[]]),
  preparedAt: isoDate,
  endpoint: z.string().optional(),
  handleId: z.string().optional(),
  pendingSince: isoDate.optional(),
  lastPolledAt: isoDate.optional(),
  polls: z.number().int().nonnegative().default(0),
  installedAt: isoDate.optional(),
  certificate: versionCertificate.optional(),
  retiredAt: isoDate.optional(),
  reason: z.string().optional(),
});

const lastError = z.object({ code: z.string(), message: z.string(), at: isoDate });

/** The schema of `state.json` (format 1). */
export const storeStateSchema = z.object({
  format: z.literal(1),
  name: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
  /** Id of the live version, absent until the first certificate is installed. */
  current: z.string().optional(),
  /** Id of the application in progress (status `prepared` or `pending`). */
  attempt: z.string().optional(),
  lastError: lastError.optional(),
  versions: z.array(versionEntry),
});

/** The content of `state.json`. */
export type StoreState = z.output<typeof storeStateSchema>;
/** One entry of {@link StoreState.versions}. */
export type VersionEntry = StoreState['versions'][number];

/**
 * Parses the text of a `state.json`.
 *
 * @throws {StoreError} `STORE_CORRUPT` naming the file and the first problem.
 */
export function parseStoreState(text: string, file: string, name: string): StoreState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StoreError('STORE_CORRUPT', `The store file ${file} is not JSON.`, {
      cause: error,
      certificate: name,
      path: file,
      hint: 'Restore it from a backup; the private keys in the version folders are untouched.',
    });
  }
  const result = storeStateSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new StoreError(
      'STORE_CORRUPT',
      `The store file ${file} is not a valid certificate state (${issue === undefined ? 'unknown problem' : `${issue.path.join('.')}: ${issue.message}`}).`,
      { certificate: name, path: file, hint: 'Restore it from a backup; the private keys in the version folders are untouched.' },
    );
  }
  return result.data;
}

/**
 * Reads `state.json`, or `undefined` when it does not exist.
 *
 * @throws {StoreError} `STORE_CORRUPT` when it exists but is not a valid state.
 */
export async function readStoreState(file: string, name: string): Promise<StoreState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseStoreState(text, file, name);
}

/** Writes `state.json` atomically: this is the commit point of every store change. */
export async function writeStoreState(file: string, state: StoreState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The entry of version `id`. */
export function findVersion(state: StoreState, id: string | undefined): VersionEntry | undefined {
  return id === undefined ? undefined : state.versions.find((entry) => entry.id === id);
}

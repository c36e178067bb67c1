/**
 * The schema of `state.json` (see `store-state.ts`) and its parser. Kept in a module of its
 * own because zod takes about 80 ms to load: `readStoreState` imports this module when it
 * reads the first `state.json`, so listing an empty store (or starting any command that
 * reads none) does not pay for it.
 */
import * as z from 'zod';
import { StoreError } from '../errors/errors.js';
import { KEY_TYPES, type KeyType } from '../pki/key-types.js';

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

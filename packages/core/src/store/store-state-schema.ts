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
  /** Scheme, host, port and path only: never a URL's user info, query or fragment (credentials may sit there). */
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

const absolutePath = z.string().min(1);
const port = z.number().int().min(0).max(65_535);

/** `settings`: what the certificate remembers (see `lifecycle/settings.ts`); paths and names only, never a secret. */
const settings = z.object({
  domains: z.array(z.string()),
  keyType: z.enum(KEY_TYPES as readonly [KeyType, ...KeyType[]]).optional(),
  reuseKey: z.boolean().optional(),
  signfile: z
    .object({
      path: absolutePath.optional(),
      name: z.string().min(1).optional(),
      placement: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }),
        z.object({ kind: z.literal('webroot'), dir: absolutePath, iis: z.boolean() }),
        z.object({ kind: z.literal('standalone'), port }),
      ]),
      preflight: z.enum(['warn', 'strict', 'off']).optional(),
    })
    .optional(),
  pkcs12: z.object({ passphraseFile: absolutePath.optional(), passphraseEnv: z.string().min(1).optional() }).optional(),
  install: z
    .object({
      key: absolutePath.optional(),
      cert: absolutePath.optional(),
      chain: absolutePath.optional(),
      fullchain: absolutePath.optional(),
      combined: absolutePath.optional(),
      owner: z.string().min(1).optional(),
      mode: z.number().int().min(0).max(0o7777).optional(),
    })
    .optional(),
  hooks: z
    .object({
      pre: z.string().optional(),
      post: z.string().optional(),
      deploy: z.string().optional(),
      failure: z.string().optional(),
      timeoutMs: z.number().int().positive().optional(),
    })
    .optional(),
  renewBeforeDays: z.number().nonnegative().optional(),
});

/** `renewal`: the renewal time chosen once for the live certificate (the one with `forFingerprint`). */
const renewal = z.object({ at: isoDate, forFingerprint: z.string() });

/** `failures`: consecutive failures since the last install, and when to try again. */
const failures = z.object({ count: z.number().int().positive(), firstAt: isoDate, lastAt: isoDate, nextAttemptAt: isoDate, code: z.string() });

/** `lastAttempt`: the last run that reached the CA or failed. */
const lastAttempt = z.object({ at: isoDate, result: z.enum(['issued', 'pending', 'failed', 'not-due']), code: z.string().optional() });

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
  // Since issue 10; optional, so a state.json written before reads unchanged (format stays 1).
  settings: settings.optional(),
  renewal: renewal.optional(),
  failures: failures.optional(),
  lastAttempt: lastAttempt.optional(),
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
    // A byte-order mark from an editor that opened state.json is not corruption.
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
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

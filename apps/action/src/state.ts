/**
 * The pending-application state saved with the output (`PATH/<name>/acmapi-state.json`),
 * so that the next run retrieves by handle instead of applying again (spec §3
 * "pending": keep the handle and the private key). The private key is only ever in
 * it encrypted (PKCS#8, AES-256-CBC, from `key-passphrase`), never as plaintext.
 */
import { createPrivateKey } from 'node:crypto';

/** File name of the state in a certificate's folder. */
export const STATE_FILE = 'acmapi-state.json';

/** Version of the state format. */
export const STATE_VERSION = 1;

/** A pending application, as saved. */
export interface PendingState {
  readonly version: typeof STATE_VERSION;
  /** The application's handle (spec §3 `handle_id`). */
  readonly handleId: string;
  /** The domains applied for, normalised. */
  readonly domains: readonly string[];
  /** The CSR sent, PEM. */
  readonly csr: string;
  /** The private key the Action generated, encrypted PKCS#8 PEM; absent when the key came from a secret or was never seen. */
  readonly encryptedPrivateKey?: string;
  /** When the application was made, ISO 8601. */
  readonly appliedAt: string;
}

/** The saved state is unreadable, or its key cannot be decrypted. */
export class StateError extends Error {
  override name = 'StateError';
}

/**
 * Encrypts a private key to PKCS#8 PEM (`BEGIN ENCRYPTED PRIVATE KEY`, PBES2 with AES-256-CBC).
 * @throws {StateError} for an empty passphrase.
 */
export function encryptPrivateKey(privateKeyPem: string, passphrase: string): string {
  if (passphrase === '') throw new StateError('The key passphrase is empty.');
  return createPrivateKey(privateKeyPem)
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase })
    .toString();
}

/**
 * Decrypts an encrypted PKCS#8 PEM to an unencrypted PKCS#8 PEM.
 * @throws {StateError} when the passphrase is wrong or the PEM damaged (the message holds neither).
 */
export function decryptPrivateKey(encryptedPem: string, passphrase: string): string {
  try {
    return createPrivateKey({ key: encryptedPem, format: 'pem', passphrase }).export({ format: 'pem', type: 'pkcs8' }).toString();
  } catch (error) {
    throw new StateError('The saved private key could not be decrypted: check that key-passphrase is the passphrase of the run that applied.', { cause: error });
  }
}

/** Serialises a state (stable key order, trailing newline, so unchanged state commits nothing). */
export function formatState(state: PendingState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

/**
 * Parses a saved state.
 * @throws {StateError} when it is not a state of this version; the message says to delete it to apply afresh.
 */
export function parseState(text: string, where: string): PendingState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateError(`${where} is not JSON; delete it to apply afresh.`, { cause: error });
  }
  const v = value as Partial<Record<keyof PendingState, unknown>> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    v.version === STATE_VERSION &&
    typeof v.handleId === 'string' &&
    v.handleId !== '' &&
    Array.isArray(v.domains) &&
    v.domains.every((d) => typeof d === 'string') &&
    typeof v.csr === 'string' &&
    typeof v.appliedAt === 'string' &&
    (v.encryptedPrivateKey === undefined || (typeof v.encryptedPrivateKey === 'string' && v.encryptedPrivateKey.includes('BEGIN ENCRYPTED PRIVATE KEY')));
  if (!ok) throw new StateError(`${where} is not an acmapi state of version ${STATE_VERSION}; delete it to apply afresh.`);
  return value as PendingState;
}

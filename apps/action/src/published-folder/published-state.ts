/**
 * `PATH/<name>/acmapi-state.json`: what the published folder keeps of a certificate beside its
 * PEM files — the application in progress (spec §3: a pending application keeps its handle
 * and its key), the last error, and the last retired application — as a small versioned JSON
 * that is committed or uploaded with the certificates. The private key is only ever in it
 * encrypted (PKCS#8, `BEGIN ENCRYPTED PRIVATE KEY`). Pure: parsing and formatting only.
 *
 * Version 1 (the Action before the lifecycle moved into core) held one pending application
 * at the top level; it is still read, so that an upgrade keeps a pending handle, and is
 * written back as version 2 at the next change.
 */
import type { KeyType } from '@acmapi/core';
import { escapeUnprintableJson } from '@acmapi/core/text';

/** File name of the state in a certificate's folder. */
export const STATE_FILE = 'acmapi-state.json';

/** The format written. */
export const STATE_VERSION = 2;

/** An application in progress (see core's `StoredApplication`). Times are ISO 8601. */
export interface PublishedApplication {
  /** `prepared`: key and CSR saved before sending, no answer known; `pending`: the CA gave a handle (spec §3 status 1). */
  readonly status: 'prepared' | 'pending';
  /** The handle (spec §3 `handle_id`), once pending. */
  readonly handleId?: string;
  /** The domains applied for, normalised (spec §4). */
  readonly domains: readonly string[];
  readonly keyType: KeyType;
  /** The CSR sent, PEM. */
  readonly csr: string;
  /**
   * The private key, encrypted PKCS#8 PEM; absent when the user keeps the key (a `private-key`
   * secret, a CSR alone). A generated key is always saved here: the repository refuses one it
   * cannot encrypt. (Releases before that saved a pending application without its generated
   * key: such a key is lost, and reading the application fails with `STORE_KEY_MISSING`.)
   */
  readonly encryptedPrivateKey?: string;
  /**
   * `true`: the private key of `csr` stays with the user (a CSR given alone, or a key given
   * from a secret), so no key is saved and none is missing. Absent in files of earlier
   * releases, where a CSR the user still gives tells the same.
   */
  readonly keyWithUser?: true;
  /** The endpoint the application went to. */
  readonly endpoint?: string;
  readonly preparedAt: string;
  /** When the CA answered pending. */
  readonly pendingSince?: string;
  /** Polls of the pending application so far. */
  readonly polls: number;
  readonly lastPolledAt?: string;
}

/** The newest application that ended without a certificate (its key is not kept). */
export interface PublishedRetiredApplication {
  /** `refused` by the CA; `abandoned` for a forced new application. */
  readonly status: 'refused' | 'abandoned';
  readonly domains: readonly string[];
  readonly keyType: KeyType;
  readonly handleId?: string;
  readonly retiredAt: string;
  /** Why it ended, `CODE: message`. */
  readonly reason?: string;
}

/** The last failure, until the next certificate is installed. */
export interface PublishedError {
  readonly code: string;
  readonly message: string;
  readonly at: string;
}

/** The whole state file (version 2). */
export interface PublishedState {
  readonly version: typeof STATE_VERSION;
  readonly application?: PublishedApplication;
  readonly lastError?: PublishedError;
  readonly lastRetired?: PublishedRetiredApplication;
}

/** The state file cannot be read, or a saved key cannot be decrypted; the message says what to do. */
export class StateError extends Error {
  override name = 'StateError';
}

/** Whether the state holds nothing worth keeping (then the file is removed). */
export function isEmptyState(state: PublishedState): boolean {
  return state.application === undefined && state.lastError === undefined && state.lastRetired === undefined;
}

/**
 * Serialises a state: stable key order and a trailing newline, so an unchanged state changes no
 * file. Control, bidi and invisible characters (a CA's text in `lastError`) are `\uXXXX`
 * escapes: the file is committed, and a diff or a `cat` shows them instead of obeying them.
 */
export function formatState(state: PublishedState): string {
  return `${escapeUnprintableJson(JSON.stringify(state, null, 2))}\n`;
}

type Fields = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isOptionalText = (value: unknown): boolean => value === undefined || isText(value);
const isDomains = (value: unknown): value is string[] => Array.isArray(value) && value.length > 0 && value.every(isText);
const isEncryptedKey = (value: unknown): boolean => value === undefined || (isText(value) && value.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----'));

function application(value: unknown, isKeyType: (value: unknown) => value is KeyType): PublishedApplication | undefined {
  if (!isObject(value)) return undefined;
  const { status, handleId, domains, keyType, csr, encryptedPrivateKey, keyWithUser, endpoint, preparedAt, pendingSince, polls, lastPolledAt } = value;
  const ok =
    (status === 'prepared' || (status === 'pending' && isText(handleId))) &&
    isOptionalText(handleId) &&
    isDomains(domains) &&
    isKeyType(keyType) &&
    isText(csr) &&
    isEncryptedKey(encryptedPrivateKey) &&
    (keyWithUser === undefined || keyWithUser === true) &&
    isOptionalText(endpoint) &&
    isText(preparedAt) &&
    isOptionalText(pendingSince) &&
    typeof polls === 'number' &&
    Number.isInteger(polls) &&
    polls >= 0 &&
    isOptionalText(lastPolledAt);
  return ok ? (value as unknown as PublishedApplication) : undefined;
}

function retired(value: unknown, isKeyType: (value: unknown) => value is KeyType): boolean {
  if (!isObject(value)) return false;
  return (
    (value['status'] === 'refused' || value['status'] === 'abandoned') &&
    isDomains(value['domains']) &&
    isKeyType(value['keyType']) &&
    isOptionalText(value['handleId']) &&
    isText(value['retiredAt']) &&
    isOptionalText(value['reason'])
  );
}

const isError = (value: unknown): boolean => isObject(value) && isText(value['code']) && typeof value['message'] === 'string' && isText(value['at']);

/** How {@link parseState} learns what it cannot read from the file itself. */
export interface ParseStateOptions {
  /** Where the file is (repository-relative), for messages. */
  readonly where: string;
  /** Core's `isKeyType`. */
  readonly isKeyType: (value: unknown) => value is KeyType;
  /** The key type of a CSR (version 1 did not record it). @throws when the CSR does not parse */
  readonly csrKeyType: (csrPem: string) => KeyType;
}

/**
 * Parses a state file of version 2, or of version 1 (a pending application: `handleId`,
 * `domains`, `csr`, `encryptedPrivateKey?`, `appliedAt`), which becomes version 2.
 *
 * @throws {StateError} when it is not JSON or not a state of either version; the message says
 *   to delete it to apply afresh (which gives up the application it held).
 */
export function parseState(text: string, options: ParseStateOptions): PublishedState {
  const { where, isKeyType } = options;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateError(`${where} is not JSON; delete it to apply afresh.`, { cause: error });
  }
  const invalid = (): StateError => new StateError(`${where} is not an acmapi state of version 1 or ${STATE_VERSION}; delete it to apply afresh.`);
  if (!isObject(value)) throw invalid();
  if (value['version'] === 1) {
    const { handleId, domains, csr, encryptedPrivateKey, appliedAt } = value;
    if (!isText(handleId) || !isDomains(domains) || !isText(csr) || !isEncryptedKey(encryptedPrivateKey) || !isText(appliedAt)) throw invalid();
    let keyType: KeyType;
    try {
      keyType = options.csrKeyType(csr);
    } catch (error) {
      throw new StateError(`${where} holds a CSR that does not parse; delete it to apply afresh.`, { cause: error });
    }
    const pending: PublishedApplication = {
      status: 'pending',
      handleId,
      domains,
      keyType,
      csr,
      ...(encryptedPrivateKey === undefined ? {} : { encryptedPrivateKey: encryptedPrivateKey as string }),
      preparedAt: appliedAt,
      pendingSince: appliedAt,
      polls: 0,
    };
    return { version: STATE_VERSION, application: pending };
  }
  if (value['version'] !== STATE_VERSION) throw invalid();
  const pending = value['application'] === undefined ? undefined : application(value['application'], isKeyType);
  if (value['application'] !== undefined && pending === undefined) throw invalid();
  if (value['lastError'] !== undefined && !isError(value['lastError'])) throw invalid();
  if (value['lastRetired'] !== undefined && !retired(value['lastRetired'], isKeyType)) throw invalid();
  return value as unknown as PublishedState;
}

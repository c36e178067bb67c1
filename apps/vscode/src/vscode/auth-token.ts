/**
 * The auth token lives in VS Code's SecretStorage (the OS keychain on the desktop) and nowhere
 * else: not in settings, not in acmapi.json, not in a log.
 *
 * One token per CA endpoint (issue 12). It used to be keyed by endpoint AND customer id, so a
 * token set before the customer id was filled in (the README's order) was silently lost when
 * the id changed. The endpoint stays in the key because the token must never be sent to
 * another server than the one it was given for; the customer id is shown beside it instead.
 * A token stored under the old key is moved to the new one when first read.
 */
import type * as vscode from 'vscode';

/** The key of the token of `endpoint`. */
export function secretKey(endpoint: string): string {
  return `acmapi.authToken.v2:${endpoint.trim()}`;
}

/** The key of versions up to 0.1 (endpoint and customer id), read once for the move. */
function legacyKey(endpoint: string, customerId: string): string {
  return `acmapi.authToken:${endpoint}#${customerId}`;
}

/** Reads and writes the auth token of one endpoint. */
export class AuthTokenStore {
  readonly #secrets: vscode.SecretStorage;

  constructor(secrets: vscode.SecretStorage) {
    this.#secrets = secrets;
  }

  /**
   * The token of `endpoint`, or `undefined`. With `customerId`, a token stored by an earlier
   * version for that endpoint and customer id is moved to the endpoint's key first.
   */
  async get(endpoint: string, customerId?: string): Promise<string | undefined> {
    const token = await this.#secrets.get(secretKey(endpoint));
    if (token !== undefined || customerId === undefined) return token;
    const legacy = await this.#secrets.get(legacyKey(endpoint, customerId));
    if (legacy === undefined) return undefined;
    await this.#secrets.store(secretKey(endpoint), legacy);
    await this.#secrets.delete(legacyKey(endpoint, customerId));
    return legacy;
  }

  async set(endpoint: string, token: string): Promise<void> {
    await this.#secrets.store(secretKey(endpoint), token);
  }

  async delete(endpoint: string): Promise<void> {
    await this.#secrets.delete(secretKey(endpoint));
  }
}

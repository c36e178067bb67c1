/**
 * The auth token lives in VS Code's SecretStorage (the OS keychain on the desktop) and nowhere
 * else: not in settings, not in acmapi.json, not in a log. One token per endpoint and customer id.
 */
import type * as vscode from 'vscode';

function secretKey(endpoint: string, customerId: string): string {
  return `acmapi.authToken:${endpoint}#${customerId}`;
}

/** Reads and writes the auth token of one endpoint and customer id. */
export class AuthTokenStore {
  readonly #secrets: vscode.SecretStorage;

  constructor(secrets: vscode.SecretStorage) {
    this.#secrets = secrets;
  }

  async get(endpoint: string, customerId: string): Promise<string | undefined> {
    return this.#secrets.get(secretKey(endpoint, customerId));
  }

  async set(endpoint: string, customerId: string, token: string): Promise<void> {
    await this.#secrets.store(secretKey(endpoint, customerId), token);
  }

  async delete(endpoint: string, customerId: string): Promise<void> {
    await this.#secrets.delete(secretKey(endpoint, customerId));
  }
}

/**
 * A small memo of results computed from immutable input (a PEM text, a DER's base64), so that
 * one run checks the same CSR and certificates at every step without parsing them again: an
 * issue checks the key against the CSR, then the certificate in the client, then again in the
 * store before it writes anything. Every check still runs; only the parsing is shared. Bounded
 * (the oldest entry goes first) so a long-lived process (the extension) does not grow.
 */
export class Recent<V> {
  readonly #entries = new Map<string, V>();
  readonly #size: number;

  /** @param size - how many entries are kept, at least 1. */
  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** The value remembered for `key`, or `undefined`. */
  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  /** Remembers `value` for `key`, forgetting the oldest entry beyond the size. */
  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#size) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}
